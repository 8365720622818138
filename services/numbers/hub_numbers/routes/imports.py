"""Import a number from another BSP: POST /v1/numbers/imports, GET /v1/numbers/imports/{import_id},
POST /v1/numbers/imports/{import_id}/verification and POST /v1/numbers/imports/{import_id}/code."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_numbers.deps import meta_graph, onboarding_store, secrets_vault
from hub_numbers.models.onboarding import ImportView, ResendCodeRequest, StartImportRequest, VerifyImportRequest
from hub_numbers.routes.params import IdempotencyKey, ImportId
from hub_numbers.usecases.imports import ImportDeps, get_import, resend_code, start_import, verify_import
from hub_shared.access import AccessRule, declared
from hub_shared.api import Budget, Caller, Now
from hub_shared.graph import GraphClient
from hub_shared.idempotency import Idempotency, idempotency_layer
from hub_shared.problems import NOT_JSON, problem_responses

router = APIGatewayHttpRouter()

OUT_OF_TIME = (
    "The request ran out of time; the import is kept at its step (`last_error` says so): send it again to continue."
)
CLIENTS_ONLY = "A partner (`partners-cannot-add-numbers`) or support agent (`client-users-only`)."


def import_deps(graph: Annotated[GraphClient, Depends(meta_graph)], deadline: Budget) -> ImportDeps:
    return ImportDeps(
        records=onboarding_store(),
        graph=graph.within(deadline),
        pins=secrets_vault(),
        idempotency=Idempotency(idempotency_layer(), "numbers", router.lambda_context),
    )


Deps = Annotated[ImportDeps, Depends(import_deps)]


@router.post(
    "/v1/numbers/imports",
    openapi_extensions=declared(AccessRule(client=True)),
    summary="Start importing a number from another BSP",
    description="Client users only. Asks Meta to add the number to the WABA for migration, then sends a "
    "verification code by SMS or voice. Two-step verification must be off at the previous provider. Starting "
    "the same import again (same WABA and number) answers the open import (200).",
    tags=["Numbers"],
    responses={
        200: {"description": "The import of this number was already under way."},
        201: {"description": "The import started; a code was sent."},
        202: {"description": OUT_OF_TIME},
        **problem_responses(
            400,
            404,
            409,
            429,
            502,
            503,
            _400=NOT_JSON,
            _403=CLIENTS_ONLY,
            _409="The number is already on this WABA (`number-already-on-waba`).",
        ),
    },
)
def start_import_route(
    request: Annotated[StartImportRequest, Body()],
    caller: Caller,
    deps: Deps,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> tuple[ImportView, int]:
    started = start_import(request, caller, deps, now, idempotency_key=idempotency_key)
    return started.view, started.status_code


@router.get(
    "/v1/numbers/imports/<import_id>",
    openapi_extensions=declared(AccessRule(resource="import_id", kind="import", client=True, support=True)),
    summary="Read an import",
    description="Its step, the verification attempts and Meta's last refusal in plain words.",
    tags=["Numbers"],
    responses={200: {"description": "The import."}, **problem_responses(404, _403=CLIENTS_ONLY)},
)
def get_import_route(import_id: ImportId, caller: Caller, deps: Deps) -> ImportView:
    return get_import(import_id, caller, deps)


@router.post(
    "/v1/numbers/imports/<import_id>/verification",
    openapi_extensions=declared(AccessRule(resource="import_id", kind="import", client=True)),
    summary="Verify an import's code and register the number",
    description="Verifies the code Meta sent, registers the number and records it running (billable from now). "
    "A step that failed is continued when posted again; a done import answers as it is.",
    tags=["Numbers"],
    responses={
        200: {"description": "The import after verification (`step` done, or where it stopped)."},
        202: {"description": OUT_OF_TIME},
        **problem_responses(
            400,
            404,
            409,
            429,
            502,
            503,
            _400=NOT_JSON,
            _403=CLIENTS_ONLY,
            _409="No code was sent yet, or too many wrong codes (`too-many-attempts`): request a new code.",
            _422="Invalid input, a wrong or expired code (`verification-code-rejected`), or a step Meta refused.",
        ),
    },
)
def verify_import_route(
    import_id: ImportId, request: Annotated[VerifyImportRequest, Body()], caller: Caller, deps: Deps, now: Now
) -> tuple[ImportView, int]:
    verified = verify_import(import_id, request.code, caller, deps, now)
    return verified.view, verified.status_code


@router.post(
    "/v1/numbers/imports/<import_id>/code",
    openapi_extensions=declared(AccessRule(resource="import_id", kind="import", client=True)),
    summary="Send a new verification code",
    description="At most one code a minute (429 with `Retry-After` before that); resets the attempts.",
    tags=["Numbers"],
    responses={
        200: {"description": "A new code was sent."},
        202: {"description": OUT_OF_TIME},
        **problem_responses(400, 404, 409, 429, 502, 503, _400=NOT_JSON, _403=CLIENTS_ONLY),
    },
)
def resend_code_route(
    import_id: ImportId,
    caller: Caller,
    deps: Deps,
    now: Now,
    request: Annotated[ResendCodeRequest | None, Body()] = None,
) -> tuple[ImportView, int]:
    sent = resend_code(import_id, request.method if request else None, caller, deps, now)
    return sent.view, sent.status_code
