"""The local stream relay: a table's DynamoDB stream on a moto server, relayed to its consumer functions."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from local.cloud import MotoHandle, aws_client, start_moto
from local.streams import StreamRelay, stream_sources
from local.template import create_tables, load_template

REGION = "eu-central-1"
TEMPLATE = load_template(Path(__file__).parents[1] / "fixtures" / "templates" / "streams.yaml")
TABLE = "hub-orders"

Answer = Callable[[list[dict[str, Any]]], Any]


class Recorder:
    """A fake `invoke`: records each batch; `answers[function]` (given the records) answers or raises."""

    def __init__(self, answers: dict[str, Answer] | None = None):
        self.calls: list[tuple[str, list[dict[str, Any]]]] = []
        self.answers = answers or {}
        self.called: defaultdict[str, threading.Event] = defaultdict(threading.Event)  # by function

    def __call__(self, function: str, event: dict[str, Any]) -> Any:
        self.calls.append((function, event["Records"]))
        self.called[function].set()
        answer = self.answers.get(function)
        return answer(event["Records"]) if answer else None

    def batches(self, function: str) -> list[list[str]]:
        """The primary keys of each batch `function` received."""
        return [[r["dynamodb"]["Keys"]["pk"]["S"] for r in records] for f, records in self.calls if f == function]


def fail_times(count: int) -> Answer:
    remaining = [count]

    def answer(records: list[dict[str, Any]]) -> None:
        if remaining[0] > 0:
            remaining[0] -= 1
            raise RuntimeError("consumer is down")

    return answer


@pytest.fixture(scope="module")
def moto_server() -> Iterator[MotoHandle]:
    handle = start_moto()
    yield handle
    handle.stop()


@pytest.fixture
def endpoint(moto_server: MotoHandle) -> str:
    """A fresh moto with the fixture template's table."""
    httpx.post(f"{moto_server.endpoint}/moto-api/reset").raise_for_status()
    create_tables(aws_client("dynamodb", moto_server.endpoint, REGION), TEMPLATE)
    return moto_server.endpoint


def put(endpoint: str, *keys: str, **values: str) -> None:
    dynamodb = aws_client("dynamodb", endpoint, REGION)
    for key in keys:
        dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": key}, **{k: {"S": v} for k, v in values.items()}})


def test_sources_are_read_from_the_template_and_disabled_ones_left_out() -> None:
    sources = {source.name: source for source in stream_sources(TEMPLATE)}

    assert set(sources) == {"OrderChanges", "NewOrders"}
    outbox, audit = sources["OrderChanges"], sources["NewOrders"]
    assert (outbox.function, outbox.table, outbox.starting_position) == (
        "OutboxFunction",
        "OrdersTable",
        "TRIM_HORIZON",
    )
    assert (outbox.batch_size, outbox.max_retries, outbox.report_item_failures) == (2, 1, True)
    assert (audit.batch_size, audit.max_retries, audit.report_item_failures) == (100, 2, False)
    assert {s.batch_size for s in stream_sources(TEMPLATE, batch_size=7)} == {7}


def test_records_are_relayed_in_order_in_batches_of_at_most_the_batch_size(endpoint: str) -> None:
    put(endpoint, "k0", "k1", "k2", "k3", "k4")
    recorder = Recorder()

    relay = StreamRelay(endpoint, TEMPLATE, recorder)

    assert relay.poll_once() == 5
    assert recorder.batches("OutboxFunction") == [["k0", "k1"], ["k2", "k3"], ["k4"]]
    sequence = [int(r["dynamodb"]["SequenceNumber"]) for f, records in recorder.calls for r in records]
    assert sequence == sorted(sequence)
    assert relay.poll_once() == 0  # nothing is relayed twice


def test_records_have_the_shape_of_lambdas_dynamodb_event(endpoint: str) -> None:
    relay = StreamRelay(endpoint, TEMPLATE, recorder := Recorder())
    dynamodb = aws_client("dynamodb", endpoint, REGION)
    put(endpoint, "k0", status="new")
    put(endpoint, "k0", status="paid")
    dynamodb.delete_item(TableName=TABLE, Key={"pk": {"S": "k0"}})

    relay.poll_once()

    records = [r for f, batch in recorder.calls if f == "OutboxFunction" for r in batch]
    stream_arn = dynamodb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    for record in records:
        assert (record["eventSource"], record["awsRegion"], record["eventSourceARN"]) == (
            "aws:dynamodb",
            REGION,
            stream_arn,
        )
        assert {"eventID", "eventVersion"} <= set(record)
        change = record["dynamodb"]
        assert change["Keys"] == {"pk": {"S": "k0"}}
        assert change["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert isinstance(change["SequenceNumber"], str)
        assert isinstance(change["SizeBytes"], int)
        assert isinstance(change["ApproximateCreationDateTime"], int)
    insert, modify, remove = (r["dynamodb"] for r in records)
    assert (insert["NewImage"]["status"], "OldImage" in insert) == ({"S": "new"}, False)
    assert (modify["OldImage"]["status"], modify["NewImage"]["status"]) == ({"S": "new"}, {"S": "paid"})
    assert (remove["OldImage"]["status"], "NewImage" in remove) == ({"S": "paid"}, False)


def test_latest_starts_when_the_relay_opens_and_filters_skip_other_records(endpoint: str) -> None:
    put(endpoint, "before")
    recorder = Recorder()
    relay = StreamRelay(endpoint, TEMPLATE, recorder)
    relay.open()
    put(endpoint, "after", status="new")
    put(endpoint, "after", status="paid")  # a MODIFY: the audit's filter wants INSERTs only

    relay.poll_once()

    assert recorder.batches("AuditFunction") == [["after"]]
    assert recorder.batches("OutboxFunction") == [["before", "after"], ["after"]]


def test_a_batch_whose_handler_raises_is_retried_whole(endpoint: str) -> None:
    put(endpoint, "k0", "k1", "k2")
    recorder = Recorder({"OutboxFunction": fail_times(1)})
    relay = StreamRelay(endpoint, TEMPLATE, recorder)

    relay.poll_once()

    assert recorder.batches("OutboxFunction") == [["k0", "k1"], ["k0", "k1"], ["k2"]]
    assert relay.dead_letters == []


def test_batch_item_failures_retry_from_the_first_failed_record(endpoint: str) -> None:
    put(endpoint, "k0", "k1")
    reported = [False]

    def second_fails_once(records: list[dict[str, Any]]) -> dict[str, Any]:
        if reported[0]:
            return {"batchItemFailures": []}
        reported[0] = True
        return {"batchItemFailures": [{"itemIdentifier": records[1]["dynamodb"]["SequenceNumber"]}]}

    recorder = Recorder({"OutboxFunction": second_fails_once})
    relay = StreamRelay(endpoint, TEMPLATE, recorder)

    relay.poll_once()

    assert recorder.batches("OutboxFunction") == [["k0", "k1"], ["k1"]]
    assert relay.dead_letters == []


def test_an_unknown_failed_item_identifier_fails_the_whole_batch(endpoint: str) -> None:
    put(endpoint, "k0", "k1")
    recorder = Recorder({"OutboxFunction": lambda records: {"batchItemFailures": [{"itemIdentifier": "nope"}]}})
    relay = StreamRelay(endpoint, TEMPLATE, recorder)

    relay.poll_once()

    assert recorder.batches("OutboxFunction") == [["k0", "k1"], ["k0", "k1"]]
    (letter,) = relay.dead_letters
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in letter.records] == ["k0", "k1"]


def test_batch_item_failures_are_ignored_without_report_batch_item_failures(endpoint: str) -> None:
    recorder = Recorder({"AuditFunction": lambda records: {"batchItemFailures": [{"itemIdentifier": "nope"}]}})
    relay = StreamRelay(endpoint, TEMPLATE, recorder)
    relay.open()
    put(endpoint, "k0")

    relay.poll_once()

    assert recorder.batches("AuditFunction") == [["k0"]]
    assert relay.dead_letters == []


def test_a_batch_failing_past_its_retries_becomes_a_dead_letter_and_the_stream_moves_on(endpoint: str) -> None:
    put(endpoint, "k0", "k1", "k2")
    recorder = Recorder({"OutboxFunction": fail_times(99)})
    relay = StreamRelay(endpoint, TEMPLATE, recorder)

    relay.poll_once()

    # MaximumRetryAttempts: 1 — each batch is tried twice.
    assert recorder.batches("OutboxFunction") == [["k0", "k1"], ["k0", "k1"], ["k2"], ["k2"]]
    assert [(d.function, d.source, d.attempts, d.error) for d in relay.dead_letters] == [
        ("OutboxFunction", "OrderChanges", 2, "RuntimeError('consumer is down')"),
        ("OutboxFunction", "OrderChanges", 2, "RuntimeError('consumer is down')"),
    ]
    assert [[r["dynamodb"]["Keys"]["pk"]["S"] for r in d.records] for d in relay.dead_letters] == [["k0", "k1"], ["k2"]]


def test_the_background_thread_relays_until_stopped(endpoint: str) -> None:
    recorder = Recorder()
    relay = StreamRelay(endpoint, TEMPLATE, recorder, poll_interval=0.05)
    relay.start()
    try:
        put(endpoint, "k0")
        assert recorder.called["OutboxFunction"].wait(timeout=10)
    finally:
        relay.stop()

    assert recorder.batches("OutboxFunction") == [["k0"]]
