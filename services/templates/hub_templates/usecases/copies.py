"""New templates made from existing ones: a copy ("Replicate") to another name, language or WABA of the same client,
and a name's content in another language (same category). Each is a new template like any other — checked, within
the target WABA's limits, sent to Meta's review or kept as a draft — and the source is never changed."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from hub_shared.auth import Action, Principal
from hub_shared.errors import FieldError, ValidationFailed, WabaNotFound
from hub_shared.graph import Graph
from hub_templates.errors import TemplateNotFound
from hub_templates.models.content import TemplateContent
from hub_templates.models.mirror import NewLanguage, Template, TemplateCopy, TemplateStatus
from hub_templates.usecases.create import Creation, Limits, Templates, content_of
from hub_templates.usecases.wabas import Registry, managed_waba


class CopiedTemplates(Templates, Protocol):
    def languages(self, waba_id: str, name: str) -> list[Template]: ...


def copy_template(
    waba_id: str,
    name: str,
    language: str,
    copy: TemplateCopy,
    principal: Principal,
    *,
    registry: Registry,
    templates: Templates,
    graph: Graph,
    limits: Limits,
    now: datetime,
) -> Template:
    source_waba = managed_waba(waba_id, principal, registry, action=Action.TEMPLATES_WRITE)
    source = templates.get(waba_id, name, language)
    if source is None:
        raise TemplateNotFound(waba_id, name, language)
    target_waba = source_waba
    if copy.waba_id not in (None, waba_id):
        target_waba = managed_waba(str(copy.waba_id), principal, registry, action=Action.TEMPLATES_WRITE)
        if target_waba.client_id != source_waba.client_id:  # a partner's other client: not this client's WABA
            raise WabaNotFound(str(copy.waba_id))
    target = (target_waba.waba_id, copy.name or name, copy.language or language)
    if target == (waba_id, name, language):
        raise ValidationFailed(
            "A copy needs another name, language or WABA than its source.",
            errors=[FieldError("body", "Give a new name, a new language or another WABA of the client.")],
        )
    content = content_of(source).model_copy(update={"name": target[1], "language": target[2]})
    creation = Creation(target_waba, principal, templates, graph, limits, now)
    return creation.new(content, submit=copy.submit, how="copied")


def add_language(
    waba_id: str,
    name: str,
    new: NewLanguage,
    principal: Principal,
    *,
    registry: Registry,
    templates: CopiedTemplates,
    graph: Graph,
    limits: Limits,
    now: datetime,
) -> Template:
    waba = managed_waba(waba_id, principal, registry, action=Action.TEMPLATES_WRITE)
    languages = templates.languages(waba_id, name)
    if not languages:
        raise TemplateNotFound(waba_id, name)
    model = next((t for t in languages if t.status != TemplateStatus.DRAFT), languages[0])
    content = TemplateContent.model_validate(
        {
            **new.model_dump(mode="json", exclude={"submit"}, exclude_none=True),
            "name": name,
            "category": model.category,
            "allow_category_change": model.allow_category_change,
        }
    )
    creation = Creation(waba, principal, templates, graph, limits, now)
    return creation.new(content, submit=new.submit, how="language_added", prefix="body.")
