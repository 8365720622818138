"""Activate Inbox (POST and GET /v1/numbers/{number_id}/inbox): handler → use case → DynamoDB (moto), with get.chat
answered by its local sandbox (or, for its failures, by a transport that fails)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from hub_numbers.app import app, handler
from hub_numbers.deps import inboxes
from hub_numbers.integrations.getchat import GetChatInboxes
from hub_numbers.models.numbers import AccountStatus, InboxStatus
from hub_numbers.store.numbers import NumbersStore
from local.sandboxes.getchat import GetChatState, build_getchat_sandbox
from tests.builders import (
    CLIENT_ACME,
    CLIENT_GLOBEX,
    NOW,
    PARTNER,
    SUPPORT,
    AwsWorld,
    a_number,
    context,
    http_event,
    is_problem,
)

ACME_NUMBER = "106540352242922"
GLOBEX_NUMBER = "107811234567801"
API_KEY = "getchat-test-key"
GETCHAT = "http://getchat.test"
ROUTE = "/v1/numbers/{number_id}/inbox"

Answer = tuple[int, dict[str, Any], dict[str, str]]
Reply = Callable[[httpx.Request], httpx.Response]


class GetChat:
    """The get.chat sandbox behind the hub's client; `fail_with` makes the next calls fail instead."""

    def __init__(self) -> None:
        self.state = GetChatState()
        self.sandbox = TestClient(build_getchat_sandbox(self.state, api_key=API_KEY))
        self.failure: Reply | None = None
        self.after: Callable[[], None] | None = None
        self.calls = 0

    def reply(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.failure is not None:
            return self.failure(request)
        answer = self.sandbox.send(
            self.sandbox.build_request(
                request.method, request.url.path, content=request.content, headers=request.headers
            )
        )
        if self.after is not None:
            self.after()
        return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)

    def client(self, api_key: str = API_KEY) -> GetChatInboxes:
        transport = httpx.MockTransport(self.reply)
        return GetChatInboxes(base_url=GETCHAT, api_key=lambda: api_key, client=httpx.Client(transport=transport))


@pytest.fixture
def getchat(aws: AwsWorld) -> Iterator[GetChat]:
    """Acme (direct) and Globex (partner-paid through Bluewave, which may read its numbers), a running number each."""
    aws.add_client("acme")
    aws.add_client("globex", billing_model="partner", partner_id="bluewave")
    aws.grant("globex", "bluewave", "numbers:read")
    aws.add_number(a_number(ACME_NUMBER, "acme"))
    aws.add_number(a_number(GLOBEX_NUMBER, "globex", waba_id="104996122399160", digits="7000001"))
    fake = GetChat()
    client = fake.client()
    app.dependency_overrides[inboxes] = lambda: client
    yield fake
    app.dependency_overrides.clear()


def inbox(method: str, claims: dict[str, str], number_id: str = ACME_NUMBER) -> Answer:
    path = f"/v1/numbers/{number_id}/inbox"
    event = http_event(method, path, route=ROUTE, claims=claims, path_parameters={"number_id": number_id})
    answer = handler(event, context())
    return answer["statusCode"], json.loads(answer["body"]), answer.get("headers", {})


def stored(number_id: str = ACME_NUMBER) -> dict[str, Any]:
    number = NumbersStore().get(number_id, consistent=True)
    assert number is not None
    return number.model_dump(mode="json")


def test_a_direct_client_activates_the_inbox_of_a_running_number_once(aws: AwsWorld, getchat: GetChat) -> None:
    status, activated, _ = inbox("POST", CLIENT_ACME)

    assert status == 201, activated
    assert activated["status"] == "active"
    assert activated["number_id"] == ACME_NUMBER
    assert activated["url"].endswith(f"/inbox/{activated['inbox_id']}")
    (provisioned,) = getchat.state.inboxes.values()
    assert (provisioned["phone_number_id"], provisioned["client_id"], provisioned["display_name"]) == (
        ACME_NUMBER,
        "acme",
        "Acme Retail",
    )
    number = stored()
    assert (number["inbox_status"], number["inbox_id"], number["inbox_url"]) == (
        "active",
        activated["inbox_id"],
        activated["url"],
    )
    read_status, read, _ = inbox("GET", CLIENT_ACME)
    assert (read_status, read) == (200, activated)

    status, again, _ = inbox("POST", CLIENT_ACME)

    assert (status, again) == (200, activated)
    assert getchat.calls == 1
    assert len(getchat.state.inboxes) == 1


def test_a_partner_paid_client_cannot_activate_an_inbox(aws: AwsWorld, getchat: GetChat) -> None:
    before = stored(GLOBEX_NUMBER)

    status, problem, _ = inbox("POST", CLIENT_GLOBEX, GLOBEX_NUMBER)

    assert status == 403
    assert is_problem(problem, 403, "inbox-direct-clients-only")
    assert stored(GLOBEX_NUMBER) == before
    assert getchat.calls == 0


@pytest.mark.parametrize(
    ("claims", "number_id", "status"), [(PARTNER, GLOBEX_NUMBER, 403), (SUPPORT, ACME_NUMBER, 403)]
)
def test_partners_and_support_cannot_activate_an_inbox(
    aws: AwsWorld, getchat: GetChat, claims: dict[str, str], number_id: str, status: int
) -> None:
    before = stored(number_id)

    answer_status, problem, _ = inbox("POST", claims, number_id)

    assert answer_status == status
    assert is_problem(problem, status, "client-users-only")
    assert stored(number_id) == before
    assert getchat.calls == 0


def test_numbers_the_caller_cannot_see_are_not_found(aws: AwsWorld, getchat: GetChat) -> None:
    answers = [
        inbox("POST", PARTNER, ACME_NUMBER),  # Acme granted Bluewave nothing
        inbox("POST", CLIENT_GLOBEX, ACME_NUMBER),
        inbox("GET", CLIENT_GLOBEX, ACME_NUMBER),
        inbox("POST", CLIENT_ACME, "999"),
        inbox("GET", CLIENT_ACME),  # no inbox yet
    ]

    assert [a[0] for a in answers] == [404] * 5
    assert all(is_problem(a[1], 404, "not-found") for a in answers)
    assert getchat.calls == 0


@pytest.mark.parametrize("status", [AccountStatus.ONBOARDING, AccountStatus.PENDING_DELETION, AccountStatus.DELETED])
def test_only_a_running_number_gets_an_inbox(aws: AwsWorld, getchat: GetChat, status: AccountStatus) -> None:
    aws.add_number(a_number(ACME_NUMBER, "acme", account_status=status))
    before = stored()

    answer_status, problem, _ = inbox("POST", CLIENT_ACME)

    assert answer_status == 409
    assert is_problem(problem, 409, "state-conflict")
    assert status.value in problem["detail"]
    assert stored() == before


def unavailable(_: httpx.Request) -> httpx.Response:
    return httpx.Response(503, json={"detail": "Service unavailable."})


def unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def too_slow(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


@pytest.mark.parametrize("failure", [unavailable, unreachable, too_slow])
def test_get_chat_failing_marks_the_inbox_failed_and_a_retry_activates_it(
    aws: AwsWorld, getchat: GetChat, failure: Reply
) -> None:
    getchat.failure = failure

    status, problem, _ = inbox("POST", CLIENT_ACME)

    assert status == 503
    assert is_problem(problem, 503, "upstream-unavailable")
    assert stored()["inbox_status"] == "failed"
    assert inbox("GET", CLIENT_ACME)[1] == {"number_id": ACME_NUMBER, "status": "failed", "inbox_id": None, "url": None}

    getchat.failure = None
    status, activated, _ = inbox("POST", CLIENT_ACME)

    assert (status, activated["status"]) == (201, "active")
    assert len(getchat.state.inboxes) == 1


def test_get_chat_refusing_the_hubs_key_answers_502_and_marks_it_failed(aws: AwsWorld, getchat: GetChat) -> None:
    client = getchat.client(api_key="wrong-key")
    app.dependency_overrides[inboxes] = lambda: client

    status, problem, _ = inbox("POST", CLIENT_ACME)

    assert status == 502
    assert is_problem(problem, 502, "upstream-error")
    assert "HTTP 401" in problem["detail"]
    assert stored()["inbox_status"] == "failed"
    assert getchat.state.inboxes == {}


def test_when_a_concurrent_activation_records_the_inbox_first_its_inbox_is_answered(
    aws: AwsWorld, getchat: GetChat
) -> None:
    def other_request_records_it() -> None:
        (provisioned,) = getchat.state.inboxes.values()
        number = NumbersStore().get(ACME_NUMBER, consistent=True)
        assert number is not None
        NumbersStore().put(
            number.model_copy(
                update={
                    "inbox_status": InboxStatus.ACTIVE,
                    "inbox_id": provisioned["id"],
                    "inbox_url": provisioned["url"],
                    "updated_at": NOW + timedelta(seconds=1),
                }
            )
        )

    getchat.after = other_request_records_it

    status, answer, _ = inbox("POST", CLIENT_ACME)

    assert (status, answer["status"]) == (200, "active")
    assert answer["inbox_id"] == stored()["inbox_id"]
    assert len(getchat.state.inboxes) == 1


def test_a_number_changed_meanwhile_answers_409_and_a_retry_gets_the_same_inbox(
    aws: AwsWorld, getchat: GetChat
) -> None:
    def meta_changed_the_number() -> None:
        number = NumbersStore().get(ACME_NUMBER, consistent=True)
        assert number is not None
        NumbersStore().put(
            number.model_copy(update={"quality_rating": "YELLOW", "updated_at": NOW + timedelta(seconds=1)})
        )

    getchat.after = meta_changed_the_number

    status, problem, _ = inbox("POST", CLIENT_ACME)

    assert status == 409
    assert is_problem(problem, 409, "changed-concurrently")
    getchat.after = None
    status, activated, _ = inbox("POST", CLIENT_ACME)
    assert (status, activated["status"]) == (201, "active")
    assert len(getchat.state.inboxes) == 1
