"""Numbers react to Meta's webhooks: `account_update` (a WABA's standing) and `phone_number_quality_update`.

account_update — the WABA is `waba_info.waba_id` when Meta sends it (PARTNER_* events put the partner's id in
`entry.id`), else the change's WABA; every number of that WABA is updated:
- DISABLED_UPDATE with `ban_info.waba_ban_state` DISABLE → banned, SCHEDULE_FOR_DISABLE → restricted,
  REINSTATE → running (REINSTATE lifts banned and restricted only);
- ACCOUNT_VIOLATION → restricted (a restriction never lifts a ban);
- PARTNER_REMOVED, PARTNER_APP_UNINSTALLED, ACCOUNT_DELETED → disconnected (we lost access);
- any other event, and an unknown ban state, changes no status but is recorded.
Events known to say nothing about the numbers' standing (NOT_ABOUT_NUMBERS: partner added, pricing, terms, …)
are ignored, so they never make a later-delivered but older ban look out of date.

phone_number_quality_update — the number is found by its digits (`display_phone_number`); `current_limit`
becomes its messaging limit (any tier string, as Meta sends it); FLAGGED moves running → flagged, UNFLAGGED
flagged → running; other events (UPGRADE, DOWNGRADE, ONBOARDING, THROUGHPUT_UPGRADE, unknown) change the limit only.

Meta never overwrites the hub's lifecycle states (onboarding, pending_deletion, deleted): such numbers keep their
status, and Meta's event is recorded on them anyway.

Order and replay: each aspect keeps the Meta time it was last changed by; an update applies only when its time is
newer, so an older update delivered late never wins and a replay changes nothing (two different events of one
aspect in the same second: the first applied wins). Each write is also conditional on the status that was read;
when another writer got there first, the number is read again and the rule decided again (MAX_ATTEMPTS in all).
A status change and its NumberStatusChanged event are written in one transaction (the outbox).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from aws_lambda_powertools import Logger

from hub_numbers.events import NumberStatusChanged
from hub_numbers.models.numbers import META_DRIVEN, AccountStatus, MetaAspect, MetaNumberUpdate, Number
from hub_shared.events import EventMetadata
from hub_shared.meta_events import AccountUpdate, MetaChange, PhoneNumberQualityUpdate

MAX_ATTEMPTS = 3

NOT_ABOUT_NUMBERS = frozenset(
    {
        "AD_ACCOUNT_LINKED",
        "AUTH_INTL_PRICE_ELIGIBILITY_UPDATE",
        "BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE",
        "MM_LITE_TERMS_SIGNED",
        "PARTNER_ADDED",
        "PARTNER_APP_INSTALLED",
        "PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE",
        "VOLUME_BASED_PRICING_TIER_UPDATE",
    }
)
BAN_STATES = {
    "DISABLE": AccountStatus.BANNED,
    "SCHEDULE_FOR_DISABLE": AccountStatus.RESTRICTED,
    "REINSTATE": AccountStatus.RUNNING,
}
ACCOUNT_EVENTS = {
    "ACCOUNT_VIOLATION": AccountStatus.RESTRICTED,
    "PARTNER_REMOVED": AccountStatus.DISCONNECTED,
    "PARTNER_APP_UNINSTALLED": AccountStatus.DISCONNECTED,
    "ACCOUNT_DELETED": AccountStatus.DISCONNECTED,
}
DISABLED_UPDATE = "DISABLED_UPDATE"
FLAGGED = "FLAGGED"
UNFLAGGED = "UNFLAGGED"

logger = Logger(child=True)


class MetaNumbers(Protocol):
    def get(self, number_id: str, *, consistent: bool = ...) -> Number | None: ...

    def of_waba(self, waba_id: str) -> list[Number]: ...

    def with_phone_digits(self, digits: str) -> list[Number]: ...

    def apply_meta_update(self, update: MetaNumberUpdate, event: NumberStatusChanged | None = ...) -> bool: ...


class NumberChangedConcurrently(Exception):
    """Other writers kept changing the number for MAX_ATTEMPTS tries; the event is to be delivered again."""


Decide = Callable[[Number], MetaNumberUpdate | None]
"""A number as read → what the change does to it, or None (nothing: the change is not newer)."""


def handle_meta_change(change: MetaChange, *, numbers: MetaNumbers, now: datetime) -> int:
    """Apply one Meta change to the numbers it concerns; answer how many changed status.

    Raises pydantic's ValidationError when the value is not the shape of its field.
    """
    if change.field == "account_update":
        return _account_update(change, AccountUpdate.model_validate(change.value), numbers, now)
    if change.field == "phone_number_quality_update":
        return _quality_update(change, PhoneNumberQualityUpdate.model_validate(change.value), numbers, now)
    logger.info("Meta field not consumed by numbers; ignored", extra={"field": change.field})
    return 0


def account_status_after(current: AccountStatus, event: str, ban_state: str | None) -> AccountStatus:
    """A number's status after an account_update event (see the module's rules)."""
    target = BAN_STATES.get(ban_state or "") if event == DISABLED_UPDATE else ACCOUNT_EVENTS.get(event)
    if target is None or current not in META_DRIVEN:
        return current
    if target is AccountStatus.RUNNING:
        return target if current in {AccountStatus.BANNED, AccountStatus.RESTRICTED} else current
    if target is AccountStatus.RESTRICTED and current is AccountStatus.BANNED:
        return current
    return target


def quality_status_after(current: AccountStatus, event: str) -> AccountStatus:
    """A number's status after a phone_number_quality_update event."""
    if event == FLAGGED and current is AccountStatus.RUNNING:
        return AccountStatus.FLAGGED
    if event == UNFLAGGED and current is AccountStatus.FLAGGED:
        return AccountStatus.RUNNING
    return current


def account_update_of(number: Number, update: AccountUpdate, time: int, now: datetime) -> MetaNumberUpdate | None:
    if not _newer(time, number.account_event_time):
        return None
    ban_state = update.ban_info.waba_ban_state if update.ban_info else None
    return MetaNumberUpdate(
        number=number,
        aspect=MetaAspect.ACCOUNT,
        time=time,
        status=account_status_after(number.account_status, update.event, ban_state),
        recorded={"meta_account_event": update.event, "meta_ban_state": ban_state},
        reason=update.event,
        at=now,
    )


def quality_update_of(
    number: Number, update: PhoneNumberQualityUpdate, time: int, now: datetime
) -> MetaNumberUpdate | None:
    if not _newer(time, number.quality_event_time):
        return None
    recorded: dict[str, str | None] = {"quality_event": update.event}
    if update.current_limit is not None:
        recorded["messaging_limit"] = update.current_limit
    return MetaNumberUpdate(
        number=number,
        aspect=MetaAspect.QUALITY,
        time=time,
        status=quality_status_after(number.account_status, update.event),
        recorded=recorded,
        reason=update.event,
        at=now,
    )


def _newer(time: int, last: int | None) -> bool:
    return last is None or time > last


def _account_update(change: MetaChange, update: AccountUpdate, numbers: MetaNumbers, now: datetime) -> int:
    if update.event in NOT_ABOUT_NUMBERS:
        logger.info("account_update not about the numbers; ignored", extra={"event": update.event})
        return 0
    waba_id = (update.waba_info.waba_id if update.waba_info else None) or change.waba_id
    found = numbers.of_waba(waba_id)
    logger.info("account_update", extra={"event": update.event, "waba_id": waba_id, "numbers": len(found)})
    return sum(
        _apply(number, lambda read: account_update_of(read, update, change.time, now), numbers) for number in found
    )


def _quality_update(change: MetaChange, update: PhoneNumberQualityUpdate, numbers: MetaNumbers, now: datetime) -> int:
    digits = "".join(c for c in update.display_phone_number if c.isdigit())
    found = numbers.with_phone_digits(digits)
    if not found:
        logger.warning(
            "quality update for a number the hub does not know; ignored",
            extra={"waba_id": change.waba_id, "event": update.event},
        )
        return 0
    return sum(
        _apply(number, lambda read: quality_update_of(read, update, change.time, now), numbers) for number in found
    )


def _apply(number: Number, decide: Decide, numbers: MetaNumbers) -> int:
    """Decide and write, again from a fresh read while another writer changed the number; 1 if its status changed."""
    read: Number | None = number
    for _ in range(MAX_ATTEMPTS):
        if read is None:
            return 0
        update = decide(read)
        if update is None:
            return 0
        event = _status_changed(update) if update.changes_status else None
        if numbers.apply_meta_update(update, event):
            if event is None:
                return 0
            logger.info("number status changed by Meta", extra={"number_id": read.number_id, "to": event.status})
            return 1
        read = numbers.get(number.number_id, consistent=True)
    raise NumberChangedConcurrently(f"number {number.number_id} kept changing while a Meta change was applied")


def _status_changed(update: MetaNumberUpdate) -> NumberStatusChanged:
    number = update.number
    return NumberStatusChanged(
        metadata=EventMetadata.at(update.at),
        number_id=number.number_id,
        client_id=number.client_id,
        waba_id=number.waba_id,
        previous_status=number.account_status,
        status=update.status,
        reason=update.reason,
    )
