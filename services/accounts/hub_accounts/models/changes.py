"""Partner change requests: a client asks to move to another partner, which accepts or declines (or accepts at once
with auto-approval); an accepted request is completed by moving the client, with all its numbers, to that partner."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field

from hub_shared.clock import UtcDateTime
from hub_shared.events import Actor
from hub_shared.model import HubModel

REQUEST_ID_PATTERN = r"^pcr_[0-9a-f]{24}$"
PARTNER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"


class ChangeStatus(StrEnum):
    PENDING = "pending"
    """Waiting for the target partner's decision."""
    ACCEPTED = "accepted"
    """The target partner accepted: the client is being moved."""
    DECLINED = "declined"
    CANCELLED = "cancelled"
    """The client withdrew it while it was pending."""
    COMPLETED = "completed"
    """The client, with all its numbers, works with the target partner; the old partner's grants are gone."""


OPEN_STATUSES = frozenset({ChangeStatus.PENDING, ChangeStatus.ACCEPTED})
"""A client has at most one request in these at a time."""


class ChangeRequest(HubModel):
    """A stored partner change request (`CLIENT#<client_id>` / `CHANGE#<request_id>`)."""

    model_config = ConfigDict(frozen=True)

    request_id: str
    client_id: str
    client_name: str
    from_partner_id: str | None = Field(default=None, description="The client's partner when it asked.")
    from_partner_name: str | None = Field(default=None, description="That partner's name, when the hub knows it.")
    target_partner_id: str
    target_partner_name: str
    reason: str
    status: ChangeStatus
    requested_by: Actor
    created_at: UtcDateTime
    decided_at: UtcDateTime | None = None
    decided_by: Actor | None = Field(default=None, description="None with auto-approval.")
    decision_note: str | None = None
    auto_approved: bool = False
    completed_at: UtcDateTime | None = None
    updated_at: UtcDateTime
    version: int = 1


class NewChangeRequest(HubModel):
    model_config = ConfigDict(extra="forbid")

    target_partner_id: str = Field(
        pattern=PARTNER_ID_PATTERN, description="The partner to move to.", examples=["northwind"]
    )
    reason: str = Field(min_length=1, max_length=1000, description="Why the client wants to change partner.")


class Decision(HubModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "decline"]
    note: str | None = Field(default=None, max_length=1000, description="A word to the client (a decline's reason).")


class ChangeRequestView(HubModel):
    """A partner change request as its client, its target partner and support agents see it."""

    request_id: str
    client_id: str
    client_name: str
    from_partner_id: str | None
    from_partner_name: str | None = Field(default=None, description="The client's partner's name, when known.")
    target_partner_id: str
    target_partner_name: str
    reason: str
    status: ChangeStatus
    requested_by: Actor
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: Actor | None = None
    decision_note: str | None = None
    auto_approved: bool = Field(description="Accepted at once by the target partner's auto-approval.")
    completed_at: datetime | None = None
    updated_at: datetime


def change_view(request: ChangeRequest) -> ChangeRequestView:
    return ChangeRequestView.model_validate(request.model_dump(exclude={"version"}))
