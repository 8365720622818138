"""Creating a template: checked against Meta's rules here first, then against what the WABA may still do (its
number of templates, Meta's hourly creation limit, a deleted approved name's 30 days), then created at Meta and
mirrored as Meta answered it. A draft is kept by the hub alone, unchecked and never sent, until it is submitted.

Nothing is recorded before Meta has taken a template: a refusal or an outage leaves the mirror as it was (a
template Meta may have created without answering appears with the next sync)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from hub_shared.auth import Action, Principal
from hub_shared.errors import FieldError, UpstreamError, ValidationFailed
from hub_shared.graph import Graph
from hub_templates.errors import (
    CreationRateLimited,
    NameReserved,
    NotADraft,
    TemplateExists,
    TemplateLimitReached,
    TemplateNotFound,
)
from hub_templates.models.content import TemplateContent
from hub_templates.models.mirror import NewTemplate, Template, TemplateStatus
from hub_templates.rules.checks import check
from hub_templates.usecases.wabas import Registry, managed_waba

HOUR = "%Y-%m-%dT%H"


@dataclass(frozen=True)
class Limits:
    """What a WABA may do (Meta's limits, from the service's settings)."""

    languages: frozenset[str]
    per_waba: int
    per_hour: int


class Templates(Protocol):
    def get(self, waba_id: str, name: str, language: str) -> Template | None: ...

    def count(self, waba_id: str) -> int: ...

    def created_in(self, waba_id: str, hour: str) -> int: ...

    def reserved_until(self, waba_id: str, name: str) -> datetime | None: ...

    def add(self, template: Template) -> bool: ...

    def put(self, template: Template) -> None: ...

    def count_creation(self, waba_id: str, hour: str, *, expires_at: datetime) -> None: ...


def create_template(
    waba_id: str,
    new: NewTemplate,
    principal: Principal,
    *,
    registry: Registry,
    templates: Templates,
    graph: Graph,
    limits: Limits,
    now: datetime,
) -> Template:
    managed_waba(waba_id, principal, registry, action=Action.TEMPLATES_WRITE)
    content = TemplateContent.model_validate(new.model_dump(exclude={"submit"}))
    if new.submit:
        _check(content, limits, prefix="body.")
    _name_free(waba_id, content, templates, now)
    if templates.get(waba_id, content.name, content.language) is not None:
        raise TemplateExists(content.name, content.language)
    if not new.submit:
        draft = mirrored(waba_id, content, status=TemplateStatus.DRAFT)
        if not templates.add(draft):
            raise TemplateExists(content.name, content.language)
        return draft
    return _submitted(waba_id, content, templates=templates, graph=graph, limits=limits, now=now)


def submit_draft(
    waba_id: str,
    name: str,
    language: str,
    principal: Principal,
    *,
    registry: Registry,
    templates: Templates,
    graph: Graph,
    limits: Limits,
    now: datetime,
) -> Template:
    managed_waba(waba_id, principal, registry, action=Action.TEMPLATES_WRITE)
    draft = templates.get(waba_id, name, language)
    if draft is None:
        raise TemplateNotFound(waba_id, name, language)
    if draft.status != TemplateStatus.DRAFT:
        raise NotADraft(name, language, draft.status)
    content = content_of(draft)
    _check(content, limits, prefix="")
    _name_free(waba_id, content, templates, now)
    return _submitted(waba_id, content, templates=templates, graph=graph, limits=limits, now=now)


def mirrored(waba_id: str, content: TemplateContent, *, status: str, **meta: object) -> Template:
    """The mirror's record of `content` (Meta's fields given in `meta`)."""
    described = content.to_meta()
    return Template.model_validate(
        {
            "waba_id": waba_id,
            "name": content.name,
            "language": content.language,
            "status": status,
            "category": described["category"],
            "allow_category_change": content.allow_category_change,
            "components": described["components"],
            "parameter_format": described.get("parameter_format", "POSITIONAL"),
            **meta,
        }
    )


def content_of(template: Template) -> TemplateContent:
    """What a mirrored template says, as Meta's create and edit calls take it."""
    return TemplateContent.model_validate(
        {
            "name": template.name,
            "language": template.language,
            "category": template.category,
            "allow_category_change": template.allow_category_change,
            "parameter_format": template.parameter_format,
            "components": template.components,
        }
    )


def _check(content: TemplateContent, limits: Limits, *, prefix: str) -> None:
    errors = check(content, languages=limits.languages)
    if errors:
        raise ValidationFailed(
            f"The template breaks {len(errors)} of Meta's rules: Meta would reject it. Each is named on its field.",
            errors=[FieldError(f"{prefix}{error.field}", error.message) for error in errors],
        )


def _name_free(waba_id: str, content: TemplateContent, templates: Templates, now: datetime) -> None:
    until = templates.reserved_until(waba_id, content.name)
    if until is not None and until > now:
        raise NameReserved(content.name, until)


def _submitted(
    waba_id: str,
    content: TemplateContent,
    *,
    templates: Templates,
    graph: Graph,
    limits: Limits,
    now: datetime,
) -> Template:
    if templates.count(waba_id) >= limits.per_waba:
        raise TemplateLimitReached(waba_id, limits.per_waba)
    hour = now.strftime(HOUR)
    if templates.created_in(waba_id, hour) >= limits.per_hour:
        next_hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        raise CreationRateLimited(waba_id, limits.per_hour, retry_after=int((next_hour - now).total_seconds()) + 1)
    answer = graph.post(f"{waba_id}/message_templates", json=content.to_meta())
    template_id = answer.get("id")
    if not isinstance(template_id, str | int):
        raise UpstreamError("Meta created the template without answering its id; a sync will show it.")
    templates.count_creation(waba_id, hour, expires_at=now + timedelta(days=1))
    template = mirrored(
        waba_id,
        content,
        status=str(answer.get("status") or TemplateStatus.PENDING),
        template_id=str(template_id),
        last_submitted_at=now,
        **({"category": str(answer["category"])} if answer.get("category") else {}),
    )
    templates.put(template)
    return template
