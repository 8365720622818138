"""The error model: domain errors raised by use cases and adapters.

Every error knows its HTTP status and its RFC 9457 problem `type` slug; `hub_shared.problems`
turns them into `application/problem+json`. Never match on messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One invalid field: where (dotted path, e.g. `query.limit` or `body.components[0].text`) and why."""

    field: str
    message: str


class HubError(Exception):
    """Base of every domain error. Subclasses set `status`, `slug` and `title`."""

    status: int = 500
    slug: str = "internal-error"
    title: str = "Internal error"

    def __init__(self, detail: str, *, errors: Sequence[FieldError] = (), headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = tuple(errors)
        self.headers = dict(headers or {})


class BadRequest(HubError):
    status = 400
    slug = "bad-request"
    title = "Bad request"


class InvalidCursor(BadRequest):
    slug = "invalid-cursor"
    title = "Invalid cursor"


class ValidationFailed(HubError):
    status = 422
    slug = "validation-failed"
    title = "Validation failed"


class Unauthorized(HubError):
    status = 401
    slug = "unauthorized"
    title = "Unauthorized"


class Forbidden(HubError):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class InvalidPrincipal(Forbidden):
    slug = "invalid-principal"
    title = "The token does not name a client, a partner or a support agent"


class PayloadTooLarge(HubError):
    status = 413
    slug = "payload-too-large"
    title = "Payload too large"


class NotFound(HubError):
    status = 404
    slug = "not-found"
    title = "Not found"


class WabaNotFound(NotFound):
    """A WhatsApp Business Account the hub does not manage, or another tenant's (the same answer)."""

    def __init__(self, waba_id: str):
        super().__init__(f"WhatsApp Business Account {waba_id} was not found.")


class StateConflict(HubError):
    status = 409
    slug = "state-conflict"
    title = "State conflict"


class QuotaExceeded(HubError):
    """A limit was hit (Meta's or ours); `retry_after` seconds, when known, becomes `Retry-After`."""

    status = 429
    slug = "quota-exceeded"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int | None = None):
        super().__init__(detail, headers={"Retry-After": str(retry_after)} if retry_after is not None else None)
        self.retry_after = retry_after


class UpstreamError(HubError):
    """An outside system (Meta, Stripe, get.chat) refused or failed."""

    status = 502
    slug = "upstream-error"
    title = "An upstream service failed"


class UpstreamRejected(UpstreamError):
    """The outside system understood the request and refused it (e.g. Meta error code 100)."""

    status = 422
    slug = "upstream-rejected"
    title = "The request was refused by an upstream service"

    def __init__(self, detail: str, *, upstream_code: int | None = None, errors: Sequence[FieldError] = ()):
        super().__init__(detail, errors=errors)
        self.upstream_code = upstream_code


class UpstreamUnavailable(UpstreamError):
    status = 503
    slug = "upstream-unavailable"
    title = "An upstream service is unavailable"
