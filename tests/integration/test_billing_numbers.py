"""Billing's consumer of NumberAdded / NumberDeleted: handler → use case → DynamoDB (moto, the billing table from the
template). Replays, duplicates and events out of order leave the billable numbers and their count right."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from hub_billing.consumers import numbers as consumer
from hub_billing.models.contracts import NumberAddedDetail, NumberDeletedDetail
from hub_billing.store.billing import BillingStore
from hub_billing.usecases.billable import Applied, BillableNumber, Written, record_number_event
from hub_numbers.events import NumberAdded, NumberDeleted, NumberStatusChanged
from hub_numbers.models.numbers import AccountStatus
from hub_shared.events import EventMetadata
from tests.builders import NOW, AwsWorld, InProcessStripe, context, eventbridge_event

ADDED_AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
DELETED_AT = datetime(2026, 12, 1, 0, 15, tzinfo=UTC)


def added(number_id: str = "1001", client_id: str = "acme", at: datetime = ADDED_AT) -> NumberAdded:
    return NumberAdded(
        number_id=number_id,
        client_id=client_id,
        waba_id="102290129340398",
        phone_number="+4915112345090",
        how="embedded_signup",
        metadata=EventMetadata(occurred_at=at),
    )


def deleted(number_id: str = "1001", client_id: str = "acme", at: datetime = DELETED_AT) -> NumberDeleted:
    return NumberDeleted(
        number_id=number_id,
        client_id=client_id,
        waba_id="102290129340398",
        deleted_at=at,
        metadata=EventMetadata(occurred_at=at),
    )


def deliver(event: NumberAdded | NumberDeleted) -> str:
    return str(consumer.handler(eventbridge_event(event), context("BillingNumberEventsFunction")))


@pytest.fixture(autouse=True)
def stripe_sandbox(aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> InProcessStripe:
    """The consumer sets the subscription at Stripe after each event (test_billing_subscription checks how)."""
    sandbox = InProcessStripe()
    monkeypatch.setattr(consumer, "payments", lambda: sandbox.payments)
    return sandbox


@pytest.fixture
def store(aws: AwsWorld) -> BillingStore:
    return BillingStore("hub-billing", aws.dynamodb)


def numbers_of(aws: AwsWorld, client_id: str) -> dict[str, dict[str, Any]]:
    items = aws.dynamodb.query(
        TableName="hub-billing",
        KeyConditionExpression="pk = :c AND begins_with(sk, :n)",
        ExpressionAttributeValues={":c": {"S": f"CLIENT#{client_id}"}, ":n": {"S": "NUMBER#"}},
    )["Items"]
    return {
        item["number_id"]["S"]: {name: next(iter(value.values())) for name, value in item.items()} for item in items
    }


def test_an_added_number_is_billable_and_counted(aws: AwsWorld, store: BillingStore) -> None:
    assert deliver(added()) == "counted"

    assert numbers_of(aws, "acme")["1001"]["added_at"] == "2026-11-02T10:00:00.000000Z"
    assert "deleted_at" not in numbers_of(aws, "acme")["1001"]
    assert store.billable_count("acme") == 1


def test_a_deleted_number_stops_being_billable(aws: AwsWorld, store: BillingStore) -> None:
    deliver(added())

    assert deliver(deleted()) == "uncounted"

    assert numbers_of(aws, "acme")["1001"]["deleted_at"] == "2026-12-01T00:15:00.000000Z"
    assert store.billable_count("acme") == 0


def test_a_replayed_event_changes_nothing(aws: AwsWorld, store: BillingStore) -> None:
    event = added()
    deliver(event)
    before = aws.table_items("hub-billing")

    assert deliver(event) == "duplicate"

    assert aws.table_items("hub-billing") == before
    assert store.billable_count("acme") == 1


def test_events_out_of_order_end_in_the_same_state(store: BillingStore) -> None:
    assert deliver(deleted()) == "unchanged"
    assert deliver(added()) == "unchanged"

    assert store.billable_count("acme") == 0
    number = store.billable_number("acme", "1001")
    assert number is not None
    assert (number.added_at, number.deleted_at, number.billable) == (ADDED_AT, DELETED_AT, False)


def test_a_number_added_again_after_its_deletion_is_billable_again(store: BillingStore) -> None:
    deliver(added())
    deliver(deleted())

    assert deliver(added(at=datetime(2027, 1, 5, tzinfo=UTC))) == "counted"

    assert store.billable_count("acme") == 1


def test_the_count_is_per_client(store: BillingStore) -> None:
    for number_id in ("1001", "1002", "1003"):
        deliver(added(number_id))
    deliver(added("2001", "globex"))
    deliver(deleted("1002"))

    assert (store.billable_count("acme"), store.billable_count("globex"), store.billable_count("initech")) == (2, 1, 0)


class Interfering(BillingStore):
    """Another event for the same number is applied between this event's read and its write, `times` times."""

    def __init__(self, aws: AwsWorld, meanwhile: Callable[[], object], times: int = 1):
        super().__init__("hub-billing", aws.dynamodb)
        self.meanwhile, self.times = meanwhile, times

    def record(self, event_id: str, before: BillableNumber | None, after: BillableNumber, now: datetime) -> Written:
        if self.times > 0:
            self.times -= 1
            self.meanwhile()
        return super().record(event_id, before, after, now)


def detail(event: NumberAdded | NumberDeleted) -> NumberAddedDetail | NumberDeletedDetail:
    model = NumberAddedDetail if isinstance(event, NumberAdded) else NumberDeletedDetail
    return model.model_validate_json(event.model_dump_json())


def test_an_event_racing_another_for_the_same_number_is_decided_again(aws: AwsWorld, store: BillingStore) -> None:
    racing = Interfering(aws, lambda: record_number_event(detail(added()), numbers=store, now=NOW))

    assert record_number_event(detail(deleted()), numbers=racing, now=NOW) is Applied.UNCOUNTED

    assert store.billable_count("acme") == 0
    number = store.billable_number("acme", "1001")
    assert number is not None
    assert (number.added_at, number.deleted_at, number.version) == (ADDED_AT, DELETED_AT, 2)


def test_a_number_that_keeps_changing_is_left_to_the_bus_to_deliver_again(aws: AwsWorld, store: BillingStore) -> None:
    events = iter(added(at=datetime(2026, 11, day, tzinfo=UTC)) for day in range(2, 10))
    racing = Interfering(aws, lambda: record_number_event(detail(next(events)), numbers=store, now=NOW), times=3)

    with pytest.raises(Exception, match="kept changing"):
        record_number_event(detail(deleted()), numbers=racing, now=NOW)

    assert store.billable_count("acme") == 1
    number = store.billable_number("acme", "1001")
    assert number is not None and number.deleted_at is None


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(
            eventbridge_event(
                NumberStatusChanged(
                    number_id="1001",
                    client_id="acme",
                    waba_id="1",
                    previous_status=AccountStatus.RUNNING,
                    status=AccountStatus.FLAGGED,
                    reason="FLAGGED",
                )
            ),
            id="another-detail-type",
        ),
        pytest.param({**eventbridge_event(added()), "detail": {"number_id": "1001"}}, id="detail-missing-fields"),
        pytest.param({**eventbridge_event(added()), "source": "hub.billing"}, id="another-source"),
    ],
)
def test_an_event_that_is_not_billings_contract_is_raised_and_changes_nothing(
    aws: AwsWorld, event: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError):
        consumer.handler(event, context("BillingNumberEventsFunction"))

    assert aws.table_items("hub-billing") == []
