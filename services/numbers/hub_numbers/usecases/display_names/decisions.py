"""Display names: Meta's decisions on requests, from its `phone_number_name_update` webhook (`apply_name_update`) or
found by polling, written by `decide`.

A webhook names the number by its digits and the name by its text. It applies to the number's open request when that
request asked for that name (and Meta's time is not before it was submitted, give or take MAX_CLOCK_SKEW): APPROVED →
approved, the number takes the name (status APPROVED) and must be registered again within 14 days; REJECTED →
rejected with Meta's reason, the old name stays; DEFERRED → deferred and PENDING → pending_review (both still open).
A final request never changes again, and an open one takes only a decision newer than the last it took, so repeated
and out-of-order webhooks cannot regress it. A decision on the number's current name with no request open (a new
number's first review) sets its `display_name_status`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from hub_numbers.events import DisplayNameApproved, DisplayNameRejected, DisplayNameRequested
from hub_numbers.models.display_names import (
    REREGISTER_WITHIN_DAYS,
    DecisionSource,
    DisplayNameRequest,
    RequestDecision,
    RequestStatus,
)
from hub_numbers.models.numbers import Number
from hub_numbers.usecases.display_names.ports import NameRequests, NumberNames
from hub_numbers.usecases.lookup import reread
from hub_shared.clock import to_rfc3339
from hub_shared.events import DomainEvent, EventMetadata

if TYPE_CHECKING:
    from hub_shared.meta_events import MetaChange, PhoneNumberNameUpdate

logger = Logger(child=True)

MAX_ATTEMPTS = 3
"""Writes of one decision, each from a fresh read while another writer got there first."""
MAX_CLOCK_SKEW = timedelta(minutes=1)
"""How far before a request's submission a decision on its name may be timed and still be about it."""
WEBHOOK_DECISIONS = {
    "APPROVED": RequestStatus.APPROVED,
    "REJECTED": RequestStatus.REJECTED,
    "DEFERRED": RequestStatus.DEFERRED,
    "PENDING": RequestStatus.PENDING_REVIEW,
}
NAME_STATUS_OF = {"APPROVED": "APPROVED", "REJECTED": "DECLINED"}
"""A webhook decision on a number's current name → its `name_status` (Meta's field vocabulary)."""


class Outcome(StrEnum):
    """What became of a request that was sent, decided or polled."""

    DECIDED = "decided"
    """The request became final (approved, rejected or expired)."""
    UPDATED = "updated"
    """Still open, with Meta's newer word recorded (pending_review ↔ deferred)."""
    SENT = "sent"
    """Meta accepted a request that had not reached it."""
    UNCHANGED = "unchanged"
    UNREACHABLE = "unreachable"
    """Meta did not answer; the next run tries again."""
    FAILED = "failed"
    CHANGED = "changed"
    """Someone else (the webhook, another run) changed the request meanwhile."""


def apply_name_update(
    change: MetaChange, update: PhoneNumberNameUpdate, *, numbers: NumberNames, requests: NameRequests, now: datetime
) -> int:
    """Apply a `phone_number_name_update` webhook; answers how many requests it decided (made final)."""
    digits = "".join(char for char in update.display_phone_number if char.isdigit())
    found = numbers.with_phone_digits(digits)
    if not found:
        logger.warning("name update for a number the hub does not know; ignored", extra={"waba_id": change.waba_id})
        return 0
    return sum(_name_update_of(number, change, update, numbers, requests, now) for number in found)


def _name_update_of(
    number: Number,
    change: MetaChange,
    update: PhoneNumberNameUpdate,
    numbers: NumberNames,
    requests: NameRequests,
    now: datetime,
) -> int:
    status = WEBHOOK_DECISIONS.get(update.decision.upper())
    if status is None:
        logger.warning("unknown display-name decision; ignored", extra={"decision": update.decision})
        return 0
    current = reread(numbers, number.number_id)
    request = requests.get(current.number_id, current.display_name_request) if current.display_name_request else None
    if request is not None and _is_about(request, update, change.time):
        decision = RequestDecision(
            status=status,
            at=now,
            by=DecisionSource.WEBHOOK,
            meta_decision=update.decision.upper(),
            decision_time=change.time,
            rejection_reason=update.rejection_reason if status is RequestStatus.REJECTED else None,
        )
        return int(decide(request, decision, requests) is Outcome.DECIDED)
    name_status = NAME_STATUS_OF.get(update.decision.upper())
    if request is None and name_status and update.requested_verified_name == current.display_name:
        requests.name_decided(current, name_status=name_status, time=change.time, at=now)
        return 0
    logger.info(
        "name update about no open request of the number; ignored",
        extra={"number_id": current.number_id, "decision": update.decision},
    )
    return 0


def _is_about(request: DisplayNameRequest, update: PhoneNumberNameUpdate, time: int) -> bool:
    named = update.requested_verified_name is None or update.requested_verified_name == request.display_name
    return named and time >= (request.submitted_at - MAX_CLOCK_SKEW).timestamp()


def decide(read: DisplayNameRequest, decision: RequestDecision, requests: NameRequests) -> Outcome:
    """Write `decision` on the request, again from a fresh read while another writer got there first."""
    current: DisplayNameRequest | None = read
    for _ in range(MAX_ATTEMPTS):
        if current is None or current.status.is_final:
            return Outcome.UNCHANGED
        if not decision.status.is_final and (
            (decision.decision_time is None and decision.status is current.status)
            or (decision.decision_time is not None and (current.decision_time or 0) >= decision.decision_time)
        ):  # a newer decision of Meta's is recorded even when it repeats the status, so that no older one wins
            return Outcome.UNCHANGED
        number_sets, event = effects(current, decision)
        sent = current.status is RequestStatus.SUBMITTING and decision.status is not RequestStatus.FAILED
        if requests.decide(current, decision, number_sets=number_sets, sent=sent, event=event):
            logger.info(
                "display-name request decided",
                extra={"number_id": current.number_id, "request": current.request_id, "status": decision.status},
            )
            return Outcome.DECIDED if decision.status.is_final else Outcome.UPDATED
        current = requests.get(read.number_id, read.request_id)
    return Outcome.CHANGED


def effects(request: DisplayNameRequest, decision: RequestDecision) -> tuple[dict[str, Any], DomainEvent | None]:
    """What a decision does to the number, and the event it announces."""
    if decision.status is RequestStatus.APPROVED:
        reregister_by = decision.at + timedelta(days=REREGISTER_WITHIN_DAYS)
        sets: dict[str, Any] = {
            "display_name": request.display_name,
            "display_name_status": "APPROVED",
            "reregister_by": to_rfc3339(reregister_by),
        }
        if decision.decision_time is not None:
            sets["name_decision_time"] = decision.decision_time
        approved = DisplayNameApproved(
            metadata=EventMetadata.at(decision.at),
            number_id=request.number_id,
            client_id=request.client_id,
            request_id=request.request_id,
            display_name=request.display_name,
            previous_name=request.previous_name,
            reregister_by=reregister_by,
            decided_by=decision.by.value,
        )
        return sets, approved
    if decision.status is RequestStatus.REJECTED:
        rejected = DisplayNameRejected(
            metadata=EventMetadata.at(decision.at),
            number_id=request.number_id,
            client_id=request.client_id,
            request_id=request.request_id,
            display_name=request.display_name,
            rejection_reason=decision.rejection_reason,
            decided_by=decision.by.value,
        )
        return {}, rejected
    if request.status is RequestStatus.SUBMITTING and not decision.status.is_final:
        requested = DisplayNameRequested(
            metadata=EventMetadata.at(decision.at),
            number_id=request.number_id,
            client_id=request.client_id,
            request_id=request.request_id,
            display_name=request.display_name,
            previous_name=request.previous_name,
            actor=request.requester,
        )
        return {}, requested
    return {}, None
