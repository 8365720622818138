"""The Graph API client against `httpx.MockTransport`, in Meta's wire format (facts §9)."""

from __future__ import annotations

import inspect
import itertools
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from hub_shared import graph
from hub_shared.deadline import Deadline, DeadlineReached
from hub_shared.errors import HubError, QuotaExceeded, UpstreamError, UpstreamRejected, UpstreamUnavailable
from hub_shared.graph import Graph, GraphClient, MetaCredentialsRejected, MetaForbidden, MetaRefused, OutcomeUnknown
from hub_shared.settings import Settings
from hub_shared.singletons import reset_all

TOKEN = "EAAGsystemUserToken0123456789abcdef"
BUSINESS_TOKEN = "EAAGbusinessToken9876543210fedcba"
FBTRACE = "Az8or2yhqkZfEZ-_4Qn_Bam"
# Meta's OpenAPI pattern for the User-Agent header.
USER_AGENT_PATTERN = r"^[a-zA-Z0-9\-_]+\/[0-9]+\.[0-9]+\.[0-9]+(;[a-zA-Z0-9\-=\.]+)?(\s+[a-zA-Z0-9\-_]+\/[0-9\-\.]+)?$"

Reply = httpx.Response | httpx.TransportError


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "graph_api_base_url": "https://graph.example.test",
        "graph_api_version": "v23.0",
        "graph_timeout_seconds": 3.0,
        "graph_max_retries": 2,
        "graph_max_backoff_seconds": 4.0,
    }
    return Settings(**{**values, **overrides})


@dataclass
class Elapsing:
    """Time for a deadline: each request to Meta takes `latency` seconds, and each wait takes what it waits."""

    latency: float
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Harness:
    """A client whose transport answers `replies` in order, recording requests and waits (and, with `time`, letting
    the requests and waits take time on its clock)."""

    replies: list[Reply]
    settings: Settings = field(default_factory=settings)
    jitter: float = 0.0
    token_provider: Callable[[], str] | None = lambda: TOKEN
    time: Elapsing | None = None
    requests: list[httpx.Request] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        ticks = itertools.count(step=0.25)
        self.client = GraphClient(
            settings=self.settings,
            client=httpx.Client(transport=httpx.MockTransport(self._answer)),
            token_provider=self.token_provider,
            sleep=self._sleep,
            clock=lambda: next(ticks),
            jitter=lambda: self.jitter,
        )

    def after(self, seconds: float) -> Deadline:
        """A deadline `seconds` from now on the harness's time."""
        assert self.time is not None
        return Deadline.after(seconds, clock=self.time)

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.time is not None:
            self.time.now += seconds

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.time is not None:
            self.time.now += self.time.latency
        reply = self.replies.pop(0)
        if isinstance(reply, httpx.TransportError):
            raise reply
        return reply


def ok(body: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(200, json={"id": "106540352242922"} if body is None else body, headers=headers)


def meta_error(
    status: int,
    code: int,
    *,
    message: str = "(#100) Invalid parameter",
    subcode: int | None = None,
    details: str | None = None,
    user_msg: str | None = None,
    is_transient: bool = False,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, "is_transient": is_transient}
    if subcode is not None:
        error["error_subcode"] = subcode
    if details is not None:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    if user_msg is not None:
        error["error_user_title"] = "Request refused"
        error["error_user_msg"] = user_msg
    error["fbtrace_id"] = FBTRACE
    return httpx.Response(status, json={"error": error}, headers={"x-fb-trace-id": "E7riEe9OW2e", **(headers or {})})


def business_usage(minutes: float, percent: int = 100) -> dict[str, str]:
    usage = {
        "type": "whatsapp_business_management",
        "call_count": percent,
        "total_cputime": 1,
        "total_time": 1,
        "estimated_time_to_regain_access": minutes,
    }
    return {"x-business-use-case-usage": json.dumps({"102290129340398": [usage]})}


# --- requests on the wire ---------------------------------------------------------------------------


def test_get_sends_the_system_user_token_to_the_versioned_url() -> None:
    harness = Harness([ok({"status": "CONNECTED", "id": "106540352242922"})])

    body = harness.client.get("106540352242922", params={"fields": "status"})

    assert body == {"status": "CONNECTED", "id": "106540352242922"}
    [request] = harness.requests
    assert request.method == "GET"
    assert str(request.url) == "https://graph.example.test/v23.0/106540352242922?fields=status"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert re.match(USER_AGENT_PATTERN, request.headers["User-Agent"])
    assert request.extensions["timeout"] == {"connect": 3.0, "read": 3.0, "write": 3.0, "pool": 3.0}


@pytest.mark.parametrize(
    ("base_url", "path", "expected"),
    [
        ("https://graph.facebook.com", "123/phone_numbers", "https://graph.facebook.com/v23.0/123/phone_numbers"),
        ("https://graph.facebook.com/", "/123/phone_numbers", "https://graph.facebook.com/v23.0/123/phone_numbers"),
        ("http://127.0.0.1:4010/meta", "123", "http://127.0.0.1:4010/meta/v23.0/123"),
    ],
)
def test_url_is_base_then_version_then_path(base_url: str, path: str, expected: str) -> None:
    harness = Harness([ok()], settings=settings(graph_api_base_url=base_url))

    harness.client.get(path)

    assert str(harness.requests[0].url) == expected


def test_post_sends_json_and_delete_answers_meta_success() -> None:
    harness = Harness([ok({"success": True}), ok({"success": True})])

    posted = harness.client.post("106540352242922/register", json={"messaging_product": "whatsapp", "pin": "123456"})
    deleted = harness.client.delete("106540352242922/subscribed_apps")

    assert posted == deleted == {"success": True}
    post, delete = harness.requests
    assert (post.method, json.loads(post.content)) == ("POST", {"messaging_product": "whatsapp", "pin": "123456"})
    assert post.headers["Content-Type"] == "application/json"
    assert (delete.method, delete.url.path) == ("DELETE", "/v23.0/106540352242922/subscribed_apps")


def test_post_sends_form_data_and_query_params() -> None:
    harness = Harness([ok()])

    harness.client.post("102290129340398/message_templates", data={"name": "hello"}, params={"limit": 5})

    [request] = harness.requests
    assert request.content == b"name=hello"
    assert request.url.params["limit"] == "5"


def test_upload_sends_the_bytes_at_their_offset_with_the_oauth_scheme_and_is_retried_on_5xx() -> None:
    session = "upload:MTphdHRhY2htZW50OjEyMw=="
    harness = Harness([meta_error(500, 2, is_transient=True), ok({"h": "4:bG9nby5wbmc=:aW1hZ2UvcG5n:ARa"})])

    answer = harness.client.upload(session, b"\x89PNG\r\n\x1a\n...", offset=0)

    assert answer == {"h": "4:bG9nby5wbmc=:aW1hZ2UvcG5n:ARa"}
    first, second = harness.requests
    assert (second.method, second.url.path) == ("POST", f"/v23.0/{session}")
    assert second.headers["Authorization"] == f"OAuth {TOKEN}"
    assert second.headers["file_offset"] == "0"
    assert first.content == second.content == b"\x89PNG\r\n\x1a\n..."


def test_per_call_token_overrides_the_system_user_token() -> None:
    def no_system_token() -> str:
        raise AssertionError("the system-user token must not be read")

    harness = Harness([ok()], token_provider=no_system_token)

    harness.client.get("102290129340398", token=BUSINESS_TOKEN)

    assert harness.requests[0].headers["Authorization"] == f"Bearer {BUSINESS_TOKEN}"


def test_default_token_is_the_secret_named_in_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def fake_secret(name: str) -> str:
        asked.append(name)
        return TOKEN

    monkeypatch.setattr(graph, "get_secret", fake_secret)
    harness = Harness([ok()], settings=settings(graph_token_secret="hub/meta/test-token"), token_provider=None)

    harness.client.get("106540352242922")

    assert asked == ["hub/meta/test-token"]
    assert harness.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_graph_client_is_built_once_per_process() -> None:
    reset_all()

    assert graph.graph_client() is graph.graph_client()
    reset_all()


# --- retries ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500, text="Internal Server Error"),
        httpx.Response(503),
        meta_error(500, 2, message="Service temporarily unavailable", is_transient=True),
        meta_error(400, 1, message="An unknown error occurred", is_transient=True),
        httpx.Response(429),
        meta_error(400, 4, message="(#4) Application request limit reached"),
        meta_error(400, 80007, message="(#80007) Rate limit issues", subcode=2446079, is_transient=True),
        meta_error(400, 80008, message="(#80008) There have been too many calls to this WhatsApp Business account."),
        meta_error(400, 130429, message="(#130429) Rate limit hit"),
        httpx.ConnectError("Connection refused"),
        httpx.ReadTimeout("timed out"),
    ],
    ids=[
        "500",
        "503-empty",
        "code-2-transient",
        "code-1-transient",
        "429",
        "code-4",
        "code-80007",
        "code-80008",
        "code-130429",
        "connect-error",
        "read-timeout",
    ],
)
def test_transient_failure_is_retried_after_a_backoff(failure: Reply) -> None:
    harness = Harness([failure, ok()])

    assert harness.client.get("106540352242922") == {"id": "106540352242922"}

    assert len(harness.requests) == 2
    assert harness.sleeps == [0.25]


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    failures: list[Reply] = [httpx.Response(500) for _ in range(4)]
    harness = Harness(
        [*failures, ok()], settings=settings(graph_max_retries=4, graph_max_backoff_seconds=1.5), jitter=1.0
    )

    harness.client.get("106540352242922")

    assert harness.sleeps == [0.5, 1.0, 1.5, 1.5]


def test_jitter_takes_up_to_half_of_the_backoff() -> None:
    harness = Harness([httpx.Response(502), httpx.Response(502), ok()], jitter=0.5)

    harness.client.get("106540352242922")

    assert harness.sleeps == [0.375, 0.75]


def test_retry_after_seconds_are_honoured() -> None:
    harness = Harness([httpx.Response(429, headers={"Retry-After": "3"}), ok()])

    harness.client.get("106540352242922")

    assert harness.sleeps == [3.0]


def test_estimated_time_to_regain_access_is_read_in_minutes() -> None:
    throttled = meta_error(400, 80008, headers=business_usage(minutes=1))
    harness = Harness([throttled, ok()], settings=settings(graph_max_backoff_seconds=90))

    harness.client.get("102290129340398/phone_numbers")

    assert harness.sleeps == [60.0]


@pytest.mark.parametrize(
    ("headers", "retry_after"),
    [({"Retry-After": "30"}, 30), (business_usage(minutes=5), 300)],
    ids=["retry-after", "business-use-case-usage"],
)
def test_a_wait_longer_than_the_cap_raises_quota_exceeded_at_once(headers: dict[str, str], retry_after: int) -> None:
    harness = Harness([meta_error(400, 80007, headers=headers), ok()])

    with pytest.raises(QuotaExceeded) as raised:
        harness.client.get("102290129340398")

    assert raised.value.retry_after == retry_after
    assert raised.value.headers == {"Retry-After": str(retry_after)}
    assert harness.sleeps == []
    assert len(harness.requests) == 1


def test_exhausted_throttling_raises_quota_exceeded_with_metas_wait() -> None:
    throttled = [meta_error(400, 130429, headers={"Retry-After": "2"}) for _ in range(3)]
    harness = Harness(list(throttled))

    with pytest.raises(QuotaExceeded) as raised:
        harness.client.get("106540352242922")

    assert raised.value.retry_after == 2
    assert len(harness.requests) == 3
    assert harness.sleeps == [2.0, 2.0]


def test_exhausted_throttling_without_a_wait_tells_callers_to_wait_a_minute() -> None:
    harness = Harness([meta_error(400, 4) for _ in range(3)])

    with pytest.raises(QuotaExceeded) as raised:
        harness.client.get("106540352242922")

    assert raised.value.retry_after == graph.DEFAULT_RETRY_AFTER_SECONDS


@pytest.mark.parametrize(
    "failure",
    [httpx.Response(502, text="<html>Bad Gateway</html>"), httpx.ConnectTimeout("timed out")],
    ids=["5xx", "transport"],
)
def test_exhausted_unavailability_raises_upstream_unavailable(failure: Reply) -> None:
    harness = Harness([failure, failure, failure])

    with pytest.raises(UpstreamUnavailable):
        harness.client.get("106540352242922")

    assert len(harness.requests) == 3
    assert len(harness.sleeps) == 2


def test_no_retries_when_max_retries_is_zero() -> None:
    harness = Harness([httpx.Response(500)], settings=settings(graph_max_retries=0))

    with pytest.raises(UpstreamUnavailable):
        harness.client.get("106540352242922")

    assert harness.sleeps == []


# --- what is retried, per method ---------------------------------------------------------------------

Call = Callable[[GraphClient], dict[str, Any]]

CALLS: dict[str, Call] = {
    "get": lambda client: client.get("106540352242922", params={"fields": "status"}),
    "delete": lambda client: client.delete("102290129340398/subscribed_apps"),
    "post": lambda client: client.post("106540352242922/request_code", json={"code_method": "SMS"}),
    "post-idempotent": lambda client: client.post("102290129340398/subscribed_apps", idempotent=True),
}

META_DID_NOT_ACT: dict[str, Callable[[], Reply]] = {
    "429": lambda: httpx.Response(429),
    "code-4": lambda: meta_error(400, 4, message="(#4) Application request limit reached"),
    "code-80007": lambda: meta_error(400, 80007, subcode=2446079, is_transient=True),
    "code-80008-as-500": lambda: meta_error(500, 80008, message="(#80008) Too many calls"),
    "code-130429": lambda: meta_error(400, 130429, message="(#130429) Rate limit hit"),
    "connect-error": lambda: httpx.ConnectError("Connection refused"),
    "connect-timeout": lambda: httpx.ConnectTimeout("timed out"),
    "pool-timeout": lambda: httpx.PoolTimeout("no connection free"),
}
"""Failures after which Meta certainly did nothing: it throttled the call, or the request never left."""

META_MAY_HAVE_ACTED: dict[str, Callable[[], Reply]] = {
    "read-timeout": lambda: httpx.ReadTimeout("timed out"),
    "write-timeout": lambda: httpx.WriteTimeout("timed out"),
    "read-error": lambda: httpx.ReadError("connection reset by peer"),
    "remote-protocol-error": lambda: httpx.RemoteProtocolError("Server disconnected without sending a response."),
    "500": lambda: httpx.Response(500, text="Internal Server Error"),
    "503-empty": lambda: httpx.Response(503),
    "code-2-transient": lambda: meta_error(500, 2, message="Service temporarily unavailable", is_transient=True),
    "code-1-transient-as-400": lambda: meta_error(400, 1, message="An unknown error occurred", is_transient=True),
}
"""Failures after the request may have reached Meta: it may or may not have done it."""


@pytest.mark.parametrize("kind", [*META_DID_NOT_ACT, *META_MAY_HAVE_ACTED])
@pytest.mark.parametrize("method", CALLS)
def test_which_failures_each_method_retries(method: str, kind: str) -> None:
    failure = {**META_DID_NOT_ACT, **META_MAY_HAVE_ACTED}[kind]()
    harness = Harness([failure, ok()])
    retried = method != "post" or kind in META_DID_NOT_ACT

    if retried:
        assert CALLS[method](harness.client) == {"id": "106540352242922"}
        assert len(harness.requests) == 2
        assert harness.sleeps == [0.25]
    else:
        with pytest.raises(OutcomeUnknown):
            CALLS[method](harness.client)
        assert len(harness.requests) == 1
        assert harness.sleeps == []
    assert {request.method for request in harness.requests} == {method.partition("-")[0].upper()}


def test_outcome_unknown_is_a_503_of_its_own_that_says_meta_may_have_acted() -> None:
    harness = Harness([httpx.ReadTimeout("timed out"), ok()])

    with pytest.raises(OutcomeUnknown) as raised:
        harness.client.post("106540352242922/register", json={"messaging_product": "whatsapp", "pin": "123456"})

    error = raised.value
    assert isinstance(error, UpstreamUnavailable)
    assert (error.status, error.slug) == (503, "upstream-outcome-unknown")
    assert error.slug != UpstreamUnavailable.slug
    assert error.title != UpstreamUnavailable.title
    assert "may or may not have done" in error.detail
    assert error.reason == "ReadTimeout"


def test_a_post_throttled_on_every_try_answers_quota_exceeded_not_outcome_unknown() -> None:
    harness = Harness([meta_error(400, 80007, headers={"Retry-After": "1"}) for _ in range(3)])

    with pytest.raises(QuotaExceeded) as raised:
        harness.client.post("106540352242922/deregister")

    assert raised.value.retry_after == 1
    assert len(harness.requests) == 3
    assert harness.sleeps == [1.0, 1.0]


def test_a_post_that_never_connected_answers_upstream_unavailable_after_its_retries() -> None:
    harness = Harness([httpx.ConnectError("Connection refused") for _ in range(3)])

    with pytest.raises(UpstreamUnavailable) as raised:
        harness.client.post("106540352242922/request_code", json={"code_method": "SMS"})

    assert type(raised.value) is UpstreamUnavailable
    assert len(harness.requests) == 3


def test_a_post_that_connects_on_a_retry_and_then_times_out_is_not_sent_a_third_time() -> None:
    harness = Harness([httpx.ConnectTimeout("timed out"), httpx.ReadTimeout("timed out"), ok()])

    with pytest.raises(OutcomeUnknown):
        harness.client.post("102290129340398/phone_numbers", json={"cc": "49", "phone_number": "15112345090"})

    assert len(harness.requests) == 2
    assert harness.sleeps == [0.25]


def test_an_idempotent_post_exhausted_by_timeouts_is_upstream_unavailable() -> None:
    harness = Harness([httpx.ReadTimeout("timed out") for _ in range(3)])

    with pytest.raises(UpstreamUnavailable) as raised:
        harness.client.post("106540352242922/whatsapp_business_profile", json={"about": "Hi"}, idempotent=True)

    assert type(raised.value) is UpstreamUnavailable
    assert len(harness.requests) == 3


def test_a_refusal_of_a_post_is_meta_refused_not_outcome_unknown() -> None:
    harness = Harness([meta_error(400, 136024, message="(#136024) Phone number already verified")])

    with pytest.raises(MetaRefused) as raised:
        harness.client.post("106540352242922/verify_code", json={"code": "123456"})

    assert not isinstance(raised.value, OutcomeUnknown)
    assert len(harness.requests) == 1


def test_a_post_not_retried_is_logged_without_its_token(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    harness = Harness([httpx.Response(502)])

    with pytest.raises(OutcomeUnknown):
        harness.client.post("106540352242922/register", json={"pin": "123456"}, token=BUSINESS_TOKEN)

    [record] = [r for r in caplog.records if r.getMessage() == "Graph call not retried: Meta may have acted"]
    assert (record.method, record.path, record.reason, record.idempotent) == (  # type: ignore[attr-defined]
        "POST",
        "106540352242922/register",
        "HTTP 502",
        False,
    )
    assert BUSINESS_TOKEN not in logged(caplog)


# --- the deadline -----------------------------------------------------------------------------------


def timeouts(requests: list[httpx.Request]) -> list[dict[str, float]]:
    """The timeouts httpx was given for each request it sent."""
    return [request.extensions["timeout"] for request in requests]


def every_phase(seconds: float) -> dict[str, float]:
    return {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}


def test_attempt_timeouts_shrink_to_what_remains_of_the_deadline() -> None:
    harness = Harness([httpx.Response(503), httpx.Response(503), ok()], time=Elapsing(latency=1.25))
    bounded = harness.client.within(harness.after(5.0))

    bounded.get("106540352242922")

    # 5.0 → 3.0 (the setting); then 5.0 - 1.25 - 0.25 = 3.5 → 3.0; then 3.5 - 1.25 - 0.5 = 1.75.
    assert timeouts(harness.requests) == [every_phase(3.0), every_phase(3.0), every_phase(1.75)]
    assert harness.sleeps == [0.25, 0.5]


def test_the_unbounded_client_keeps_its_timeout_however_long_it_runs() -> None:
    harness = Harness([httpx.Response(503), httpx.Response(503), ok()], time=Elapsing(latency=100.0))

    harness.client.get("106540352242922")

    assert timeouts(harness.requests) == [every_phase(3.0)] * 3
    assert harness.client.deadline is None


@pytest.mark.parametrize("method", CALLS)
def test_no_attempt_is_started_with_less_than_the_minimum_left(method: str) -> None:
    harness = Harness([ok()], time=Elapsing(latency=0.0))
    bounded = harness.client.within(harness.after(graph.MIN_ATTEMPT_SECONDS - 0.01))

    with pytest.raises(DeadlineReached) as raised:
        CALLS[method](bounded)

    assert harness.requests == []
    assert raised.value.outcome_unknown is False


def test_an_attempt_is_started_with_the_minimum_left_and_times_out_with_it() -> None:
    harness = Harness([ok()], time=Elapsing(latency=0.0))
    bounded = harness.client.within(harness.after(graph.MIN_ATTEMPT_SECONDS))

    bounded.get("106540352242922")

    assert timeouts(harness.requests) == [every_phase(graph.MIN_ATTEMPT_SECONDS)]


def test_a_backoff_that_would_not_leave_room_for_an_attempt_is_not_waited() -> None:
    # 3.0 - 1.75 = 1.25 left after the first try: a 0.25 s backoff leaves 1.0, enough; after the second
    # try, 1.0 - 1.75 < 0: no 0.5 s backoff.
    harness = Harness([httpx.Response(503), httpx.ReadTimeout("timed out"), ok()], time=Elapsing(latency=1.75))
    bounded = harness.client.within(harness.after(3.0))

    with pytest.raises(DeadlineReached):
        bounded.get("106540352242922")

    assert len(harness.requests) == 2
    assert harness.sleeps == [0.25]


def test_a_wait_meta_asks_for_that_does_not_fit_is_not_waited() -> None:
    throttled = meta_error(400, 80008, headers={"Retry-After": "3"})
    harness = Harness([throttled, ok()], time=Elapsing(latency=0.5), settings=settings(graph_max_backoff_seconds=4))
    bounded = harness.client.within(harness.after(4.0))

    with pytest.raises(DeadlineReached) as raised:
        bounded.post("106540352242922/request_code", json={"code_method": "SMS"})

    # 4.0 - 0.5 = 3.5 left; waiting 3 would leave 0.5, less than an attempt needs.
    assert len(harness.requests) == 1
    assert harness.sleeps == []
    assert raised.value.outcome_unknown is False


def test_a_wait_that_fits_is_waited_under_a_deadline() -> None:
    throttled = meta_error(400, 80008, headers={"Retry-After": "2"})
    harness = Harness([throttled, ok()], time=Elapsing(latency=0.5), settings=settings(graph_max_backoff_seconds=4))
    bounded = harness.client.within(harness.after(4.0))

    bounded.post("106540352242922/request_code", json={"code_method": "SMS"})

    # 4.0 - 0.5 = 3.5 left; waiting 2 leaves 1.5 for the second try.
    assert harness.sleeps == [2.0]
    assert timeouts(harness.requests) == [every_phase(3.0), every_phase(1.5)]


@pytest.mark.parametrize(
    ("method", "failure", "unknown"),
    [
        ("post-idempotent", httpx.Response(503), True),
        ("delete", httpx.ReadTimeout("timed out"), True),
        ("post", httpx.ConnectError("Connection refused"), False),
        ("post", meta_error(400, 130429), False),
        ("get", httpx.ReadTimeout("timed out"), False),
    ],
    ids=["idempotent-post-after-503", "delete-after-read-timeout", "post-after-connect-error", "post-throttled", "get"],
)
def test_deadline_reached_says_whether_meta_may_have_acted(method: str, failure: Reply, unknown: bool) -> None:
    harness = Harness([failure, ok()], time=Elapsing(latency=1.5))
    bounded = harness.client.within(harness.after(2.0))

    with pytest.raises(DeadlineReached) as raised:
        CALLS[method](bounded)

    assert raised.value.outcome_unknown is unknown
    assert len(harness.requests) == 1


def test_a_bounded_post_that_times_out_is_outcome_unknown_not_out_of_time() -> None:
    harness = Harness([httpx.ReadTimeout("timed out"), ok()], time=Elapsing(latency=2.0))
    bounded = harness.client.within(harness.after(2.0))

    with pytest.raises(OutcomeUnknown):
        bounded.post("106540352242922", json={"new_display_name": "Acme Help"})

    assert timeouts(harness.requests) == [every_phase(2.0)]


def test_deadline_reached_is_a_503_of_its_own_that_keeps_what_was_done() -> None:
    harness = Harness([], time=Elapsing(latency=0.0))

    with pytest.raises(DeadlineReached) as raised:
        harness.client.within(harness.after(0.0)).get("106540352242922")

    error = raised.value
    assert isinstance(error, HubError)
    assert not isinstance(error, UpstreamError)
    assert (error.status, error.slug, error.title) == (503, "deadline-reached", "The request ran out of time")
    assert error.detail == "The request ran out of time; what was done is kept, try again."


def test_running_out_of_time_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    harness = Harness([httpx.Response(503), ok()], time=Elapsing(latency=1.5))

    with pytest.raises(DeadlineReached):
        harness.client.within(harness.after(2.0)).get("106540352242922")

    [record] = [r for r in caplog.records if r.getMessage() == "Graph call out of time for a retry"]
    assert (record.path, record.wait_seconds, record.remaining_seconds) == ("106540352242922", 0.25, 0.5)  # type: ignore[attr-defined]


def test_the_bounded_client_shares_the_http_client_token_and_waits() -> None:
    tokens: list[str] = []

    def token() -> str:
        tokens.append(TOKEN)
        return TOKEN

    harness = Harness([httpx.Response(503), ok(), ok()], token_provider=token, time=Elapsing(latency=0.0), jitter=1.0)
    bounded = harness.client.within(harness.after(10.0))

    bounded.get("106540352242922")
    harness.client.get("106540352242922")

    assert bounded._http is harness.client._http
    assert len(harness.requests) == 3  # both clients' requests went through the one transport
    assert tokens == [TOKEN, TOKEN]
    assert harness.sleeps == [0.5]  # the harness's sleep, with its jitter
    assert bounded.deadline is not None
    assert harness.client.deadline is None


def test_a_bounded_client_bounded_again_keeps_the_sooner_deadline() -> None:
    harness = Harness([ok(), ok()], time=Elapsing(latency=0.0))
    soon, late = harness.after(2.0), harness.after(20.0)

    assert harness.client.within(soon).within(late).deadline == soon
    assert harness.client.within(late).within(soon).deadline == soon


# --- one Graph protocol -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["get", "post", "delete"])
def test_the_graph_protocol_has_the_clients_exact_signatures(name: str) -> None:
    assert inspect.signature(getattr(Graph, name)) == inspect.signature(getattr(GraphClient, name))


def test_only_post_takes_idempotent_and_only_as_a_keyword() -> None:
    parameter = inspect.signature(Graph.post).parameters["idempotent"]

    assert (parameter.kind, parameter.default) == (inspect.Parameter.KEYWORD_ONLY, False)
    assert "idempotent" not in inspect.signature(Graph.get).parameters
    assert "idempotent" not in inspect.signature(Graph.delete).parameters


# --- Meta's error envelope --------------------------------------------------------------------------


def test_invalid_parameter_is_refused_with_metas_error() -> None:
    refusal = meta_error(
        400,
        100,
        subcode=33,
        details="Unsupported get request. Object with ID '1' does not exist.",
        user_msg="The phone number was deleted.",
    )
    harness = Harness([refusal])

    with pytest.raises(MetaRefused) as raised:
        harness.client.get("1")

    error = raised.value
    assert (error.status, error.slug, error.upstream_code) == (422, "upstream-rejected", 100)
    assert isinstance(error, UpstreamRejected)
    assert error.detail == "The phone number was deleted."
    assert error.graph_error.http_status == 400
    assert error.graph_error.subcode == 33
    assert error.graph_error.details == "Unsupported get request. Object with ID '1' does not exist."
    assert error.graph_error.fbtrace_id == FBTRACE
    assert harness.sleeps == []


@pytest.mark.parametrize(
    ("code", "details", "expected_detail"),
    [
        (133005, "Two step verification PIN Mismatch.", "Two step verification PIN Mismatch."),
        (133016, None, "(#133016) Account register deregister rate limit exceeded"),
    ],
)
def test_use_cases_see_metas_code_and_details(code: int, details: str | None, expected_detail: str) -> None:
    message = f"(#{code}) Account register deregister rate limit exceeded"
    harness = Harness([meta_error(400, code, message=message, details=details)])

    with pytest.raises(MetaRefused) as raised:
        harness.client.post("106540352242922/register", json={"messaging_product": "whatsapp", "pin": "000000"})

    assert raised.value.graph_error.code == code
    assert raised.value.upstream_code == code
    assert raised.value.detail == expected_detail


@pytest.mark.parametrize("code", [10, 200, 299])
def test_permission_codes_are_forbidden(code: int) -> None:
    harness = Harness([meta_error(403, code, message=f"(#{code}) Permission denied")])

    with pytest.raises(MetaForbidden) as raised:
        harness.client.get("102290129340398")

    assert (raised.value.status, raised.value.slug, raised.value.upstream_code) == (403, "upstream-forbidden", code)
    assert isinstance(raised.value, UpstreamRejected)


@pytest.mark.parametrize("code", [0, 190])
def test_rejected_token_is_our_upstream_error_without_metas_message(code: int) -> None:
    message = f"Malformed access token {TOKEN}"
    harness = Harness([meta_error(401, code, message=message, subcode=463)])

    with pytest.raises(MetaCredentialsRejected) as raised:
        harness.client.get("106540352242922")

    assert raised.value.status == 502
    assert not isinstance(raised.value, UpstreamRejected)
    assert raised.value.detail == "Meta did not accept the hub's credentials."
    assert raised.value.graph_error.code == code
    assert TOKEN not in raised.value.graph_error.message
    assert len(harness.requests) == 1


def test_tokens_in_metas_texts_are_redacted() -> None:
    harness = Harness([meta_error(400, 100, message=f"Invalid token {TOKEN} or {BUSINESS_TOKEN}")])

    with pytest.raises(MetaRefused) as raised:
        harness.client.get("106540352242922")

    assert raised.value.detail == "Invalid token [redacted] or [redacted]"


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>oops</html>"),
        httpx.Response(200),
        httpx.Response(200, json=[{"id": "1"}]),
    ],
    ids=["html", "empty", "json-array"],
)
def test_success_without_a_json_object_is_an_upstream_error(answer: httpx.Response) -> None:
    harness = Harness([answer])

    with pytest.raises(UpstreamError) as raised:
        harness.client.get("106540352242922")

    assert type(raised.value) is UpstreamError
    assert raised.value.detail == "Meta answered with a body that is not a JSON object."


def test_client_error_without_an_envelope_is_an_upstream_error_not_retried() -> None:
    harness = Harness([httpx.Response(404, text="Not Found")])

    with pytest.raises(UpstreamError) as raised:
        harness.client.get("106540352242922")

    assert type(raised.value) is UpstreamError
    assert len(harness.requests) == 1


# --- logging ----------------------------------------------------------------------------------------


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{record.getMessage()} {vars(record)}" for record in caplog.records)


def test_calls_are_logged_with_method_path_status_attempt_and_trace(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    harness = Harness([httpx.Response(503), ok(headers={"x-fb-trace-id": "E7riEe9OW2e", **business_usage(0, 42)})])

    harness.client.get("106540352242922", params={"fields": "status"})

    calls = [record for record in caplog.records if record.getMessage() == "Graph call"]
    assert [(r.method, r.path, r.status, r.attempt) for r in calls] == [  # type: ignore[attr-defined]
        ("GET", "106540352242922", 503, 0),
        ("GET", "106540352242922", 200, 1),
    ]
    assert calls[1].fbtrace_id == "E7riEe9OW2e"  # type: ignore[attr-defined]
    assert calls[1].usage_percent == 42  # type: ignore[attr-defined]
    assert calls[1].duration_ms == 250  # type: ignore[attr-defined]


def test_app_usage_is_logged_and_an_unreadable_usage_header_is_ignored(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    unreadable = httpx.Response(429, headers={"x-business-use-case-usage": "not json"})
    harness = Harness([unreadable, ok(headers={"x-app-usage": '{"call_count":87,"total_cputime":3,"total_time":5}'})])

    harness.client.get("106540352242922")

    assert harness.sleeps == [0.25]
    calls = [record for record in caplog.records if record.getMessage() == "Graph call"]
    assert [call.usage_percent for call in calls] == [None, 87]  # type: ignore[attr-defined]


def test_refusals_are_logged_with_metas_trace_id(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    harness = Harness([meta_error(400, 100)])

    with pytest.raises(MetaRefused):
        harness.client.get("106540352242922")

    [refusal] = [record for record in caplog.records if record.getMessage() == "Meta refused the call"]
    assert (refusal.code, refusal.fbtrace_id) == (100, FBTRACE)  # type: ignore[attr-defined]


def test_tokens_and_secret_query_values_are_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    echoing = f"Malformed access token {BUSINESS_TOKEN}"
    harness = Harness(
        [
            meta_error(400, 80007),
            ok(),
            meta_error(400, 100, message=echoing, details=echoing, user_msg=echoing),
            meta_error(401, 190, message=echoing),
            ok(),
        ]
    )

    harness.client.get("106540352242922")
    with pytest.raises(MetaRefused):
        harness.client.get("106540352242922", token=BUSINESS_TOKEN)
    with pytest.raises(MetaCredentialsRejected):
        harness.client.get("106540352242922", token=BUSINESS_TOKEN)
    harness.client.get(
        "oauth/access_token",
        params={"client_id": "1", "client_secret": "app-secret-value", "code": "signup-code-value"},
    )

    text = logged(caplog)
    assert "Graph call" in text
    for secret in (TOKEN, BUSINESS_TOKEN, "app-secret-value", "signup-code-value"):
        assert secret not in text
