"""Domain events: metadata on every event; PutEvents in batches of ≤ 10; failures are loud."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import boto3
import pytest
from botocore.stub import ANY, Stubber

from hub_shared.events import DomainEvent, EventPublisher, EventPublishFailed
from hub_shared.observability import observability
from tests.builders import context


class NumberDeletedForTest(DomainEvent):
    SOURCE: ClassVar[str] = "hub.numbers"
    DETAIL_TYPE: ClassVar[str] = "NumberDeleted"

    number_id: str


def events_client() -> Any:
    return boto3.client("events", region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="x")


def expect_put(stubber: Stubber, count: int, failed: dict[int, str] | None = None) -> None:
    failed = failed or {}
    entries = [
        {"ErrorCode": failed[i], "ErrorMessage": "nope"} if i in failed else {"EventId": f"e{i}"} for i in range(count)
    ]
    stubber.add_response("put_events", {"FailedEntryCount": len(failed), "Entries": entries}, {"Entries": ANY})


def test_every_event_carries_metadata_and_its_source_and_type() -> None:
    entry = NumberDeletedForTest(number_id="1").to_entry("hub")
    detail = json.loads(entry["Detail"])

    assert (entry["Source"], entry["DetailType"], entry["EventBusName"]) == ("hub.numbers", "NumberDeleted", "hub")
    assert set(detail["metadata"]) == {"event_id", "occurred_at", "correlation_id", "version"}
    assert detail["metadata"]["version"] == 1
    assert detail["number_id"] == "1"


def test_two_events_never_share_an_id() -> None:
    assert (
        NumberDeletedForTest(number_id="1").metadata.event_id != NumberDeletedForTest(number_id="1").metadata.event_id
    )


def test_events_go_out_in_batches_of_at_most_ten() -> None:
    client = events_client()
    with Stubber(client) as stubber:
        for size in (10, 10, 3):
            expect_put(stubber, size)
        EventPublisher("hub", client=client).publish([NumberDeletedForTest(number_id=str(i)) for i in range(23)])
        stubber.assert_no_pending_responses()


def test_failed_entries_raise_with_each_failure_after_every_batch_was_tried() -> None:
    client = events_client()
    events = [NumberDeletedForTest(number_id=str(i)) for i in range(12)]
    with Stubber(client) as stubber:
        expect_put(stubber, 10, failed={3: "ThrottlingException"})
        expect_put(stubber, 2, failed={1: "InternalFailure"})
        with pytest.raises(EventPublishFailed) as raised:
            EventPublisher("hub", client=client).publish(events)
        stubber.assert_no_pending_responses()

    failed_ids = [json.loads(entry["Detail"])["number_id"] for entry, _, _ in raised.value.failed]
    assert failed_ids == ["3", "11"]
    assert "InternalFailure" in str(raised.value)
    assert "ThrottlingException" in str(raised.value)


def test_nothing_to_publish_calls_nothing() -> None:
    client = events_client()
    with Stubber(client) as stubber:
        EventPublisher("hub", client=client).publish([])
        stubber.assert_no_pending_responses()


def test_metadata_carries_the_correlation_id_of_the_invocation_being_handled() -> None:
    @observability("events-test").handler("requestContext.requestId")
    def handler(event: dict[str, Any], context: Any) -> NumberDeletedForTest:
        return NumberDeletedForTest(number_id="1")

    made = handler({"requestContext": {"requestId": "req-123"}}, context())

    assert made.metadata.correlation_id == "req-123"
    assert NumberDeletedForTest(number_id="2").metadata.correlation_id is None


def test_outside_a_handler_there_is_no_correlation_id() -> None:
    assert NumberDeletedForTest(number_id="1").metadata.correlation_id is None
