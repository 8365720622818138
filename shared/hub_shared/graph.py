"""The Meta Graph API client: one small, typed surface over httpx, with safe retries and Meta's error model.

Requests go to `{graph_api_base_url}/{graph_api_version}/{path}` with the system-user token from
Secrets Manager (or a per-call token, e.g. a business token from Embedded Signup). Tokens are never logged.

Retries, with exponential backoff and jitter, honouring `Retry-After` and Meta's usage headers (at most
`graph_max_retries`; a wait longer than `graph_max_backoff_seconds` is handed to the caller at once as
`QuotaExceeded`), depend on whether repeating the request can do harm:
- GET and DELETE, and a POST the caller marks `idempotent=True` (`{waba}/subscribed_apps`, a profile update), are
  retried on throttling, 5xx, Meta's `is_transient` errors and every transport error, timeouts included;
- any other POST (`request_code` sends an SMS, `register`/`deregister` count against 10 per 72 hours, a display
  name, `verify_code`, `{waba}/phone_numbers`) is retried only where Meta certainly did not act: throttling answers
  (429 or Meta's throttling codes) and connections that failed before the request was sent (`ConnectError`,
  `ConnectTimeout`, `PoolTimeout`). After anything else — a read or write timeout, a dropped connection, a 5xx, a
  transient error — Meta may or may not have done it, and the client raises `OutcomeUnknown` at once, so a use
  case can tell "Meta did not act" (`UpstreamUnavailable`, `QuotaExceeded`) from "Meta may have acted".

`GraphClient.within(deadline)` answers a client bounded by a `hub_shared.deadline.Deadline` (API Gateway gives up
after 29 s, whatever the Lambda does): each attempt's timeout is cut to what remains, and an attempt or a backoff
wait that would not fit raises `DeadlineReached` instead.

`upload` sends a file's bytes to a session of Meta's Resumable Upload API (`POST /upload:<session>`, the bytes as the
body, `file_offset` and the `OAuth` scheme as Meta asks); sending the same bytes at the same offset again leaves the
session as sending them once, so it is retried like a GET.

Meta's error envelope becomes a `GraphError` inside a domain error, so use cases can map Meta codes (100, 133005,
133016, ...) to their own answers. Use cases take the `Graph` protocol, which `GraphClient` satisfies.
"""

from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, partial
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Protocol

from aws_lambda_powertools import Logger
from pydantic import TypeAdapter, ValidationError

from hub_shared.deadline import Deadline, DeadlineReached
from hub_shared.errors import HubError, QuotaExceeded, UpstreamError, UpstreamRejected, UpstreamUnavailable
from hub_shared.http_clients import http_client
from hub_shared.model import HubModel
from hub_shared.secrets import get_secret
from hub_shared.settings import Settings, get_settings
from hub_shared.singletons import singleton

if TYPE_CHECKING:
    import httpx

USER_AGENT = "client-hub/1.0.0"
THROTTLING_CODES = frozenset({4, 80007, 80008, 130429})
CREDENTIAL_CODES = frozenset({0, 190})
BASE_BACKOFF_SECONDS = 0.5
QUOTA_DETAIL = "Meta's rate limit was reached; try again later."
DEFAULT_RETRY_AFTER_SECONDS = 60
"""What the hub's callers are told to wait when Meta throttles without saying for how long."""
MIN_ATTEMPT_SECONDS = 1.0
"""Under a deadline, the least time an attempt is started with: less would time out before Meta's usual answer."""


def _sent_nothing(error: Exception) -> bool:
    """Whether `error` is a transport error raised before any byte of the request left: Meta cannot have seen it
    (httpx's hierarchy)."""
    import httpx  # noqa: PLC0415 - loaded by the client that raised it (hub_shared.http_clients)

    return isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


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


class OutcomeUnknown(UpstreamUnavailable):
    """A POST that may have reached Meta got no usable answer (a read timeout, a dropped connection, a 5xx): Meta
    may or may not have done it, so it was not sent again. `reason` says what happened (for logs)."""

    slug = "upstream-outcome-unknown"
    title = "An upstream service may or may not have acted"

    def __init__(
        self,
        reason: str,
        detail: str = "Meta gave no clear answer in time; it may or may not have done what was asked.",
    ):
        super().__init__(detail)
        self.reason = reason


def text_or_none(value: object) -> str | None:
    """A field of a Graph answer as text, None when Meta left it out (or sent null)."""
    return None if value is None else str(value)


class Graph(Protocol):
    """The Graph API calls use cases make: `GraphClient` is one (a bounded one too), a test's fake another."""

    def get(self, path: str, params: Params | None = None, token: str | None = None) -> dict[str, Any]: ...

    def post(
        self,
        path: str,
        json: JsonBody | None = None,
        params: Params | None = None,
        data: JsonBody | None = None,
        token: str | None = None,
        *,
        idempotent: bool = False,
    ) -> dict[str, Any]: ...

    def delete(self, path: str, params: Params | None = None, token: str | None = None) -> dict[str, Any]: ...

    def upload(self, session: str, content: bytes, *, offset: int = 0) -> dict[str, Any]: ...


class _ErrorData(HubModel):
    details: str | None = None


class _ErrorBody(HubModel):
    message: str = ""
    type: str | None = None
    code: int
    error_subcode: int | None = None
    error_data: _ErrorData | None = None
    is_transient: bool = False
    error_user_title: str | None = None
    error_user_msg: str | None = None
    fbtrace_id: str | None = None


class _Envelope(HubModel):
    error: _ErrorBody


class _Usage(HubModel):
    call_count: float = 0
    total_cputime: float = 0
    total_time: float = 0
    estimated_time_to_regain_access: float = 0
    """Minutes."""

    @property
    def highest_percent(self) -> float:
        return max(self.call_count, self.total_cputime, self.total_time)


@cache
def _business_usage() -> TypeAdapter[dict[str, list[_Usage]]]:
    """The `X-Business-Use-Case-Usage` header's shape, built on the first answer that carries it."""
    return TypeAdapter(dict[str, list[_Usage]])


@dataclass(frozen=True)
class _Transient:
    """A failed attempt worth retrying; `wait` is what Meta asked for, in seconds, when it said. `may_have_acted`
    is False only when Meta certainly did nothing: it throttled the call, or the request was never sent."""

    throttled: bool
    reason: str
    wait: float | None
    may_have_acted: bool


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
            for entries in _business_usage().validate_json(headers["x-business-use-case-usage"]).values():
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


class GraphClient:
    """Calls Meta's Graph API; every method answers the decoded JSON object or raises a domain error.

    Errors: `MetaRefused` (422, Meta code in `graph_error`), `MetaForbidden` (403, codes 10/200–299),
    `MetaCredentialsRejected` (502, codes 0/190), `QuotaExceeded` (429, throttled; `retry_after`),
    `UpstreamUnavailable` (503, 5xx or transport errors after the retries; Meta did not act, or the call is safe to
    repeat), `OutcomeUnknown` (503, a POST that is not idempotent may have reached Meta without an answer; never
    retried), `UpstreamError` (502, an answer that is not Meta's JSON), and, from a client bounded by a deadline
    (`within`), `DeadlineReached` (503, no time left for an attempt or a wait).
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
        deadline: Deadline | None = None,
    ):
        self._settings = settings or get_settings()
        # httpx logs every URL, query string included (`client_secret`, `code`), at INFO; our lines leave it out.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        self._http = client or http_client()
        self._token_provider = token_provider or (lambda: get_secret(self._settings.graph_token_secret))
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._deadline = deadline

    @property
    def deadline(self) -> Deadline | None:
        """What bounds this client's calls (None: only the timeouts and retries of its settings)."""
        return self._deadline

    def within(self, deadline: Deadline) -> GraphClient:
        """This client bounded by `deadline` (or by its own, when that is sooner): the same httpx client (and its
        connections), settings, token, sleep, clock and jitter. Each attempt's timeout is the smaller of
        `graph_timeout_seconds` and what remains; an attempt is not started with less than MIN_ATTEMPT_SECONDS left,
        and a backoff that would not leave that much is not waited: both raise `DeadlineReached`."""
        bound = deadline if self._deadline is None else self._deadline.earlier(deadline)
        return GraphClient(
            settings=self._settings,
            client=self._http,
            token_provider=self._token_provider,
            sleep=self._sleep,
            clock=self._clock,
            jitter=self._jitter,
            deadline=bound,
        )

    def get(self, path: str, params: Params | None = None, token: str | None = None) -> dict[str, Any]:
        """A read: retried on every failure worth retrying."""
        return self._call("GET", path, params=params, token=token, idempotent=True)

    def post(
        self,
        path: str,
        json: JsonBody | None = None,
        params: Params | None = None,
        data: JsonBody | None = None,
        token: str | None = None,
        *,
        idempotent: bool = False,
    ) -> dict[str, Any]:
        """A change at Meta: retried only where Meta certainly did not act, else `OutcomeUnknown` at once.

        `idempotent=True` says that doing it twice leaves Meta as doing it once (`{waba}/subscribed_apps`, a
        business profile or commerce settings update), so it gets the retries a GET gets."""
        return self._call("POST", path, params=params, json=json, data=data, token=token, idempotent=idempotent)

    def delete(self, path: str, params: Params | None = None, token: str | None = None) -> dict[str, Any]:
        """A removal, retried like a GET. The Graph DELETEs a BSP makes (`{waba}/subscribed_apps`,
        `{waba}/message_templates?name=…`, `{waba}/assigned_users`) each remove one named thing: removing it twice
        leaves Meta as removing it once, and none sends anything to a person or counts against a limit (the
        number's own end, `deregister`, is a POST). The price of a retry is only that a repeat after a first try
        which did reach Meta may be refused as "does not exist"; the caller takes that as done."""
        return self._call("DELETE", path, params=params, token=token, idempotent=True)

    def upload(self, session: str, content: bytes, *, offset: int = 0) -> dict[str, Any]:
        """`content` into the upload session `session` (`upload:…`, from `POST /{app_id}/uploads`) from `offset`;
        Meta answers `{"h": <file handle>}` once the file is whole."""
        return self._call(
            "POST",
            session,
            params=None,
            token=None,
            idempotent=True,
            content=content,
            headers={"file_offset": str(offset)},
            scheme="OAuth",
        )

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
        idempotent: bool,
        json: JsonBody | None = None,
        data: JsonBody | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        scheme: str = "Bearer",
    ) -> dict[str, Any]:
        bearer = token or self._token_provider()
        build = partial(
            self._http.build_request,
            method,
            self._url(path),
            params=params,
            json=json,
            data=data,
            content=content,
            headers={**(headers or {}), "Authorization": f"{scheme} {bearer}", "User-Agent": USER_AGENT},
        )
        where = {"method": method, "path": path.partition("?")[0], "idempotent": idempotent}
        attempt = 0
        changes = method != "GET"
        reached = False  # whether a change may have reached Meta yet (only an idempotent one gets past that)
        while True:
            log = {**where, "attempt": attempt}
            request = build(timeout=self._attempt_timeout(reached, log))
            outcome = self._attempt(request, bearer, log)
            if not isinstance(outcome, _Transient):
                return outcome
            reached = reached or (changes and outcome.may_have_acted)
            if outcome.may_have_acted and not idempotent:
                logger.error("Graph call not retried: Meta may have acted", extra={**log, "reason": outcome.reason})
                raise OutcomeUnknown(outcome.reason)
            if outcome.wait is not None and outcome.wait > self._settings.graph_max_backoff_seconds:
                logger.warning("Graph asks for a long wait", extra={**log, "wait_seconds": outcome.wait})
                raise QuotaExceeded(QUOTA_DETAIL, retry_after=math.ceil(outcome.wait))
            if attempt >= self._settings.graph_max_retries:
                raise self._exhausted(outcome, log)
            wait = max(outcome.wait or 0.0, self._backoff(attempt))
            self._fit_wait(wait, reached, {**log, "reason": outcome.reason})
            logger.warning("Graph call retried", extra={**log, "reason": outcome.reason, "wait_seconds": wait})
            self._sleep(wait)
            attempt += 1

    def _attempt_timeout(self, reached: bool, log: dict[str, Any]) -> float:
        """`graph_timeout_seconds`, cut under a deadline to what remains; too little left refuses the attempt."""
        if self._deadline is None:
            return self._settings.graph_timeout_seconds
        remaining = self._deadline.remaining()
        if remaining < MIN_ATTEMPT_SECONDS:
            logger.warning("Graph call out of time", extra={**log, "remaining_seconds": remaining})
            raise DeadlineReached(outcome_unknown=reached)
        return min(self._settings.graph_timeout_seconds, remaining)

    def _fit_wait(self, wait: float, reached: bool, log: dict[str, Any]) -> None:
        """Under a deadline, refuse a backoff after which too little would remain for another attempt."""
        if self._deadline is None:
            return
        remaining = self._deadline.remaining()
        if remaining - wait < MIN_ATTEMPT_SECONDS:
            logger.warning(
                "Graph call out of time for a retry",
                extra={**log, "wait_seconds": wait, "remaining_seconds": remaining},
            )
            raise DeadlineReached(outcome_unknown=reached)

    def _attempt(self, request: httpx.Request, token: str, log: dict[str, Any]) -> dict[str, Any] | _Transient:
        started = self._clock()
        import httpx  # noqa: PLC0415 - loaded by this client (hub_shared.http_clients)

        try:
            response = self._http.send(request)
        except httpx.TransportError as exc:
            return _Transient(
                throttled=False, reason=type(exc).__name__, wait=None, may_have_acted=not _sent_nothing(exc)
            )
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
        """What to retry after a failed answer; raises the domain error when retrying cannot help. Throttling is
        Meta saying it did not act; a 5xx or a transient error says nothing about what it did."""
        error = _graph_error(response, token)
        wait = _asked_wait(response.headers, usages)
        if response.status_code == HTTPStatus.TOO_MANY_REQUESTS or (error and error.code in THROTTLING_CODES):
            reason = f"throttled ({error.code if error else 429})"
            return _Transient(throttled=True, reason=reason, wait=wait, may_have_acted=False)
        if error is None:
            if response.is_server_error:
                return _Transient(
                    throttled=False, reason=f"HTTP {response.status_code}", wait=wait, may_have_acted=True
                )
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
            return _Transient(throttled=False, reason=f"transient ({error.code})", wait=wait, may_have_acted=True)
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


if TYPE_CHECKING:
    _a_graph_client_is_a_graph: type[Graph] = GraphClient


@singleton
def graph_client() -> GraphClient:
    """The process's Graph client (system-user token, settings from the environment)."""
    return GraphClient()
