"""Warnings beyond Meta's rules: what Meta's review often rejects or re-categorises although the template keeps the
rules (`rules.checks`). They never block a template; each names its field and says why Meta may object.

- PROMOTIONAL_UTILITY: a UTILITY template whose texts read as promotional (PROMOTIONAL_TERMS). Meta re-categorises
  it as MARKETING (priced as such) or, with `allow_category_change` false, rejects it (INCORRECT_CATEGORY).
- VARIABLE_HEAVY: a body with fewer than WORDS_PER_VARIABLE words of its own per variable. Meta rejects templates
  with too many variables for their length: the reviewer cannot tell what the message will say.
- URL_SHORTENER: a link through a URL shortener (URL_SHORTENERS) in a text or a URL button. Shorteners hide where a
  link leads, and Meta's review and users' reports treat them as spam signals.
- ALL_CAPITALS: a text in capitals throughout (beyond a few letters), which reads as shouting and as spam.
- STRAY_BRACES: double braces that are not a whole variable (`{{1}`, `}}`): the text was meant to hold a variable,
  and Meta rejects malformed ones as INVALID_FORMAT or shows the braces to the customer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum

from pydantic import ConfigDict

from hub_shared.model import HubModel
from hub_templates.models.content import Body, Buttons, Category, Footer, Header, TemplateContent, UrlButton
from hub_templates.rules.checks import VARIABLE, counted, variables

PROMOTIONAL_TERMS = (
    *("offer", "offers", "discount", "discounts", "% off", "sale", "free", "limited time", "buy now", "shop now"),
    *("coupon", "promo", "promotion", "deal", "deals", "exclusive", "hurry", "last chance"),
    *("cashback", "clearance", "special price", "save big", "best price", "bargain"),
)
"""Words of selling: Meta's utility guidelines refuse promotional content in utility templates."""
_PROMOTIONAL = re.compile(
    "|".join(
        rf"(?<!\w){re.escape(term)}(?!\w)" if term[0].isalnum() else re.escape(term) for term in PROMOTIONAL_TERMS
    ),
    re.IGNORECASE,
)

URL_SHORTENERS = (
    *("bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly", "cutt.ly", "shorturl.at"),
    *("tiny.cc", "rb.gy", "t.ly", "bl.ink", "s.id", "v.gd", "lnkd.in", "shorte.st", "adf.ly"),
)
_SHORTENER = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:www\.)?(" + "|".join(re.escape(host) for host in URL_SHORTENERS) + r")(?![\w.-])",
    re.IGNORECASE,
)

WORDS_PER_VARIABLE = 3
"""The fewest words of its own a body needs per variable (Meta states no number; this is the common advice)."""
CAPITALS_FINE_UP_TO = 10
"""Capitals throughout are fine in a short text (an acronym, "SALE"); beyond this many letters they shout."""
_WORD = re.compile(r"\w+")
_BRACES = re.compile(r"\{\{|\}\}")


class WarningCode(StrEnum):
    PROMOTIONAL_UTILITY = "PROMOTIONAL_UTILITY"
    VARIABLE_HEAVY = "VARIABLE_HEAVY"
    URL_SHORTENER = "URL_SHORTENER"
    ALL_CAPITALS = "ALL_CAPITALS"
    STRAY_BRACES = "STRAY_BRACES"


class Warning(HubModel):
    """What Meta's review may object to, on its field, and why."""

    model_config = ConfigDict(frozen=True)

    field: str
    code: WarningCode
    message: str


def warnings(content: TemplateContent) -> list[Warning]:
    """What Meta's review often rejects or re-categorises in `content`; never raises, whatever the content."""
    found: list[Warning] = []
    for index, component in enumerate(content.components):
        at = f"components[{index}]"
        if isinstance(component, Header | Body | Footer) and component.text:
            found += _text(component.text, f"{at}.text", content.category)
            if isinstance(component, Body):
                found += _variable_heavy(component.text, f"{at}.text")
        elif isinstance(component, Buttons):
            for number, button in enumerate(component.buttons):
                if isinstance(button, UrlButton):
                    found += _shortener(button.url, f"{at}.buttons[{number}].url")
    return found


def _text(text: str, field: str, category: Category) -> Iterator[Warning]:
    if category is Category.UTILITY:
        terms = list(dict.fromkeys(match.group(0).lower() for match in _PROMOTIONAL.finditer(text)))
        if terms:
            listed = ", ".join(f"“{term}”" for term in terms)
            yield Warning(
                field=field,
                code=WarningCode.PROMOTIONAL_UTILITY,
                message=f"Reads as promotional ({listed}): Meta moves such UTILITY templates to MARKETING, priced as "
                "marketing, or rejects them when category changes are not allowed. Keep it to the order, account "
                "or service it concerns.",
            )
    yield from _shortener(text, field)
    cased = [char for char in VARIABLE.sub("", text) if char.isupper() or char.islower()]
    if len(cased) > CAPITALS_FINE_UP_TO and all(char.isupper() for char in cased):
        yield Warning(
            field=field,
            code=WarningCode.ALL_CAPITALS,
            message="Written in capitals throughout: it reads as shouting, and Meta's review treats it as spam. "
            "Write it in sentence case.",
        )
    if _BRACES.search(VARIABLE.sub("", text)):
        yield Warning(
            field=field,
            code=WarningCode.STRAY_BRACES,
            message="Has double braces that are not a whole variable: write variables as {{1}} (or {{name}}); "
            "Meta rejects malformed ones or shows the braces to the customer.",
        )


def _variable_heavy(text: str, field: str) -> Iterator[Warning]:
    count = len(variables(text))
    words = len(_WORD.findall(VARIABLE.sub(" ", text)))
    if count and words < WORDS_PER_VARIABLE * count:
        yield Warning(
            field=field,
            code=WarningCode.VARIABLE_HEAVY,
            message=f"{counted(count, 'variable')} in {counted(words, 'word')} of fixed text: Meta rejects bodies "
            f"with too many variables for their length. Give each variable {WORDS_PER_VARIABLE} words of fixed text "
            "or more.",
        )


def _shortener(text: str, field: str) -> Iterator[Warning]:
    hosts = list(dict.fromkeys(match.group(1).lower() for match in _SHORTENER.finditer(text)))
    if hosts:
        yield Warning(
            field=field,
            code=WarningCode.URL_SHORTENER,
            message=f"Links through a URL shortener ({', '.join(hosts)}): they hide where the link leads, and Meta's "
            "review often rejects them. Use the full address on your own domain.",
        )
