"""The Meta Graph API client: one small, typed surface over httpx, with retries and Meta's error model.

Requests go to `{graph_api_base_url}/{graph_api_version}/{path}` with the system-user token from
Secrets Manager (or a per-call token, e.g. a business token from Embedded Signup). Throttling, 5xx and
transport errors are retried with exponential backoff and jitter, honouring `Retry-After` and Meta's
usage headers; a wait longer than `graph_max_backoff_seconds` is handed to the caller at once as
`QuotaExceeded`. Meta's error envelope becomes a `GraphError` inside a domain error, so use cases can
map Meta codes (100, 133005, 133016, ...) to their own answers. Tokens are never logged.
"""

from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from aws_lambda_powertools import Logger
from pydantic import BaseModel, TypeAdapter, ValidationError

from hub_shared.errors import HubError, QuotaExceeded, UpstreamError, UpstreamRejected, UpstreamUnavailable
from hub_shared.secrets import get_secret
from hub_shared.settings import Settings, get_settings
from hub_shared.singletons import singleton

USER_AGENT = "client-hub/1.0.0"
THROTTLING_CODES = frozenset({4, 80007, 80008, 130429})
CREDENTIAL_CODES = frozenset({0, 190})
BASE_BACKOFF_SECONDS = 0.5
QUOTA_DETAIL = "Meta's rate limit was reached; try again later."
DEFAULT_RETRY_AFTER_SECONDS = 60
"""What the hub's callers are told to wait when Meta throttles without saying for how long."""

_TOKEN_PATTERN = re.compile(r"EAA[A-Za-z0-9]+")
_REDACTED = "[redacted]"

Params = Mapping[str, str | int | float | bool]
JsonBody = Mapping[str, Any]

logger = Logger(child=True)


@dataclass(frozen=True)
class GraphError:
    """Meta's error envelope (`{"error": {...}}`) of one answer, with the tokens taken out of its texts."""

    http_status: int
    code: int
    message: str
    error_type: str | None = None
    subcode: int | None = None
    details: str | None = None
    user_title: str | None = None
    user_msg: str | None = None
    is_transient: bool = False
    fbtrace_id: str | None = None

    @property
    def user_detail(self) -> str:
        """The text to show a person: Meta's user message, else its details, else its message."""
        return self.user_msg or self.details or self.message

    @property
    def is_forbidden(self) -> bool:
        """Code 10 or 200–299: a permission is missing or was not granted."""
        return self.code == 10 or 200 <= self.code <= 299


class MetaRefused(UpstreamRejected):
    """Meta understood the request and refused it (422); `graph_error.code` says why."""

    def __init__(self, graph_error: GraphError):
        super().__init__(graph_error.user_detail, upstream_code=graph_error.code)
        self.graph_error = graph_error


class MetaForbidden(MetaRefused):
    """Meta denied a permission (code 10 or 200–299)."""

    status = 403
    slug = "upstream-forbidden"
    title = "Meta denied permission"


class MetaCredentialsRejected(UpstreamError):
    """Meta did not accept the token (code 0 or 190): the hub's side is misconfigured (502)."""

    def __init__(self, graph_error: GraphError):
        super().__init__("Meta did not accept the hub's credentials.")
        self.graph_error = graph_error


class _ErrorData(BaseModel):
    details: str | None = None


class _ErrorBody(BaseModel):
    message: str = ""
    type: str | None = None
    code: int
    error_subcode: int | None = None
    error_data: _ErrorData | None = None
    is_transient: bool = False
    error_user_title: str | None = None
    error_user_msg: str | None = None
    fbtrace_id: str | None = None


class _Envelope(BaseModel):
    error: _ErrorBody


class _Usage(BaseModel):
    call_count: float = 0
    total_cputime: float = 0
    total_time: float = 0
    estimated_time_to_regain_access: float = 0
    """Minutes."""

    @property
    def highest_percent(self) -> float:
        return max(self.call_count, self.total_cputime, self.total_time)


_business_usage = TypeAdapter(dict[str, list[_Usage]])


@dataclass(frozen=True)
class _Transient:
    """A failed attempt worth retrying; `wait` is what Meta asked for, in seconds, when it said."""

    throttled: bool
    reason: str
    wait: float | None


def _redact(text: str | None, token: str) -> str | None:
    if text is None:
        return None
    return _TOKEN_PATTERN.sub(_REDACTED, text.replace(token, _REDACTED))


def _graph_error(response: httpx.Response, token: str) -> GraphError | None:
    try:
        body = _Envelope.model_validate_json(response.content).error
    except ValidationError:
        return None
    return GraphError(
        http_status=response.status_code,
        code=body.code,
        message=_redact(body.message, token) or "",
        error_type=body.type,
        subcode=body.error_subcode,
        details=_redact(body.error_data.details if body.error_data else None, token),
        user_title=_redact(body.error_user_title, token),
        user_msg=_redact(body.error_user_msg, token),
        is_transient=body.is_transient,
        fbtrace_id=body.fbtrace_id or response.headers.get("x-fb-trace-id"),
    )


def _usages(headers: httpx.Headers) -> list[_Usage]:
    usages: list[_Usage] = []
    try:
        if "x-app-usage" in headers:
            usages.append(_Usage.model_validate_json(headers["x-app-usage"]))
        if "x-business-use-case-usage" in headers:
            for entries in _business_usage.validate_json(headers["x-business-use-case-usage"]).values():
                usages.extend(entries)
    except ValidationError:
        logger.warning("unreadable Graph usage header")
    return usages


def _asked_wait(headers: httpx.Headers, usages: list[_Usage]) -> float | None:
    """Seconds Meta asks us to wait: `Retry-After`, or the longest `estimated_time_to_regain_access`."""
    waits = [
        usage.estimated_time_to_regain_access * 60 for usage in usages if usage.estimated_time_to_regain_access > 0
    ]
    retry_after = headers.get("retry-after", "")
    if retry_after.isdigit():
        waits.append(float(retry_after))
    return max(waits, default=None)


class Graph(Protocol):
    """The Graph API as use cases see it (`GraphClient` implements it; tests may hand in a fake)."""

    def get(self, path: str, params: Params | None = None, token: str | None = None) -> dict[str, Any]: ...

    def post(
        self,
        path: str,
        json: JsonBody | None = None,
        params: Params | None = None,
        data: JsonBody | None = None,
        token: str | None = None,
    ) -> dict[str, Any]: ...

    def delete(self, path: str, params: Params | None = None, token: str | None = None) -> dict[str, Any]: ...


class GraphClient:
    """Calls Meta's Graph API; every method answers the decoded JSON object or raises a domain error.

    Errors: `MetaRefused` (422, Meta code in `graph_error`), `MetaForbidden` (403, codes 10/200–299),
    `MetaCredentialsRejected` (502, codes 0/190), `QuotaExceeded` (429, throttled; `retry_after`),
    `UpstreamUnavailable` (503, 5xx or transport errors after the retries), `UpstreamError` (502, an
    answer that is not Meta's JSON).
    """

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        client: httpx.Client | None = None,
        token_provider: Callable[[], str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ):
        self._settings = settings or get_settings()
        # httpx logs every URL, query string included (`client_secret`, `code`), at INFO; our lines leave it out.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        self._http = client or httpx.Client()
        self._token_provider = token_provider or (lambda: get_secret(self._settings.graph_token_secret))
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter

    def get(self, path: str, params: Params | None = None, token: str | None = None) -> dict[str, Any]:
        return self._call("GET", path, params=params, token=token)

    def post(
        self,
        path: str,
        json: JsonBody | None = None,
        params: Params | None = None,
        data: JsonBody | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        return self._call("POST", path, params=params, json=json, data=data, token=token)

    def delete(self, path: str, params: Params | None = None, token: str | None = None) -> dict[str, Any]:
        return self._call("DELETE", path, params=params, token=token)

    def _url(self, path: str) -> str:
        """`123/phone_numbers` → `https://graph.facebook.com/v23.0/123/phone_numbers`."""
        base = self._settings.graph_api_base_url.rstrip("/")
        return f"{base}/{self._settings.graph_api_version}/{path.strip('/')}"

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Params | None,
        token: str | None,
        json: JsonBody | None = None,
        data: JsonBody | None = None,
    ) -> dict[str, Any]:
        bearer = token or self._token_provider()
        request = self._http.build_request(
            method,
            self._url(path),
            params=params,
            json=json,
            data=data,
            headers={"Authorization": f"Bearer {bearer}", "User-Agent": USER_AGENT},
            timeout=self._settings.graph_timeout_seconds,
        )
        where = {"method": method, "path": path.partition("?")[0]}
        attempt = 0
        while True:
            log = {**where, "attempt": attempt}
            outcome = self._attempt(request, bearer, log)
            if not isinstance(outcome, _Transient):
                return outcome
            if outcome.wait is not None and outcome.wait > self._settings.graph_max_backoff_seconds:
                logger.warning("Graph asks for a long wait", extra={**log, "wait_seconds": outcome.wait})
                raise QuotaExceeded(QUOTA_DETAIL, retry_after=math.ceil(outcome.wait))
            if attempt >= self._settings.graph_max_retries:
                raise self._exhausted(outcome, log)
            wait = max(outcome.wait or 0.0, self._backoff(attempt))
            logger.warning("Graph call retried", extra={**log, "reason": outcome.reason, "wait_seconds": wait})
            self._sleep(wait)
            attempt += 1

    def _attempt(self, request: httpx.Request, token: str, log: dict[str, Any]) -> dict[str, Any] | _Transient:
        started = self._clock()
        try:
            response = self._http.send(request)
        except httpx.TransportError as exc:
            return _Transient(throttled=False, reason=type(exc).__name__, wait=None)
        usages = _usages(response.headers)
        logger.info(
            "Graph call",
            extra={
                **log,
                "status": response.status_code,
                "fbtrace_id": response.headers.get("x-fb-trace-id"),
                "duration_ms": round((self._clock() - started) * 1000),
                "usage_percent": max((usage.highest_percent for usage in usages), default=None),
            },
        )
        if response.is_success:
            return self._decode(response, log)
        return self._retryable(response, token, usages, log)

    @staticmethod
    def _decode(response: httpx.Response, log: dict[str, Any]) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            logger.error("Graph answered without a JSON object", extra={**log, "status": response.status_code})
            raise UpstreamError("Meta answered with a body that is not a JSON object.")
        return body

    @staticmethod
    def _retryable(response: httpx.Response, token: str, usages: list[_Usage], log: dict[str, Any]) -> _Transient:
        """What to retry after a failed answer; raises the domain error when retrying cannot help."""
        error = _graph_error(response, token)
        wait = _asked_wait(response.headers, usages)
        if response.status_code == httpx.codes.TOO_MANY_REQUESTS or (error and error.code in THROTTLING_CODES):
            return _Transient(throttled=True, reason=f"throttled ({error.code if error else 429})", wait=wait)
        if error is None:
            if response.is_server_error:
                return _Transient(throttled=False, reason=f"HTTP {response.status_code}", wait=wait)
            logger.error("Graph answered without an error envelope", extra={**log, "status": response.status_code})
            raise UpstreamError(f"Meta answered HTTP {response.status_code} without a Graph error.")
        described = {
            **log,
            "status": error.http_status,
            "code": error.code,
            "subcode": error.subcode,
            "error_type": error.error_type,
            "error_message": error.message,
            "fbtrace_id": error.fbtrace_id,
        }
        if error.code in CREDENTIAL_CODES:
            logger.error("Meta rejected the hub's access token", extra=described)
            raise MetaCredentialsRejected(error)
        if error.is_transient or response.is_server_error:
            return _Transient(throttled=False, reason=f"transient ({error.code})", wait=wait)
        logger.warning("Meta refused the call", extra=described)
        raise MetaForbidden(error) if error.is_forbidden else MetaRefused(error)

    def _backoff(self, attempt: int) -> float:
        """Exponential, capped at `graph_max_backoff_seconds`, with half of it random (equal jitter)."""
        ceiling = min(self._settings.graph_max_backoff_seconds, BASE_BACKOFF_SECONDS * 2.0**attempt)
        return ceiling / 2 + self._jitter() * ceiling / 2

    @staticmethod
    def _exhausted(outcome: _Transient, log: dict[str, Any]) -> HubError:
        logger.error("Graph call gave up", extra={**log, "reason": outcome.reason})
        if outcome.throttled:
            retry_after = math.ceil(outcome.wait) if outcome.wait else DEFAULT_RETRY_AFTER_SECONDS
            return QuotaExceeded(QUOTA_DETAIL, retry_after=retry_after)
        return UpstreamUnavailable("Meta is unavailable; try again later.")


@singleton
def graph_client() -> GraphClient:
    """The process's Graph client (system-user token, settings from the environment)."""
    return GraphClient()
