"""The webhooks relay: POST /webhooks/meta → the table's stream (moto) → the relay handler → the `hub` bus (moto),
observed through a rule that forwards `hub.meta` events to an SQS queue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from hub_shared import aws
from hub_shared.singletons import reset_all
from hub_webhooks.consumers.relay import handler
from tests.builders import (
    META_WEBHOOK_SAMPLES,
    REGION,
    WEBHOOK_APP_SECRET,
    WEBHOOK_CHANGES_TABLE,
    WEBHOOK_VERIFY_TOKEN,
    AwsWorld,
    context,
    encode_json,
    post_signed_webhook,
    quality_webhook,
    stored_changes_of,
    webhook_entry,
    webhook_notification,
)

SAMPLES = sorted(META_WEBHOOK_SAMPLES.glob("*.json"))


@dataclass
class Relay:
    aws: AwsWorld
    observed_queue: str
    dead_letter_queue: str

    def stream_records(self) -> list[dict[str, Any]]:
        return self.aws.stream_records(WEBHOOK_CHANGES_TABLE)

    def run(self, records: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        records = self.stream_records() if records is None else records
        answer: dict[str, Any] = handler({"Records": records}, context("WebhooksRelayFunction"))
        return answer

    def observed(self) -> list[dict[str, Any]]:
        """The events the bus delivered to the observing rule's queue."""
        return self.aws.drain(self.observed_queue)

    def dead_letters(self) -> list[dict[str, Any]]:
        return self.aws.drain(self.dead_letter_queue)


@pytest.fixture
def relay(aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> Iterator[Relay]:
    """Meta's secrets, the relay's dead-letter queue, and a rule sending every `hub.meta` event to a queue."""
    secrets = boto3.client("secretsmanager", region_name=REGION)
    secrets.create_secret(Name="hub/meta/app-secret", SecretString=WEBHOOK_APP_SECRET)
    secrets.create_secret(Name="hub/meta/verify-token", SecretString=WEBHOOK_VERIFY_TOKEN)
    dead_letters, observed = aws.queue("outbox-dlq"), aws.observe("hub.meta")
    monkeypatch.setenv("OUTBOX_DEAD_LETTER_QUEUE_URL", dead_letters)
    reset_all()
    yield Relay(aws, observed, dead_letters)


def put_events_batches() -> list[list[dict[str, Any]]]:
    """Records the entries of every PutEvents call the relay makes (its client is the process's `aws.events()`)."""
    batches: list[list[dict[str, Any]]] = []
    aws.events().meta.events.register(
        "provide-client-params.events.PutEvents", lambda params, **_: batches.append(list(params["Entries"]))
    )
    return batches


def test_a_stored_change_is_published_as_meta_field_with_the_change_as_detail(
    relay: Relay, capsys: pytest.CaptureFixture[str]
) -> None:
    body = json.loads((META_WEBHOOK_SAMPLES / "account_update.disabled_update.json").read_text())
    post_signed_webhook(encode_json(body))
    (item,) = stored_changes_of(relay.aws)
    capsys.readouterr()

    answer = relay.run()

    assert answer == {"batchItemFailures": []}
    (event,) = relay.observed()
    assert (event["source"], event["detail-type"]) == ("hub.meta", "meta.account_update")
    assert event["detail"] == {
        "metadata": {
            "event_id": item["change_id"],
            "occurred_at": "2025-03-31T20:11:43.000000Z",
            "correlation_id": item["correlation_id"],
            "version": 1,
        },
        "waba_id": "102290129340398",
        "field": "account_update",
        "time": 1743451903,
        "value": body["entry"][0]["changes"][0]["value"],
    }
    assert '"MetaChangesPublished":[1.0]' in capsys.readouterr().out
    assert relay.dead_letters() == []


def test_every_sample_goes_out_under_its_own_field(relay: Relay) -> None:
    for path in SAMPLES:
        post_signed_webhook(path.read_bytes())

    relay.run()

    assert sorted(e["detail-type"] for e in relay.observed()) == sorted(
        f"meta.{json.loads(p.read_text())['entry'][0]['changes'][0]['field']}" for p in SAMPLES
    )


def test_an_unknown_field_is_published_like_any_other(relay: Relay) -> None:
    post_signed_webhook(
        encode_json(
            webhook_notification(webhook_entry("102290129340398", 1_770_000_000, ("brand_new_field", {"a": [1]})))
        )
    )

    relay.run()

    (event,) = relay.observed()
    assert (event["detail-type"], event["detail"]["value"]) == ("meta.brand_new_field", {"a": [1]})


def test_a_change_without_time_occurred_when_it_was_received(relay: Relay) -> None:
    post_signed_webhook(
        encode_json(webhook_notification(webhook_entry("102290129340398", None, ("messages", {"statuses": []}))))
    )
    (item,) = stored_changes_of(relay.aws)

    relay.run()

    (event,) = relay.observed()
    assert event["detail"]["time"] == 0
    assert event["detail"]["metadata"]["occurred_at"] == item["received_at"]


def test_changes_go_out_in_batches_of_at_most_ten_with_their_change_ids(relay: Relay) -> None:
    changes = (("account_alerts", {"n": n}) for n in range(23))
    post_signed_webhook(encode_json(webhook_notification(webhook_entry("102290129340398", 1_770_000_000, *changes))))
    batches = put_events_batches()

    relay.run()

    assert [len(batch) for batch in batches] == [10, 10, 3]
    assert {e["DetailType"] for batch in batches for e in batch} == {"meta.account_alerts"}
    published = {e["detail"]["metadata"]["event_id"] for e in relay.observed()}
    assert published == {item["change_id"] for item in stored_changes_of(relay.aws)}


def test_relaying_the_same_records_again_repeats_the_same_event_ids(relay: Relay) -> None:
    post_signed_webhook(encode_json(quality_webhook("FLAGGED", 1_760_000_000)))
    records = relay.stream_records()
    relay.run(records)
    first = [e["detail"]["metadata"]["event_id"] for e in relay.observed()]

    relay.run(records)

    assert [e["detail"]["metadata"]["event_id"] for e in relay.observed()] == first


def test_only_inserts_are_published_never_ttl_removals(relay: Relay) -> None:
    post_signed_webhook(encode_json(quality_webhook("FLAGGED", 1_760_000_000)))
    (record,) = relay.stream_records()
    removal = {**record, "eventName": "REMOVE", "dynamodb": {**record["dynamodb"], "OldImage": {}}}
    del removal["dynamodb"]["NewImage"]

    assert relay.run([removal]) == {"batchItemFailures": []}
    assert relay.observed() == []


def refused(entry_count: int, refused_at: int) -> dict[str, Any]:
    results: list[dict[str, str]] = [{"EventId": f"event-{n}"} for n in range(entry_count)]
    results[refused_at] = {"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}
    return {"FailedEntryCount": 1, "Entries": results}


def test_a_refused_entry_is_retried_alone_until_the_bus_takes_it(relay: Relay) -> None:
    post_signed_webhook(
        encode_json(webhook_notification(webhook_entry("102290129340398", 1, ("a", {"n": 1}), ("b", {"n": 2}))))
    )
    batches = put_events_batches()

    with Stubber(aws.events()) as bus:
        bus.add_response("put_events", refused(2, refused_at=1))
        bus.add_response("put_events", {"FailedEntryCount": 0, "Entries": [{"EventId": "event-again"}]})
        answer = relay.run()
        bus.assert_no_pending_responses()

    assert answer == {"batchItemFailures": []}
    assert [len(batch) for batch in batches] == [2, 1]
    assert batches[1] == [batches[0][1]]
    assert relay.dead_letters() == []


def test_an_entry_the_bus_keeps_refusing_is_dead_lettered_with_its_error(relay: Relay) -> None:
    post_signed_webhook(encode_json(quality_webhook("FLAGGED", 1_760_000_000)))
    (item,) = stored_changes_of(relay.aws)

    with Stubber(aws.events()) as bus:
        for _ in range(3):
            bus.add_response("put_events", refused(1, refused_at=0))
        answer = relay.run()
        bus.assert_no_pending_responses()

    assert answer == {"batchItemFailures": []}
    (letter,) = relay.dead_letters()
    assert letter["error"] == "InternalFailure: try again"
    assert letter["entry"]["DetailType"] == "meta.phone_number_quality_update"
    assert json.loads(letter["entry"]["Detail"])["metadata"]["event_id"] == item["change_id"]


def test_the_event_time_is_meta_entry_time_in_utc(relay: Relay) -> None:
    post_signed_webhook(encode_json(quality_webhook("FLAGGED", 1_760_000_000)))

    relay.run()

    (event,) = relay.observed()
    occurred_at = datetime.fromisoformat(event["detail"]["metadata"]["occurred_at"])
    assert occurred_at == datetime.fromtimestamp(1_760_000_000, UTC)
