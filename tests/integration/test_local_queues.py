"""The local queue poller: the template's SQS event source mappings on a moto server, messages delivered to the
functions in Lambda's SQS event shape, partial batch failures left to the queue's visibility and redrive."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from local.cloud import MotoHandle, aws_client, start_moto
from local.queues import QueuePoller, QueueSource, queue_name, queue_sources
from local.template import load_template

REGION = "eu-central-1"
RECORD_KEYS = {
    "messageId",
    "receiptHandle",
    "body",
    "attributes",
    "messageAttributes",
    "md5OfBody",
    "eventSource",
    "eventSourceARN",
    "awsRegion",
}


def template(*, batch_size: int = 10, report_failures: bool = True, enabled: bool = True) -> dict[str, Any]:
    """A retry queue redriving to a dead-letter queue after 2 receives, consumed by RetryFunction through an
    EventSourceMapping; and a stream mapping (not SQS)."""
    mapping: dict[str, Any] = {
        "FunctionName": {"Ref": "RetryFunction"},
        "EventSourceArn": {"Fn::GetAtt": ["RetryQueue", "Arn"]},
        "BatchSize": batch_size,
        "Enabled": enabled,
    }
    if report_failures:
        mapping["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
    return {
        "Resources": {
            "RetryDeadLetterQueue": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "RetryQueue": {
                "Type": "AWS::SQS::Queue",
                "Properties": {
                    "RedrivePolicy": {
                        "deadLetterTargetArn": {"Fn::GetAtt": ["RetryDeadLetterQueue", "Arn"]},
                        "maxReceiveCount": 2,
                    },
                },
            },
            "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
            "RetryFunction": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "retry.handler"}},
            "StreamFunction": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "stream.handler"}},
            "Retries": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": mapping},
            "TableStream": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "FunctionName": {"Ref": "StreamFunction"},
                    "EventSourceArn": {"Fn::GetAtt": ["Table", "StreamArn"]},
                    "StartingPosition": "TRIM_HORIZON",
                },
            },
        }
    }


class Recorder:
    """A fake `invoke`: records every batch; `answer(records)` decides what the function answers."""

    def __init__(self, answer: Any = None):
        self.batches: list[tuple[str, list[dict[str, Any]]]] = []
        self.answer = answer
        self.called = threading.Event()

    def __call__(self, function: str, event: dict[str, Any]) -> Any:
        self.batches.append((function, event["Records"]))
        self.called.set()
        return self.answer(event["Records"]) if callable(self.answer) else self.answer

    def bodies(self) -> list[list[str]]:
        return [[record["body"] for record in records] for _, records in self.batches]


@pytest.fixture(scope="module")
def moto_server() -> Iterator[MotoHandle]:
    handle = start_moto()
    yield handle
    handle.stop()


@dataclass
class Queues:
    endpoint: str
    sqs: Any
    url: str
    dead_letter_url: str

    def send(self, *bodies: str, **attributes: str) -> None:
        for body in bodies:
            message_attributes = {k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()}
            self.sqs.send_message(QueueUrl=self.url, MessageBody=body, MessageAttributes=message_attributes)

    def visibility_passes(self, records: list[dict[str, Any]]) -> None:
        """The messages of `records` that are still in the queue become visible again (their timeout passed)."""
        for record in records:
            with contextlib.suppress(self.sqs.exceptions.ReceiptHandleIsInvalid):  # deleted: handled
                self.sqs.change_message_visibility(
                    QueueUrl=self.url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
                )

    def waiting(self, url: str) -> list[str]:
        """The bodies visible in a queue (received, so they stay hidden for the rest of the test)."""
        bodies: list[str] = []
        for _ in range(10):
            messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return sorted(bodies)
            bodies.extend(message["Body"] for message in messages)
        raise AssertionError(f"{url} did not drain")


@pytest.fixture
def queues(moto_server: MotoHandle) -> Queues:
    """A fresh moto with the template's two queues, named and redriven as the local cloud makes them."""
    httpx.post(f"{moto_server.endpoint}/moto-api/reset").raise_for_status()
    sqs = aws_client("sqs", moto_server.endpoint, REGION)
    shape = template()
    dead_letter_url = sqs.create_queue(QueueName=queue_name("RetryDeadLetterQueue", shape))["QueueUrl"]
    dead_letter_arn = sqs.get_queue_attributes(QueueUrl=dead_letter_url, AttributeNames=["QueueArn"])["Attributes"]
    redrive = {"deadLetterTargetArn": dead_letter_arn["QueueArn"], "maxReceiveCount": 2}
    url = sqs.create_queue(
        QueueName=queue_name("RetryQueue", shape),
        Attributes={"RedrivePolicy": json.dumps(redrive)},
    )["QueueUrl"]
    return Queues(moto_server.endpoint, sqs, url, dead_letter_url)


def test_sources_are_the_mappings_and_sam_events_on_queues_only() -> None:
    shape = template(batch_size=5)
    shape["Resources"]["RetryFunction"]["Properties"]["Events"] = {
        "Direct": {"Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": ["RetryDeadLetterQueue", "Arn"]}}}
    }

    assert queue_sources(shape) == [
        QueueSource("Direct", "RetryFunction", "RetryDeadLetterQueue", batch_size=10, report_item_failures=False),
        QueueSource("Retries", "RetryFunction", "RetryQueue", batch_size=5, report_item_failures=True),
    ]
    assert queue_sources(template(enabled=False)) == []


def test_the_hub_template_polls_the_deletion_retry_queue_for_the_deletion_job() -> None:
    (source,) = queue_sources(load_template())

    assert source == QueueSource(
        "NumbersDeletionRetries",
        "NumbersDeletionJobFunction",
        "NumbersDeletionRetryQueue",
        batch_size=10,
        report_item_failures=True,
    )
    assert queue_name("NumbersDeletionRetryQueue", load_template()) == "hub-numbers-deletion-retry-queue"


def test_messages_reach_the_function_in_lambdas_sqs_shape_and_are_deleted(queues: Queues) -> None:
    recorder = Recorder()
    poller = QueuePoller(queues.endpoint, template(), recorder)
    queues.send('{"number_id": "1", "attempt": 1}', kind="retry")

    assert poller.poll_once() == 1

    ((function, (record,)),) = recorder.batches
    assert function == "RetryFunction"
    assert set(record) == RECORD_KEYS
    assert (record["body"], record["eventSource"], record["awsRegion"]) == (
        '{"number_id": "1", "attempt": 1}',
        "aws:sqs",
        REGION,
    )
    assert record["eventSourceARN"].endswith(":hub-retry-queue")
    assert record["md5OfBody"] == hashlib.md5(record["body"].encode()).hexdigest()  # noqa: S324 - SQS's checksum
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"] == {
        "kind": {"stringValue": "retry", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
    }
    assert queues.waiting(queues.url) == []
    assert poller.poll_once() == 0


def test_a_batch_holds_at_most_batch_size_messages(queues: Queues) -> None:
    recorder = Recorder()
    poller = QueuePoller(queues.endpoint, template(batch_size=3), recorder)
    queues.send(*(str(n) for n in range(7)))

    delivered = [poller.poll_once() for _ in range(4)]

    assert delivered == [3, 3, 1, 0]
    assert sorted(body for bodies in recorder.bodies() for body in bodies) == [str(n) for n in range(7)]


def test_reported_failures_stay_and_reach_the_dead_letter_queue_after_max_receives(queues: Queues) -> None:
    def fail_odd(records: list[dict[str, Any]]) -> dict[str, Any]:
        odd = [r["messageId"] for r in records if int(r["body"]) % 2]
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in odd]}

    recorder = Recorder(fail_odd)
    poller = QueuePoller(queues.endpoint, template(), recorder)
    queues.send("1", "2", "3", "4")

    for _ in range(3):
        poller.poll_once()
        queues.visibility_passes(recorder.batches[-1][1])

    assert sorted(recorder.bodies()[0]) == ["1", "2", "3", "4"]
    assert sorted(recorder.bodies()[1]) == ["1", "3"]  # received a second time
    assert recorder.bodies()[2:] == []  # a third receive finds them over maxReceiveCount: redriven
    assert queues.waiting(queues.url) == []
    assert queues.waiting(queues.dead_letter_url) == ["1", "3"]


def test_a_failure_naming_a_message_outside_the_batch_fails_the_whole_batch(queues: Queues) -> None:
    recorder = Recorder({"batchItemFailures": [{"itemIdentifier": "not-in-this-batch"}]})
    poller = QueuePoller(queues.endpoint, template(), recorder)
    queues.send("1", "2")

    poller.poll_once()
    queues.visibility_passes(recorder.batches[0][1])

    assert queues.waiting(queues.url) == ["1", "2"]


def test_a_handler_that_raises_leaves_every_message(queues: Queues) -> None:
    def down(records: list[dict[str, Any]]) -> None:
        raise RuntimeError("function down")

    recorder = Recorder(down)
    poller = QueuePoller(queues.endpoint, template(), recorder)
    queues.send("1", "2")

    poller.poll_once()
    queues.visibility_passes(recorder.batches[0][1])

    assert queues.waiting(queues.url) == ["1", "2"]


def test_without_report_batch_item_failures_an_answer_does_not_keep_messages(queues: Queues) -> None:
    recorder = Recorder(lambda records: {"batchItemFailures": [{"itemIdentifier": records[0]["messageId"]}]})
    poller = QueuePoller(queues.endpoint, template(report_failures=False), recorder)
    queues.send("1")

    poller.poll_once()

    assert queues.waiting(queues.url) == []


def test_the_poller_delivers_in_the_background_until_stopped(queues: Queues) -> None:
    recorder = Recorder()
    poller = QueuePoller(queues.endpoint, template(), recorder, poll_interval=0.05)
    poller.start()
    try:
        queues.send("1")
        assert recorder.called.wait(10)
    finally:
        poller.stop()

    assert recorder.bodies() == [["1"]]
