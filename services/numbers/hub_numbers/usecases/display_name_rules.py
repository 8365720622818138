"""The display-name rules the hub checks before a name goes to Meta's review.

Meta's review is slow and each request spends one of the number's 10 changes in 30 days, so names that Meta's
display-name guidelines turn down for their form are refused at once, each with a message on the field. The rules:

1. Length: 2 to 75 characters (Meta's limits on `new_display_name`) once leading and trailing spaces are trimmed;
   empty or only spaces is refused as empty.
2. No control characters (line breaks and tabs included) and no invisible format characters.
3. No web addresses: `http://`, `https://`, `www.`, or a word ending in a common top-level domain (`shop.com`).
4. At least one letter: a name of emoji, symbols or digits only is not a name.
5. Not in capitals throughout, unless the whole name is an acronym of at most 5 letters (`IBM`, `NASA`).
6. Not a generic word alone (`Shop`, `Support`, `Customer Service`, …: GENERIC_NAMES), which names no business.
7. Not containing "WhatsApp": Meta's guidelines keep its brand out of business names.
8. Different from the current name (nothing to change otherwise).

The trimmed name is what is sent; Meta decides the rest (whether the name matches the business).
"""

from __future__ import annotations

import re
import unicodedata

from hub_numbers.display_name_models import DISPLAY_NAME_MAX, DISPLAY_NAME_MIN
from hub_shared.errors import FieldError, ValidationFailed

FIELD = "body.display_name"
MAX_ACRONYM_LETTERS = 5
GENERIC_NAMES = frozenset(
    {
        *("business", "company", "customer care", "customer service", "customer support", "delivery", "help"),
        *("helpdesk", "hotel", "info", "information", "marketing", "news", "notifications", "official", "offers"),
        *("online shop", "pharmacy", "restaurant", "sales", "service", "services", "shop", "store", "support"),
        *("team", "test", "updates"),
    }
)
_URL = re.compile(
    r"(https?://|www\.|\b[\w-]+\.(com|net|org|info|biz|io|co|app|shop|store|online|site|xyz|me|de|uk|in|br)\b)",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[\W_]+")


class DisplayNameRefused(ValidationFailed):
    slug = "display-name-invalid"
    title = "The display name breaks a rule"


def checked_display_name(raw: str, current: str | None) -> str:
    """The name to send (trimmed), or DisplayNameRefused naming the first rule it breaks."""
    name = raw.strip()
    problem = _problem(name, current)
    if problem is not None:
        raise DisplayNameRefused(problem, errors=[FieldError(FIELD, problem)])
    return name


def _problem(name: str, current: str | None) -> str | None:
    if not name:
        return "The display name must not be empty."
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in name):
        return "The display name must not contain control characters or line breaks."
    if not DISPLAY_NAME_MIN <= len(name) <= DISPLAY_NAME_MAX:
        return (
            f"The display name must be {DISPLAY_NAME_MIN} to {DISPLAY_NAME_MAX} characters long (it has {len(name)})."
        )
    if _URL.search(name):
        return "The display name must not contain a web address."
    letters = [char for char in name if char.isalpha()]
    if not letters:
        return "The display name must contain letters (not only emoji, symbols or digits)."
    cased = [char for char in letters if char.isupper() or char.islower()]
    if len(letters) > MAX_ACRONYM_LETTERS and cased and all(char.isupper() for char in cased):
        return (
            "The display name must not be written in capitals throughout "
            f"(capitals are fine for an acronym of up to {MAX_ACRONYM_LETTERS} letters)."
        )
    words = _NON_WORD.sub(" ", name.casefold()).strip()
    if words in GENERIC_NAMES:
        return f"“{name}” is a generic word; the display name must name the business."
    if "whatsapp" in words.replace(" ", ""):
        return "The display name must not contain “WhatsApp”."
    if current is not None and name == current:
        return "The number already has this display name."
    return None
