"""The rules by which Meta's account and quality webhooks move a number's status (no AWS: a fake store)."""

from __future__ import annotations

from typing import Any

import pytest

from hub_numbers.events import NumberStatusChanged
from hub_numbers.models.numbers import AccountStatus, MetaAspect, MetaNumberUpdate, Number
from hub_numbers.usecases.meta_changes import (
    MAX_ATTEMPTS,
    NumberChangedConcurrently,
    account_status_after,
    account_update_of,
    handle_meta_change,
    quality_status_after,
    quality_update_of,
)
from hub_shared.meta_events import AccountUpdate, MetaChange, PhoneNumberQualityUpdate
from tests.builders import NOW, a_number

S = AccountStatus
T = 1743451903
LIFECYCLE = [S.ONBOARDING, S.PENDING_DELETION, S.DELETED]


class FakeNumbers:
    """The use case's port in memory; `refuse` writes are refused (as if another writer changed the number)."""

    def __init__(self, *numbers: Number, refuse: int = 0):
        self.numbers = {n.number_id: n for n in numbers}
        self.refuse = refuse
        self.writes: list[tuple[MetaNumberUpdate, NumberStatusChanged | None]] = []
        self.reads = 0

    def get(self, number_id: str, *, consistent: bool = False) -> Number | None:
        self.reads += 1
        return self.numbers.get(number_id)

    def of_waba(self, waba_id: str) -> list[Number]:
        return [n for n in self.numbers.values() if n.waba_id == waba_id]

    def with_phone_digits(self, digits: str) -> list[Number]:
        return [n for n in self.numbers.values() if n.phone_e164 == f"+{digits}"]

    def apply_meta_update(self, update: MetaNumberUpdate, event: NumberStatusChanged | None = None) -> bool:
        if self.refuse:
            self.refuse -= 1
            return False
        self.writes.append((update, event))
        return True


def account(event: str, ban_state: str | None = None) -> AccountUpdate:
    return AccountUpdate.model_validate(
        {"event": event, **({"ban_info": {"waba_ban_state": ban_state}} if ban_state else {})}
    )


def quality(event: str, limit: str | None = "TIER_1K") -> PhoneNumberQualityUpdate:
    return PhoneNumberQualityUpdate(display_phone_number="4915112345678", event=event, current_limit=limit)


@pytest.mark.parametrize(
    ("ban_state", "before", "after"),
    [
        ("DISABLE", S.RUNNING, S.BANNED),
        ("DISABLE", S.FLAGGED, S.BANNED),
        ("DISABLE", S.RESTRICTED, S.BANNED),
        ("SCHEDULE_FOR_DISABLE", S.RUNNING, S.RESTRICTED),
        ("SCHEDULE_FOR_DISABLE", S.BANNED, S.BANNED),
        ("REINSTATE", S.BANNED, S.RUNNING),
        ("REINSTATE", S.RESTRICTED, S.RUNNING),
        ("REINSTATE", S.FLAGGED, S.FLAGGED),
        ("REINSTATE", S.DISCONNECTED, S.DISCONNECTED),
        ("PARTIALLY_DISABLE", S.RUNNING, S.RUNNING),
        (None, S.RUNNING, S.RUNNING),
    ],
)
def test_disabled_update_follows_the_ban_state(ban_state: str | None, before: S, after: S) -> None:
    assert account_status_after(before, "DISABLED_UPDATE", ban_state) is after


@pytest.mark.parametrize(
    ("event", "before", "after"),
    [
        ("ACCOUNT_VIOLATION", S.RUNNING, S.RESTRICTED),
        ("ACCOUNT_VIOLATION", S.FLAGGED, S.RESTRICTED),
        ("ACCOUNT_VIOLATION", S.BANNED, S.BANNED),
        ("PARTNER_REMOVED", S.RUNNING, S.DISCONNECTED),
        ("PARTNER_APP_UNINSTALLED", S.BANNED, S.DISCONNECTED),
        ("ACCOUNT_DELETED", S.FLAGGED, S.DISCONNECTED),
        ("PARTNER_APP_INSTALLED", S.DISCONNECTED, S.DISCONNECTED),
        ("SOMETHING_META_ADDS_LATER", S.RUNNING, S.RUNNING),
    ],
)
def test_account_events_move_meta_driven_states(event: str, before: S, after: S) -> None:
    assert account_status_after(before, event, None) is after


@pytest.mark.parametrize("status", LIFECYCLE)
@pytest.mark.parametrize(("event", "ban_state"), [("DISABLED_UPDATE", "DISABLE"), ("ACCOUNT_DELETED", None)])
def test_meta_never_overwrites_the_hubs_lifecycle_states(status: S, event: str, ban_state: str | None) -> None:
    assert account_status_after(status, event, ban_state) is status
    assert quality_status_after(status, "FLAGGED") is status


@pytest.mark.parametrize(
    ("event", "before", "after"),
    [
        ("FLAGGED", S.RUNNING, S.FLAGGED),
        ("FLAGGED", S.RESTRICTED, S.RESTRICTED),
        ("UNFLAGGED", S.FLAGGED, S.RUNNING),
        ("UNFLAGGED", S.BANNED, S.BANNED),
        ("UPGRADE", S.FLAGGED, S.FLAGGED),
        ("DOWNGRADE", S.RUNNING, S.RUNNING),
        ("THROUGHPUT_UPGRADE", S.RUNNING, S.RUNNING),
        ("ONBOARDING", S.RUNNING, S.RUNNING),
        ("SOMETHING_META_ADDS_LATER", S.FLAGGED, S.FLAGGED),
    ],
)
def test_quality_events_flag_and_unflag_only(event: str, before: S, after: S) -> None:
    assert quality_status_after(before, event) is after


def test_an_account_update_records_meta_raw_words_and_its_time() -> None:
    update = account_update_of(a_number(), account("DISABLED_UPDATE", "SCHEDULE_FOR_DISABLE"), T, NOW)

    assert update is not None
    assert (update.aspect, update.time, update.status, update.reason) == (
        MetaAspect.ACCOUNT,
        T,
        S.RESTRICTED,
        "DISABLED_UPDATE",
    )
    assert update.recorded == {"meta_account_event": "DISABLED_UPDATE", "meta_ban_state": "SCHEDULE_FOR_DISABLE"}
    assert update.changes_status


def test_an_account_event_without_ban_info_clears_the_last_ban_state() -> None:
    update = account_update_of(a_number(meta_ban_state="DISABLE"), account("ACCOUNT_VIOLATION"), T, NOW)

    assert update is not None
    assert update.recorded == {"meta_account_event": "ACCOUNT_VIOLATION", "meta_ban_state": None}


@pytest.mark.parametrize("last", [T, T + 1])
def test_an_update_not_newer_than_the_last_of_its_aspect_does_nothing(last: int) -> None:
    number = a_number(account_event_time=last, quality_event_time=last)

    assert account_update_of(number, account("DISABLED_UPDATE", "DISABLE"), T, NOW) is None
    assert quality_update_of(number, quality("FLAGGED"), T, NOW) is None


def test_each_aspect_keeps_its_own_time() -> None:
    number = a_number(account_event_time=T + 100)

    update = quality_update_of(number, quality("UPGRADE", "TIER_10K"), T, NOW)

    assert update is not None
    assert update.recorded == {"quality_event": "UPGRADE", "messaging_limit": "TIER_10K"}


def test_a_quality_update_without_a_limit_keeps_the_limit() -> None:
    update = quality_update_of(a_number(), quality("FLAGGED", limit=None), T, NOW)

    assert update is not None
    assert update.recorded == {"quality_event": "FLAGGED"}
    assert update.status is S.FLAGGED


def change(field: str, value: dict[str, Any], waba_id: str = "102290129340398") -> MetaChange:
    return MetaChange(waba_id=waba_id, field=field, time=T, value=value)


def test_a_status_change_is_written_with_its_event() -> None:
    numbers = FakeNumbers(a_number("1"), a_number("2", account_status=S.PENDING_DELETION))

    changed = handle_meta_change(
        change("account_update", {"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": "DISABLE"}}),
        numbers=numbers,
        now=NOW,
    )

    assert changed == 1
    by_number = {update.number.number_id: (update, event) for update, event in numbers.writes}
    banned, event = by_number["1"]
    assert (banned.status, banned.recorded["meta_ban_state"]) == (S.BANNED, "DISABLE")
    assert event is not None
    assert (event.number_id, event.client_id, event.waba_id) == ("1", "acme", "102290129340398")
    assert (event.previous_status, event.status, event.reason) == (S.RUNNING, S.BANNED, "DISABLED_UPDATE")
    kept, no_event = by_number["2"]
    assert (kept.status, no_event) == (S.PENDING_DELETION, None)


def test_partner_events_name_the_waba_in_waba_info() -> None:
    numbers = FakeNumbers(a_number("1", waba_id="1191624265890717"), a_number("2", waba_id="2949482758682047"))
    value = {"event": "PARTNER_REMOVED", "waba_info": {"waba_id": "1191624265890717"}}

    handle_meta_change(change("account_update", value, waba_id="2949482758682047"), numbers=numbers, now=NOW)

    assert [update.number.number_id for update, _ in numbers.writes] == ["1"]


def test_account_events_about_business_not_numbers_write_nothing() -> None:
    numbers = FakeNumbers(a_number("1"))
    value = {"event": "VOLUME_BASED_PRICING_TIER_UPDATE", "volume_tier_info": {"tier": "25000001:50000000"}}

    assert handle_meta_change(change("account_update", value), numbers=numbers, now=NOW) == 0
    assert numbers.writes == []


def test_a_refused_write_is_decided_again_from_a_fresh_read() -> None:
    number = a_number("1")
    numbers = FakeNumbers(number, refuse=MAX_ATTEMPTS - 1)
    value = {"display_phone_number": number.phone_e164.lstrip("+"), "event": "FLAGGED"}

    changed = handle_meta_change(change("phone_number_quality_update", value), numbers=numbers, now=NOW)

    assert (changed, len(numbers.writes), numbers.reads) == (1, 1, MAX_ATTEMPTS - 1)


def test_a_number_that_keeps_changing_fails_the_event_after_bounded_attempts() -> None:
    numbers = FakeNumbers(a_number("1"), refuse=MAX_ATTEMPTS)

    with pytest.raises(NumberChangedConcurrently):
        handle_meta_change(change("account_update", {"event": "ACCOUNT_VIOLATION"}), numbers=numbers, now=NOW)
    assert numbers.reads == MAX_ATTEMPTS


class VanishingNumbers(FakeNumbers):
    """The number is removed between the read and the write."""

    def apply_meta_update(self, update: MetaNumberUpdate, event: NumberStatusChanged | None = None) -> bool:
        self.numbers.pop(update.number.number_id)
        return False


def test_a_number_removed_meanwhile_is_left_alone() -> None:
    numbers = VanishingNumbers(a_number("1"))

    changed = handle_meta_change(change("account_update", {"event": "ACCOUNT_VIOLATION"}), numbers=numbers, now=NOW)

    assert (changed, numbers.writes, numbers.reads) == (0, [], 1)


def test_fields_numbers_do_not_consume_are_ignored() -> None:
    numbers = FakeNumbers(a_number("1"))

    assert handle_meta_change(change("messages", {"anything": True}), numbers=numbers, now=NOW) == 0
    assert numbers.writes == []
