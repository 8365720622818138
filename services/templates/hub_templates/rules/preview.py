"""The preview: a template as its customer would see it, with the examples in place of its variables.

Texts keep WhatsApp's formatting marks (`*bold*`, `_italic_`) for the portal to show. A variable without an example
stays as written (`{{1}}`), so a missing example is visible. An AUTHENTICATION template shows the text Meta writes
for it, with SAMPLE_CODE as the code: "*123456* is your verification code." and, as asked, "For your security, do
not share this code." and, from the footer, "This code expires in N minutes." The preview takes any content,
including one that breaks Meta's rules (it is shown beside their errors), and never raises.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from hub_shared.model import HubModel
from hub_templates.models.content import (
    MEDIA_FORMATS,
    Body,
    Button,
    Buttons,
    ButtonType,
    Category,
    CopyCodeButton,
    Footer,
    Header,
    HeaderFormat,
    NamedExample,
    OtpButton,
    OtpType,
    PhoneNumberButton,
    TemplateContent,
    UrlButton,
)
from hub_templates.rules.checks import VARIABLE

SAMPLE_CODE = "123456"
"""The code an AUTHENTICATION template's preview shows."""
VERIFICATION = "*{code}* is your verification code."
SECURITY_RECOMMENDATION = "For your security, do not share this code."
EXPIRATION = "This code expires in {minutes} minutes."
COPY_OFFER_CODE = "Copy offer code"
"""Meta's label of a COPY_CODE button."""
OTP_LABELS = {OtpType.COPY_CODE: "Copy code", OtpType.ONE_TAP: "Autofill", OtpType.ZERO_TAP: "Copy code"}
"""Meta's labels of an OTP button given none (ONE_TAP: `autofill_text`; the others: `text`)."""


class PreviewHeader(HubModel):
    format: HeaderFormat
    text: str | None = Field(default=None, description="TEXT: with its example in place of its variable.")
    media_handle: str | None = Field(default=None, description="IMAGE, VIDEO, GIF, DOCUMENT: the sample's handle.")


class PreviewButton(HubModel):
    type: ButtonType
    text: str = Field(description="The label the customer sees.")
    url: str | None = Field(default=None, description="URL: with its example in place of its {{1}}.")
    phone_number: str | None = None


class Preview(HubModel):
    """A template as its customer would see it."""

    header: PreviewHeader | None = None
    body: str
    footer: str | None = None
    buttons: list[PreviewButton] = Field(default_factory=list)


def render(content: TemplateContent) -> Preview:
    """`content` as its customer would see it: the first component of each kind, with the examples filled in."""
    header = next((c for c in content.components if isinstance(c, Header)), None)
    body = next((c for c in content.components if isinstance(c, Body)), None)
    footer = next((c for c in content.components if isinstance(c, Footer)), None)
    buttons = next((c for c in content.components if isinstance(c, Buttons)), None)
    authentication = content.category is Category.AUTHENTICATION
    return Preview(
        header=_header(header) if header else None,
        body=_authentication_body(body) if authentication else _body(body),
        footer=_authentication_footer(footer) if authentication else (footer.text if footer else None),
        buttons=[_button(button) for button in buttons.buttons] if buttons else [],
    )


def _header(header: Header) -> PreviewHeader:
    example = header.example
    if header.format is HeaderFormat.TEXT:
        positional = example.header_text if example else None
        named = example.header_text_named_params if example else None
        return PreviewHeader(format=header.format, text=_filled(header.text or "", positional, named))
    handles = example.header_handle if example and header.format in MEDIA_FORMATS else None
    return PreviewHeader(format=header.format, media_handle=handles[0] if handles else None)


def _body(body: Body | None) -> str:
    if body is None:
        return ""
    rows = body.example.body_text if body.example else None
    named = body.example.body_text_named_params if body.example else None
    return _filled(body.text or "", rows[0] if rows else None, named)


def _authentication_body(body: Body | None) -> str:
    verification = VERIFICATION.format(code=SAMPLE_CODE)
    return f"{verification} {SECURITY_RECOMMENDATION}" if body and body.add_security_recommendation else verification


def _authentication_footer(footer: Footer | None) -> str | None:
    minutes = footer.code_expiration_minutes if footer else None
    return None if minutes is None else EXPIRATION.format(minutes=minutes)


def _button(button: Button) -> PreviewButton:
    """The label the customer sees, and where a URL or a call leads. A URL's example is the part that replaces its
    `{{1}}` (Meta's OpenAPI examples) or the whole address (as some of Meta's guides give it): both are shown."""
    if isinstance(button, CopyCodeButton):
        return PreviewButton(type=button.type, text=COPY_OFFER_CODE)
    if isinstance(button, OtpButton):
        label = button.autofill_text if button.otp_type is OtpType.ONE_TAP else button.text
        return PreviewButton(type=button.type, text=label or OTP_LABELS[button.otp_type])
    if isinstance(button, UrlButton):
        sample = button.example[0] if button.example else None
        url = sample if sample and sample.startswith(("https://", "http://")) else _filled(button.url, [sample], None)
        return PreviewButton(type=button.type, text=button.text, url=url)
    if isinstance(button, PhoneNumberButton):
        return PreviewButton(type=button.type, text=button.text, phone_number=button.phone_number)
    return PreviewButton(type=button.type, text=button.text)


def _filled(text: str, positional: Sequence[str | None] | None, named: list[NamedExample] | None) -> str:
    """`text` with each variable replaced by its example: `{{n}}` by the n-th of `positional`, `{{name}}` by the
    named example of that name; a variable without one (or with an empty one) stays as written."""
    samples = {str(number): sample for number, sample in enumerate(positional or (), start=1) if sample}
    samples |= {example.param_name: example.example for example in named or () if example.example}
    return VARIABLE.sub(lambda match: samples.get(match.group(1), match.group(0)), text)
