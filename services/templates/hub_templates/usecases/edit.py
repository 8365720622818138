"""Editing a template, by Meta's rules (facts §4.2): only an APPROVED, REJECTED or PAUSED template can be edited
(and the hub's drafts, freely); Meta edits its category, its components (replaced as a whole) and its TTL; an
APPROVED template keeps its category and may be edited once in 24 hours and ten times in 30 days — the mirror keeps
the times of those edits (`edits`) and refuses one more with when the next is possible. An edited template goes
back to Meta's review (PENDING); nothing is recorded when Meta refuses or fails."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Protocol

from hub_shared.auth import Action, Principal
from hub_shared.errors import FieldError, ValidationFailed
from hub_shared.events import DomainEvent
from hub_shared.graph import Graph
from hub_templates.errors import EditLimited, TemplateNotEditable, TemplateNotFound
from hub_templates.models.content import TemplateContent
from hub_templates.models.mirror import Template, TemplateEdit, TemplateStatus
from hub_templates.usecases.create import Limits, check_content, content_of, described, submitted_event
from hub_templates.usecases.wabas import Registry, managed_waba

EDITABLE = frozenset({TemplateStatus.APPROVED, TemplateStatus.REJECTED, TemplateStatus.PAUSED})
EDIT_INTERVAL = timedelta(hours=24)
EDIT_WINDOW = timedelta(days=30)
EDITS_PER_WINDOW = 10


class EditedTemplates(Protocol):
    def get(self, waba_id: str, name: str, language: str) -> Template | None: ...

    def put(self, template: Template) -> None: ...

    def submitted(self, template: Template, event: DomainEvent, *, new_at: datetime | None) -> None: ...


def edit_template(
    waba_id: str,
    name: str,
    language: str,
    change: TemplateEdit,
    principal: Principal,
    *,
    registry: Registry,
    templates: EditedTemplates,
    graph: Graph,
    limits: Limits,
    now: datetime,
) -> Template:
    waba = managed_waba(waba_id, principal, registry, action=Action.TEMPLATES_WRITE)
    template = templates.get(waba_id, name, language)
    if template is None:
        raise TemplateNotFound(waba_id, name, language)
    content = edited_content(content_of(template), change)
    if template.status == TemplateStatus.DRAFT:
        draft = template.model_copy(update=described(content))
        templates.put(draft)
        return draft
    if template.status not in EDITABLE:
        raise TemplateNotEditable(name, language, template.status)
    _meta_may_change(template, change)
    check_content(content, limits, prefix="body.")
    recent = sorted(at for at in template.edits if at > now - EDIT_WINDOW)
    approved = template.status == TemplateStatus.APPROVED
    if approved:
        _within_edit_limits(template, recent, now)
    graph.post(str(template.template_id), json=_edit_call(content, change))
    edited = template.model_copy(
        update={
            **described(content),
            "status": TemplateStatus.PENDING.value,
            "rejected_reason": None,
            "recommendation": None,
            "last_submitted_at": now,
            "edits": [*recent, now] if approved else recent,
        }
    )
    templates.submitted(edited, submitted_event(edited, waba, principal, "edited", now), new_at=None)
    return edited


def edited_content(content: TemplateContent, change: TemplateEdit) -> TemplateContent:
    """The template's content with what `change` gives in place of its own."""
    given = change.model_dump(exclude_none=True, exclude_unset=True)
    return TemplateContent.model_validate({**content.model_dump(), **given})


def _meta_may_change(template: Template, change: TemplateEdit) -> None:
    errors = []
    if template.status == TemplateStatus.APPROVED and change.category not in (None, template.category):
        errors.append(FieldError("body.category", f"An approved template keeps its category ({template.category})."))
    if change.parameter_format not in (None, template.parameter_format):
        errors.append(
            FieldError(
                "body.parameter_format",
                "Meta does not change the parameter format of a submitted template: copy it to a new name instead.",
            )
        )
    if errors:
        raise ValidationFailed("Meta would refuse this edit of the template.", errors=errors)


def _within_edit_limits(template: Template, recent: list[datetime], now: datetime) -> None:
    """Meta's limits on editing an APPROVED template (`recent`: its edits in the last 30 days, oldest first)."""
    if recent and recent[-1] + EDIT_INTERVAL > now:
        _refuse(template, "one edit in 24 hours", recent[-1] + EDIT_INTERVAL, now)
    if len(recent) >= EDITS_PER_WINDOW:
        _refuse(template, f"{EDITS_PER_WINDOW} edits in 30 days", recent[-EDITS_PER_WINDOW] + EDIT_WINDOW, now)


def _refuse(template: Template, rule: str, next_edit: datetime, now: datetime) -> None:
    retry_after = math.ceil((next_edit - now).total_seconds())
    raise EditLimited(template.name, template.language, rule, next_edit, retry_after)


def _edit_call(content: TemplateContent, change: TemplateEdit) -> dict[str, object]:
    """Meta's edit call: every component, and the category and TTL when they change."""
    described = content.to_meta()
    call: dict[str, object] = {"components": described["components"]}
    if change.category is not None:
        call["category"] = described["category"]
    if change.message_send_ttl_seconds is not None:
        call["message_send_ttl_seconds"] = change.message_send_ttl_seconds
    return call
