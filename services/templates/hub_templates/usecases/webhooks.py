"""Meta's template webhooks (status, quality and category updates) → the mirror: each applied to the template it
names, unless the mirror applied a later one (Meta's `time`: webhooks arrive out of order and more than once); a
template the mirror does not know makes the WABA's templates synced."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from hub_shared.events import DomainEvent
from hub_shared.graph import Graph, text_or_none
from hub_shared.meta_events import MetaChange
from hub_templates.events import TemplateCategoryChanged, TemplateStatusChanged, about
from hub_templates.models.mirror import Template
from hub_templates.rules.languages import normalise_language
from hub_templates.usecases.sync import SyncedMirror, sync_templates
from hub_templates.usecases.wabas import Registry

FIELDS = frozenset({"message_template_status_update", "message_template_quality_update", "template_category_update"})


class Outcome(StrEnum):
    APPLIED = "applied"
    STALE = "stale"
    """The mirror applied a later webhook already."""
    SYNCED = "synced"
    """The template was unknown: the WABA's templates were synced."""
    IGNORED = "ignored"
    """Not a template webhook, or one about a WABA the hub does not manage."""


class WebhookMirror(SyncedMirror, Protocol):
    def get(self, waba_id: str, name: str, language: str) -> Template | None: ...

    def apply(self, template: Template, events: Sequence[DomainEvent] = ()) -> bool: ...


def apply_template_change(
    change: MetaChange,
    *,
    templates: WebhookMirror,
    registry: Registry,
    graph: Graph,
    now: datetime,
    page_size: int,
) -> Outcome:
    if change.field not in FIELDS:
        return Outcome.IGNORED
    waba = registry.waba(change.waba_id)
    if waba is None:
        return Outcome.IGNORED
    value = change.value
    name, language = value.get("message_template_name"), value.get("message_template_language")
    found = (
        templates.get(waba.waba_id, name, normalise_language(language))
        if isinstance(name, str) and isinstance(language, str)
        else None
    )
    if found is None:
        sync_templates(waba, mirror=templates, graph=graph, now=now, page_size=page_size)
        return Outcome.SYNCED
    updated = found.model_copy(update={**_news(change.field, value), "meta_time": change.time})
    events = _events(found, updated, waba.client_id, now)
    return Outcome.APPLIED if templates.apply(updated, events) else Outcome.STALE


def _events(was: Template, now_is: Template, client_id: str, now: datetime) -> list[DomainEvent]:
    """What the webhook changed, as events: the status, and a category change coming or done."""
    fields = about(now_is, client_id, now)
    events: list[DomainEvent] = []
    if now_is.status != was.status:
        events.append(
            TemplateStatusChanged(
                **fields,
                previous_status=was.status,
                status=now_is.status,
                reason=now_is.rejected_reason,
                recommendation=now_is.recommendation,
            )
        )
    if now_is.category != was.category:
        events.append(
            TemplateCategoryChanged(
                **fields, state="completed", previous_category=was.category, category=now_is.category
            )
        )
    elif now_is.correct_category and now_is.correct_category != was.correct_category:
        events.append(
            TemplateCategoryChanged(
                **fields, state="impending", previous_category=was.category, category=now_is.correct_category
            )
        )
    return events


def _news(field: str, value: dict[str, Any]) -> dict[str, Any]:
    """What the webhook says of the template, as the mirror's fields."""
    if field == "message_template_status_update":
        rejection = value.get("rejection_info") or {}
        reason = value.get("reason")
        return {
            "status": str(value.get("event") or "PENDING"),
            "rejected_reason": None if reason in (None, "NONE") else str(reason),
            "recommendation": text_or_none(rejection.get("recommendation")) if isinstance(rejection, dict) else None,
            **({"category": str(value["message_template_category"])} if value.get("message_template_category") else {}),
        }
    if field == "message_template_quality_update":
        return {"quality_score": text_or_none(value.get("new_quality_score"))}
    if value.get("previous_category"):  # the change took effect
        return {
            "previous_category": str(value["previous_category"]),
            "category": str(value.get("new_category") or ""),
            "correct_category": None,
        }
    return {"correct_category": text_or_none(value.get("correct_category"))}  # it will, in 24 hours
