"""The end-of-month deletion job: handler → use case → DynamoDB (moto) and the Meta sandbox (its ASGI app through
httpx), with the retry queue on moto's SQS.

Each fault (Meta 5xx, throttling, 133016, timeouts, a crash halfway, a withdrawal winning the race) is shown to
leave every number either deleted once with its NumberDeleted, or still due and handed to the retry queue."""

from __future__ import annotations

import dataclasses
import itertools
import json
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError
from starlette.testclient import TestClient

from hub_numbers.events import NumberCancellationWithdrawn
from hub_numbers.jobs import deletion as job_module
from hub_numbers.models.numbers import AccountStatus, Number
from hub_numbers.settings import NumbersSettings
from hub_numbers.store.numbers import NumbersStore, deletion_shard
from hub_numbers.usecases.deletion import NumberDeletion, Outcome, RetryMessage
from hub_shared.events import DomainEvent
from hub_shared.graph import Graph, GraphClient
from hub_shared.settings import Settings
from local.queues import lambda_record
from local.sandboxes.meta import MetaSandbox, MetaState
from tests.builders import AwsWorld, GraphProxy, a_number, context

S = AccountStatus
MONTH_END = datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC)
AFTER_MONTH_END = datetime(2026, 12, 1, 0, 15, tzinfo=UTC)
REGISTERED = "106540352242922"  # a registered number of the sandbox's story, cloned for each test number
FIRST_ID = 1_800_000_000_000_000


class Crash(BaseException):
    """The process dies (a Lambda timeout or kill): nothing in the job catches it."""


@dataclass
class Meta:
    sandbox: MetaSandbox
    http: TestClient
    graph: GraphClient
    calls: list[str] = field(default_factory=list)

    def add(self, number_id: str, *, registered: bool = True) -> None:
        record = self.sandbox.state.numbers[REGISTERED]
        self.sandbox.state.numbers[number_id] = dataclasses.replace(
            record, id=number_id, registered=registered, registration_calls=[]
        )

    def registered(self, number_id: str) -> bool:
        return self.sandbox.state.numbers[number_id].registered

    def fault(self, **fault: Any) -> None:
        self.http.post("/_sandbox/faults", json=fault).raise_for_status()

    def clear_faults(self) -> None:
        self.http.delete("/_sandbox/faults").raise_for_status()

    def counted(self) -> Graph:
        """The job's Meta: the Graph client, counting the calls it posts."""
        return Counted(self.graph, self.calls)


class Counted(GraphProxy):
    def __init__(self, inner: Graph, calls: list[str]):
        super().__init__(inner)
        self.calls = calls

    def post(self, path: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(path)
        return self.inner.post(path, *args, **kwargs)


def graph_settings() -> Settings:
    return Settings(graph_api_base_url="http://meta.sandbox", graph_max_retries=2, graph_max_backoff_seconds=4.0)


@pytest.fixture
def meta() -> Iterator[Meta]:
    sandbox = MetaSandbox(
        MetaState.from_story(),
        app_secret="app-secret",
        webhook_url=None,
        review_delay_seconds=30,
        clock=lambda: AFTER_MONTH_END,
    )
    with TestClient(sandbox.app) as http:
        graph = GraphClient(
            settings=graph_settings(), client=http, token_provider=lambda: "EAAsandboxToken", sleep=lambda _: None
        )
        yield Meta(sandbox, http, graph)


@dataclass
class World:
    aws: AwsWorld
    meta: Meta
    store: NumbersStore
    queue_url: str
    operations: Counter[str]
    ids: Iterator[int] = field(default_factory=itertools.count)

    def due(self, count: int, *, deletion_at: datetime = MONTH_END, registered: bool = True) -> list[str]:
        """`count` new cancelled numbers (registered at Meta), due at `deletion_at`, spread over the shards."""
        ids = [str(FIRST_ID + next(self.ids)) for _ in range(count)]
        for number_id in ids:
            self.meta.add(number_id, registered=registered)
            self.aws.add_number(cancelled(number_id, deletion_at=deletion_at))
        return ids

    def status(self, number_id: str) -> AccountStatus:
        number = self.store.get(number_id)
        assert number is not None
        return number.account_status

    def deleted_events(self) -> Counter[str]:
        items = [item for item in self.aws.table_items("hub-numbers") if item["pk"]["S"].startswith("OUTBOX#")]
        return Counter(
            json.loads(item["detail"]["S"])["number_id"]
            for item in items
            if item["detail_type"]["S"] == "NumberDeleted"
        )

    def job(
        self, *, concurrency: int = 4, page_size: int | None = None, meta: Graph | None = None, retries: Any = None
    ) -> NumberDeletion:
        return NumberDeletion(
            self.store,
            meta or self.meta.counted(),
            retries or job_module.SqsRetryQueue(self.queue_url, boto3.client("sqs")),
            concurrency=concurrency,
            page_size=page_size,
            clock=lambda: 0.0,
        )

    def retry_messages(self) -> list[dict[str, Any]]:
        """The retry queue's visible messages, received (as the SQS poller would)."""
        sqs = boto3.client("sqs")
        messages: list[Any] = []
        for _ in range(50):
            answer = sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
            )
            if not answer.get("Messages"):
                return messages
            messages.extend(answer["Messages"])
        raise AssertionError("the retry queue did not drain")

    def queue_counts(self) -> tuple[int, int]:
        """(visible, delayed) messages of the retry queue."""
        attributes = boto3.client("sqs").get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesDelayed"])


def cancelled(number_id: str, *, deletion_at: datetime = MONTH_END) -> Number:
    return a_number(
        number_id,
        digits=number_id[-7:],
        account_status=S.PENDING_DELETION,
        status_before_cancellation=S.RUNNING,
        cancelled_at=deletion_at - timedelta(days=10),
        deletion_at=deletion_at,
    )


@pytest.fixture
def world(aws: AwsWorld, meta: Meta, monkeypatch: pytest.MonkeyPatch) -> World:
    queue_url = aws.queue("numbers-deletion-retries")
    monkeypatch.setenv("DELETION_RETRY_QUEUE_URL", queue_url)
    operations: Counter[str] = Counter()
    aws.dynamodb.meta.events.register("before-call.dynamodb", lambda model, **_: operations.update([model.name]))
    return World(aws, meta, NumbersStore("hub-numbers", aws.dynamodb), queue_url, operations)


def sqs_event(messages: list[dict[str, Any]]) -> dict[str, Any]:
    arn = "arn:aws:sqs:eu-central-1:123456789012:numbers-deletion-retries"
    return {"Records": [lambda_record(message, arn, "eu-central-1") for message in messages]}


# ------------------------------------------------------------------ a run


def test_every_due_number_is_deregistered_and_deleted_once_with_its_event(world: World) -> None:
    due = world.due(16)  # consecutive ids: one in each shard

    counts = world.job().run(AFTER_MONTH_END)

    assert counts == Counter({Outcome.DELETED: 16})
    assert {deletion_shard(n) for n in due} == {str(s) for s in range(16)}
    for number_id in due:
        number = world.store.get(number_id)
        assert number is not None
        assert (number.account_status, number.registration_status) == (S.DELETED, "DEREGISTERED")
        assert number.deleted_at == AFTER_MONTH_END
        assert not world.meta.registered(number_id)
    assert world.deleted_events() == Counter(due)
    assert world.job().run(AFTER_MONTH_END) == Counter()  # they left the index


def test_the_run_queries_the_index_shard_by_shard_and_never_scans(world: World) -> None:
    world.due(32)  # two in each shard
    world.operations.clear()

    world.job().run(AFTER_MONTH_END)

    assert world.operations["Scan"] == 0
    assert world.operations["Query"] == 16
    assert world.operations["BatchGetItem"] == 16
    assert world.operations["TransactWriteItems"] == 32


def test_pages_of_the_index_are_followed(world: World) -> None:
    due = world.due(32)  # two in each shard, read one at a time

    counts = world.job(page_size=1).run(AFTER_MONTH_END)

    assert counts == Counter({Outcome.DELETED: 32})
    assert world.deleted_events() == Counter(due)
    assert world.operations["Query"] > 16


def test_numbers_not_yet_due_and_numbers_not_cancelled_are_left_alone(world: World) -> None:
    due = world.due(3)
    next_month = world.due(2, deletion_at=datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
    world.aws.add_number(a_number("1799", digits="0001799"))

    counts = world.job().run(AFTER_MONTH_END)

    assert counts == Counter({Outcome.DELETED: 3})
    assert [world.status(n) for n in next_month] == [S.PENDING_DELETION] * 2
    assert all(world.meta.registered(n) for n in next_month)
    assert world.status("1799") is S.RUNNING
    assert set(world.deleted_events()) == set(due)


def test_a_number_already_deregistered_at_meta_is_deleted(world: World) -> None:
    (number_id,) = world.due(1, registered=False)

    counts = world.job().run(AFTER_MONTH_END)

    assert counts == Counter({Outcome.DELETED: 1})
    assert world.status(number_id) is S.DELETED


def test_a_withdrawal_that_wins_the_race_wins(world: World, caplog: pytest.LogCaptureFixture) -> None:
    (number_id,) = world.due(1)
    store = world.store

    class WithdrawnMeanwhile(NumbersStore):
        def mark_deleted(self, read: Number, *, at: datetime, event: DomainEvent) -> bool:
            withdrawn = NumberCancellationWithdrawn(
                number_id=read.number_id, client_id=read.client_id, status=S.RUNNING
            )
            assert store.withdraw(read, status=S.RUNNING, at=MONTH_END - timedelta(seconds=1), event=withdrawn)
            return super().mark_deleted(read, at=at, event=event)

    world.store = WithdrawnMeanwhile("hub-numbers", world.aws.dynamodb)

    counts = world.job().run(AFTER_MONTH_END)

    assert counts == Counter({Outcome.WITHDRAWN: 1})
    assert world.status(number_id) is S.RUNNING
    assert world.deleted_events() == Counter()
    assert "register it again" in caplog.text


def test_a_number_the_index_still_lists_after_a_withdrawal_is_left_alone(world: World) -> None:
    running = a_number("1801", digits="0001801")

    assert world.job().delete("1801", running, AFTER_MONTH_END) is Outcome.WITHDRAWN
    assert world.job().delete("1802", None, AFTER_MONTH_END) is Outcome.ALREADY_DELETED
    assert world.meta.calls == []


# ------------------------------------------------------------------ faults → the retry queue


def test_meta_failing_sends_the_numbers_to_the_retry_queue_and_leaves_them_due(world: World) -> None:
    due = world.due(5)
    world.meta.fault(status=503)

    counts = world.job().run(AFTER_MONTH_END)

    assert counts == Counter({Outcome.RETRIED: 5})
    assert [world.status(n) for n in due] == [S.PENDING_DELETION] * 5
    assert all(world.meta.registered(n) for n in due)
    assert world.deleted_events() == Counter()
    bodies = sorted(json.loads(m["Body"])["number_id"] for m in world.retry_messages())
    assert bodies == sorted(due)


def test_the_retry_queue_path_deletes_them_once_meta_is_back(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    due = world.due(3)
    world.meta.fault(status=500)
    world.job().run(AFTER_MONTH_END)
    world.meta.clear_faults()
    monkeypatch.setattr(job_module, "number_deletion", world.job)
    monkeypatch.setattr(job_module, "utc_now", lambda: AFTER_MONTH_END)

    answer = job_module.handler(sqs_event(world.retry_messages()), context("NumbersDeletionJobFunction"))

    assert answer == {"batchItemFailures": []}
    assert [world.status(n) for n in due] == [S.DELETED] * 3
    assert world.deleted_events() == Counter(due)


def test_numbers_failing_again_are_reported_as_batch_item_failures(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    due = world.due(2)
    world.meta.fault(status=503)
    world.job().run(AFTER_MONTH_END)
    monkeypatch.setattr(job_module, "number_deletion", world.job)
    monkeypatch.setattr(job_module, "utc_now", lambda: AFTER_MONTH_END)
    messages = world.retry_messages()
    malformed = {**messages[0], "MessageId": "malformed", "Body": '{"number": 1}'}

    answer = job_module.handler(sqs_event([*messages, malformed]), context("NumbersDeletionJobFunction"))

    failed = sorted(failure["itemIdentifier"] for failure in answer["batchItemFailures"])
    assert failed == sorted([m["MessageId"] for m in messages] + ["malformed"])
    assert [world.status(n) for n in due] == [S.PENDING_DELETION] * 2


def test_a_retried_number_that_was_withdrawn_meanwhile_is_done(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.aws.add_number(a_number("1803", digits="0001803"))
    monkeypatch.setattr(job_module, "number_deletion", world.job)
    message = {
        "MessageId": "m-1",
        "ReceiptHandle": "r-1",
        "Body": RetryMessage(number_id="1803", attempt=1).model_dump_json(),
        "MD5OfBody": "",
        "Attributes": {"ApproximateReceiveCount": "1"},
    }

    answer = job_module.handler(sqs_event([message]), context("NumbersDeletionJobFunction"))

    assert answer == {"batchItemFailures": []}
    assert world.meta.calls == []


def test_throttling_holds_meta_calls_and_queues_the_rest_delayed(world: World) -> None:
    due = world.due(4)
    world.meta.fault(status=429, code=80007, retry_after=120)

    counts = world.job(concurrency=1).run(AFTER_MONTH_END)

    assert counts == Counter({Outcome.RETRIED: 4})
    assert len(world.meta.calls) == 1  # Meta asked for 120 s: no more calls in this run
    assert world.queue_counts() == (0, 4)  # delayed by Meta's wait
    assert [world.status(n) for n in due] == [S.PENDING_DELETION] * 4


def test_the_register_deregister_limit_queues_that_number_only(world: World) -> None:
    limited, other = world.due(2)
    world.meta.sandbox.state.numbers[limited].registration_calls = [AFTER_MONTH_END - timedelta(hours=1)] * 10

    counts = world.job().run(AFTER_MONTH_END)

    assert counts == Counter({Outcome.DELETED: 1, Outcome.RETRIED: 1})
    assert (world.status(limited), world.status(other)) == (S.PENDING_DELETION, S.DELETED)
    assert world.queue_counts() == (0, 1)


def test_meta_timeouts_send_the_number_to_the_retry_queue(world: World) -> None:
    due = world.due(2)

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    silent = GraphClient(
        settings=graph_settings(),
        client=httpx.Client(transport=httpx.MockTransport(timeout)),
        token_provider=lambda: "EAAsandboxToken",
        sleep=lambda _: None,
    )

    counts = world.job(meta=silent).run(AFTER_MONTH_END)

    assert counts == Counter({Outcome.RETRIED: 2})
    assert sorted(json.loads(m["Body"])["number_id"] for m in world.retry_messages()) == sorted(due)


def test_a_write_that_fails_sends_the_number_to_the_retry_queue(world: World) -> None:
    (number_id,) = world.due(1)

    class Throttled(NumbersStore):
        def mark_deleted(self, read: Number, *, at: datetime, event: DomainEvent) -> bool:
            raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "TransactWriteItems")

    world.store = Throttled("hub-numbers", world.aws.dynamodb)

    assert world.job().run(AFTER_MONTH_END) == Counter({Outcome.RETRIED: 1})
    assert json.loads(world.retry_messages()[0]["Body"]) == {"number_id": number_id, "attempt": 1}


def test_a_number_the_retry_queue_refuses_stays_due_for_the_next_run(world: World) -> None:
    (number_id,) = world.due(1)
    world.meta.fault(status=503)

    class Down:
        def send(self, message: RetryMessage, delay_seconds: int) -> None:
            raise ClientError({"Error": {"Code": "ServiceUnavailable"}}, "SendMessage")

    assert world.job(retries=Down()).run(AFTER_MONTH_END) == Counter({Outcome.FAILED: 1})
    world.meta.clear_faults()
    assert world.job().run(AFTER_MONTH_END) == Counter({Outcome.DELETED: 1})
    assert world.deleted_events() == Counter([number_id])


# ------------------------------------------------------------------ resumable


def test_a_run_killed_halfway_and_run_again_deletes_every_number_exactly_once(world: World) -> None:
    due = world.due(30)
    lock, calls = threading.Lock(), itertools.count(1)

    class DiesAfterSevenDeregistrations(GraphProxy):
        """Deregisters at Meta, then the process dies before the 7th number is marked deleted."""

        def post(self, path: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
            with lock:
                call = next(calls)
            answer = self.inner.post(path, *args, **kwargs)
            if call == 7:
                raise Crash
            return answer

    with pytest.raises(Crash):
        dies = DiesAfterSevenDeregistrations(world.meta.counted())
        world.job(concurrency=2, page_size=5, meta=dies).run(AFTER_MONTH_END)
    halfway = Counter(world.status(n) for n in due)
    assert 0 < halfway[S.DELETED] < 30

    counts = world.job().run(AFTER_MONTH_END)

    assert counts[Outcome.DELETED] == halfway[S.PENDING_DELETION]
    assert [world.status(n) for n in due] == [S.DELETED] * 30
    assert world.deleted_events() == Counter(due)  # exactly once each


def test_two_runs_at_once_delete_each_number_once(world: World) -> None:
    due = world.due(20)
    first, second = world.job(concurrency=2), world.job(concurrency=2)
    results: list[Counter[Outcome]] = []
    runs = [
        threading.Thread(target=lambda job=job: results.append(job.run(AFTER_MONTH_END))) for job in (first, second)
    ]

    for run in runs:
        run.start()
    for run in runs:
        run.join(60)

    assert (results[0] + results[1])[Outcome.DELETED] == 20
    assert world.deleted_events() == Counter(due)


# ------------------------------------------------------------------ the scheduler's handler


def test_the_scheduled_handler_takes_now_from_its_input_and_reports_counts(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    world.due(3)
    world.due(1, deletion_at=datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
    monkeypatch.setattr(job_module, "number_deletion", world.job)
    metrics: dict[str, float] = {}
    monkeypatch.setattr(job_module.obs.metrics, "add_metric", lambda name, unit, value: metrics.update({name: value}))

    answer = job_module.handler(
        {"job": "end-of-month-deletion", "now": "2026-12-01T00:00:00Z"}, context("NumbersDeletionJobFunction")
    )

    assert answer == {
        "job": "end-of-month-deletion",
        "now": "2026-12-01T00:00:00.000000Z",
        "outcomes": {"deleted": 3, "already_deleted": 0, "withdrawn": 0, "retried": 0, "failed": 0},
    }
    shards = [record for record in caplog.records if record.getMessage() == "deletion shard done"]
    assert [record.shard for record in shards] == [str(shard) for shard in range(16)]  # type: ignore[attr-defined]
    assert metrics == {
        "NumbersDeletionDeleted": 3,
        "NumbersDeletionAlreadyDeleted": 0,
        "NumbersDeletionWithdrawn": 0,
        "NumbersDeletionRetried": 0,
        "NumbersDeletionFailed": 0,
    }


def test_the_scheduled_handler_refuses_a_job_it_does_not_run(world: World) -> None:
    with pytest.raises(ValueError, match="end-of-month-deletion"):
        job_module.handler({"job": "template-sync"}, context("NumbersDeletionJobFunction"))


def test_a_future_now_is_refused_outside_the_local_and_test_stages(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    (number_id,) = world.due(1, deletion_at=datetime(2099, 1, 31, 23, 59, 59, 999999, tzinfo=UTC))
    monkeypatch.setattr(job_module, "number_deletion", world.job)
    monkeypatch.setattr(job_module, "numbers_settings", lambda: NumbersSettings(stage="prod"))

    with pytest.raises(ValueError, match="refused in stage prod"):
        job_module.handler({"job": "end-of-month-deletion", "now": "2099-02-01T00:00:00Z"}, context("Job"))

    assert world.status(number_id) is S.PENDING_DELETION
    assert (
        job_module.handler({"job": "end-of-month-deletion", "now": "2026-01-01T00:00:00Z"}, context("Job"))["outcomes"][
            "deleted"
        ]
        == 0
    )
