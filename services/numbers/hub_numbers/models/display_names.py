"""Display names: a number's change requests, Meta's decisions on them, and what the API shows (SPEC §3 Numbers).

A request is stored beside its number (`pk=NUMBER#<number_id>`, `sk=DISPLAY_NAME#<request_id>`; request ids
sort by time, so the history is one Query). It lives through:

    submitting ──► pending_review ◄──► deferred
        │               │  │
        │               │  └──► approved | rejected | expired      (final)
        └──► failed                                               (final: Meta refused it outright)

`submitting` means recorded but not yet known to Meta (Meta was slow or down when it was sent; the polling job
sends it again). While a request is not final the number points at it (`display_name_request`), which is what
makes "edit not available" a conditional write, and the request carries the keys of the sparse
`PendingDisplayName` index the polling job reads.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field

from hub_numbers.models.numbers import AccountStatus
from hub_shared.clock import UtcDateTime
from hub_shared.events import Actor
from hub_shared.model import HubModel

MAX_CHANGES_PER_WINDOW = 10
"""Meta allows 10 display-name changes per number in 30 days."""
WINDOW_DAYS = 30
REREGISTER_WITHIN_DAYS = 14
"""After an approval the number must be registered again within 14 days (Meta facts §2.1)."""
HISTORY_LIMIT = 20
"""Requests the GET shows."""
DISPLAY_NAME_MIN, DISPLAY_NAME_MAX = 2, 75
"""Meta's length limits of `new_display_name` (its OpenAPI: minLength 2, maxLength 75)."""


EDITABLE = frozenset(
    {AccountStatus.RUNNING, AccountStatus.RESTRICTED, AccountStatus.FLAGGED, AccountStatus.PENDING_DELETION}
)
"""Numbers whose name may change: set up, reachable at Meta and not deleted."""


class RequestStatus(StrEnum):
    SUBMITTING = "submitting"
    PENDING_REVIEW = "pending_review"
    DEFERRED = "deferred"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self not in OPEN_STATUSES


OPEN_STATUSES = frozenset({RequestStatus.SUBMITTING, RequestStatus.PENDING_REVIEW, RequestStatus.DEFERRED})
"""A request in one of these is under way: it blocks another request and the polling job watches it."""


class DecisionSource(StrEnum):
    WEBHOOK = "webhook"
    POLLING = "polling"
    HUB = "hub"


class DisplayNameRequest(HubModel):
    """A change request as the numbers table stores it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    request_id: str = Field(description="Sorts by submission time.", examples=["0196a3f2c1d84e2b9f01a7c3"])
    number_id: str
    client_id: str
    display_name: str = Field(description="The requested name.")
    previous_name: str | None = Field(default=None, description="The number's display name when it was requested.")
    status: RequestStatus
    submitted_at: UtcDateTime
    submitted_by: str = Field(description="The user who asked (`sub`).")
    requester: Actor | None = Field(default=None, description="Who asked: the user, their role, the partner.")
    sent_to_meta_at: UtcDateTime | None = Field(default=None, description="When Meta accepted the request.")
    decided_at: UtcDateTime | None = None
    decided_by: DecisionSource | None = None
    meta_decision: str | None = Field(default=None, description="Meta's last decision, raw (APPROVED, DEFERRED, …).")
    decision_time: int | None = Field(default=None, description="Meta's time (Unix s) of that decision.")
    rejection_reason: str | None = Field(default=None, description="Meta's reason, e.g. NAME_FORMAT_UNACCEPTABLE.")
    failure: str | None = Field(default=None, description="Why the request failed or expired, in plain words.")
    send_attempts: int = Field(default=0, description="Times the hub sent it to Meta.")


class RequestDecision(HubModel):
    """What to write on a request: its new status and what Meta said (None leaves an attribute as it is)."""

    model_config = ConfigDict(frozen=True)

    status: RequestStatus
    at: UtcDateTime
    by: DecisionSource
    meta_decision: str | None = None
    decision_time: int | None = None
    rejection_reason: str | None = None
    failure: str | None = None


class DisplayNameChange(HubModel):
    """Body of `POST /v1/numbers/{number_id}/display-name`."""

    model_config = ConfigDict(extra="forbid")

    display_name: str = Field(
        max_length=1000,
        description="The new WhatsApp display name. The hub checks it before Meta reviews it: "
        f"{DISPLAY_NAME_MIN}–{DISPLAY_NAME_MAX} characters once leading and trailing spaces are trimmed; no control "
        "characters or line breaks; no web addresses; at least one letter (not emoji or digits only); not in "
        "capitals throughout unless it is an acronym of at most 5 letters; not a generic word alone (e.g. "
        "`Shop`, `Support`); not containing `WhatsApp`; different from the current name.",
        examples=["Lucky Shrub Garden"],
    )


class DisplayNameRequestView(HubModel):
    request_id: str
    display_name: str = Field(description="The requested name.")
    previous_name: str | None = None
    status: RequestStatus = Field(
        description="submitting (recorded; Meta not reached yet, the hub keeps sending it), pending_review, "
        "deferred (Meta put the review off), approved, rejected, expired (Meta dropped it) or failed "
        "(Meta refused the request itself)."
    )
    submitted_at: UtcDateTime
    decided_at: UtcDateTime | None = None
    decided_by: DecisionSource | None = Field(default=None, description="webhook, polling or hub.")
    rejection_reason: str | None = Field(default=None, description="Meta's reason when rejected.")
    failure: str | None = Field(default=None, description="Why it failed or expired.")


class EditAvailability(HubModel):
    available: bool
    reason: str | None = Field(default=None, description="Why editing is not available now.")
    retry_after: UtcDateTime | None = Field(
        default=None, description="When the 30-day window frees a change (if that is what stops it)."
    )


class DisplayNameView(HubModel):
    """`GET /v1/numbers/{number_id}/display-name`."""

    number_id: str
    display_name: str | None = Field(description="The current display name.")
    name_status: str | None = Field(description="Meta's status of the current name, e.g. APPROVED.")
    pending: DisplayNameRequestView | None = Field(description="The request under way, if any.")
    history: list[DisplayNameRequestView] = Field(
        description=f"The most recent requests, newest first (at most {HISTORY_LIMIT})."
    )
    changes_used: int = Field(description=f"Changes sent to Meta in the last {WINDOW_DAYS} days.")
    changes_remaining: int = Field(description=f"Of Meta's {MAX_CHANGES_PER_WINDOW} per {WINDOW_DAYS} days.")
    reregister_by: UtcDateTime | None = Field(
        default=None,
        description=f"After an approval Meta wants the number registered again within {REREGISTER_WITHIN_DAYS} "
        "days; until then the new name may not show.",
    )
    edit: EditAvailability
