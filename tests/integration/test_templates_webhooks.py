"""Meta's template webhooks update the mirror: Meta's review decided (status, reason and advice), quality, a
category change coming and done; an older webhook never overwrites a newer one, and a webhook about a template the
mirror does not know makes the WABA's templates synced."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from hub_shared.meta_events import MetaChange, detail_type
from hub_templates.consumers import meta as consumer
from hub_templates.models.mirror import Template
from hub_templates.store.templates import TemplatesStore
from local.seed import story_templates
from tests.builders import (
    ACME_WABA,
    CLIENT_ACME,
    NOW,
    AwsWorld,
    FrozenClock,
    InProcessMeta,
    a_meta_change,
    context,
    eventbridge_event,
    templates_call,
    templates_world,
)

SHIPPED = {
    "name": "order_shipped",
    "language": "en_US",
    "category": "UTILITY",
    "components": [
        {"type": "BODY", "text": "Hi {{1}}, your order is on its way.", "example": {"body_text": [["Maria"]]}}
    ],
}


@pytest.fixture
def meta(aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> Iterator[InProcessMeta]:
    with templates_world(aws, FrozenClock()) as sandbox:
        TemplatesStore("hub-templates", aws.dynamodb).replace(story_templates(NOW), [])
        monkeypatch.setattr(consumer, "meta_graph", lambda: sandbox.graph)
        yield sandbox


def deliver(event: dict[str, Any]) -> str:
    outcome: str = consumer.handler(event, context("TemplatesMetaEventsFunction"))
    return outcome


def change(field: str, value: dict[str, Any], time: int) -> dict[str, Any]:
    return eventbridge_event(a_meta_change(field, value, time=time), detail_type=detail_type(field))


def kept(aws: AwsWorld, name: str, language: str = "en_US") -> Template:
    found = TemplatesStore("hub-templates", aws.dynamodb).get(ACME_WABA, name, language)
    assert found is not None
    return found


def status_update(name: str, event: str, time: int, **more: Any) -> dict[str, Any]:
    value = {
        "event": event,
        "message_template_id": 1689556908129836,
        "message_template_name": name,
        "message_template_language": "de",
        "reason": "NONE",
        **more,
    }
    return change("message_template_status_update", value, time)


def test_metas_review_of_a_created_template_reaches_the_mirror_through_the_webhook(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    assert (
        templates_call(
            "POST", f"/v1/wabas/{ACME_WABA}/templates", CLIENT_ACME, body=SHIPPED, route="/v1/wabas/{waba_id}/templates"
        )[0]
        == 201
    )
    assert kept(aws, "order_shipped").status == "PENDING"

    meta.review(NOW + timedelta(hours=2))
    outcomes = [deliver(event) for event in meta.webhooks()]

    assert outcomes == ["applied"]
    shipped = kept(aws, "order_shipped")
    assert shipped.template_id is not None
    assert shipped.status == meta.state.templates[shipped.template_id].status
    assert shipped.status in {"APPROVED", "REJECTED"}


def test_a_rejection_keeps_metas_reason_and_advice(meta: InProcessMeta, aws: AwsWorld) -> None:
    rejection = {"reason": "INVALID_FORMAT", "recommendation": "Remove the variable at the end of the body."}

    outcome = deliver(
        status_update("welcome", "REJECTED", 1_800_000_000, reason="INVALID_FORMAT", rejection_info=rejection)
    )

    welcome = kept(aws, "welcome", "de")
    assert outcome == "applied"
    assert (welcome.status, welcome.rejected_reason) == ("REJECTED", "INVALID_FORMAT")
    assert welcome.recommendation == "Remove the variable at the end of the body."


def test_an_older_webhook_never_overwrites_a_newer_one(meta: InProcessMeta, aws: AwsWorld) -> None:
    newer = deliver(status_update("welcome", "APPROVED", 1_800_000_100))
    older = deliver(status_update("welcome", "REJECTED", 1_800_000_000, reason="PROMOTIONAL"))
    again = deliver(status_update("welcome", "APPROVED", 1_800_000_100))

    assert (newer, older, again) == ("applied", "stale", "applied")
    assert kept(aws, "welcome", "de").status == "APPROVED"


def test_quality_and_category_updates_reach_the_mirror(meta: InProcessMeta, aws: AwsWorld) -> None:
    names = {"message_template_name": "order_update", "message_template_language": "en-US"}
    deliver(change("message_template_quality_update", {**names, "new_quality_score": "YELLOW"}, 1_800_000_000))
    coming = {**names, "new_category": "UTILITY", "correct_category": "MARKETING"}
    deliver(change("template_category_update", coming, 1_800_000_100))
    assert kept(aws, "order_update").correct_category == "MARKETING"

    done = {**names, "previous_category": "UTILITY", "new_category": "MARKETING"}
    deliver(change("template_category_update", done, 1_800_086_500))

    order = kept(aws, "order_update")
    assert (order.quality_score, order.category, order.previous_category) == ("YELLOW", "MARKETING", "UTILITY")
    assert order.correct_category is None


def test_a_webhook_about_a_template_the_mirror_lacks_syncs_the_waba(meta: InProcessMeta, aws: AwsWorld) -> None:
    meta.state.templates["1700000000000777"] = meta.state.templates["1689556908129836"].__class__(
        id="1700000000000777",
        waba_id=ACME_WABA,
        name="made_in_whatsapp_manager",
        language="en_US",
        category="MARKETING",
        status="APPROVED",
        components=[{"type": "BODY", "text": "Hello from WhatsApp Manager"}],
    )

    outcome = deliver(status_update("made_in_whatsapp_manager", "APPROVED", 1_800_000_000))

    assert outcome == "synced"
    assert kept(aws, "made_in_whatsapp_manager").status == "APPROVED"


def test_webhooks_of_other_fields_or_unmanaged_wabas_change_nothing(meta: InProcessMeta, aws: AwsWorld) -> None:
    before = TemplatesStore("hub-templates", aws.dynamodb).mirror(ACME_WABA)
    other_field = change("account_update", {"event": "PARTNER_ADDED"}, 1_800_000_000)
    unmanaged = eventbridge_event(
        MetaChange.model_validate(
            {**a_meta_change("message_template_status_update", {"event": "APPROVED"}).model_dump(), "waba_id": "1"}
        ),
        detail_type="meta.message_template_status_update",
    )

    assert (deliver(other_field), deliver(unmanaged)) == ("ignored", "ignored")
    assert TemplatesStore("hub-templates", aws.dynamodb).mirror(ACME_WABA) == before
    assert meta.calls == []


def test_a_malformed_event_is_raised_for_the_bus_to_retry(meta: InProcessMeta) -> None:
    event = change("message_template_status_update", {"event": "APPROVED"}, 1_800_000_000)
    event["detail"] = {"not": "a change"}

    with pytest.raises(Exception, match="validation error"):
        deliver(event)
