"""Changing a WABA's templates (seed, "Templates"): create (or keep a draft), submit a draft, edit, copy, add a
language, delete."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_shared.access import declared
from hub_shared.api import Caller, Now
from hub_shared.problems import problem_responses
from hub_templates.models.mirror import NewLanguage, NewTemplate, Template, TemplateCopy, TemplateEdit
from hub_templates.routes.params import WRITES, Language, Meta, Name, Registry, Store, WabaId, WabaLimits
from hub_templates.usecases.copies import add_language, copy_template
from hub_templates.usecases.create import create_template, submit_draft
from hub_templates.usecases.delete import delete_templates
from hub_templates.usecases.edit import edit_template

router = APIGatewayHttpRouter()

PATH = "/v1/wabas/<waba_id>/templates"


@router.post(
    PATH,
    openapi_extensions=declared(WRITES),
    summary="Create a template",
    description="Checked against Meta's rules first (each broken rule named on its field, `body.components[1].text`; "
    "see `…/templates/preview` for the warnings), then against what the WABA may still do: a name and language it "
    "does not have, a deleted approved name's 30 days, its number of templates, Meta's 100 creations an hour (429 "
    "with `Retry-After`). Then created at Meta (status PENDING until Meta's review) and mirrored as Meta answered. "
    "`submit: false` keeps a DRAFT instead: not checked, never sent, submitted later.",
    tags=["Templates"],
    responses={
        201: {"description": "The template, as the mirror keeps it."},
        **problem_responses(400, 404, 409, 429, 502, 503),
    },
)
def create_template_route(
    waba_id: WabaId,
    new: Annotated[NewTemplate, Body()],
    caller: Caller,
    registry: Registry,
    store: Store,
    graph: Meta,
    limits: WabaLimits,
    now: Now,
) -> tuple[Template, int]:
    created = create_template(
        waba_id, new, caller, registry=registry, templates=store, graph=graph, limits=limits, now=now
    )
    return created, 201


@router.post(
    f"{PATH}/<name>/<language>/submit",
    openapi_extensions=declared(WRITES),
    summary="Submit a draft",
    description="The draft checked against Meta's rules and the WABA's limits as a new template is, then sent to "
    "Meta's review: it becomes PENDING.",
    tags=["Templates"],
    responses={
        200: {"description": "The template, submitted."},
        **problem_responses(404, 409, 429, 502, 503),
    },
)
def submit_draft_route(
    waba_id: WabaId,
    name: Name,
    language: Language,
    caller: Caller,
    registry: Registry,
    store: Store,
    graph: Meta,
    limits: WabaLimits,
    now: Now,
) -> Template:
    return submit_draft(
        waba_id, name, language, caller, registry=registry, templates=store, graph=graph, limits=limits, now=now
    )


@router.patch(
    f"{PATH}/<name>/<language>",
    openapi_extensions=declared(WRITES),
    summary="Edit a template",
    description="Meta's rules: only an APPROVED, REJECTED or PAUSED template can be edited (409 otherwise; a DRAFT is "
    "edited freely and stays a draft); Meta edits the category, the components (send all of them: they are replaced) "
    "and the TTL; an APPROVED template keeps its category and may be edited once in 24 hours and ten times in 30 days "
    "(429 with `Retry-After`, saying when the next edit is possible). Checked like a new template, then sent to "
    "Meta's review: it becomes PENDING.",
    tags=["Templates"],
    responses={200: {"description": "The template, edited."}, **problem_responses(400, 404, 409, 429, 502, 503)},
)
def edit_template_route(
    waba_id: WabaId,
    name: Name,
    language: Language,
    change: Annotated[TemplateEdit, Body()],
    caller: Caller,
    registry: Registry,
    store: Store,
    graph: Meta,
    limits: WabaLimits,
    now: Now,
) -> Template:
    return edit_template(
        waba_id, name, language, change, caller, registry=registry, templates=store, graph=graph, limits=limits, now=now
    )


@router.post(
    f"{PATH}/<name>/<language>/copy",
    openapi_extensions=declared(WRITES),
    summary="Copy a template",
    description="A new template with the source's content under another name, in another language or in another WABA "
    'of the same client ("Replicate"), sent to Meta\'s review or kept as a draft (`submit: false`); the source is '
    "untouched. Checked and limited like any new template.",
    tags=["Templates"],
    responses={201: {"description": "The copy."}, **problem_responses(400, 404, 409, 429, 502, 503)},
)
def copy_template_route(
    waba_id: WabaId,
    name: Name,
    language: Language,
    copy: Annotated[TemplateCopy, Body()],
    caller: Caller,
    registry: Registry,
    store: Store,
    graph: Meta,
    limits: WabaLimits,
    now: Now,
) -> tuple[Template, int]:
    copied = copy_template(
        waba_id, name, language, copy, caller, registry=registry, templates=store, graph=graph, limits=limits, now=now
    )
    return copied, 201


@router.post(
    f"{PATH}/<name>/languages",
    openapi_extensions=declared(WRITES),
    summary="Add a language to a template",
    description="The name's content in another language, in the name's category; checked and limited like any new "
    "template, sent to Meta's review or kept as a draft (`submit: false`).",
    tags=["Templates"],
    responses={
        201: {"description": "The template in the new language."},
        **problem_responses(400, 404, 409, 429, 502, 503),
    },
)
def add_language_route(
    waba_id: WabaId,
    name: Name,
    new: Annotated[NewLanguage, Body()],
    caller: Caller,
    registry: Registry,
    store: Store,
    graph: Meta,
    limits: WabaLimits,
    now: Now,
) -> tuple[Template, int]:
    added = add_language(
        waba_id, name, new, caller, registry=registry, templates=store, graph=graph, limits=limits, now=now
    )
    return added, 201


@router.delete(
    f"{PATH}/<name>",
    openapi_extensions=declared(WRITES),
    summary="Delete a template in every language",
    description="Every language of the name, at Meta and in the mirror (drafts only in the mirror). A DISABLED "
    "template cannot be deleted (409). An approved template's name cannot be used again for 30 days.",
    tags=["Templates"],
    responses={204: {"description": "Deleted (no body).", "content": {}}, **problem_responses(404, 409, 429, 502, 503)},
)
def delete_template_route(
    waba_id: WabaId, name: Name, caller: Caller, registry: Registry, store: Store, graph: Meta, now: Now
) -> Response[None]:
    delete_templates(waba_id, name, None, caller, registry=registry, templates=store, graph=graph, now=now)
    return Response(status_code=204)


@router.delete(
    f"{PATH}/<name>/<language>",
    openapi_extensions=declared(WRITES),
    summary="Delete a template in one language",
    description="The name in this language only, at Meta and in the mirror (a draft only in the mirror). A DISABLED "
    "template cannot be deleted (409). An approved template's name cannot be used again for 30 days.",
    tags=["Templates"],
    responses={204: {"description": "Deleted (no body).", "content": {}}, **problem_responses(404, 409, 429, 502, 503)},
)
def delete_template_language_route(
    waba_id: WabaId,
    name: Name,
    language: Language,
    caller: Caller,
    registry: Registry,
    store: Store,
    graph: Meta,
    now: Now,
) -> Response[None]:
    delete_templates(waba_id, name, language, caller, registry=registry, templates=store, graph=graph, now=now)
    return Response(status_code=204)
