"""The templates mirror kept in step with Meta without a user asking: the scheduled sync of every WABA, the sync of a
WABA a number was added to (NumberAdded), and the templates table's outbox: Meta's verdicts (TemplateStatusChanged,
TemplateCategoryChanged) written with the change and published on the hub bus by TemplatesOutboxFunction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from hub_numbers.events import NumberAdded
from hub_shared.events import EventMetadata
from hub_shared.meta_events import detail_type
from hub_shared.singletons import reset_all
from hub_templates.consumers import meta as meta_consumer
from hub_templates.consumers import numbers as number_consumer
from hub_templates.consumers import outbox
from hub_templates.jobs import sync as sync_job
from hub_templates.models.contracts import NumberAddedEvent
from hub_templates.store.templates import TemplatesStore
from local.seed import story_templates
from tests.builders import (
    ACME_NUMBER,
    ACME_WABA,
    GLOBEX_WABA,
    NOW,
    AwsWorld,
    FrozenClock,
    InProcessMeta,
    a_meta_change,
    context,
    eventbridge_event,
    outbox_events,
    templates_world,
)

REGION = "eu-central-1"


@pytest.fixture
def meta(aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> Iterator[InProcessMeta]:
    with templates_world(aws, FrozenClock()) as sandbox:
        for module in (meta_consumer, number_consumer, sync_job):
            monkeypatch.setattr(module, "meta_graph", lambda: sandbox.graph)
        yield sandbox


def store(aws: AwsWorld) -> TemplatesStore:
    return TemplatesStore("hub-templates", aws.dynamodb)


def run_sync_job() -> dict[str, Any]:
    answer: dict[str, Any] = sync_job.handler({"job": "templates-sync"}, context("TemplatesSyncJobFunction"))
    return answer


def number_added(waba_id: str = ACME_WABA, client_id: str = "acme") -> dict[str, Any]:
    event = NumberAdded(
        metadata=EventMetadata.at(NOW),
        number_id=ACME_NUMBER,
        client_id=client_id,
        waba_id=waba_id,
        phone_number="+4915112345001",
        how="embedded_signup",
    )
    return eventbridge_event(event)


def status_update(name: str, language: str, event: str, time: int, **more: Any) -> dict[str, Any]:
    value = {"event": event, "message_template_name": name, "message_template_language": language, **more}
    change = a_meta_change("message_template_status_update", value, time=time)
    return eventbridge_event(change, detail_type=detail_type(change.field))


def deliver(event: dict[str, Any]) -> str:
    outcome: str = meta_consumer.handler(event, context("TemplatesMetaEventsFunction"))
    return outcome


# ---------------------------------------------------------------- the scheduled sync


def test_the_scheduled_job_syncs_every_waba_and_counts_what_it_changed(meta: InProcessMeta, aws: AwsWorld) -> None:
    answer = run_sync_job()

    assert (answer["job"], answer["wabas"], answer["failed"]) == ("templates-sync", 2, 0)
    assert answer["added"] == 7  # acme's five and globex's two, from the sandbox's story
    assert set(store(aws).mirror(ACME_WABA)) == {
        (t.name, t.language) for t in story_templates(NOW) if t.waba_id == ACME_WABA
    }
    assert (store(aws).count(ACME_WABA), store(aws).count(GLOBEX_WABA)) == (5, 2)
    assert run_sync_job()["added"] == 0  # nothing new the second time


def test_a_waba_meta_refuses_is_counted_and_the_others_are_synced(meta: InProcessMeta, aws: AwsWorld) -> None:
    del meta.state.wabas[GLOBEX_WABA]  # Meta refuses every call about it

    answer = run_sync_job()

    assert (answer["wabas"], answer["failed"]) == (2, 1)
    assert len(store(aws).mirror(ACME_WABA)) == 5
    assert store(aws).mirror(GLOBEX_WABA) == {}


def test_the_job_refuses_an_input_that_is_not_its_own(meta: InProcessMeta) -> None:
    with pytest.raises(Exception, match="validation error"):
        sync_job.handler({"job": "something-else"}, context("TemplatesSyncJobFunction"))
    assert meta.calls == []


# ---------------------------------------------------------------- NumberAdded


def test_a_number_added_to_a_waba_syncs_its_templates(meta: InProcessMeta, aws: AwsWorld) -> None:
    answer = number_consumer.handler(number_added(), context("TemplatesNumberEventsFunction"))

    assert (answer["waba_id"], answer["added"]) == (ACME_WABA, 5)
    assert len(store(aws).mirror(ACME_WABA)) == 5
    assert store(aws).mirror(GLOBEX_WABA) == {}


def test_the_contract_takes_what_the_numbers_service_publishes_and_refuses_a_malformed_event(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    published = number_added()
    assert NumberAddedEvent.model_validate(published).detail.waba_id == ACME_WABA
    broken = {**published, "detail": {**published["detail"], "waba_id": "not-a-waba"}}

    with pytest.raises(Exception, match="validation error"):
        number_consumer.handler(broken, context("TemplatesNumberEventsFunction"))
    assert meta.calls == []


# ---------------------------------------------------------------- Meta's verdicts as events


def test_metas_verdicts_are_written_as_events_once_each(meta: InProcessMeta, aws: AwsWorld) -> None:
    store(aws).replace(story_templates(NOW), [])
    rejection = {"reason": "PROMOTIONAL", "recommendation": "Say what the customer asked for."}

    outcomes = [
        deliver(
            status_update("welcome", "de", "REJECTED", 1_800_000_000, reason="PROMOTIONAL", rejection_info=rejection)
        ),
        deliver(
            status_update("welcome", "de", "REJECTED", 1_800_000_000, reason="PROMOTIONAL", rejection_info=rejection)
        ),
    ]
    coming = {
        "message_template_name": "order_update",
        "message_template_language": "en_US",
        "correct_category": "MARKETING",
        "new_category": "UTILITY",
    }
    change = a_meta_change("template_category_update", coming, time=1_800_000_100)
    deliver(eventbridge_event(change, detail_type=detail_type(change.field)))

    items = aws.table_items("hub-templates")
    (status,) = outbox_events(items, "TemplateStatusChanged")
    (category,) = outbox_events(items, "TemplateCategoryChanged")
    assert outcomes == ["applied", "applied"]  # the same webhook again: applied, but nothing new to announce
    assert (status["previous_status"], status["status"], status["reason"]) == ("PENDING", "REJECTED", "PROMOTIONAL")
    assert (status["client_id"], status["recommendation"]) == ("acme", "Say what the customer asked for.")
    assert (category["state"], category["previous_category"], category["category"]) == (
        "impending",
        "UTILITY",
        "MARKETING",
    )


def test_the_relay_publishes_the_templates_outbox_on_the_hub_bus(
    meta: InProcessMeta, aws: AwsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead_letters, published = aws.queue("hub-outbox-dlq"), aws.observe("hub.templates")
    monkeypatch.setenv("OUTBOX_DEAD_LETTER_QUEUE_URL", dead_letters)
    reset_all()
    store(aws).replace(story_templates(NOW), [])
    deliver(status_update("welcome", "de", "APPROVED", 1_800_000_000))
    records = [
        {**record, "dynamodb": {**record["dynamodb"], "ApproximateCreationDateTime": 0}}
        for record in aws.stream_records("hub-templates")
    ]

    answer = outbox.handler({"Records": records}, context("TemplatesOutboxFunction"))

    assert answer == {"batchItemFailures": []}
    sqs = boto3.client("sqs", region_name=REGION)
    messages = sqs.receive_message(QueueUrl=published, MaxNumberOfMessages=10).get("Messages", [])
    bodies = [json.loads(m["Body"]) for m in messages]
    assert [(b["detail-type"], b["detail"]["name"], b["detail"]["status"]) for b in bodies] == [
        ("TemplateStatusChanged", "welcome", "APPROVED")
    ]
