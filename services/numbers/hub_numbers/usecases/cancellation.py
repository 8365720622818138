"""Cancel a number's subscription, and withdraw the cancellation (SPEC §3 Numbers).

Who: client users, on their own numbers. A partner or a support agent who can see the number gets 403 (partners
never cancel for a client: only the WABA owner may); anyone else 404.

Cancel: a running, restricted or flagged number goes to `pending_deletion` until `deletion_at`, the last instant
of the current calendar month in UTC; it keeps messaging until the deletion job deletes it. A number that is
already cancelled answers its cancellation as it stands (nothing is written). Refused with 409 (`cancel_refusal`):
- onboarding: it is not set up yet, so there is nothing billable to cancel;
- deleted: it is gone already;
- banned or disconnected: the hub cannot deregister it at Meta (Meta disabled it, or the hub lost access to it),
  so support closes it instead of the deletion job.

Withdraw: before `deletion_at`, a cancelled number returns to the status it had (running if that was not
recorded); at or after `deletion_at` it is the deletion job's, and a number that is not cancelled has nothing to
withdraw (both 409).

Every change is a conditional write with its event in the outbox (`NumbersStore.cancel` / `withdraw`); when another
writer got there first the number is read again and the rule decided again, so a cancel and a withdrawal racing
each other cannot both win.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from hub_numbers.errors import NotCancellable, NotWithdrawable, NumberNotFound, PartnersCannotCancel
from hub_numbers.events import NumberCancellationRequested, NumberCancellationWithdrawn
from hub_numbers.models.numbers import CANCELLABLE, AccountStatus, Cancellation, Number, WithdrawnCancellation
from hub_numbers.usecases.lookup import reread
from hub_shared.auth import Action, Principal, Role, authorize
from hub_shared.errors import Forbidden, StateConflict
from hub_shared.events import Actor, DomainEvent, EventMetadata

MAX_ATTEMPTS = 3


class CancellationNumbers(Protocol):
    def get(self, number_id: str, *, consistent: bool = ...) -> Number | None: ...

    def cancel(self, read: Number, *, at: datetime, deletion_at: datetime, event: DomainEvent) -> bool: ...

    def withdraw(self, read: Number, *, status: AccountStatus, at: datetime, event: DomainEvent) -> bool: ...


def end_of_month(moment: datetime) -> datetime:
    """The last instant (UTC) of `moment`'s calendar month: 2026-11-30T23:59:59.999999Z."""
    first = moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (first + timedelta(days=32)).replace(day=1)
    return following - timedelta(microseconds=1)


def cancel_refusal(number: Number) -> str | None:
    """Why `number` cannot be cancelled now; None when it can (already cancelled counts as can: nothing changes)."""
    status = number.account_status
    if status in CANCELLABLE or status is AccountStatus.PENDING_DELETION:
        return None
    if status is AccountStatus.ONBOARDING:
        return "The number is still being set up (onboarding); it is not billed yet, so there is nothing to cancel."
    if status is AccountStatus.DELETED:
        return "The number was deleted already."
    if status is AccountStatus.BANNED:
        return "Meta has banned the number, so the hub cannot deregister it; ask support to close it."
    return "The hub has lost access to the number at Meta (disconnected); ask support to close it."


def withdrawal_refusal(number: Number, now: datetime) -> str | None:
    """Why `number`'s cancellation cannot be withdrawn at `now`; None when it can."""
    if number.account_status is not AccountStatus.PENDING_DELETION:
        return f"The number is not cancelled (it is {number.account_status.value})."
    if number.deletion_at is not None and number.deletion_at <= now:
        return "The cancellation took effect at the end of the month; the number is being deleted."
    return None


def cancel_number(number_id: str, principal: Principal, *, numbers: CancellationNumbers, now: datetime) -> Cancellation:
    """Cancel the number (or answer its standing cancellation)."""
    number = _for_client(number_id, principal, numbers, "cancel a number")
    for _ in range(MAX_ATTEMPTS):
        if number.account_status is AccountStatus.PENDING_DELETION:
            return _cancellation(number)
        if (reason := cancel_refusal(number)) is not None:
            raise NotCancellable(reason)
        deletion_at = end_of_month(now)
        event = NumberCancellationRequested(
            metadata=EventMetadata.at(now),
            number_id=number.number_id,
            client_id=number.client_id,
            deletion_at=deletion_at,
            actor=Actor.of(principal),
        )
        if numbers.cancel(number, at=now, deletion_at=deletion_at, event=event):
            return Cancellation(
                number_id=number.number_id,
                status=AccountStatus.PENDING_DELETION,
                deletion_at=deletion_at,
                cancelled_at=now,
            )
        number = reread(numbers, number_id)
    raise StateConflict("The number kept changing while it was being cancelled; try again.")


def withdraw_cancellation(
    number_id: str, principal: Principal, *, numbers: CancellationNumbers, now: datetime
) -> WithdrawnCancellation:
    """Withdraw the number's cancellation before its `deletion_at`."""
    number = _for_client(number_id, principal, numbers, "withdraw a cancellation")
    for _ in range(MAX_ATTEMPTS):
        if (reason := withdrawal_refusal(number, now)) is not None:
            raise NotWithdrawable(reason)
        status = number.status_before_cancellation or AccountStatus.RUNNING
        event = NumberCancellationWithdrawn(
            metadata=EventMetadata.at(now),
            number_id=number.number_id,
            client_id=number.client_id,
            status=status,
            actor=Actor.of(principal),
        )
        if numbers.withdraw(number, status=status, at=now, event=event):
            return WithdrawnCancellation(number_id=number.number_id, status=status)
        number = reread(numbers, number_id)
    raise StateConflict("The number kept changing while its cancellation was being withdrawn; try again.")


def _for_client(number_id: str, principal: Principal, numbers: CancellationNumbers, verb: str) -> Number:
    def refused(caller: Principal) -> Forbidden:
        if caller.role is Role.PARTNER:
            return PartnersCannotCancel(f"Partners cannot {verb} for a client; only the client can.")
        return Forbidden(f"Only the client can {verb}.")

    return authorize(
        principal,
        numbers.get(number_id),
        missing=NumberNotFound(number_id),
        action=Action.NUMBERS_CANCEL,
        refused=refused,
    )


def _cancellation(number: Number) -> Cancellation:
    if number.deletion_at is None:
        raise StateConflict("The number is pending deletion without a deletion date; ask support.")
    return Cancellation(
        number_id=number.number_id,
        status=number.account_status,
        deletion_at=number.deletion_at,
        cancelled_at=number.cancelled_at or number.updated_at,
    )
