"""A WABA's templates as the mirror keeps them (seed, "Templates"): the list, a name's languages, one template, and
the sync with Meta."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_shared.access import declared
from hub_shared.api import Budget, Caller, Now
from hub_shared.pagination import DEFAULT_LIMIT, MAX_CURSOR_LENGTH, MAX_LIMIT, Page
from hub_shared.problems import problem_responses
from hub_templates.models.content import TemplateContent
from hub_templates.models.mirror import LANGUAGE_PATTERN, SyncCounts, Template, TemplateGroup, TemplateStatus
from hub_templates.models.review import TemplateReview
from hub_templates.routes.params import (
    READS,
    WRITES,
    Cursors,
    Language,
    Languages,
    Meta,
    Name,
    PageSize,
    Registry,
    Store,
    WabaId,
)
from hub_templates.usecases.mirror import TemplateQuery, list_templates, template, template_languages
from hub_templates.usecases.review import review_template
from hub_templates.usecases.sync import sync_waba

router = APIGatewayHttpRouter()

PATH = "/v1/wabas/<waba_id>/templates"


@router.get(
    PATH,
    openapi_extensions=declared(READS),
    summary="List a WABA's templates",
    description="The WABA's templates in every language, by name, from the hub's mirror (no call to Meta): filtered "
    "by status, category and language, and by the start of their name.",
    tags=["Templates"],
    responses={200: {"description": "A page of templates."}, **problem_responses(400, 404)},
)
def list_templates_route(
    waba_id: WabaId,
    caller: Caller,
    registry: Registry,
    store: Store,
    cursors: Cursors,
    status: Annotated[TemplateStatus | None, Query(description="Only templates of this status.")] = None,
    category: Annotated[
        str | None, Query(pattern=r"^(MARKETING|UTILITY|AUTHENTICATION)$", description="Only this category.")
    ] = None,
    language: Annotated[str | None, Query(pattern=LANGUAGE_PATTERN, description="Only this language.")] = None,
    name: Annotated[str, Query(pattern=r"^[a-z0-9_]{0,512}$", description="Names starting with this.")] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(min_length=1, max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the last page.")
    ] = None,
) -> Page[Template]:
    query = TemplateQuery(status=status, category=category, language=language, name=name, limit=limit, cursor=cursor)
    return list_templates(waba_id, caller, query, registry=registry, mirror=store, cursors=cursors)


@router.get(
    f"{PATH}/<name>",
    openapi_extensions=declared(READS),
    summary="Read every language of a template",
    description="The name's templates, one per language, from the mirror.",
    tags=["Templates"],
    responses={200: {"description": "The name's languages."}, **problem_responses(404)},
)
def get_template_languages_route(
    waba_id: WabaId, name: Name, caller: Caller, registry: Registry, store: Store
) -> TemplateGroup:
    return template_languages(waba_id, name, caller, registry=registry, mirror=store)


@router.get(
    f"{PATH}/<name>/<language>",
    openapi_extensions=declared(READS),
    summary="Read a template in one language",
    description="Status, category (and Meta's previous and correct one), quality, the rejection reason with Meta's "
    "advice, components and when it was last submitted and synced, from the mirror.",
    tags=["Templates"],
    responses={200: {"description": "The template."}, **problem_responses(404)},
)
def get_template_route(
    waba_id: WabaId, name: Name, language: Language, caller: Caller, registry: Registry, store: Store
) -> Template:
    return template(waba_id, name, language, caller, registry=registry, mirror=store)


@router.post(
    f"{PATH}/sync",
    openapi_extensions=declared(READS),
    summary="Sync a WABA's templates with Meta",
    description="Reads the WABA's whole list of templates from Meta and makes the mirror match it: what Meta has "
    "is added or updated, what it no longer has is removed (drafts are kept). Answers the counts.",
    tags=["Templates"],
    responses={200: {"description": "What the sync changed."}, **problem_responses(404, 429, 502, 503)},
)
def sync_templates_route(
    waba_id: WabaId,
    caller: Caller,
    registry: Registry,
    store: Store,
    graph: Meta,
    now: Now,
    page_size: PageSize,
    deadline: Budget,
) -> SyncCounts:
    bounded = graph.within(deadline)  # Meta's pages must fit the request: API Gateway answers 504 after 29 s
    return sync_waba(waba_id, caller, registry=registry, mirror=store, graph=bounded, now=now, page_size=page_size)


@router.post(
    f"{PATH}/preview",
    openapi_extensions=declared(WRITES),
    summary="Preview a template before it is created",
    description="The template as its customer would see it (the header, the body with its examples filled in, the "
    "footer, the buttons), Meta's rules it breaks (each on its field, e.g. `components[1].text`) and what Meta's "
    "review often rejects or re-categorises (warnings, each with its reason). Creates nothing and asks Meta nothing.",
    tags=["Templates"],
    responses={200: {"description": "The review."}, **problem_responses(400, 404)},
)
def preview_template_route(
    waba_id: WabaId,
    content: Annotated[TemplateContent, Body()],
    caller: Caller,
    registry: Registry,
    languages: Languages,
) -> TemplateReview:
    return review_template(waba_id, content, caller, registry=registry, languages=languages)
