"""A template looked over before Meta sees it: the errors, the warnings and the preview, changing nothing."""

from __future__ import annotations

from hub_shared.auth import Action, Principal
from hub_shared.problems import ProblemFieldError
from hub_templates.models.content import TemplateContent
from hub_templates.models.review import TemplateReview
from hub_templates.rules.checks import check
from hub_templates.rules.preview import render
from hub_templates.rules.warnings import warnings
from hub_templates.usecases.wabas import Registry, managed_waba


def review_template(
    waba_id: str,
    content: TemplateContent,
    principal: Principal,
    *,
    registry: Registry,
    languages: frozenset[str],
) -> TemplateReview:
    managed_waba(waba_id, principal, registry, action=Action.TEMPLATES_WRITE)
    errors = [
        ProblemFieldError(field=error.field, message=error.message) for error in check(content, languages=languages)
    ]
    return TemplateReview(valid=not errors, errors=errors, warnings=warnings(content), preview=render(content))
