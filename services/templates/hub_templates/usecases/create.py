"""Creating a template: checked against Meta's rules here first, then against what the WABA may still do (its
number of templates, Meta's hourly creation limit, a deleted approved name's 30 days), then created at Meta and
mirrored as Meta answered it. A draft is kept by the hub alone, unchecked and never sent, until it is submitted.

Nothing is recorded before Meta has taken a template: a refusal or an outage leaves the mirror as it was (a
template Meta may have created without answering appears with the next sync)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from pydantic import ValidationError

from hub_shared.auth import Action, Principal
from hub_shared.errors import FieldError, UpstreamError, ValidationFailed
from hub_shared.events import Actor, DomainEvent
from hub_shared.graph import Graph
from hub_shared.wabas import RegisteredWaba
from hub_templates.errors import (
    CreationRateLimited,
    NameReserved,
    NotADraft,
    TemplateExists,
    TemplateLimitReached,
    TemplateNotFound,
    UnsupportedContent,
)
from hub_templates.events import TemplateSubmitted, about
from hub_templates.models.content import TemplateContent
from hub_templates.models.mirror import NewTemplate, Template, TemplateStatus
from hub_templates.rules.checks import check
from hub_templates.usecases.wabas import Registry, managed_waba

How = Literal["created", "draft_submitted", "edited", "copied", "language_added"]


@dataclass(frozen=True)
class Limits:
    """What a WABA may do (Meta's limits, from the service's settings)."""

    languages: frozenset[str]
    per_waba: int
    per_hour: int


class Templates(Protocol):
    def get(self, waba_id: str, name: str, language: str) -> Template | None: ...

    def count(self, waba_id: str) -> int: ...

    def created_in(self, waba_id: str, at: datetime) -> int: ...

    def reserved_until(self, waba_id: str, name: str) -> datetime | None: ...

    def add(self, template: Template) -> bool: ...

    def submitted(self, template: Template, event: DomainEvent, *, new_at: datetime | None) -> None: ...


@dataclass(frozen=True)
class Creation:
    """Where a new template goes and what it is sent with: the WABA, who asks, and the ports."""

    waba: RegisteredWaba
    principal: Principal
    templates: Templates
    graph: Graph
    limits: Limits
    now: datetime

    def new(self, content: TemplateContent, *, submit: bool, how: How, prefix: str = "") -> Template:
        """`content` as a new template of the WABA: checked and sent to Meta's review, or kept as a draft."""
        if submit:
            check_content(content, self.limits, prefix=prefix)
        self.name_free(content)
        if self.templates.get(self.waba.waba_id, content.name, content.language) is not None:
            raise TemplateExists(content.name, content.language)
        if not submit:
            draft = mirrored(self.waba.waba_id, content, status=TemplateStatus.DRAFT)
            if not self.templates.add(draft):
                raise TemplateExists(content.name, content.language)
            return draft
        return self.submit(content, how=how)

    def name_free(self, content: TemplateContent) -> None:
        until = self.templates.reserved_until(self.waba.waba_id, content.name)
        if until is not None and until > self.now:
            raise NameReserved(content.name, until)

    def submit(self, content: TemplateContent, *, how: How) -> Template:
        """Meta's review of a new template, within the WABA's limits; mirrored and announced once Meta took it."""
        waba_id, now = self.waba.waba_id, self.now
        if self.templates.count(waba_id) >= self.limits.per_waba:
            raise TemplateLimitReached(waba_id, self.limits.per_waba)
        if self.templates.created_in(waba_id, now) >= self.limits.per_hour:
            next_hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            retry_after = int((next_hour - now).total_seconds()) + 1
            raise CreationRateLimited(waba_id, self.limits.per_hour, retry_after=retry_after)
        answer = self.graph.post(f"{waba_id}/message_templates", json=content.to_meta())
        template_id = answer.get("id")
        if not isinstance(template_id, str | int):
            raise UpstreamError("Meta created the template without answering its id; a sync will show it.")
        template = mirrored(
            waba_id,
            content,
            status=str(answer.get("status") or TemplateStatus.PENDING),
            template_id=str(template_id),
            last_submitted_at=now,
            **({"category": str(answer["category"])} if answer.get("category") else {}),
        )
        self.templates.submitted(template, submitted_event(template, self.waba, self.principal, how, now), new_at=now)
        return template


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
    waba = managed_waba(waba_id, principal, registry, action=Action.TEMPLATES_WRITE)
    content = TemplateContent.model_validate(new.model_dump(exclude={"submit"}))
    creation = Creation(waba, principal, templates, graph, limits, now)
    return creation.new(content, submit=new.submit, how="created", prefix="body.")


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
    waba = managed_waba(waba_id, principal, registry, action=Action.TEMPLATES_WRITE)
    draft = templates.get(waba_id, name, language)
    if draft is None:
        raise TemplateNotFound(waba_id, name, language)
    if draft.status != TemplateStatus.DRAFT:
        raise NotADraft(name, language, draft.status)
    content = content_of(draft)
    check_content(content, limits, prefix="")
    creation = Creation(waba, principal, templates, graph, limits, now)
    creation.name_free(content)
    return creation.submit(content, how="draft_submitted")


def submitted_event(
    template: Template, waba: RegisteredWaba, principal: Principal, how: How, now: datetime
) -> TemplateSubmitted:
    return TemplateSubmitted(
        **about(template, waba.client_id, now),
        actor=Actor.of(principal),
        how=how,
        category=template.category,
        status=template.status,
    )


def mirrored(waba_id: str, content: TemplateContent, *, status: str, **meta: object) -> Template:
    """The mirror's record of `content` (Meta's fields given in `meta`)."""
    return Template.model_validate(
        {
            "waba_id": waba_id,
            "name": content.name,
            "language": content.language,
            "status": status,
            "allow_category_change": content.allow_category_change,
            **described(content),
            **meta,
        }
    )


def described(content: TemplateContent) -> dict[str, Any]:
    """The mirror's fields that a template's content sets."""
    meta = content.to_meta()
    return {
        "category": meta["category"],
        "components": meta["components"],
        "parameter_format": meta.get("parameter_format", "POSITIONAL"),
    }


def content_of(template: Template) -> TemplateContent:
    """What a mirrored template says, as Meta's create and edit calls take it; a conflict when Meta describes it with
    what the hub's models do not take (a component or button of a kind the hub does not know)."""
    try:
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
    except ValidationError as error:
        raise UnsupportedContent(template.name, template.language) from error


def check_content(content: TemplateContent, limits: Limits, *, prefix: str) -> None:
    """Meta's rules, each broken one a field error (422) under `prefix`."""
    errors = check(content, languages=limits.languages)
    if errors:
        raise ValidationFailed(
            f"The template breaks {len(errors)} of Meta's rules: Meta would reject it. Each is named on its field.",
            errors=[FieldError(f"{prefix}{error.field}", error.message) for error in errors],
        )
