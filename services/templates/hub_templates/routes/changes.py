"""Changing a WABA's templates (seed, "Templates"): create (or keep a draft) and submit a draft."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_shared.access import AccessRule, declared
from hub_shared.api import Caller, Now
from hub_shared.problems import problem_responses
from hub_templates.models.mirror import NewTemplate, Template
from hub_templates.routes.params import Language, Meta, Name, Registry, Store, WabaId, WabaLimits
from hub_templates.usecases.create import create_template, submit_draft

router = APIGatewayHttpRouter()

SEES = ("numbers:read", "waba:read", "templates:read", "templates:write")
WRITES = AccessRule(resource="waba_id", kind="waba", client=True, partner=("templates:write",), partner_sees=SEES)
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
