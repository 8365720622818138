"""Message template handlers: list, create, read, edit and delete; new and edited templates go to review.

`quality_score` is served as Meta does, an object: `{"score": "GREEN"}`. The `name` filter of the list
matches part of a name; `status`, `category` and `language` match exactly.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from local.sandboxes.meta.call import GraphCall, Json, page, select_fields, split_fields
from local.sandboxes.meta.errors import GraphApiError, invalid_parameter
from local.sandboxes.meta.numbers import SUCCESS
from local.sandboxes.meta.state import TEMPLATE, MetaState, Review, TemplateRecord

CATEGORIES = ("MARKETING", "UTILITY", "AUTHENTICATION")
PARAMETER_FORMATS = ("POSITIONAL", "NAMED")
EDITABLE = ("APPROVED", "REJECTED", "PAUSED")
DEFAULT_FIELDS = ("name", "parameter_format", "components", "language", "status", "category", "id")

_NAME = re.compile(r"[a-z0-9_]{1,512}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2,3})?")


def template_fields(template: TemplateRecord) -> Json:
    return {
        "id": template.id,
        "name": template.name,
        "language": template.language,
        "category": template.category,
        "status": template.status,
        "components": copy.deepcopy(template.components),
        "parameter_format": template.parameter_format,
        "rejected_reason": template.rejected_reason,
        "quality_score": {"score": template.quality_score},
        "previous_category": template.previous_category,
        "correct_category": template.correct_category,
    }


def _matches(template: TemplateRecord, call: GraphCall) -> bool:
    name, status, category, language = (call.text(key) for key in ("name", "status", "category", "language"))
    return (
        template.waba_id == call.node_id
        and (not name or name in template.name)
        and (not status or template.status == status.upper())
        and (not category or template.category == category.upper())
        and (not language or template.language == language)
    )


def list_templates(state: MetaState, call: GraphCall) -> Json:
    requested = split_fields(call.text("fields"))

    def rendered(template: TemplateRecord) -> Callable[[], Json]:
        return lambda: select_fields(requested, template_fields(template), DEFAULT_FIELDS, TEMPLATE)

    # Rendered lazily: a WABA may have 6,000 templates, and a page is at most 100 of them.
    return page(
        call, ((template.id, rendered(template)) for template in state.templates.values() if _matches(template, call))
    )


def _components(call: GraphCall) -> list[dict[str, Any]]:
    components = call.structured("components")
    if not isinstance(components, list) or not all(isinstance(c, dict) for c in components):
        raise invalid_parameter("components must be a list of objects")
    if not any(str(c.get("type", "")).upper() == "BODY" for c in components):
        raise invalid_parameter("A template needs a BODY component", user_title="Body missing")
    return components


def _category(value: str) -> str:
    if value.upper() not in CATEGORIES:
        raise invalid_parameter(f"category must be one of {', '.join(CATEGORIES)}")
    return value.upper()


def create_template(state: MetaState, call: GraphCall) -> Json:
    name, language = call.required_text("name"), call.required_text("language")
    if not _NAME.fullmatch(name):
        raise invalid_parameter("name may hold only lowercase letters, digits and underscores (at most 512)")
    if not _LANGUAGE.fullmatch(language):
        raise invalid_parameter(f"language {language!r} is not a language code such as en or en_US")
    category = _category(call.required_text("category"))
    parameter_format = (call.text("parameter_format") or "POSITIONAL").upper()
    if parameter_format not in PARAMETER_FORMATS:
        raise invalid_parameter("parameter_format must be POSITIONAL or NAMED")
    components = _components(call)
    if any(t.waba_id == call.node_id and (t.name, t.language) == (name, language) for t in state.templates.values()):
        raise GraphApiError(
            "Invalid parameter",
            subcode=2388024,
            user_title="Content in This Language Already Exists",
            user_msg=f"There is already {language} content for this template. Create a new template and try again.",
        )
    template = TemplateRecord(
        id=state.new_id(),
        waba_id=call.node_id,
        name=name,
        language=language,
        category=category,
        status="PENDING",
        components=components,
        parameter_format=parameter_format,
    )
    state.templates[template.id] = template
    state.reviews[template.id] = Review("template", template.id, call.reviews_due_at)
    return {"id": template.id, "status": template.status, "category": template.category}


def get_template(state: MetaState, call: GraphCall) -> Json:
    template = state.templates[call.node_id]
    return select_fields(split_fields(call.text("fields")), template_fields(template), DEFAULT_FIELDS, TEMPLATE)


def edit_template(state: MetaState, call: GraphCall) -> Json:
    """Only APPROVED, REJECTED or PAUSED templates; an APPROVED one keeps its category. Back to review."""
    template = state.templates[call.node_id]
    if template.status not in EDITABLE:
        raise invalid_parameter(
            f"A {template.status} template cannot be edited; only {', '.join(EDITABLE)} ones can.",
            user_title="Template can't be edited",
        )
    category = call.text("category")
    if category is None and "components" not in call.params:
        raise invalid_parameter("Give components or category to edit a template")
    if category is not None:
        category = _category(category)
        if template.status == "APPROVED" and category != template.category:
            raise invalid_parameter("The category of an approved template cannot be changed.")
        template.category = category
    if "components" in call.params:
        template.components = _components(call)
    template.status, template.rejected_reason = "PENDING", "NONE"
    state.reviews[template.id] = Review("template", template.id, call.reviews_due_at)
    return SUCCESS


def delete_templates(state: MetaState, call: GraphCall) -> Json:
    """By `name` (every language) or by `hsm_id` and `name` (that one); DISABLED templates stay."""
    name, hsm_id = call.required_text("name"), call.text("hsm_id")
    doomed = [
        t
        for t in state.templates.values()
        if t.waba_id == call.node_id and t.name == name and (hsm_id is None or t.id == hsm_id)
    ]
    if not doomed:
        raise invalid_parameter(f"Message template {name!r} was not found.", user_title="Template not found")
    if any(t.status == "DISABLED" for t in doomed):
        raise invalid_parameter("A disabled template cannot be deleted.")
    for template in doomed:
        del state.templates[template.id]
        state.reviews.pop(template.id, None)
    return SUCCESS
