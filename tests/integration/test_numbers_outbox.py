"""The numbers table's outbox: a Meta-driven status change is written with its event, and the stream relay
(NumbersOutboxFunction) publishes it on the hub bus; number items on the same stream are skipped."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from hub_numbers.consumers import outbox
from hub_numbers.consumers.meta import handler as meta_handler
from hub_numbers.models.numbers import AccountStatus
from hub_shared import aws as hub_aws
from hub_shared.meta_events import MetaChange, detail_type
from hub_shared.outbox import PUBLISH_ATTEMPTS
from hub_shared.singletons import reset_all
from local.streams import stream_sources
from tests.builders import AwsWorld, a_number, context, eventbridge_event

REGION = "eu-central-1"
WABA = "102290129340398"


@pytest.fixture
def queues(aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The relay's dead-letter queue (as the template configures it) and a queue behind a rule for hub.numbers."""
    dead_letters, published = aws.queue("hub-outbox-dlq"), aws.observe("hub.numbers")
    monkeypatch.setenv("OUTBOX_DEAD_LETTER_QUEUE_URL", dead_letters)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "numbers")
    reset_all()
    return {"dead_letters": dead_letters, "published": published}


def ban_waba(state: str) -> None:
    change = MetaChange(
        waba_id=WABA,
        field="account_update",
        time=1743451903,
        value={"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": state}},
    )
    meta_handler(eventbridge_event(change, detail_type=detail_type(change.field)), context("NumbersMetaEventsFunction"))


def stream_records(aws: AwsWorld) -> list[dict[str, Any]]:
    """The numbers table's stream records, with the creation time as the JSON Lambda receives."""
    records = aws.stream_records("hub-numbers")
    return [{**record, "dynamodb": {**record["dynamodb"], "ApproximateCreationDateTime": 0}} for record in records]


def received(queue_url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name=REGION)
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
    return [json.loads(message["Body"]) for message in messages]


def test_a_status_change_and_its_event_are_written_together_and_the_relay_publishes_the_event(
    aws: AwsWorld, queues: dict[str, str]
) -> None:
    aws.add_number(a_number("11"))
    ban_waba("DISABLE")
    records = stream_records(aws)
    assert sorted((r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"].split("#")[0]) for r in records) == [
        ("INSERT", "NUMBER"),
        ("INSERT", "OUTBOX"),
        ("MODIFY", "NUMBER"),
    ]

    answer = outbox.handler({"Records": records}, context("NumbersOutboxFunction"))

    assert answer == {"batchItemFailures": []}
    (event,) = received(queues["published"])
    assert (event["source"], event["detail-type"]) == ("hub.numbers", "NumberStatusChanged")
    detail = event["detail"]
    assert (detail["number_id"], detail["client_id"], detail["waba_id"]) == ("11", "acme", WABA)
    assert (detail["previous_status"], detail["status"], detail["reason"]) == (
        AccountStatus.RUNNING,
        AccountStatus.BANNED,
        "DISABLED_UPDATE",
    )
    assert set(detail["metadata"]) == {"event_id", "occurred_at", "correlation_id", "version"}
    assert received(queues["dead_letters"]) == []


def test_the_templates_stream_filter_hands_the_relay_only_outbox_inserts(aws: AwsWorld, queues: dict[str, str]) -> None:
    aws.add_number(a_number("12"))
    ban_waba("SCHEDULE_FOR_DISABLE")
    (source,) = [s for s in stream_sources() if s.function == "NumbersOutboxFunction"]

    passed = [r for r in stream_records(aws) if source.passes(r)]

    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"][:7]) for r in passed] == [("INSERT", "OUTBOX#")]


def test_a_batch_of_number_items_only_publishes_nothing(aws: AwsWorld, queues: dict[str, str]) -> None:
    aws.add_number(a_number("13"))
    ban_waba("PARTIALLY_DISABLE")  # recorded on the number, no status change: no outbox item

    answer = outbox.handler({"Records": stream_records(aws)}, context("NumbersOutboxFunction"))

    assert answer == {"batchItemFailures": []}
    assert received(queues["published"]) == []


def test_entries_the_bus_keeps_refusing_go_to_the_dead_letter_queue(
    aws: AwsWorld, queues: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    aws.add_number(a_number("14"))
    ban_waba("DISABLE")
    records = stream_records(aws)
    refusing = boto3.client("events", region_name=REGION)
    monkeypatch.setattr(hub_aws, "events", lambda: refusing)

    with Stubber(refusing) as stubber:
        for _ in range(PUBLISH_ATTEMPTS):
            stubber.add_response(
                "put_events",
                {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "try later"}]},
                {"Entries": ANY},
            )
        answer = outbox.handler({"Records": records}, context("NumbersOutboxFunction"))
        stubber.assert_no_pending_responses()

    assert answer == {"batchItemFailures": []}
    (letter,) = received(queues["dead_letters"])
    assert letter["entry"]["DetailType"] == "NumberStatusChanged"
    assert json.loads(letter["entry"]["Detail"])["number_id"] == "14"
    assert letter["error"].startswith("InternalFailure")
