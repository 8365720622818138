"""GET and POST /v1/numbers/{number_id}/display-name: the WABA Manager's "Edit display name"."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_numbers.deps import display_name_graph, display_names_store, numbers_store
from hub_numbers.models.display_names import DisplayNameChange, DisplayNameRequestView, DisplayNameView
from hub_numbers.routes.params import NumberId
from hub_numbers.usecases.display_names.requests import DisplayNameDeps, read_display_name, request_display_name
from hub_numbers.usecases.display_names.rules import SEES_DISPLAY_NAMES
from hub_shared.access import AccessRule, declared
from hub_shared.api import Budget, Caller, Now
from hub_shared.graph import GraphClient
from hub_shared.problems import NOT_JSON, problem_responses

router = APIGatewayHttpRouter()


def display_name_deps(graph: Annotated[GraphClient, Depends(display_name_graph)], deadline: Budget) -> DisplayNameDeps:
    return DisplayNameDeps(numbers=numbers_store(), requests=display_names_store(), graph=graph.within(deadline))


Deps = Annotated[DisplayNameDeps, Depends(display_name_deps)]


@router.get(
    "/v1/numbers/<number_id>/display-name",
    openapi_extensions=declared(
        AccessRule(
            resource="number_id",
            kind="number",
            client=True,
            partner=SEES_DISPLAY_NAMES,
            partner_sees=SEES_DISPLAY_NAMES,
            support=True,
        )
    ),
    summary="Read a number's display name",
    description="The current name and Meta's status of it, the request under review, the recent requests with "
    "Meta's decisions, the changes left in Meta's window (10 per 30 days) and whether the caller may edit now.",
    tags=["Numbers"],
    responses={200: {"description": "The display name."}, **problem_responses(404)},
)
def read_display_name_route(number_id: NumberId, caller: Caller, deps: Deps, now: Now) -> DisplayNameView:
    return read_display_name(number_id, caller, deps, now)


@router.post(
    "/v1/numbers/<number_id>/display-name",
    openapi_extensions=declared(
        AccessRule(
            resource="number_id",
            kind="number",
            client=True,
            partner=("display_name:write",),
            partner_sees=SEES_DISPLAY_NAMES,
        )
    ),
    summary="Ask Meta to change a number's display name",
    description="Clients, and partners granted `display_name:write`. The name is checked against the hub's rules "
    "(see the body), then sent to Meta for review: 201 `pending_review` when Meta took it; 202 `submitting` when "
    "Meta was too slow to answer — the request is kept and sent again by the polling job, never lost. Meta's "
    "decision arrives by webhook (or the polling job, every 15 minutes); an approved name must be followed by a "
    "re-registration within 14 days.",
    tags=["Numbers"],
    responses={
        201: {"description": "Meta accepted the request for review."},
        202: {"description": "Recorded; Meta has not confirmed it yet (it is sent again until it does)."},
        **problem_responses(
            400,
            404,
            409,
            429,
            502,
            _400=NOT_JSON,
            _403="A partner without `display_name:write` (`display-name-write-not-granted`), a support agent, or "
            "Meta refusing the hub access to the number.",
            _409="Edit not available: another request is under review (`display-name-edit-not-available`), or the "
            "number is onboarding, deleted, banned or disconnected (`display-name-not-changeable`).",
            _422="The name breaks a rule (`display-name-invalid`, on `body.display_name`) or Meta refused it "
            "(`display-name-refused-by-meta`).",
            _429="Meta's 10 changes in 30 days are used (`display-name-changes-used`; `Retry-After`).",
            _502="Meta refused the hub's own credentials (`upstream-error`); the request failed.",
        ),
    },
)
def request_display_name_route(
    number_id: NumberId,
    change: Annotated[DisplayNameChange, Body()],
    caller: Caller,
    deps: Deps,
    now: Now,
) -> tuple[DisplayNameRequestView, int]:
    submitted = request_display_name(number_id, change, caller, deps, now)
    return submitted.request, submitted.status_code
