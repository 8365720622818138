"""Meta's rules for a template's content (facts §4.2), checked before Meta sees it.

Meta's review takes hours and turns a malformed template down with little more than INVALID_FORMAT, so the hub
finds what Meta would refuse first, and reports every violation at once, each on its field (`components[1].text`,
`components[2].buttons[0].text`) with a message for the person who wrote it, saying the limit and what it found.

1. Name: 1 to 512 characters, lowercase letters, digits and underscores.
2. Language: one of the accepted codes (`rules.languages`).
3. Components: exactly one BODY; at most one HEADER, one FOOTER and one BUTTONS.
4. HEADER: TEXT holds up to 60 characters and 1 variable; IMAGE, VIDEO, GIF and DOCUMENT have no text and need a
   sample, the handle Meta's Resumable Upload API answered (`example.header_handle`); LOCATION has neither.
5. BODY: text of up to 1024 characters; no variable at its start or its end, and no two variables with nothing but
   spaces between them (Meta rejects those as INVALID_FORMAT).
6. FOOTER: text of up to 60 characters, without variables.
7. BUTTONS: 1 to 10; at most 2 URL, 1 PHONE_NUMBER and 1 COPY_CODE; the quick replies together, before or after
   the other buttons; labels of 1 to 25 characters; a URL starts with https:// (or http://) and may end with one
   variable, `{{1}}`, which needs its example; a FLOW button names its flow.
8. Variables of HEADER and BODY, written as `parameter_format` says: positional `{{1}}`, `{{2}}`… numbered from 1 in
   order without gaps (in each component), or named `{{first_name}}` (lowercase letters and underscores, each name
   once); an example for each, none empty (`example.body_text` / `header_text` by position, the `…_named_params`
   by name), and none for a variable the text lacks.
9. AUTHENTICATION: Meta writes the message. The BODY has no text (`add_security_recommendation` only), a FOOTER only
   `code_expiration_minutes` (1 to 90), BUTTONS exactly one OTP button (ONE_TAP and ZERO_TAP name the Android app;
   ZERO_TAP accepts Meta's terms), and there is no HEADER. The other categories use none of these, and their BODY
   needs its text.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from hub_shared.errors import FieldError
from hub_templates.models.content import (
    MEDIA_FORMATS,
    Body,
    BodyExample,
    Button,
    Buttons,
    ButtonType,
    Category,
    CopyCodeButton,
    FlowButton,
    Footer,
    Header,
    HeaderExample,
    HeaderFormat,
    NamedExample,
    OtpButton,
    OtpType,
    ParameterFormat,
    PhoneNumberButton,
    QuickReplyButton,
    TemplateContent,
    UrlButton,
)

NAME_MAX = 512
HEADER_TEXT_MAX = 60
HEADER_VARIABLES_MAX = 1
BODY_MAX = 1024
FOOTER_MAX = 60
BUTTONS_MAX = 10
BUTTON_TEXT_MAX = 25
BUTTON_TYPE_MAX: dict[ButtonType, int] = {"URL": 2, "PHONE_NUMBER": 1, "COPY_CODE": 1}
CODE_EXPIRATION_MIN, CODE_EXPIRATION_MAX = 1, 90

VARIABLE = re.compile(r"\{\{([^{}]*)\}\}")
"""Anything in double braces: Meta's variables, and what the writer meant as one (reported when malformed)."""
_POSITIONAL = re.compile(r"[1-9][0-9]*")
_NAMED = re.compile(r"_*[a-z][a-z_]*")
_NAME_CHARACTER = re.compile(r"[a-z0-9_]")
_URL_VARIABLE = "{{1}}"


@dataclass(frozen=True)
class Variable:
    """A variable as written in a text: `key` is what its braces hold."""

    key: str
    start: int
    end: int

    @property
    def placeholder(self) -> str:
        return placeholder(self.key)

    @property
    def positional(self) -> bool:
        return _POSITIONAL.fullmatch(self.key) is not None

    @property
    def named(self) -> bool:
        return _NAMED.fullmatch(self.key) is not None


def placeholder(key: str) -> str:
    """`{{key}}`."""
    return "{{" + key + "}}"


def counted(count: int, noun: str) -> str:
    """`1 variable`, `2 variables`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def variables(text: str) -> list[Variable]:
    """The variables of `text`, in order."""
    return [Variable(match.group(1), match.start(), match.end()) for match in VARIABLE.finditer(text)]


def check(content: TemplateContent, *, languages: frozenset[str]) -> list[FieldError]:
    """Every rule of Meta's that `content` breaks (none: Meta's review may take it), in the order of its fields."""
    errors = [*_name(content.name), *_language(content.language, languages), *_structure(content)]
    for index, component in enumerate(content.components):
        at = f"components[{index}]"
        if isinstance(component, Header):
            errors += _header(component, at, content)
        elif isinstance(component, Body):
            errors += _body(component, at, content)
        elif isinstance(component, Footer):
            errors += _footer(component, at, content)
        else:
            errors += _buttons(component, at, content)
    return errors


# ---------------------------------------------------------------- name, language, components


def _name(name: str) -> Iterator[FieldError]:
    if not name:
        yield FieldError("name", "The name must not be empty.")
        return
    if len(name) > NAME_MAX:
        yield FieldError("name", f"The name is at most {NAME_MAX} characters long (it has {len(name)}).")
    wrong = sorted({char for char in name if not _NAME_CHARACTER.fullmatch(char)})
    if wrong:
        found = ", ".join(f"“{char}”" for char in wrong)
        yield FieldError("name", f"The name may hold only lowercase letters, digits and underscores (it has {found}).")


def _language(language: str, languages: frozenset[str]) -> Iterator[FieldError]:
    if language not in languages:
        yield FieldError(
            "language", f"“{language}” is not a template language: use one of Meta's codes, such as en_US or pt_BR."
        )


def _structure(content: TemplateContent) -> Iterator[FieldError]:
    positions: defaultdict[str, list[int]] = defaultdict(list)
    for index, component in enumerate(content.components):
        positions[component.type].append(index)
    if not positions["BODY"]:
        yield FieldError("components", "A template needs a BODY component (it has none).")
    for kind in ("HEADER", "BODY", "FOOTER", "BUTTONS"):
        for index in positions[kind][1:]:
            yield FieldError(
                f"components[{index}]", f"A template has one {kind} component at most; this is another one."
            )
    if content.category is Category.AUTHENTICATION and not positions["BUTTONS"]:
        yield FieldError(
            "components", "An AUTHENTICATION template needs a BUTTONS component with its OTP button (it has none)."
        )


# ---------------------------------------------------------------- header, body, footer


def _header(header: Header, at: str, content: TemplateContent) -> Iterator[FieldError]:
    if content.category is Category.AUTHENTICATION:
        yield FieldError(at, "An AUTHENTICATION template has no header: Meta writes its message.")
        return
    example = header.example or HeaderExample()
    if example.header_handle is not None and header.format not in MEDIA_FORMATS:
        yield FieldError(
            f"{at}.example.header_handle",
            f"A {header.format} header has no media sample: header_handle is for IMAGE, VIDEO, GIF and DOCUMENT.",
        )
    if header.format is not HeaderFormat.TEXT:
        yield from _media_header(header, at, example)
        return
    text = header.text or ""
    if not text.strip():
        yield FieldError(f"{at}.text", "A TEXT header needs its text.")
        return
    if len(text) > HEADER_TEXT_MAX:
        yield FieldError(f"{at}.text", f"A header is at most {HEADER_TEXT_MAX} characters long (it has {len(text)}).")
    found = variables(text)
    yield from _variables(found, f"{at}.text", content.parameter_format)
    distinct = len({variable.key for variable in found})
    if distinct > HEADER_VARIABLES_MAX:
        yield FieldError(f"{at}.text", f"A header holds {HEADER_VARIABLES_MAX} variable at most (it has {distinct}).")
    rows = None if example.header_text is None else [example.header_text]
    yield from _examples(found, content.parameter_format, "header", rows, example.header_text_named_params, at)


def _media_header(header: Header, at: str, example: HeaderExample) -> Iterator[FieldError]:
    if header.text is not None:
        yield FieldError(f"{at}.text", f"A {header.format} header has no text.")
    if example.header_text is not None or example.header_text_named_params is not None:
        yield FieldError(f"{at}.example", f"A {header.format} header has no variables, so no header_text examples.")
    if header.format in MEDIA_FORMATS and not any(handle.strip() for handle in example.header_handle or ()):
        yield FieldError(
            f"{at}.example.header_handle",
            f"A {header.format} header needs a sample: upload it through Meta's Resumable Upload API and give its "
            "handle in example.header_handle.",
        )


def _body(body: Body, at: str, content: TemplateContent) -> Iterator[FieldError]:
    if content.category is Category.AUTHENTICATION:
        if body.text is not None:
            yield FieldError(
                f"{at}.text",
                "Meta writes an AUTHENTICATION template's body (“<code> is your verification code.”): leave text out.",
            )
        if body.example is not None:
            yield FieldError(f"{at}.example", "An AUTHENTICATION template's body has no variables, so no examples.")
        return
    if body.add_security_recommendation is not None:
        yield FieldError(
            f"{at}.add_security_recommendation",
            f"add_security_recommendation is for AUTHENTICATION templates (this one is {content.category}).",
        )
    text = body.text or ""
    if not text.strip():
        yield FieldError(f"{at}.text", f"A {content.category} template's body needs its text.")
        return
    if len(text) > BODY_MAX:
        yield FieldError(f"{at}.text", f"The body is at most {BODY_MAX} characters long (it has {len(text)}).")
    found = variables(text)
    yield from _variables(found, f"{at}.text", content.parameter_format)
    yield from _placement(text, found, f"{at}.text")
    example = body.example or BodyExample()
    yield from _examples(found, content.parameter_format, "body", example.body_text, example.body_text_named_params, at)


def _placement(text: str, found: list[Variable], field: str) -> Iterator[FieldError]:
    if not found:
        return
    if found[0].start == len(text) - len(text.lstrip()):
        yield FieldError(field, f"The body must not start with a variable ({found[0].placeholder}): start with words.")
    if found[-1].end == len(text.rstrip()):
        yield FieldError(field, f"The body must not end with a variable ({found[-1].placeholder}): end with words.")
    for before, after in pairwise(found):
        if not text[before.end : after.start].strip():
            yield FieldError(
                field,
                f"{before.placeholder} and {after.placeholder} are next to each other: put words between them.",
            )


def _footer(footer: Footer, at: str, content: TemplateContent) -> Iterator[FieldError]:
    minutes = footer.code_expiration_minutes
    if content.category is Category.AUTHENTICATION:
        if footer.text is not None:
            yield FieldError(
                f"{at}.text",
                "Meta writes an AUTHENTICATION template's footer (“This code expires in N minutes.”): leave text "
                "out and give code_expiration_minutes.",
            )
        if minutes is None:
            yield FieldError(
                f"{at}.code_expiration_minutes",
                f"An AUTHENTICATION template's footer says when the code expires: give code_expiration_minutes "
                f"({CODE_EXPIRATION_MIN} to {CODE_EXPIRATION_MAX}), or leave the footer out.",
            )
        elif not CODE_EXPIRATION_MIN <= minutes <= CODE_EXPIRATION_MAX:
            yield FieldError(
                f"{at}.code_expiration_minutes",
                f"code_expiration_minutes is {CODE_EXPIRATION_MIN} to {CODE_EXPIRATION_MAX} (it is {minutes}).",
            )
        return
    if minutes is not None:
        yield FieldError(
            f"{at}.code_expiration_minutes",
            f"code_expiration_minutes is for AUTHENTICATION templates (this one is {content.category}).",
        )
    text = footer.text or ""
    if not text.strip():
        yield FieldError(f"{at}.text", "The footer needs its text (or leave the footer out).")
        return
    if len(text) > FOOTER_MAX:
        yield FieldError(f"{at}.text", f"The footer is at most {FOOTER_MAX} characters long (it has {len(text)}).")
    found = variables(text)
    if found:
        listed = ", ".join(variable.placeholder for variable in found)
        yield FieldError(f"{at}.text", f"The footer takes no variables (it has {listed}).")


# ---------------------------------------------------------------- variables and their examples


def _variables(found: list[Variable], field: str, parameter_format: ParameterFormat) -> Iterator[FieldError]:
    """Each variable written as `parameter_format` says; positional ones numbered 1, 2, … in order, named ones
    each once."""
    named = parameter_format is ParameterFormat.NAMED
    for variable in found:
        if not variable.positional and not variable.named:
            yield FieldError(
                field,
                f"“{variable.placeholder}” is not a variable: write {{{{1}}}}, {{{{2}}}}… or, with parameter_format "
                "NAMED, a name of lowercase letters and underscores ({{first_name}}).",
            )
        elif named and variable.positional:
            yield FieldError(
                field,
                f"“{variable.placeholder}” is a positional variable but parameter_format is NAMED: name it "
                "({{first_name}}) or set parameter_format to POSITIONAL.",
            )
        elif not named and variable.named:
            yield FieldError(
                field,
                f"“{variable.placeholder}” is a named variable but parameter_format is POSITIONAL: write "
                "{{1}}, {{2}}… or set parameter_format to NAMED.",
            )
    if named:
        for key, count in Counter(v.key for v in found if v.named).items():
            if count > 1:
                yield FieldError(field, f"“{placeholder(key)}” is used {count} times: a named variable is used once.")
        return
    numbers = list(dict.fromkeys(int(v.key) for v in found if v.positional))
    for expected, number in enumerate(numbers, start=1):
        if number != expected:
            yield FieldError(
                field,
                f"Variables are numbered from {{{{1}}}} in order, without gaps: {placeholder(str(number))} comes "
                f"where {placeholder(str(expected))} is expected.",
            )
            return


def _examples(
    found: list[Variable],
    parameter_format: ParameterFormat,
    part: str,
    rows: Sequence[list[str]] | None,
    named: list[NamedExample] | None,
    at: str,
) -> Iterator[FieldError]:
    """An example for each variable of a header's or body's text, where Meta looks for it: `example.<part>_text`
    by position, `example.<part>_text_named_params` by name."""
    positional_field, named_field = f"{at}.example.{part}_text", f"{at}.example.{part}_text_named_params"
    if parameter_format is ParameterFormat.NAMED:
        if rows is not None:
            yield FieldError(
                positional_field, f"With parameter_format NAMED, give the examples by name in {part}_text_named_params."
            )
        yield from _named_examples([v.key for v in found if v.named], named or [], part, named_field)
        return
    if named is not None:
        yield FieldError(named_field, f"With parameter_format POSITIONAL, give the examples in order in {part}_text.")
    count = len({v.key for v in found if v.positional})
    if count and not rows:
        yield FieldError(
            positional_field, f"The {part} has {counted(count, 'variable')}: give an example of each in {part}_text."
        )
    for row in rows or ():
        if len(row) != count:
            yield FieldError(
                positional_field,
                f"{part}_text gives {counted(len(row), 'example')} for {counted(count, 'variable')}: "
                "give one per variable, in order.",
            )
        for number, sample in enumerate(row[:count], start=1):
            if not sample.strip():
                yield FieldError(positional_field, f"The example of {placeholder(str(number))} is empty.")


def _named_examples(keys: list[str], given: list[NamedExample], part: str, field: str) -> Iterator[FieldError]:
    names = list(dict.fromkeys(keys))
    counts = Counter(example.param_name for example in given)
    missing = [placeholder(name) for name in names if name not in counts]
    if missing:
        yield FieldError(field, f"Give an example of {', '.join(missing)} in {part}_text_named_params.")
    unknown = [placeholder(name) for name in counts if name not in names]
    if unknown:
        yield FieldError(field, f"The {part} has no {', '.join(unknown)}: give examples of its own variables only.")
    for name, count in counts.items():
        if count > 1:
            yield FieldError(field, f"{placeholder(name)} has {count} examples: give one.")
    for example in given:
        if example.param_name in names and not example.example.strip():
            yield FieldError(field, f"The example of {placeholder(example.param_name)} is empty.")


# ---------------------------------------------------------------- buttons


def _buttons(component: Buttons, at: str, content: TemplateContent) -> Iterator[FieldError]:
    buttons, field = component.buttons, f"{at}.buttons"
    if not buttons:
        yield FieldError(field, "A BUTTONS component needs a button (it has none).")
        return
    if content.category is Category.AUTHENTICATION:
        yield from _authentication_buttons(buttons, field)
        return
    if len(buttons) > BUTTONS_MAX:
        yield FieldError(field, f"A template has {BUTTONS_MAX} buttons at most (it has {len(buttons)}).")
    counts = Counter(button.type for button in buttons)
    for kind, limit in BUTTON_TYPE_MAX.items():
        if counts[kind] > limit:
            yield FieldError(
                field, f"A template has {counted(limit, kind + ' button')} at most (it has {counts[kind]})."
            )
    quick = [isinstance(button, QuickReplyButton) for button in buttons]
    changes = [index for index in range(1, len(quick)) if quick[index] != quick[index - 1]]
    if len(changes) > 1:
        yield FieldError(
            f"{field}[{changes[1]}]",
            "Quick-reply buttons stay together, before or after the other buttons: this one splits a group.",
        )
    for index, button in enumerate(buttons):
        yield from _button(button, f"{field}[{index}]")


def _button(button: Button, at: str) -> Iterator[FieldError]:
    if isinstance(button, OtpButton):
        yield FieldError(at, "OTP buttons are for AUTHENTICATION templates.")
        return
    if isinstance(button, CopyCodeButton):
        if not button.example.strip():
            yield FieldError(f"{at}.example", "A COPY_CODE button needs an example of the code.")
        return
    yield from _label(button.text, f"{at}.text")
    if isinstance(button, UrlButton):
        yield from _url(button, at)
    elif isinstance(button, PhoneNumberButton) and not button.phone_number.strip():
        yield FieldError(f"{at}.phone_number", "A PHONE_NUMBER button needs the number it calls.")
    elif isinstance(button, FlowButton) and not (button.flow_id or button.flow_name or button.flow_json):
        yield FieldError(at, "A FLOW button names its flow: give flow_id, flow_name or flow_json.")


def _label(text: str, field: str) -> Iterator[FieldError]:
    if not text.strip():
        yield FieldError(field, "A button needs its text.")
    elif len(text) > BUTTON_TEXT_MAX:
        yield FieldError(field, f"A button's text is at most {BUTTON_TEXT_MAX} characters long (it has {len(text)}).")


def _url(button: UrlButton, at: str) -> Iterator[FieldError]:
    url = button.url.strip()
    if not url.startswith(("https://", "http://")):
        yield FieldError(f"{at}.url", "A URL button's address starts with https:// (or http://).")
    found = variables(url)
    if found and (len(found) > 1 or not url.endswith(_URL_VARIABLE)):
        yield FieldError(f"{at}.url", "A URL takes one variable at most, {{1}}, at its very end.")
    if url.endswith(_URL_VARIABLE):
        if not button.example or len(button.example) != 1 or not button.example[0].strip():
            yield FieldError(f"{at}.example", 'The URL\'s {{1}} needs one example, such as ["summer2025"].')
    elif not found and button.example is not None:
        yield FieldError(f"{at}.example", "The URL has no variable, so it takes no example.")


def _authentication_buttons(buttons: list[Button], field: str) -> Iterator[FieldError]:
    otp = sum(isinstance(button, OtpButton) for button in buttons)
    if otp != 1:
        yield FieldError(field, f"An AUTHENTICATION template has exactly one OTP button (it has {otp}).")
    for index, button in enumerate(buttons):
        at = f"{field}[{index}]"
        if not isinstance(button, OtpButton):
            yield FieldError(at, f"An AUTHENTICATION template's one button is its OTP button, not {button.type}.")
            continue
        for name, label in (("text", button.text), ("autofill_text", button.autofill_text)):
            if label is not None:
                yield from _label(label, f"{at}.{name}")
        app = bool(button.supported_apps) or bool(button.package_name and button.signature_hash)
        if button.otp_type is not OtpType.COPY_CODE and not app:
            yield FieldError(
                at,
                f"A {button.otp_type} button names the Android app that takes the code: give supported_apps "
                "(package_name and signature_hash).",
            )
        if button.otp_type is OtpType.ZERO_TAP and button.zero_tap_terms_accepted is not True:
            yield FieldError(
                f"{at}.zero_tap_terms_accepted",
                "A ZERO_TAP button needs zero_tap_terms_accepted: true (Meta's terms of zero-tap codes).",
            )
