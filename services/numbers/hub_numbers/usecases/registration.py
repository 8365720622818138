"""What adding and importing a number share: who may, Meta's view of a number, the two-step PIN, registering, and
Meta's refusals in plain words (facts §7, §9)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from pydantic import ConfigDict

from hub_numbers.errors import ClientUsersOnly, PartnersCannotAddNumbers
from hub_shared.auth import Action, Principal, Role
from hub_shared.errors import Forbidden, HubError, QuotaExceeded, UpstreamError, UpstreamRejected, UpstreamUnavailable
from hub_shared.graph import Graph, GraphError, MetaCredentialsRejected, MetaRefused, OutcomeUnknown
from hub_shared.model import HubModel

PHONE_FIELDS = (
    "display_phone_number,verified_name,name_status,quality_rating,messaging_limit_tier,platform_type,status,"
    "code_verification_status"
)
CONNECTED = "CONNECTED"
MAX_NUMBER_PAGES = 20
NUMBERS_PAGE_SIZE = 100

# Meta's codes (and subcodes) the hub can say something useful about; any other gets a generic sentence with its code.
REFUSALS: Mapping[int, str] = {
    133005: "Two-step verification is still on for this number: its current owner (the previous provider, or "
    "WhatsApp Manager) must turn it off, then try again.",
    133006: "Meta needs the number verified again before it can be registered: request a verification code.",
    133008: "Too many wrong two-step verification PINs were tried for this number; Meta blocks further tries for a "
    "while.",
    133009: "Two-step verification PINs were tried too quickly; wait a minute and try again.",
    133010: "Meta says the number is not registered.",
    133016: "Meta allows 10 registrations of a number in 72 hours and this number has had them; try again when the "
    "block ends (up to 72 hours).",
    136024: "Meta could not send a verification code to this number. If it is still with another provider, they must "
    "turn off its two-step verification first; also check that the number can receive SMS or calls.",
    136025: "The verification code is wrong or has expired.",
    2388012: "The number is already on this WhatsApp Business Account.",
    2388091: "The number is not eligible for migration to this WhatsApp Business Account.",
    2388093: "The number is not eligible for migration to this WhatsApp Business Account.",
    36007: "The signup code has expired: run Embedded Signup again and send the new code.",
    36008: "The signup code is not valid: run Embedded Signup again and send the new code.",
}
ALREADY_ON_WABA = 2388012


class Pins(Protocol):
    """Where each number's two-step verification PIN is kept (never in the table or logs)."""

    def number_pin(self, phone_number_id: str) -> str | None: ...

    def keep_number_pin(self, phone_number_id: str, pin: str) -> str:
        """Store `pin` unless the number already has one; answer the number's PIN."""
        ...


class PhoneDetails(HubModel):
    """Meta's view of a phone number (the fields of PHONE_FIELDS)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    display_phone_number: str
    verified_name: str | None = None
    name_status: str | None = None
    quality_rating: str | None = None
    messaging_limit_tier: str | None = None
    platform_type: str | None = None
    status: str | None = None
    code_verification_status: str | None = None

    @property
    def connected(self) -> bool:
        return self.status == CONNECTED

    def number_fields(self) -> dict[str, Any]:
        """What a number records of it (see `hub_numbers.models.numbers.Number`)."""
        fields: dict[str, Any] = {
            "phone_e164": "+" + re.sub(r"\D", "", self.display_phone_number),
            "display_phone_number": self.display_phone_number,
            "meta_status": self.status,
            "display_name": self.verified_name,
            "display_name_status": self.name_status,
            "messaging_limit": self.messaging_limit_tier,
        }
        if self.quality_rating:
            fields["quality_rating"] = self.quality_rating
        if self.platform_type:
            fields["platform_type"] = self.platform_type
        return fields


def client_adding_numbers(principal: Principal) -> str:
    """The client of a caller who may add or import numbers; partners and support agents may not."""
    if principal.client_id is None or not principal.can(Action.NUMBERS_ADD, principal.client_id):
        raise not_adding(principal)
    return principal.client_id


def not_adding(principal: Principal) -> Forbidden:
    """Why a caller may not add or import numbers (or follow their import)."""
    if principal.role is Role.PARTNER:
        return PartnersCannotAddNumbers(
            "Partners cannot add or import numbers for a client; the client's own users can."
        )
    return ClientUsersOnly("Only the client's own users can add or import numbers.")


def read_details(graph: Graph, phone_number_id: str, token: str | None = None) -> PhoneDetails:
    return PhoneDetails.model_validate(graph.get(phone_number_id, params={"fields": PHONE_FIELDS}, token=token))


def register(graph: Graph, pins: Pins, phone_number_id: str, token: str | None = None) -> None:
    """Register the number with its PIN: the one kept for it, else a new one (which becomes its two-step PIN)."""
    pin = pins.number_pin(phone_number_id) or pins.keep_number_pin(phone_number_id, new_pin())
    graph.post(f"{phone_number_id}/register", json={"messaging_product": "whatsapp", "pin": pin}, token=token)


def waba_numbers(graph: Graph, waba_id: str, token: str | None = None) -> Iterator[dict[str, Any]]:
    """The numbers Meta lists for a WABA (id and PHONE_FIELDS), page after page."""
    params: dict[str, str | int] = {"fields": f"id,{PHONE_FIELDS}", "limit": NUMBERS_PAGE_SIZE}
    for _ in range(MAX_NUMBER_PAGES):
        page = graph.get(f"{waba_id}/phone_numbers", params=params, token=token)
        yield from page.get("data") or []
        paging = page.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        if not paging.get("next") or not after:
            return
        params["after"] = after


def new_pin() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def known_refusal(error: GraphError) -> str | None:
    """Plain words for a refusal the hub recognises (by subcode first, then code)."""
    for key in (error.subcode, error.code):
        if key is not None and key in REFUSALS:
            return REFUSALS[key]
    return None


def meta_failure(error: HubError, doing: str) -> HubError:
    """The caller's problem for a Graph call that failed while `doing` (e.g. "registering the number"): the same
    kind of problem, its detail in plain words (which the number or import also records)."""
    if isinstance(error, MetaRefused):
        graph_error = error.graph_error
        words = known_refusal(graph_error) or f"Meta refused {doing} (Meta error {graph_error.code})."
        return UpstreamRejected(words, upstream_code=graph_error.code)
    if isinstance(error, QuotaExceeded):
        wait = f"in {error.retry_after} seconds" if error.retry_after is not None else "later"
        words = f"Meta's rate limit was reached while {doing}; try again {wait}."
        return QuotaExceeded(words, retry_after=error.retry_after)
    if isinstance(error, OutcomeUnknown):
        return OutcomeUnknown(
            error.reason, f"Meta did not answer while {doing}, so it may or may not have done it; try again later."
        )
    if isinstance(error, UpstreamUnavailable):
        return UpstreamUnavailable(f"Meta was unavailable while {doing}; try again in a few minutes.")
    if isinstance(error, MetaCredentialsRejected):
        return UpstreamError(f"Meta did not accept the hub's credentials while {doing}; please contact support.")
    if isinstance(error, UpstreamError):
        return UpstreamError(f"Meta answered unexpectedly while {doing}; try again.")
    return error


def out_of_time(doing: str) -> str:
    """What a number or import records when the request's deadline stopped it while `doing`."""
    return f"The hub ran out of time while {doing}; send the request again to continue from this step."


META_ERRORS = (UpstreamError, QuotaExceeded)
"""What a Graph call raises (`hub_shared.graph.GraphClient`)."""
