"""POST /v1/numbers (Embedded Signup): handler → use case → DynamoDB and Secrets Manager (moto), with every Graph
call answered by the Meta sandbox on a loopback port (faults armed through its fault API, per step)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from hub_numbers.app import app, handler
from hub_numbers.deps import meta_graph
from hub_numbers.integrations.secrets import SecretsVault
from hub_numbers.models.numbers import AccountStatus
from hub_numbers.models.onboarding import Waba, WabaType
from hub_numbers.store.onboarding import OnboardingStore
from hub_shared import aws
from hub_shared.api import REQUEST_BUDGET_SECONDS, request_deadline
from hub_shared.deadline import Deadline
from tests.builders import (
    CLIENT_ACME,
    CLIENT_GLOBEX,
    META_APP_SECRET_NAME,
    PARTNER,
    SUPPORT,
    AwsWorld,
    Matcher,
    MetaSandboxServer,
    Ticker,
    a_number,
    context,
    http_event,
    is_problem,
    outbox_events,
    serve_meta_sandbox,
)

ACME_WABA = "102290129340398"
GLOBEX_WABA = "104996122399160"
GLOBEX_NUMBER = "107811234567801"  # a story number of Globex's WABA, not of Acme's

Answer = tuple[int, dict[str, Any], dict[str, str]]


@pytest.fixture
def meta(aws: AwsWorld) -> Iterator[MetaSandboxServer]:
    """Acme (direct) and Globex (partner-paid) as accounts, the Meta sandbox, and the hub's Graph client on it."""
    aws.add_client("acme")
    aws.add_client("globex", billing_model="partner", partner_id="bluewave")
    boto3.client("secretsmanager").create_secret(Name=META_APP_SECRET_NAME, SecretString="app-secret")
    server = serve_meta_sandbox()
    graph = server.graph_client()
    app.dependency_overrides[meta_graph] = lambda: graph
    yield server
    app.dependency_overrides.clear()
    server.stop()


def add(body: dict[str, Any], claims: dict[str, str] = CLIENT_ACME, key: str | None = None) -> Answer:
    headers = {"idempotency-key": key} if key else None
    answer = handler(http_event("POST", "/v1/numbers", claims=claims, body=body, headers=headers), context())
    return answer["statusCode"], json.loads(answer["body"]), answer.get("headers", {})


def signup(meta: MetaSandboxServer, phone_number: str = "4915112345090") -> dict[str, str]:
    result = meta.embedded_signup(ACME_WABA, phone_number)
    return {"code": result["code"], "waba_id": ACME_WABA, "phone_number_id": result["phone_number_id"]}


def number_item(world: AwsWorld, number_id: str) -> dict[str, Any] | None:
    """The stored number, plain."""
    items = [item for item in world.table_items("hub-numbers") if item["pk"]["S"] == f"NUMBER#{number_id}"]
    return aws.from_item(items[0]) if items else None


def numbers_added(aws: AwsWorld) -> list[dict[str, Any]]:
    return outbox_events(aws.table_items("hub-numbers"), "NumberAdded")


def hub_secrets() -> dict[str, str]:
    """The secrets the hub created itself: business tokens and PINs."""
    client = boto3.client("secretsmanager")
    names = [
        s["Name"]
        for s in client.list_secrets()["SecretList"]
        if s["Name"].startswith(("hub/business-tokens/", "hub/number-pins/"))
    ]
    return {name: client.get_secret_value(SecretId=name)["SecretString"] for name in names}


# --- adding a number ------------------------------------------------------------------------------------------------


def test_a_client_adds_a_number_that_runs_and_is_announced_once(aws: AwsWorld, meta: MetaSandboxServer) -> None:
    body = signup(meta)

    status, number, _ = add(body)

    assert status == 201, number
    assert number["account_status"] == "running"
    assert number["meta_status"] == "CONNECTED"
    assert number["phone_number"] == "+4915112345090"
    assert number["registration_status"] == "REGISTERED"
    assert number["onboarding_step"] is None
    stored = number_item(aws, body["phone_number_id"])
    assert stored is not None
    assert stored["account_status"] == "running"
    assert "onboarding_step" not in stored
    assert stored["client_id"] == "acme"
    (event,) = numbers_added(aws)
    assert event["number_id"] == body["phone_number_id"]
    assert event["client_id"] == "acme"
    assert event["waba_id"] == ACME_WABA
    assert event["phone_number"] == "+4915112345090"
    assert event["how"] == "embedded_signup"
    assert (event["actor"]["user_id"], event["actor"]["role"]) == ("user-acme", "client")  # who, for activity
    assert OnboardingStore().waba(ACME_WABA) == Waba(
        waba_id=ACME_WABA, client_id="acme", type=WabaType.SHARED, name="Acme Retail"
    )


def test_the_business_token_and_the_pin_are_secrets_never_in_the_table(aws: AwsWorld, meta: MetaSandboxServer) -> None:
    body = signup(meta)

    status, _, _ = add(body)

    assert status == 201
    secrets = hub_secrets()
    token = secrets[f"hub/business-tokens/{ACME_WABA}"]
    pin = secrets[f"hub/number-pins/{body['phone_number_id']}"]
    assert token.startswith("EAA")
    assert re.fullmatch(r"\d{6}", pin)
    assert meta.state.numbers[body["phone_number_id"]].pin == pin
    assert meta.state.wabas[ACME_WABA].subscribed_apps
    table = json.dumps(aws.table_items("hub-numbers"))
    assert token not in table
    assert pin not in table


def test_the_same_number_posted_again_answers_200_and_adds_nothing(aws: AwsWorld, meta: MetaSandboxServer) -> None:
    body = signup(meta)
    first_status, first, _ = add(body)
    calls = len(meta.calls.seen)

    status, again, _ = add(body)

    assert (first_status, status) == (201, 200)
    assert again["number_id"] == first["number_id"]
    assert again["account_status"] == "running"
    assert len(numbers_added(aws)) == 1
    assert len(meta.calls.seen) == calls  # nothing asked of Meta


def test_the_same_idempotency_key_answers_the_first_answer_once(aws: AwsWorld, meta: MetaSandboxServer) -> None:
    body = signup(meta)

    first = add(body, key="add-1")
    replay = add(body, key="add-1")

    assert first[0] == replay[0] == 201
    assert replay[1] == first[1]
    assert len(numbers_added(aws)) == 1


def test_an_idempotency_key_reused_with_another_body_is_refused(aws: AwsWorld, meta: MetaSandboxServer) -> None:
    body = signup(meta)
    add(body, key="add-1")
    other = signup(meta, "4915112345091")

    status, problem, _ = add(other, key="add-1")

    assert status == 422
    assert is_problem(problem, 422, "idempotency-key-reused")
    assert number_item(aws, other["phone_number_id"]) is None


def test_a_deleted_number_of_the_client_can_be_added_again(aws: AwsWorld, meta: MetaSandboxServer) -> None:
    body = signup(meta)
    aws.add_number(a_number(body["phone_number_id"], "acme", waba_id=ACME_WABA, account_status=AccountStatus.DELETED))

    status, number, _ = add(body)

    assert status == 201
    assert number["account_status"] == "running"
    assert len(numbers_added(aws)) == 1


# --- who may --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "slug"),
    [(PARTNER, "partners-cannot-add-numbers"), (SUPPORT, "client-users-only")],
    ids=["partner", "support"],
)
def test_only_the_clients_users_may_add_numbers(
    aws: AwsWorld, meta: MetaSandboxServer, claims: dict[str, str], slug: str
) -> None:
    aws.grant("acme", "bluewave", "numbers:read")
    body = signup(meta)

    status, problem, _ = add(body, claims)

    assert status == 403
    assert is_problem(problem, 403, slug)
    assert aws.table_items("hub-numbers") == []
    assert meta.calls.seen == []
    assert hub_secrets() == {}


def test_a_waba_of_another_client_is_not_found(aws: AwsWorld, meta: MetaSandboxServer) -> None:
    OnboardingStore().put_waba(Waba(waba_id=ACME_WABA, client_id="acme", type=WabaType.SHARED, name="Acme Retail"))
    body = signup(meta)

    status, problem, _ = add(body, CLIENT_GLOBEX)

    assert status == 404
    assert is_problem(problem, 404, "not-found")
    assert number_item(aws, body["phone_number_id"]) is None
    assert meta.calls.seen == []


# --- bad input ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "words"), [("expired-code", "expired"), ("bad-code", "not valid")])
def test_a_signup_code_meta_refuses_answers_422_and_leaves_nothing(
    aws: AwsWorld, meta: MetaSandboxServer, code: str, words: str
) -> None:
    body = {**signup(meta), "code": code}

    status, problem, _ = add(body)

    assert status == 422
    assert is_problem(problem, 422, "signup-code-rejected")
    assert words in problem["detail"]
    assert "Embedded Signup again" in problem["detail"]
    assert aws.table_items("hub-numbers") == []
    assert hub_secrets() == {}


def test_a_phone_number_id_not_in_the_waba_answers_422_and_leaves_nothing(
    aws: AwsWorld, meta: MetaSandboxServer
) -> None:
    body = {**signup(meta), "phone_number_id": GLOBEX_NUMBER}

    status, problem, _ = add(body)

    assert status == 422
    assert is_problem(problem, 422, "number-not-in-waba")
    assert GLOBEX_NUMBER in problem["detail"]
    assert aws.table_items("hub-numbers") == []
    assert not meta.state.numbers[GLOBEX_NUMBER].registration_calls


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": ""}, "body.code"),
        ({"waba_id": "acme"}, "body.waba_id"),
        ({"phone_number_id": "12ab"}, "body.phone_number_id"),
        ({"extra": "x"}, "body.extra"),
    ],
)
def test_a_malformed_body_answers_422_with_the_field(
    aws: AwsWorld, meta: MetaSandboxServer, change: dict[str, str], field: str
) -> None:
    status, problem, _ = add({**signup(meta), **change})

    assert status == 422
    assert is_problem(problem, 422, "validation-failed")
    assert field in [error["field"] for error in problem["errors"]]
    assert meta.calls.seen == []


# --- Meta failing at each step --------------------------------------------------------------------------------------


def at_exchange(_: str) -> Matcher:
    return lambda request: request.url.path.endswith("/oauth/access_token")


def at_lookup(_: str) -> Matcher:
    return lambda request: request.url.path.endswith("/phone_numbers")


def at_subscribe(_: str) -> Matcher:
    return lambda request: request.url.path.endswith("/subscribed_apps")


def at_register(_: str) -> Matcher:
    return lambda request: request.url.path.endswith("/register")


def at_details(number_id: str) -> Matcher:
    return lambda request: request.method == "GET" and request.url.path.endswith(f"/{number_id}")


FAULTS = {
    "503": ({"status": 503}, 503),
    "429": ({"status": 429, "code": 80007, "retry_after": 30}, 429),
    "timeout": ({"latency_ms": 3000}, 503),  # twice the client's timeout: a timeout even on a loaded machine
}
BEFORE_RECORDING = {"exchange": at_exchange, "lookup": at_lookup}
AFTER_RECORDING = {
    "subscribe_app": at_subscribe,
    "register": at_register,
    "read_details": at_details,
}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("step", BEFORE_RECORDING)
def test_meta_failing_before_the_number_is_found_leaves_nothing_and_a_retry_adds_it(
    aws: AwsWorld, meta: MetaSandboxServer, step: str, fault: str
) -> None:
    body = signup(meta)
    armed, expected = FAULTS[fault]
    meta.calls.fault_at(BEFORE_RECORDING[step](body["phone_number_id"]), armed)

    status, problem, headers = add(body)

    assert status == expected
    assert problem["status"] == expected
    assert "Meta" in problem["detail"]
    if expected == 429:
        assert headers["Retry-After"] == "30"
    assert aws.table_items("hub-numbers") == []
    assert add(body)[0] == 201
    assert len(numbers_added(aws)) == 1


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("step", AFTER_RECORDING)
def test_meta_failing_at_a_step_keeps_the_number_onboarding_and_a_retry_finishes_it_once(
    aws: AwsWorld, meta: MetaSandboxServer, step: str, fault: str
) -> None:
    body = signup(meta)
    armed, expected = FAULTS[fault]
    meta.calls.fault_at(AFTER_RECORDING[step](body["phone_number_id"]), armed)

    status, problem, headers = add(body)

    assert status == expected
    assert problem["status"] == expected
    if expected == 429:
        assert headers["Retry-After"] == "30"
    stored = number_item(aws, body["phone_number_id"])
    assert stored is not None
    assert stored["account_status"] == "onboarding"
    assert stored["onboarding_step"] == step
    assert stored["onboarding_error"] == problem["detail"]
    assert "Meta" in stored["onboarding_error"]
    assert numbers_added(aws) == []

    status, number, _ = add(body)

    assert status == 201, number
    assert number["account_status"] == "running"
    assert number["onboarding_error"] is None
    assert len(numbers_added(aws)) == 1


def test_a_number_meta_has_not_connected_waits_and_runs_once_connected(aws: AwsWorld, meta: MetaSandboxServer) -> None:
    body = signup(meta)
    number_id = body["phone_number_id"]

    def not_connected_yet() -> None:
        meta.state.numbers[number_id].status = "PENDING"

    meta.calls.before(at_details(number_id), not_connected_yet)

    status, waiting, _ = add(body)

    assert status == 202
    assert waiting["account_status"] == "onboarding"
    assert waiting["onboarding_step"] == "await_connection"
    assert "not connected" in waiting["onboarding_error"]
    assert numbers_added(aws) == []

    meta.state.numbers[number_id].status = "CONNECTED"
    status, number, _ = add(body)

    assert status == 201
    assert number["account_status"] == "running"
    assert len(numbers_added(aws)) == 1


def test_a_two_step_pin_set_elsewhere_is_said_in_plain_words(aws: AwsWorld, meta: MetaSandboxServer) -> None:
    body = signup(meta)
    meta.state.numbers[body["phone_number_id"]].pin = "999999"

    status, problem, _ = add(body)

    assert status == 422
    assert is_problem(problem, 422, "upstream-rejected")
    assert "Two-step verification is still on" in problem["detail"]
    stored = number_item(aws, body["phone_number_id"])
    assert stored is not None
    assert (stored["account_status"], stored["onboarding_step"]) == ("onboarding", "register")
    assert stored["onboarding_error"] == problem["detail"]


def test_a_token_meta_no_longer_accepts_needs_a_new_signup_code(aws: AwsWorld, meta: MetaSandboxServer) -> None:
    body = signup(meta)
    meta.calls.fault_at(at_subscribe(""), {"status": 401, "code": 190})

    status, problem, _ = add(body)

    assert status == 422
    assert is_problem(problem, 422, "signup-code-rejected")
    stored = number_item(aws, body["phone_number_id"])
    assert stored is not None
    assert stored["onboarding_step"] == "exchange_code"

    status, number, _ = add({**body, "code": "a-new-signup-code"})

    assert status == 201
    assert number["account_status"] == "running"
    assert len(numbers_added(aws)) == 1


def test_a_pin_another_request_kept_first_is_the_one_used(aws: AwsWorld) -> None:
    vault = SecretsVault()
    kept = vault.keep_number_pin("1700000000001001", "111111")

    again = vault.keep_number_pin("1700000000001001", "222222")

    assert (kept, again) == ("111111", "111111")
    assert vault.number_pin("1700000000001001") == "111111"
    assert vault.number_pin("1700000000001002") is None


def test_an_onboarding_number_without_a_recorded_step_is_set_up_from_the_start(
    aws: AwsWorld, meta: MetaSandboxServer
) -> None:
    body = signup(meta)
    aws.add_number(
        a_number(body["phone_number_id"], "acme", waba_id=ACME_WABA, account_status=AccountStatus.ONBOARDING)
    )

    status, number, _ = add(body)

    assert (status, number["account_status"]) == (201, "running")
    assert meta.state.numbers[body["phone_number_id"]].registered
    assert len(numbers_added(aws)) == 1


def test_a_number_of_another_client_or_another_waba_is_refused(aws: AwsWorld, meta: MetaSandboxServer) -> None:
    body = signup(meta)
    aws.add_number(a_number(body["phone_number_id"], "globex", waba_id=GLOBEX_WABA))
    elsewhere = signup(meta, "4915112345091")
    aws.add_number(a_number(elsewhere["phone_number_id"], "acme", waba_id=GLOBEX_WABA))

    other_client = add(body)
    other_waba = add(elsewhere)

    assert other_client[0] == 404
    assert is_problem(other_client[1], 404, "not-found")
    assert other_waba[0] == 422
    assert is_problem(other_waba[1], 422, "number-not-in-waba")
    assert numbers_added(aws) == []
    assert meta.calls.seen == []


# --- the request's deadline -----------------------------------------------------------------------------------------


def test_a_signup_out_of_time_keeps_its_step_answers_202_and_posting_again_finishes_it(
    aws: AwsWorld, meta: MetaSandboxServer
) -> None:
    body = signup(meta)
    ticker = Ticker()
    app.dependency_overrides[request_deadline] = lambda: Deadline.after(REQUEST_BUDGET_SECONDS, clock=ticker)
    subscribing: Matcher = lambda request: request.url.path.endswith("/subscribed_apps")  # noqa: E731
    meta.calls.before(subscribing, lambda: ticker.advance(REQUEST_BUDGET_SECONDS - 0.5))  # Meta takes its time

    status, number, _ = add(body)

    assert status == 202, number
    assert (number["account_status"], number["onboarding_step"]) == ("onboarding", "register")
    assert "ran out of time while registering the number" in number["onboarding_error"]
    stored = number_item(aws, body["phone_number_id"])
    assert stored is not None
    assert (stored["onboarding_step"], stored["onboarding_error"]) == ("register", number["onboarding_error"])
    assert not [path for _, path in meta.calls.seen if path.endswith("/register")]  # never started without time
    assert numbers_added(aws) == []

    status, number, _ = add(body)

    assert status == 201, number
    assert number["account_status"] == "running"
    assert len([path for _, path in meta.calls.seen if path.endswith("/register")]) == 1
    assert len(numbers_added(aws)) == 1
