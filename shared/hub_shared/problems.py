"""One error map: domain errors and validation errors → RFC 9457 `application/problem+json`.

`register_problem_handlers(app)` wires it into any Powertools resolver. Nothing else in the hub
builds an error response.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import Field

from hub_shared.errors import BadRequest, FieldError, HubError, NotFound, ValidationFailed
from hub_shared.model import HubModel
from hub_shared.settings import get_settings

PROBLEM_JSON = "application/problem+json"
logger = Logger(child=True)


class ProblemFieldError(HubModel):
    field: str = Field(description="Where: `query.limit`, `path.number_id`, `body.components[0].text`.")
    message: str


class Problem(HubModel):
    """An error answer (RFC 9457 `application/problem+json`)."""

    type: str = Field(description="A URI naming the kind of problem.")
    title: str
    status: int
    detail: str
    errors: list[ProblemFieldError] | None = Field(default=None, description="Each invalid field, for 400/422.")


class GatewayMessage(HubModel):
    """An answer of API Gateway itself, the function never invoked: `{"message": "Unauthorized"}`."""

    message: str


GATEWAY_UNAUTHORIZED: OpenAPIResponse = {
    "description": "No bearer token, or an invalid one: API Gateway's JWT authorizer answers "
    '`{"message": "Unauthorized"}` itself (not a problem) and invokes nothing.',
    "content": {"application/json": {"model": GatewayMessage}},
}

NOT_JSON = "The body is not JSON."
"""The 400 of a route that takes a JSON body (`problem_responses(400, _400=NOT_JSON)`)."""

_DESCRIPTIONS = {
    400: "Malformed input: a bad cursor, a body that is not JSON, or one of a content type the route does not take.",
    401: "No bearer token, or an invalid one.",
    403: "The caller may not do this to a resource it can see.",
    404: "Unknown, or another tenant's.",
    409: "The resource's state does not allow this now.",
    413: "The request body is larger than allowed.",
    422: "The input is not valid; `errors` points at each field.",
    429: "A limit was hit; `Retry-After` says when to try again.",
    502: "An upstream service (Meta, Stripe) failed.",
    503: "An upstream service is unavailable.",
}


def problem_responses(*codes: int, inputs: bool = True, **descriptions: str) -> dict[int, OpenAPIResponse]:
    """OpenAPI `responses` for the problems a route can answer: `codes`, 403 always (a token that names no client,
    partner or support agent), 422 unless the route takes no input at all (`inputs=False`), and the authorizer's
    401 (`GATEWAY_UNAUTHORIZED`) — unless 401 is one of `codes`: a public route that answers it as a problem itself.

    `descriptions` overrides the text of a code, keyed `_409="..."`.
    """
    wanted = sorted({403, *codes, *([422] if inputs else [])})
    problems: dict[int, OpenAPIResponse] = {
        code: {
            "description": descriptions.get(f"_{code}", _DESCRIPTIONS[code]),
            "content": {PROBLEM_JSON: {"model": Problem}},
        }
        for code in wanted
    }
    return dict(sorted({401: GATEWAY_UNAUTHORIZED, **problems}.items()))


def problem_response(
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
) -> Response[str]:
    body: dict[str, Any] = {
        "type": f"{get_settings().problem_type_base}{slug}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    return Response(status_code=status, content_type=PROBLEM_JSON, body=json.dumps(body), headers=headers)


def from_hub_error(error: HubError) -> Response[str]:
    return problem_response(
        status=error.status,
        slug=error.slug,
        title=error.title,
        detail=error.detail,
        errors=error.errors,
        headers=error.headers,
    )


def _field(loc: Sequence[Any]) -> str:
    """`("query", "limit")` → `query.limit`; `("body", "items", 0, "x")` → `body.items[0].x`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not an allowed field",
    "json_invalid": "is not valid JSON",
}


def _message(error: dict[str, Any]) -> str:
    """A user-facing message: pydantic's own text, except where it would leak internals."""
    kind = str(error.get("type", ""))
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    msg = str(error.get("msg", "is invalid"))
    return msg[:1].lower() + msg[1:]


def validation_problem(exc: RequestValidationError) -> Response[str]:
    """Schema violations answer 422 with each field; a body that is not JSON at all answers 400."""
    raw = list(exc.errors())
    errors = [FieldError(field=_field(e.get("loc", ())), message=_message(e)) for e in raw]
    if any(e.get("type") == "json_invalid" for e in raw):
        return from_hub_error(BadRequest("The request body is not valid JSON.", errors=errors))
    return from_hub_error(ValidationFailed("The request is not valid.", errors=errors))


MISSING_BOUNDARY = "Missing boundary"
"""How Powertools' validation starts the `ValueError` of a `multipart/form-data` body without its boundary."""


def _unreadable_body(detail: str, exc: Exception) -> Response[str]:
    logger.info("request body refused", extra={"reason": str(exc)})
    return from_hub_error(BadRequest(detail, errors=[FieldError(field="body", message="cannot be read")]))


def register_problem_handlers(app: ApiGatewayResolver) -> None:
    """Answer every error raised by a route of `app` as problem+json."""

    @app.exception_handler(HubError)
    def _hub_error(exc: HubError) -> Response[str]:
        if exc.status >= 500:
            logger.warning("request failed upstream", extra={"problem": exc.slug, "detail": exc.detail})
        return from_hub_error(exc)

    @app.exception_handler(RequestValidationError)
    def _validation(exc: RequestValidationError) -> Response[str]:
        return validation_problem(exc)

    @app.exception_handler(RequestUnsupportedContentType)
    def _content_type(exc: RequestUnsupportedContentType) -> Response[str]:
        return _unreadable_body(
            "The request's Content-Type is not one this route takes: JSON, or multipart/form-data for a file.", exc
        )

    @app.exception_handler(ValueError)
    def _value_error(exc: ValueError) -> Response[str]:
        if str(exc).startswith(MISSING_BOUNDARY):
            return _unreadable_body("A multipart/form-data body needs the boundary in its Content-Type.", exc)
        return _internal_error()

    @app.not_found
    def _not_found(_: NotFoundError) -> Response[str]:
        return from_hub_error(NotFound("No such route."))

    @app.exception_handler(ServiceError)
    def _service_error(exc: ServiceError) -> Response[str]:
        return problem_response(status=exc.status_code, slug="http-error", title="HTTP error", detail=str(exc.msg))

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response[str]:
        return _internal_error()


def _internal_error() -> Response[str]:
    """The answer of an error the hub did not expect, logged with its traceback (called while it is handled)."""
    logger.exception("unhandled error")
    return problem_response(
        status=500, slug="internal-error", title="Internal error", detail="Something went wrong on our side."
    )
