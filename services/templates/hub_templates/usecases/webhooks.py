"""Meta's template webhooks (status, quality and category updates) → the mirror: each applied to the template it
names, unless the mirror applied a later one (Meta's `time`: webhooks arrive out of order and more than once); a
template the mirror does not know makes the WABA's templates synced."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from hub_shared.graph import Graph
from hub_shared.meta_events import MetaChange
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

    def apply(self, template: Template) -> bool: ...


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
    return Outcome.APPLIED if templates.apply(updated) else Outcome.STALE


def _news(field: str, value: dict[str, Any]) -> dict[str, Any]:
    """What the webhook says of the template, as the mirror's fields."""
    if field == "message_template_status_update":
        rejection = value.get("rejection_info") or {}
        reason = value.get("reason")
        return {
            "status": str(value.get("event") or "PENDING"),
            "rejected_reason": None if reason in (None, "NONE") else str(reason),
            "recommendation": _text(rejection.get("recommendation")) if isinstance(rejection, dict) else None,
            **({"category": str(value["message_template_category"])} if value.get("message_template_category") else {}),
        }
    if field == "message_template_quality_update":
        return {"quality_score": _text(value.get("new_quality_score"))}
    if value.get("previous_category"):  # the change took effect
        return {
            "previous_category": str(value["previous_category"]),
            "category": str(value.get("new_category") or ""),
            "correct_category": None,
        }
    return {"correct_category": _text(value.get("correct_category"))}  # it will, in 24 hours


def _text(value: object) -> str | None:
    return None if value is None else str(value)
