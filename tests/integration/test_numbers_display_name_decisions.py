"""Meta's decisions on display names: its `phone_number_name_update` webhooks on the bus → the numbers consumer, and
the polling job that finds what the webhooks missed → the requests, the number and the outbox (moto).

Requests are made through the use case against the Meta sandbox in process; the sandbox reviews them (names with
"reject" are rejected, "defer" deferred, "expire" dropped without a webhook) and its webhooks reach the consumer
exactly as the webhooks service's relay publishes them."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from pydantic import ValidationError

from hub_numbers.consumers.meta import handler
from hub_numbers.jobs import display_names as job_module
from hub_numbers.models.display_names import DisplayNameChange, DisplayNameRequest, RequestStatus
from hub_numbers.store.display_names import PENDING_DISPLAY_NAME, DisplayNamesStore, request_item
from hub_numbers.store.numbers import NumbersStore
from hub_numbers.usecases.display_names.decisions import Outcome as PollOutcome
from hub_numbers.usecases.display_names.polling import DisplayNamePolling, poll_request
from hub_numbers.usecases.display_names.requests import DisplayNameDeps, request_display_name
from hub_shared import aws as hub_aws
from hub_shared.auth import Principal, Role
from hub_shared.clock import to_rfc3339
from hub_shared.errors import UpstreamUnavailable
from hub_shared.graph import Graph
from hub_shared.meta_events import detail_type
from hub_webhooks.app import handler as webhooks_handler
from tests.builders import (
    ACME_NUMBER,
    WEBHOOK_APP_SECRET,
    WEBHOOK_CHANGES_TABLE,
    WEBHOOK_VERIFY_TOKEN,
    AwsWorld,
    GraphProxy,
    InProcessMeta,
    a_meta_change,
    a_name_request,
    a_number,
    acme_number,
    context,
    eventbridge_event,
    http_event,
    outbox_events,
    webhook_signature,
)

START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
REVIEWED = START + timedelta(hours=1)
ANNA = Principal(subject="user-acme", role=Role.CLIENT, client_id="acme")
SHARDS = [str(shard) for shard in range(16)]


@pytest.fixture(autouse=True)
def function_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "numbers")


@pytest.fixture
def meta(aws: AwsWorld) -> InProcessMeta:
    """Acme's running number at the hub and in the Meta sandbox, whose reviews take an hour."""
    aws.add_number(acme_number())
    return InProcessMeta(lambda: START)


def ask(meta: InProcessMeta, name: str, now: datetime = START) -> DisplayNameRequest:
    deps = DisplayNameDeps(NumbersStore(), DisplayNamesStore(), meta.graph)
    submitted = request_display_name(ACME_NUMBER, DisplayNameChange(display_name=name), ANNA, deps, now)
    return current(submitted.request.request_id)


def current(request_id: str) -> DisplayNameRequest:
    found = DisplayNamesStore().get(ACME_NUMBER, request_id)
    assert found is not None
    return found


def deliver(*events: dict[str, Any]) -> None:
    for event in events:
        handler(event, context("NumbersMetaEventsFunction"))


def name_update(decision: str, name: str, *, time: datetime = REVIEWED, reason: str | None = None) -> dict[str, Any]:
    """A `phone_number_name_update` on the bus, shaped as Meta sends it for ACME_NUMBER."""
    value = {"display_phone_number": "4915112345001", "decision": decision, "requested_verified_name": name}
    if reason is not None:
        value["rejection_reason"] = reason
    change = a_meta_change("phone_number_name_update", value, time=int(time.timestamp()))
    return eventbridge_event(change, detail_type=detail_type(change.field))


def number_item(aws: AwsWorld) -> dict[str, Any]:
    key = {"pk": {"S": f"NUMBER#{ACME_NUMBER}"}, "sk": {"S": "NUMBER"}}
    return hub_aws.from_item(aws.dynamodb.get_item(TableName="hub-numbers", Key=key)["Item"])


def events(aws: AwsWorld, detail_type: str) -> list[dict[str, Any]]:
    return outbox_events(aws.table_items("hub-numbers"), detail_type)


def pending_index(aws: AwsWorld) -> list[str]:
    items = aws.dynamodb.scan(TableName="hub-numbers", IndexName=PENDING_DISPLAY_NAME)["Items"]
    return sorted(item["sk"]["S"].removeprefix("DISPLAY_NAME#") for item in items)


def polling(meta: InProcessMeta, graph: Graph | None = None, concurrency: int = 16) -> DisplayNamePolling:
    return DisplayNamePolling(DisplayNamesStore(), graph or meta.graph, shards=SHARDS, concurrency=concurrency)


# ---------------------------------------------------------------- the webhook


def test_an_approval_renames_the_number_asks_for_reregistration_and_announces_it(
    aws: AwsWorld, meta: InProcessMeta
) -> None:
    asked = ask(meta, "Acme Garden")
    assert meta.review(REVIEWED) == 1

    deliver(*meta.webhooks())

    approved = current(asked.request_id)
    assert (approved.status, approved.decided_by, approved.meta_decision) == ("approved", "webhook", "APPROVED")
    assert approved.decision_time == int(REVIEWED.timestamp())
    number = number_item(aws)
    assert (number["display_name"], number["display_name_status"]) == ("Acme Garden", "APPROVED")
    assert "display_name_request" not in number
    assert approved.decided_at is not None
    assert number["reregister_by"] == to_rfc3339(approved.decided_at + timedelta(days=14))
    (event,) = events(aws, "DisplayNameApproved")
    assert (event["request_id"], event["display_name"], event["previous_name"], event["decided_by"]) == (
        asked.request_id,
        "Acme Garden",
        "Acme Retail",
        "webhook",
    )
    assert event["reregister_by"] == number["reregister_by"]
    assert pending_index(aws) == []


def test_a_rejection_keeps_the_old_name_stores_the_reason_and_frees_the_number(
    aws: AwsWorld, meta: InProcessMeta
) -> None:
    asked = ask(meta, "Acme Rejected Garden")
    meta.review(REVIEWED)

    deliver(*meta.webhooks())

    rejected = current(asked.request_id)
    assert (rejected.status, rejected.rejection_reason) == ("rejected", "NAME_FORMAT_UNACCEPTABLE")
    number = number_item(aws)
    assert (number["display_name"], number["display_name_status"]) == ("Acme Retail", "APPROVED")
    assert "display_name_request" not in number and "reregister_by" not in number
    (event,) = events(aws, "DisplayNameRejected")
    assert (event["display_name"], event["rejection_reason"], event["decided_by"]) == (
        "Acme Rejected Garden",
        "NAME_FORMAT_UNACCEPTABLE",
        "webhook",
    )
    assert events(aws, "DisplayNameApproved") == []
    assert ask(meta, "Acme Garden", REVIEWED).status is RequestStatus.PENDING_REVIEW


def test_deferred_and_pending_keep_the_request_open_until_the_decision(aws: AwsWorld, meta: InProcessMeta) -> None:
    asked = ask(meta, "Acme Deferred Garden")
    meta.review(REVIEWED)

    deliver(*meta.webhooks())

    assert current(asked.request_id).status is RequestStatus.DEFERRED
    assert number_item(aws)["display_name_request"] == asked.request_id
    assert pending_index(aws) == [asked.request_id]

    deliver(name_update("PENDING", "Acme Deferred Garden", time=REVIEWED + timedelta(hours=1)))
    assert current(asked.request_id).status is RequestStatus.PENDING_REVIEW

    deliver(name_update("APPROVED", "Acme Deferred Garden", time=REVIEWED + timedelta(hours=2)))
    assert current(asked.request_id).status is RequestStatus.APPROVED
    assert number_item(aws)["display_name"] == "Acme Deferred Garden"
    assert pending_index(aws) == []


def test_a_repeated_decision_changes_nothing(aws: AwsWorld, meta: InProcessMeta) -> None:
    ask(meta, "Acme Garden")
    meta.review(REVIEWED)
    webhooks = meta.webhooks()
    deliver(*webhooks)
    after_first = aws.table_items("hub-numbers")

    deliver(*webhooks)

    assert aws.table_items("hub-numbers") == after_first
    assert len(events(aws, "DisplayNameApproved")) == 1


@pytest.mark.parametrize(
    ("first", "then", "status"),
    [
        (("APPROVED", 3), ("REJECTED", 2), RequestStatus.APPROVED),
        (("REJECTED", 3), ("APPROVED", 2), RequestStatus.REJECTED),
        (("APPROVED", 3), ("DEFERRED", 2), RequestStatus.APPROVED),
        (("DEFERRED", 3), ("PENDING", 2), RequestStatus.DEFERRED),
        (("PENDING", 3), ("DEFERRED", 2), RequestStatus.PENDING_REVIEW),
    ],
    ids=["approved, older rejection", "rejected, older approval", "older deferral", "older pending", "pending again"],
)
def test_an_older_decision_arriving_late_changes_nothing(
    aws: AwsWorld, meta: InProcessMeta, first: tuple[str, int], then: tuple[str, int], status: RequestStatus
) -> None:
    asked = ask(meta, "Acme Garden")
    deliver(name_update(first[0], "Acme Garden", time=START + timedelta(hours=first[1])))
    after_first = aws.table_items("hub-numbers")

    deliver(name_update(then[0], "Acme Garden", time=START + timedelta(hours=then[1])))

    assert current(asked.request_id).status is status
    assert aws.table_items("hub-numbers") == after_first


@pytest.mark.parametrize(("final", "later"), [("APPROVED", "REJECTED"), ("REJECTED", "APPROVED")])
def test_a_final_request_never_changes_again(aws: AwsWorld, meta: InProcessMeta, final: str, later: str) -> None:
    asked = ask(meta, "Acme Garden")
    deliver(name_update(final, "Acme Garden", time=START + timedelta(hours=1)))
    decided = current(asked.request_id)

    deliver(name_update(later, "Acme Garden", time=START + timedelta(hours=2)))

    assert current(asked.request_id) == decided
    assert len(events(aws, "DisplayNameApproved") + events(aws, "DisplayNameRejected")) == 1


@pytest.mark.parametrize(
    "update",
    [
        name_update("APPROVED", "Acme Something Else"),
        name_update("APPROVED", "Acme Garden", time=START - timedelta(days=2)),
        name_update("MAYBE", "Acme Garden"),
    ],
    ids=["another name", "before the request", "unknown decision"],
)
def test_a_decision_not_about_the_open_request_is_ignored(
    aws: AwsWorld, meta: InProcessMeta, update: dict[str, Any]
) -> None:
    ask(meta, "Acme Garden")
    before = aws.table_items("hub-numbers")

    deliver(update)

    assert aws.table_items("hub-numbers") == before


def test_a_decision_for_a_number_the_hub_does_not_know_is_ignored(aws: AwsWorld, meta: InProcessMeta) -> None:
    before = aws.table_items("hub-numbers")
    event = name_update("APPROVED", "Acme Garden")
    event["detail"]["value"]["display_phone_number"] = "4930000000"

    deliver(event)

    assert aws.table_items("hub-numbers") == before


@pytest.mark.parametrize(("decision", "name_status"), [("APPROVED", "APPROVED"), ("REJECTED", "DECLINED")])
def test_a_decision_on_the_current_name_without_a_request_sets_its_status(
    aws: AwsWorld, meta: InProcessMeta, decision: str, name_status: str
) -> None:
    aws.add_number(acme_number(display_name_status="PENDING_REVIEW"))

    deliver(name_update(decision, "Acme Retail"))
    deliver(name_update("APPROVED" if decision == "REJECTED" else "REJECTED", "Acme Retail", time=START))  # older

    number = number_item(aws)
    assert (number["display_name"], number["display_name_status"]) == ("Acme Retail", name_status)
    assert outbox_events(aws.table_items("hub-numbers"), "DisplayNameApproved") == []


def test_a_name_update_without_a_decision_raises_and_changes_nothing(aws: AwsWorld, meta: InProcessMeta) -> None:
    ask(meta, "Acme Garden")
    before = aws.table_items("hub-numbers")
    event = name_update("APPROVED", "Acme Garden")
    del event["detail"]["value"]["decision"]

    with pytest.raises(ValidationError):
        deliver(event)

    assert aws.table_items("hub-numbers") == before


def test_a_forged_name_update_is_refused_at_the_webhooks_ingress_and_never_reaches_the_numbers(
    aws: AwsWorld, meta: InProcessMeta
) -> None:
    """The webhooks service stores (and so relays) only what Meta signed; a forged approval stops at its door."""
    secrets = boto3.client("secretsmanager")
    secrets.create_secret(Name="hub/meta/app-secret", SecretString=WEBHOOK_APP_SECRET)
    secrets.create_secret(Name="hub/meta/verify-token", SecretString=WEBHOOK_VERIFY_TOKEN)
    asked = ask(meta, "Acme Garden")
    value = {"display_phone_number": "4915112345001", "decision": "APPROVED", "requested_verified_name": "Acme Garden"}
    changes = [{"field": "phone_number_name_update", "value": value}]
    webhook_entry = {"id": "102290129340398", "time": int(REVIEWED.timestamp()), "changes": changes}
    raw = json.dumps({"object": "whatsapp_business_account", "entry": [webhook_entry]}).encode()
    before = aws.table_items("hub-numbers")
    forged = {"x-hub-signature-256": webhook_signature(raw, "not-the-app-secret")}

    event = http_event("POST", "/webhooks/meta", body=raw.decode(), headers=forged)
    answer = webhooks_handler(event, context("WebhooksFunction"))

    assert answer["statusCode"] == 401
    assert json.loads(answer["body"])["type"].endswith("/unauthorized")
    assert aws.table_items(WEBHOOK_CHANGES_TABLE) == []
    assert aws.table_items("hub-numbers") == before
    assert current(asked.request_id).status is RequestStatus.PENDING_REVIEW


# ---------------------------------------------------------------- polling


def test_polling_applies_an_approval_whose_webhook_was_lost(aws: AwsWorld, meta: InProcessMeta) -> None:
    asked = ask(meta, "Acme Garden")
    meta.state.webhooks_to_lose = 1
    meta.review(REVIEWED)
    assert meta.webhooks() == []

    counts = polling(meta).run(REVIEWED + timedelta(minutes=15))

    assert counts == Counter({PollOutcome.DECIDED: 1})
    approved = current(asked.request_id)
    assert (approved.status, approved.decided_by, approved.meta_decision) == ("approved", "polling", None)
    assert number_item(aws)["display_name"] == "Acme Garden"
    (event,) = events(aws, "DisplayNameApproved")
    assert event["decided_by"] == "polling"
    assert pending_index(aws) == []
    assert polling(meta).run(REVIEWED + timedelta(minutes=30)) == Counter()


def test_polling_applies_a_lost_rejection_without_a_reason(aws: AwsWorld, meta: InProcessMeta) -> None:
    asked = ask(meta, "Acme Rejected Garden")
    meta.state.webhooks_to_lose = 1
    meta.review(REVIEWED)

    assert polling(meta).run(REVIEWED) == Counter({PollOutcome.DECIDED: 1})

    rejected = current(asked.request_id)
    assert (rejected.status, rejected.rejection_reason, rejected.decided_by) == ("rejected", None, "polling")
    assert number_item(aws)["display_name"] == "Acme Retail"
    (event,) = events(aws, "DisplayNameRejected")
    assert (event["rejection_reason"], event["decided_by"]) == (None, "polling")


def test_polling_expires_a_request_meta_dropped(aws: AwsWorld, meta: InProcessMeta) -> None:
    asked = ask(meta, "Acme Expired Garden")
    meta.review(REVIEWED)
    assert meta.webhooks() == []  # Meta drops it without a word

    assert polling(meta).run(REVIEWED) == Counter({PollOutcome.DECIDED: 1})

    expired = current(asked.request_id)
    assert (expired.status, expired.failure) == ("expired", "Meta dropped the request (new_name_status EXPIRED).")
    assert "display_name_request" not in number_item(aws)
    assert events(aws, "DisplayNameApproved") == events(aws, "DisplayNameRejected") == []
    assert ask(meta, "Acme Garden", REVIEWED).status is RequestStatus.PENDING_REVIEW


def test_polling_expires_a_request_meta_no_longer_shows(aws: AwsWorld, meta: InProcessMeta) -> None:
    asked = ask(meta, "Acme Garden")
    meta.state.numbers[ACME_NUMBER].new_display_name = "Someone Else's Name"

    assert polling(meta).run(REVIEWED) == Counter({PollOutcome.DECIDED: 1})
    assert current(asked.request_id).status is RequestStatus.EXPIRED


def test_polling_leaves_a_request_under_review_or_deferred_alone(aws: AwsWorld, meta: InProcessMeta) -> None:
    asked = ask(meta, "Acme Deferred Garden")
    before = aws.table_items("hub-numbers")

    assert polling(meta).run(START + timedelta(minutes=15)) == Counter({PollOutcome.UNCHANGED: 1})
    assert aws.table_items("hub-numbers") == before

    meta.review(REVIEWED)
    deliver(*meta.webhooks())
    assert current(asked.request_id).status is RequestStatus.DEFERRED
    deferred = aws.table_items("hub-numbers")

    assert polling(meta).run(REVIEWED + timedelta(minutes=15)) == Counter({PollOutcome.UNCHANGED: 1})
    assert aws.table_items("hub-numbers") == deferred


def test_polling_leaves_the_request_for_the_next_run_when_meta_is_down(aws: AwsWorld, meta: InProcessMeta) -> None:
    asked = ask(meta, "Acme Garden")
    meta.fault(status=503)
    before = aws.table_items("hub-numbers")

    assert polling(meta).run(REVIEWED) == Counter({PollOutcome.UNREACHABLE: 1})

    assert aws.table_items("hub-numbers") == before
    assert current(asked.request_id).status is RequestStatus.PENDING_REVIEW


class SendsFail(GraphProxy):
    """Meta answers reads, but every display-name request sent to it fails."""

    def __init__(self, meta: InProcessMeta):
        super().__init__(meta.graph)

    def post(self, path: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise UpstreamUnavailable("Meta is unavailable; try again later.")


def test_a_request_meta_could_not_be_reached_for_during_a_day_fails(aws: AwsWorld, meta: InProcessMeta) -> None:
    meta.fault(status=503)
    asked = ask(meta, "Acme Garden")
    assert asked.status is RequestStatus.SUBMITTING

    assert polling(meta, SendsFail(meta)).run(START + timedelta(hours=6)) == Counter({PollOutcome.UNREACHABLE: 1})
    assert current(asked.request_id).status is RequestStatus.SUBMITTING
    assert polling(meta, SendsFail(meta)).run(START + timedelta(hours=24)) == Counter({PollOutcome.FAILED: 1})

    failed = current(asked.request_id)
    assert (failed.status, failed.send_attempts) == ("failed", 3)
    assert failed.failure == "Meta could not be reached for a day; ask for the name again."
    assert "display_name_request" not in number_item(aws)


def test_a_webhook_decision_between_the_polls_read_and_its_write_is_not_applied_twice(
    aws: AwsWorld, meta: InProcessMeta
) -> None:
    asked = ask(meta, "Acme Garden")
    meta.review(REVIEWED)
    deliver(*meta.webhooks())

    outcome = poll_request(asked, meta.graph, DisplayNamesStore(), REVIEWED)  # `asked` is the stale read

    assert outcome is PollOutcome.UNCHANGED
    assert current(asked.request_id).decided_by == "webhook"
    assert len(events(aws, "DisplayNameApproved")) == 1


def test_polling_reads_only_open_requests_through_the_index(aws: AwsWorld, meta: InProcessMeta) -> None:
    number = acme_number()
    for days in (3, 2):
        decided = a_name_request(number, START - timedelta(days=days))
        aws.dynamodb.put_item(TableName="hub-numbers", Item=request_item(decided))
    asked = ask(meta, "Acme Garden")
    operations: Counter[str] = Counter()
    aws.dynamodb.meta.events.register("before-call.dynamodb", lambda model, **_: operations.update([model.name]))
    store = DisplayNamesStore("hub-numbers", aws.dynamodb)
    meta.calls.clear()

    counts = DisplayNamePolling(store, meta.graph, shards=SHARDS).run(START + timedelta(minutes=15))

    assert counts == Counter({PollOutcome.UNCHANGED: 1})
    assert (operations["Scan"], operations["Query"], operations["BatchGetItem"]) == (0, 16, 1)
    assert pending_index(aws) == [asked.request_id]
    assert meta.calls == [("GET", ACME_NUMBER)]


class Gate(GraphProxy):
    """Meta, where the first `width` calls wait for each other (so that many run at once), counting the most in
    flight together."""

    def __init__(self, meta: InProcessMeta, width: int):
        super().__init__(meta.graph)
        self._lock = threading.Lock()
        self._barrier = threading.Barrier(width, timeout=10)
        self._arrived = 0
        self._width = width
        self.in_flight = 0
        self.peak = 0

    def get(self, path: str, params: Any = None, token: str | None = None) -> dict[str, Any]:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self._arrived += 1
            wait = self._arrived <= self._width
        try:
            if wait:
                self._barrier.wait()
            return self.inner.get(path, params=params, token=token)
        finally:
            with self._lock:
                self.in_flight -= 1


def test_polling_asks_meta_with_bounded_concurrency(aws: AwsWorld, meta: InProcessMeta) -> None:
    ids = [str(1_900_000_000_000_000 + 16 * i) for i in range(12)]  # one shard: one page of the index
    for number_id in ids:
        number = aws.add_number(a_number(number_id, display_name_request=f"{number_id}-r"))
        pending = a_name_request(number, START, status=RequestStatus.PENDING_REVIEW, request_id=f"{number_id}-r")
        aws.dynamodb.put_item(TableName="hub-numbers", Item=request_item(pending))
    gate = Gate(meta, width=3)

    counts = polling(meta, gate, concurrency=3).run(REVIEWED)

    assert sum(counts.values()) == 12
    assert gate.peak == 3


# ---------------------------------------------------------------- the scheduled handler


def test_the_scheduled_handler_runs_one_polling_and_reports_each_outcome(
    aws: AwsWorld, meta: InProcessMeta, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask(meta, "Acme Garden")
    meta.state.webhooks_to_lose = 1
    meta.review(REVIEWED)
    monkeypatch.setattr(job_module, "display_name_polling", lambda: polling(meta))
    monkeypatch.setattr(job_module, "utc_now", lambda: REVIEWED)
    metrics: dict[str, float] = {}
    monkeypatch.setattr(job_module.obs.metrics, "add_metric", lambda name, unit, value: metrics.update({name: value}))

    answer = job_module.handler({"job": "display-name-polling"}, context("NumbersDisplayNamePollingFunction"))

    assert answer == {
        "job": "display-name-polling",
        "now": "2026-11-20T13:00:00.000000Z",
        "outcomes": {o.value: int(o is PollOutcome.DECIDED) for o in PollOutcome},
    }
    assert metrics["DisplayNamePollDecided"] == 1
    assert number_item(aws)["display_name"] == "Acme Garden"


def test_the_scheduled_handler_refuses_another_job(aws: AwsWorld, meta: InProcessMeta) -> None:
    with pytest.raises(ValidationError):
        job_module.handler({"job": "end-of-month-deletion"}, context("NumbersDisplayNamePollingFunction"))
