"""Display names: the rules — which names the hub sends to Meta, who may ask for one and when, and Meta's window of
10 changes in 30 days.

The name rules: the hub checks a name before it goes to Meta's review.

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

Who and when: client users on their numbers, partners granted `display_name:write`; a number that is set up, reachable
at Meta and not deleted (`EDITABLE`), with no request under way, and changes left in Meta's window (every request
Meta received counts: all but the `failed`).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta

from hub_numbers.errors import DisplayNameRefused
from hub_numbers.models.display_names import (
    DISPLAY_NAME_MAX,
    DISPLAY_NAME_MIN,
    EDITABLE,
    MAX_CHANGES_PER_WINDOW,
    WINDOW_DAYS,
    DisplayNameRequest,
    RequestStatus,
)
from hub_numbers.models.numbers import AccountStatus, Number
from hub_shared.auth import Action, Principal, Role
from hub_shared.clock import to_rfc3339
from hub_shared.errors import FieldError

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


WINDOW_READ = 4 * MAX_CHANGES_PER_WINDOW
"""The most recent requests read to count Meta's window (failed ones do not count, so more than 10 are read)."""

SEES_DISPLAY_NAMES = (Action.NUMBERS_READ, Action.DISPLAY_NAME_WRITE)
"""Who may know a number's display-name page exists: whoever sees the client's numbers, or a partner the client
granted `display_name:write` alone (the scope of this page)."""


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


# ---------------------------------------------------------------- who may, and when


def write_refusal(number: Number, principal: Principal) -> str | None:
    """Why `principal` may not change `number`'s name (None: may)."""
    return None if principal.can(Action.DISPLAY_NAME_WRITE, number.client_id) else not_granted(principal)


def not_granted(principal: Principal) -> str:
    """Why a caller without `display_name:write` on a number may not change its name."""
    if principal.role is Role.PARTNER:
        return "The client has not granted your partner account `display_name:write`."
    return "Only the client, or a partner it granted `display_name:write`, can change the display name."


def state_refusal(number: Number) -> str | None:
    """Why `number`'s name cannot change in its status (None: it can)."""
    status = number.account_status
    if status in EDITABLE:
        return None
    if status is AccountStatus.ONBOARDING:
        return "The number is still being set up (onboarding)."
    if status is AccountStatus.DELETED:
        return "The number was deleted."
    if status is AccountStatus.BANNED:
        return "Meta has banned the number."
    return f"The hub has no access to the number at Meta ({status.value})."


def pending_refusal(number: Number, pending: DisplayNameRequest | None) -> str | None:
    """Why a new request cannot be opened while one is under way (None: none is)."""
    if number.display_name_request is None:
        return None
    what = f"“{pending.display_name}”" if pending else "another name"
    return f"Edit not available: {what} is under review at Meta; a new name can be asked for once it is decided."


def edit_action_refusal(number: Number, principal: Principal) -> str | None:
    """The Numbers list's `edit_display_name` action (without the 30-day window, which needs a query)."""
    return write_refusal(number, principal) or state_refusal(number) or pending_refusal(number, None)


# ---------------------------------------------------------------- Meta's window, and request ids


def request_id_at(moment: datetime) -> str:
    """A new request id: its time prefix and 12 random hex digits."""
    return f"{time_prefix(moment)}{secrets.token_hex(6)}"


def time_prefix(moment: datetime) -> str:
    """The time in milliseconds, 12 hex digits: request ids sort by it, and compare with it."""
    return f"{int(moment.timestamp() * 1000):012x}"


def changes_in_window(recent: Sequence[DisplayNameRequest], now: datetime) -> tuple[int, datetime | None]:
    """Changes counted in Meta's window (every request but the failed) among the WINDOW_READ most `recent`, and
    when the oldest of them leaves it (None while changes are left)."""
    start = time_prefix(now - timedelta(days=WINDOW_DAYS))
    counted = sorted(r.submitted_at for r in recent if r.request_id >= start and r.status is not RequestStatus.FAILED)
    full = len(counted) >= MAX_CHANGES_PER_WINDOW
    frees_at = counted[-MAX_CHANGES_PER_WINDOW] + timedelta(days=WINDOW_DAYS) if full else None
    return len(counted), frees_at


def window_used(frees_at: datetime | None) -> str:
    """Why no change is left."""
    when = f"; the next frees up at {to_rfc3339(frees_at)}" if frees_at else ""
    return f"All {MAX_CHANGES_PER_WINDOW} display-name changes of the last {WINDOW_DAYS} days are used{when}."
