"""Meta's account and quality webhooks on the bus → the numbers consumer → the numbers table and its outbox.

Every event is built as EventBridge delivers it (`meta.<field>` from `hub.meta`, a MetaChange detail), from
Meta's published samples adapted to the test's WABA and numbers.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from hub_numbers.consumers.meta import handler
from hub_numbers.events import NumberStatusChanged
from hub_numbers.models.numbers import AccountStatus, MetaNumberUpdate, Number
from hub_numbers.store.numbers import NumbersStore
from hub_numbers.usecases.meta_changes import handle_meta_change
from hub_shared.meta_events import MetaChange, detail_type
from tests.builders import META_WEBHOOK_SAMPLES, NOW, AwsWorld, a_meta_change, a_number, context, eventbridge_event

WABA = "102290129340398"
OTHER_WABA = "109876543210987"
CLIENT_WABA = "1191624265890717"  # waba_info.waba_id of the PARTNER_* samples
PARTNER_BUSINESS = "2949482758682047"  # their entry.id
PHONE = "+15550783881"  # the quality sample's display_phone_number
S = AccountStatus


def sample(name: str, *, waba_id: str | None = None) -> MetaChange:
    """The sample's one change as the webhooks service publishes it, from the test's WABA when given."""
    body = json.loads((META_WEBHOOK_SAMPLES / name).read_text())
    (entry,) = body["entry"]
    (raw,) = entry["changes"]
    return a_meta_change(raw["field"], raw["value"], waba_id=waba_id or entry["id"], time=entry["time"])


def account_update(event: str, *, time: int = 1743451903, waba_id: str = WABA, **value: Any) -> MetaChange:
    return a_meta_change("account_update", {"event": event, **value}, waba_id=waba_id, time=time)


def ban(state: str, *, time: int = 1743451903) -> MetaChange:
    return account_update("DISABLED_UPDATE", time=time, ban_info={"waba_ban_state": state, "waba_ban_date": "April 17"})


def quality(event: str, limit: str | None = "TIER_1K", *, time: int = 1748454394, phone: str = PHONE) -> MetaChange:
    value = {"display_phone_number": phone.lstrip("+"), "event": event}
    if limit is not None:
        value["current_limit"] = limit
    return a_meta_change("phone_number_quality_update", value, time=time)


def deliver(change: MetaChange) -> None:
    handler(eventbridge_event(change, detail_type=detail_type(change.field)), context("NumbersMetaEventsFunction"))


@pytest.fixture(autouse=True)
def function_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the template sets on NumbersMetaEventsFunction (Powertools reads the correlation id by service)."""
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "numbers")


@pytest.fixture
def store(aws: AwsWorld) -> NumbersStore:
    return NumbersStore("hub-numbers", aws.dynamodb)


@pytest.fixture
def number(aws: AwsWorld) -> Number:
    """A running number of WABA with the quality sample's phone number."""
    return aws.add_number(a_number("106540352242922", phone_e164=PHONE, display_phone_number="+1 555-078-3881"))


def read(store: NumbersStore, number: Number) -> Number:
    found = store.get(number.number_id)
    assert found is not None
    return found


def outbox(aws: AwsWorld) -> list[dict[str, Any]]:
    """The bus entries waiting in the numbers table's outbox: source, detail-type and detail."""
    items = [item for item in aws.table_items("hub-numbers") if item["pk"]["S"].startswith("OUTBOX#")]
    return [
        {"source": i["source"]["S"], "detail_type": i["detail_type"]["S"], "detail": json.loads(i["detail"]["S"])}
        for i in items
    ]


def status_changes(aws: AwsWorld) -> list[tuple[str, str, str, str]]:
    entries = outbox(aws)
    assert {(e["source"], e["detail_type"]) for e in entries} <= {("hub.numbers", "NumberStatusChanged")}
    return sorted(
        (e["detail"]["number_id"], e["detail"]["previous_status"], e["detail"]["status"], e["detail"]["reason"])
        for e in entries
    )


# ---------------------------------------------------------------- account_update


def test_the_disabled_update_sample_reinstates_a_banned_number(aws: AwsWorld, store: NumbersStore) -> None:
    banned = aws.add_number(a_number("11", account_status=S.BANNED, meta_account_event="DISABLED_UPDATE"))

    deliver(sample("account_update.disabled_update.json", waba_id=WABA))

    after = read(store, banned)
    assert after.account_status is S.RUNNING
    assert (after.meta_account_event, after.meta_ban_state, after.account_event_time) == (
        "DISABLED_UPDATE",
        "REINSTATE",
        1743451903,
    )
    assert status_changes(aws) == [("11", "banned", "running", "DISABLED_UPDATE")]


@pytest.mark.parametrize(("state", "status"), [("DISABLE", S.BANNED), ("SCHEDULE_FOR_DISABLE", S.RESTRICTED)])
def test_a_ban_moves_every_number_of_the_waba_and_no_other(
    aws: AwsWorld, store: NumbersStore, state: str, status: S
) -> None:
    ours = [aws.add_number(a_number(n)) for n in ("21", "22")]
    other = aws.add_number(a_number("23", waba_id=OTHER_WABA))

    deliver(ban(state))

    assert [read(store, n).account_status for n in ours] == [status, status]
    assert read(store, other) == other
    assert status_changes(aws) == [(n, "running", status.value, "DISABLED_UPDATE") for n in ("21", "22")]


def test_the_status_change_event_carries_the_number_and_the_webhooks_correlation_id(
    aws: AwsWorld, number: Number
) -> None:
    deliver(account_update("ACCOUNT_VIOLATION", violation_info={"violation_type": "ADULT"}))

    (entry,) = outbox(aws)
    detail = entry["detail"]
    event = NumberStatusChanged.model_validate(detail)
    assert (event.number_id, event.client_id, event.waba_id) == (number.number_id, "acme", WABA)
    assert (event.previous_status, event.status, event.reason) == (S.RUNNING, S.RESTRICTED, "ACCOUNT_VIOLATION")
    assert event.metadata.correlation_id == "webhook-request-1"


@pytest.mark.parametrize("event", ["PARTNER_REMOVED", "PARTNER_APP_UNINSTALLED"])
def test_losing_the_partner_disconnects_the_numbers_of_the_waba_in_waba_info(
    aws: AwsWorld, store: NumbersStore, event: str
) -> None:
    client_number = aws.add_number(a_number("31", waba_id=CLIENT_WABA))
    waba_info = {"waba_id": CLIENT_WABA, "owner_business_id": "2329417887457253"}

    deliver(account_update(event, waba_id=PARTNER_BUSINESS, waba_info=waba_info))

    assert read(store, client_number).account_status is S.DISCONNECTED
    assert status_changes(aws) == [("31", "running", "disconnected", event)]


def test_a_deleted_account_disconnects_its_numbers(aws: AwsWorld, store: NumbersStore, number: Number) -> None:
    deliver(account_update("ACCOUNT_DELETED"))

    assert read(store, number).account_status is S.DISCONNECTED


def test_the_partner_app_installed_sample_changes_nothing(aws: AwsWorld) -> None:
    client_number = aws.add_number(a_number("41", waba_id=CLIENT_WABA))
    before = aws.table_items("hub-numbers")

    deliver(sample("account_update.partner_app_installed.json"))

    assert aws.table_items("hub-numbers") == before
    assert read(NumbersStore("hub-numbers", aws.dynamodb), client_number) == client_number


@pytest.mark.parametrize("status", [S.ONBOARDING, S.PENDING_DELETION, S.DELETED])
def test_meta_records_its_event_on_lifecycle_states_but_keeps_their_status(
    aws: AwsWorld, store: NumbersStore, status: S
) -> None:
    deletion_at = datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC) if status is not S.ONBOARDING else None
    kept = aws.add_number(a_number("51", account_status=status, deletion_at=deletion_at))

    deliver(ban("DISABLE"))

    after = read(store, kept)
    assert (after.account_status, after.deletion_at) == (status, deletion_at)
    assert (after.meta_account_event, after.meta_ban_state) == ("DISABLED_UPDATE", "DISABLE")
    assert outbox(aws) == []


def test_a_cancelled_number_stays_due_for_deletion(aws: AwsWorld) -> None:
    month_end = datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC)
    aws.add_number(a_number("52", account_status=S.PENDING_DELETION, deletion_at=month_end))

    deliver(account_update("PARTNER_REMOVED"))

    item = aws.dynamodb.get_item(TableName="hub-numbers", Key={"pk": {"S": "NUMBER#52"}, "sk": {"S": "NUMBER"}})
    assert "deletion_shard" in item["Item"]


def test_an_unknown_account_event_is_recorded_raw_without_a_status_change(
    aws: AwsWorld, store: NumbersStore, number: Number
) -> None:
    deliver(account_update("WABA_MOVED_TO_THE_MOON", moon_info={"crater": "Tycho"}))

    after = read(store, number)
    assert (after.account_status, after.meta_account_event, after.meta_ban_state) == (
        S.RUNNING,
        "WABA_MOVED_TO_THE_MOON",
        None,
    )
    assert outbox(aws) == []


def test_an_unknown_ban_state_is_recorded_raw_without_a_status_change(
    aws: AwsWorld, store: NumbersStore, number: Number
) -> None:
    deliver(ban("PARTIALLY_DISABLE"))

    after = read(store, number)
    assert (after.account_status, after.meta_ban_state) == (S.RUNNING, "PARTIALLY_DISABLE")
    assert outbox(aws) == []


# ---------------------------------------------------------------- phone_number_quality_update


def test_the_quality_sample_raises_the_limit_and_keeps_the_status(
    aws: AwsWorld, store: NumbersStore, number: Number
) -> None:
    deliver(sample("phone_number_quality_update.json", waba_id=WABA))

    after = read(store, number)
    assert (after.account_status, after.messaging_limit) == (S.RUNNING, "TIER_UNLIMITED")
    assert (after.quality_event, after.quality_event_time) == ("THROUGHPUT_UPGRADE", 1748454394)
    assert outbox(aws) == []


@pytest.mark.parametrize(
    "tier",
    ["TIER_50", "TIER_250", "TIER_1K", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED", "TIER_NOT_SET", "TIER_5M"],
)
def test_every_tier_is_stored_as_meta_sends_it(store: NumbersStore, number: Number, tier: str) -> None:
    deliver(quality("UPGRADE", tier))

    assert read(store, number).messaging_limit == tier


def test_flagged_then_unflagged_moves_a_running_number_and_back(
    aws: AwsWorld, store: NumbersStore, number: Number
) -> None:
    deliver(quality("FLAGGED", "TIER_1K", time=1748454394))
    assert read(store, number).account_status is S.FLAGGED

    deliver(quality("UNFLAGGED", "TIER_1K", time=1748454395))
    assert read(store, number).account_status is S.RUNNING

    assert status_changes(aws) == [
        (number.number_id, "flagged", "running", "UNFLAGGED"),
        (number.number_id, "running", "flagged", "FLAGGED"),
    ]


def test_a_quality_event_without_a_limit_keeps_the_limit(store: NumbersStore, number: Number) -> None:
    deliver(quality("FLAGGED", limit=None))

    assert read(store, number).messaging_limit == number.messaging_limit


def test_an_unknown_quality_event_is_recorded_and_changes_the_limit_only(
    aws: AwsWorld, store: NumbersStore, number: Number
) -> None:
    deliver(quality("SUPER_THROUGHPUT", "TIER_10K"))

    after = read(store, number)
    assert (after.account_status, after.quality_event, after.messaging_limit) == (
        S.RUNNING,
        "SUPER_THROUGHPUT",
        "TIER_10K",
    )
    assert outbox(aws) == []


def test_a_quality_update_for_an_unknown_number_is_ignored(aws: AwsWorld, number: Number) -> None:
    before = aws.table_items("hub-numbers")

    deliver(quality("FLAGGED", phone="+4930000000"))

    assert aws.table_items("hub-numbers") == before


# ---------------------------------------------------------------- order, replay, concurrency


@pytest.mark.parametrize(
    "change",
    [ban("DISABLE"), quality("FLAGGED", "TIER_250")],
    ids=["account_update", "phone_number_quality_update"],
)
def test_a_replayed_event_changes_nothing(aws: AwsWorld, change: MetaChange, number: Number) -> None:
    deliver(change)
    after_first = aws.table_items("hub-numbers")

    deliver(change)

    assert aws.table_items("hub-numbers") == after_first
    assert len(outbox(aws)) == 1


def test_an_older_quality_update_after_a_newer_one_does_not_win(
    aws: AwsWorld, store: NumbersStore, number: Number
) -> None:
    deliver(quality("UPGRADE", "TIER_10K", time=1748454394))
    deliver(quality("FLAGGED", "TIER_250", time=1748454000))

    after = read(store, number)
    assert (after.account_status, after.messaging_limit, after.quality_event) == (S.RUNNING, "TIER_10K", "UPGRADE")
    assert outbox(aws) == []


def test_an_older_ban_after_a_newer_reinstatement_does_not_win(
    aws: AwsWorld, store: NumbersStore, number: Number
) -> None:
    deliver(ban("REINSTATE", time=1743451903))
    deliver(ban("DISABLE", time=1743400000))

    assert read(store, number).account_status is S.RUNNING
    assert outbox(aws) == []


def test_account_and_quality_updates_are_ordered_separately(store: NumbersStore, number: Number) -> None:
    deliver(ban("DISABLE", time=1743451903))
    deliver(quality("UPGRADE", "TIER_2K", time=1743000000))

    after = read(store, number)
    assert (after.account_status, after.messaging_limit) == (S.BANNED, "TIER_2K")


def test_an_account_event_about_pricing_does_not_hide_an_older_ban(store: NumbersStore, number: Number) -> None:
    tier = {"tier": "25000001:50000000", "effective_month": "2025-11"}
    deliver(account_update("VOLUME_BASED_PRICING_TIER_UPDATE", time=1743451903, volume_tier_info=tier))
    deliver(ban("DISABLE", time=1743400000))

    assert read(store, number).account_status is S.BANNED


class InterferingStore(NumbersStore):
    """Another writer changes the number between the consumer's read and its write, once."""

    def __init__(self, aws: AwsWorld, interfere: Number):
        super().__init__("hub-numbers", aws.dynamodb)
        self.interfere: Number | None = interfere

    def apply_meta_update(self, update: MetaNumberUpdate, event: Any = None) -> bool:
        if self.interfere is not None:
            self.put(self.interfere)
            self.interfere = None
        return super().apply_meta_update(update, event)


def test_a_cancellation_between_read_and_write_is_not_overwritten(aws: AwsWorld, number: Number) -> None:
    month_end = datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC)
    cancelled = number.model_copy(update={"account_status": S.PENDING_DELETION, "deletion_at": month_end})
    store = InterferingStore(aws, interfere=cancelled)

    changed = handle_meta_change(ban("DISABLE"), numbers=store, now=NOW)

    after = read(store, number)
    assert (changed, after.account_status, after.deletion_at) == (0, S.PENDING_DELETION, month_end)
    assert after.meta_ban_state == "DISABLE"
    assert outbox(aws) == []


def test_a_newer_update_between_read_and_write_wins(aws: AwsWorld, number: Number) -> None:
    newer = number.model_copy(
        update={"messaging_limit": "TIER_100K", "quality_event": "UPGRADE", "quality_event_time": 1748454999}
    )
    store = InterferingStore(aws, interfere=newer)

    changed = handle_meta_change(quality("FLAGGED", "TIER_250"), numbers=store, now=NOW)

    after = read(store, number)
    assert (changed, after.account_status, after.messaging_limit) == (0, S.RUNNING, "TIER_100K")
    assert outbox(aws) == []


# ---------------------------------------------------------------- what the consumer refuses or ignores


def test_a_field_numbers_do_not_consume_is_ignored(aws: AwsWorld, number: Number) -> None:
    before = aws.table_items("hub-numbers")

    deliver(sample("message_template_status_update.approved.json"))
    deliver(a_meta_change("some_field_meta_adds_later", {"event": "ANYTHING"}))

    assert aws.table_items("hub-numbers") == before


@pytest.fixture
def good_event(number: Number) -> dict[str, Any]:
    return eventbridge_event(ban("DISABLE"), detail_type="meta.account_update")


@pytest.mark.parametrize(
    "breaks",
    [
        lambda e: e["detail"].pop("waba_id"),
        lambda e: e["detail"].pop("field"),
        lambda e: e["detail"].update(time="yesterday"),
        lambda e: e["detail"]["value"].pop("event"),
        lambda e: e["detail"].update(value={"event": "DISABLED_UPDATE", "ban_info": "not an object"}),
        lambda e: e.pop("detail"),
        lambda e: e.update(detail="not json"),
    ],
    ids=["no waba", "no field", "bad time", "no event", "bad ban_info", "no detail", "string detail"],
)
def test_a_malformed_event_raises_and_changes_nothing(aws: AwsWorld, good_event: dict[str, Any], breaks: Any) -> None:
    before = aws.table_items("hub-numbers")
    breaks(good_event)

    with pytest.raises(ValidationError):
        handler(good_event, context("NumbersMetaEventsFunction"))

    assert aws.table_items("hub-numbers") == before
