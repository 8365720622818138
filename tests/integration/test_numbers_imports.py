"""Import from another BSP (POST /v1/numbers/imports, its verification and code, GET): handler → use case →
DynamoDB and Secrets Manager (moto), every Graph call answered by the Meta sandbox on a loopback port."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from hub_numbers.app import app, handler
from hub_numbers.deps import meta_graph
from hub_numbers.models.numbers import AccountStatus
from hub_numbers.models.onboarding import Waba, WabaType
from hub_numbers.store.onboarding import OnboardingStore
from hub_shared import aws
from hub_shared.api import REQUEST_BUDGET_SECONDS, request_deadline, request_time
from hub_shared.deadline import Deadline
from local.sandboxes.meta import SANDBOX_OTP
from tests.builders import (
    CLIENT_ACME,
    CLIENT_GLOBEX,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
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
PHONE = "+4915112345095"
START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

Answer = tuple[int, dict[str, Any], dict[str, str]]


@pytest.fixture
def meta(aws: AwsWorld) -> Iterator[MetaSandboxServer]:
    """Acme (direct) and Globex (partner-paid) with their WABAs in the registry, the Meta sandbox, the hub's Graph
    client on it."""
    aws.add_client("acme")
    aws.add_client("globex", billing_model="partner", partner_id="bluewave")
    store = OnboardingStore()
    store.put_waba(Waba(waba_id=ACME_WABA, client_id="acme", type=WabaType.SHARED, name="Acme Retail"))
    store.put_waba(Waba(waba_id=GLOBEX_WABA, client_id="globex", type=WabaType.OBO, name="Globex Logistics"))
    server = serve_meta_sandbox()
    graph = server.graph_client()
    app.dependency_overrides[meta_graph] = lambda: graph
    yield server
    app.dependency_overrides.clear()
    server.stop()


@pytest.fixture
def time(meta: MetaSandboxServer) -> FrozenClock:
    fake = FrozenClock(START)
    app.dependency_overrides[request_time] = fake
    return fake


def call(method: str, path: str, claims: dict[str, str], body: Any = None, route: str | None = None) -> Answer:
    parameters = {"import_id": path.split("/")[4]} if route else None
    event = http_event(method, path, route=route, claims=claims, body=body, path_parameters=parameters)
    answer = handler(event, context())
    return answer["statusCode"], json.loads(answer["body"]), answer.get("headers", {})


def start(claims: dict[str, str] = CLIENT_ACME, **changes: Any) -> Answer:
    body = {"phone_number": PHONE, "waba_id": ACME_WABA, "method": "SMS", **changes}
    return call("POST", "/v1/numbers/imports", claims, body)


def verify(import_id: str, code: str = SANDBOX_OTP, claims: dict[str, str] = CLIENT_ACME) -> Answer:
    route = "/v1/numbers/imports/{import_id}/verification"
    return call("POST", f"/v1/numbers/imports/{import_id}/verification", claims, {"code": code}, route)


def resend(import_id: str, claims: dict[str, str] = CLIENT_ACME, body: Any = None) -> Answer:
    return call("POST", f"/v1/numbers/imports/{import_id}/code", claims, body, "/v1/numbers/imports/{import_id}/code")


def read(import_id: str, claims: dict[str, str] = CLIENT_ACME) -> Answer:
    return call("GET", f"/v1/numbers/imports/{import_id}", claims, route="/v1/numbers/imports/{import_id}")


def stored(world: AwsWorld, prefix: str) -> list[dict[str, Any]]:
    return [aws.from_item(i) for i in world.table_items("hub-numbers") if i["pk"]["S"].startswith(prefix)]


def numbers_added(world: AwsWorld) -> list[dict[str, Any]]:
    return outbox_events(world.table_items("hub-numbers"), "NumberAdded")


def sandbox_number(meta: MetaSandboxServer) -> str:
    """The id Meta gave the number in the target WABA."""
    return next(n.id for n in meta.state.numbers.values() if n.phone_digits == PHONE[1:])


# --- the migration --------------------------------------------------------------------------------------------------


def test_a_number_migrates_with_the_otp_after_a_wrong_code(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    status, started, _ = start()

    assert status == 201, started
    assert started["step"] == "code_requested"
    assert (started["attempts"], started["attempts_left"]) == (0, 5)
    assert started["resend_available_at"] == "2026-11-20T12:01:00.000000Z"
    import_id = started["import_id"]

    wrong_status, wrong, _ = verify(import_id, "000000")
    status, done, _ = verify(import_id)

    assert wrong_status == 422
    assert is_problem(wrong, 422, "verification-code-rejected")
    assert "4 attempt(s) left" in wrong["detail"]
    assert status == 200, done
    assert done["step"] == "done"
    assert done["last_error"] is None
    number_id = done["number_id"]
    assert number_id == sandbox_number(meta)
    assert read(import_id)[1]["attempts"] == 2
    (number,) = stored(aws, f"NUMBER#{number_id}")
    assert (number["account_status"], number["client_id"], number["waba_id"]) == ("running", "acme", ACME_WABA)
    assert number["phone_e164"] == PHONE
    (event,) = numbers_added(aws)
    assert (event["number_id"], event["how"], event["phone_number"]) == (number_id, "import", PHONE)
    assert event["actor"]["role"] == "client"  # who imported it, for the client's activity
    assert meta.state.numbers[number_id].registered


def test_starting_the_same_import_again_answers_it_without_asking_meta(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    _, first, _ = start()
    calls = len(meta.calls.seen)

    status, again, _ = start()

    assert status == 200
    assert again == first
    assert len(meta.calls.seen) == calls
    assert len(stored(aws, "IMPORT#")) == 1


def test_the_same_idempotency_key_with_another_body_is_refused(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    body = {"phone_number": PHONE, "waba_id": ACME_WABA, "method": "SMS"}
    event = http_event("POST", "/v1/numbers/imports", claims=CLIENT_ACME, body=body, headers={"idempotency-key": "k"})
    first = handler(event, context())
    other = http_event(
        "POST", "/v1/numbers/imports", claims=CLIENT_ACME, body={**body, "method": "VOICE"}, headers=event["headers"]
    )

    answer = handler(other, context())

    assert first["statusCode"] == 201
    assert answer["statusCode"] == 422
    assert json.loads(answer["body"])["type"].endswith("/idempotency-key-reused")


def test_wrong_codes_are_limited_then_a_new_code_after_the_cool_down_is_accepted(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    import_id = start()[1]["import_id"]
    answers = [verify(import_id, f"00000{i}") for i in range(5)]

    status, refused, _ = verify(import_id)

    assert [a[0] for a in answers] == [422] * 5
    assert "last attempt" in answers[-1][1]["detail"]
    assert status == 409
    assert is_problem(refused, 409, "too-many-attempts")
    assert read(import_id)[1]["attempts"] == 5
    assert read(import_id)[1]["step"] == "code_requested"

    status, too_soon, headers = resend(import_id)

    assert status == 429
    assert is_problem(too_soon, 429, "code-resend-cool-down")
    assert headers["Retry-After"] == "60"

    time.advance(45)
    assert resend(import_id)[2]["Retry-After"] == "15"
    time.advance(15)
    status, resent, _ = resend(import_id, body={"method": "VOICE"})

    assert status == 200, resent
    assert (resent["attempts"], resent["attempts_left"], resent["method"]) == (0, 5, "VOICE")
    assert verify(import_id)[1]["step"] == "done"
    assert len(numbers_added(aws)) == 1


@pytest.mark.parametrize("phone", ["4915112345095", "+04915112345095", "+49 1511 2345095", "+12345", "+1" + "2" * 15])
def test_a_malformed_e164_number_answers_422_and_asks_nothing(
    aws: AwsWorld, meta: MetaSandboxServer, phone: str
) -> None:
    status, problem, _ = start(phone_number=phone)

    assert status == 422
    assert is_problem(problem, 422, "validation-failed")
    assert [e["field"] for e in problem["errors"]] == ["body.phone_number"]
    assert meta.calls.seen == []
    assert stored(aws, "IMPORT#") == []


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef"])
def test_a_code_that_is_not_six_digits_answers_422_and_counts_no_attempt(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock, code: str
) -> None:
    import_id = start()[1]["import_id"]

    status, problem, _ = verify(import_id, code)

    assert status == 422
    assert [e["field"] for e in problem["errors"]] == ["body.code"]
    assert read(import_id)[1]["attempts"] == 0


def test_a_number_already_on_the_waba_answers_409_and_asks_nothing(aws: AwsWorld, meta: MetaSandboxServer) -> None:
    aws.add_number(a_number("106540352242922", "acme", waba_id=ACME_WABA, digits="12345001"))

    status, problem, _ = start(phone_number="+4915112345001")

    assert status == 409
    assert is_problem(problem, 409, "number-already-on-waba")
    assert meta.calls.seen == []
    assert stored(aws, "IMPORT#") == []


def test_a_deleted_number_of_the_waba_may_be_imported_again(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    aws.add_number(
        a_number("106540352242925", "acme", waba_id=ACME_WABA, digits="12345095", account_status=AccountStatus.DELETED)
    )

    status, started, _ = start()

    assert status == 201, started


def test_two_step_verification_still_on_at_the_old_bsp_is_said_in_plain_words(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    import_id = start()[1]["import_id"]

    def old_bsp_pin() -> None:
        meta.state.numbers[sandbox_number(meta)].pin = "424242"

    meta.calls.before(lambda request: request.url.path.endswith("/register"), old_bsp_pin)

    status, problem, _ = verify(import_id)

    assert status == 422
    assert "Two-step verification is still on" in problem["detail"]
    state = read(import_id)[1]
    assert (state["step"], state["last_error"]) == ("verified", problem["detail"])
    assert numbers_added(aws) == []

    meta.state.numbers[sandbox_number(meta)].pin = None  # the old BSP turned it off
    assert verify(import_id, "000000")[1]["step"] == "done"  # verified already: the code is not asked again
    assert len(numbers_added(aws)) == 1


# --- who may --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "slug"),
    [(PARTNER, "partners-cannot-add-numbers"), (SUPPORT, "client-users-only")],
    ids=["partner", "support"],
)
def test_only_the_clients_users_may_import(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock, claims: dict[str, str], slug: str
) -> None:
    aws.grant("acme", "bluewave", "numbers:read")
    import_id = start()[1]["import_id"]
    before = stored(aws, "IMPORT#")

    answers = [start(claims), verify(import_id, claims=claims), resend(import_id, claims=claims)]

    assert [a[0] for a in answers] == [403, 403, 403]
    assert all(is_problem(a[1], 403, slug) for a in answers)
    assert stored(aws, "IMPORT#") == before


def test_partners_cannot_read_imports_and_support_can(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    aws.grant("acme", "bluewave", "numbers:read")
    import_id = start()[1]["import_id"]

    partner_status, problem, _ = read(import_id, PARTNER)
    support_status, seen, _ = read(import_id, SUPPORT)

    assert partner_status == 403
    assert is_problem(problem, 403, "partners-cannot-add-numbers")
    assert (support_status, seen["import_id"]) == (200, import_id)


def test_another_clients_import_and_waba_are_not_found(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    import_id = start()[1]["import_id"]
    before = stored(aws, "IMPORT#")

    answers = [
        read(import_id, CLIENT_GLOBEX),
        verify(import_id, claims=CLIENT_GLOBEX),
        resend(import_id, claims=CLIENT_GLOBEX),
        start(CLIENT_GLOBEX),
        read("imp_" + "0" * 24),
    ]

    assert [a[0] for a in answers] == [404] * 5
    assert all(is_problem(a[1], 404, "not-found") for a in answers)
    assert stored(aws, "IMPORT#") == before


# --- Meta failing at each step --------------------------------------------------------------------------------------


def ending(suffix: str, method: str = "POST") -> Matcher:
    return lambda request: request.method == method and request.url.path.endswith(suffix)


def details_of(meta: MetaSandboxServer) -> Matcher:
    return lambda request: request.method == "GET" and request.url.path.endswith(f"/{sandbox_number(meta)}")


FAULTS = {
    "503": ({"status": 503}, 503),
    "429": ({"status": 429, "code": 80008, "retry_after": 30}, 429),
    "timeout": ({"latency_ms": 3000}, 503),  # twice the client's timeout: a timeout even on a loaded machine
}


@pytest.mark.parametrize("fault", FAULTS)
def test_meta_failing_to_add_the_number_leaves_nothing_and_a_retry_starts_it(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock, fault: str
) -> None:
    armed, expected = FAULTS[fault]
    meta.calls.fault_at(ending("/phone_numbers"), armed)

    status, problem, headers = start()

    assert status == expected
    assert "adding the number" in problem["detail"]
    assert headers.get("Retry-After") == ("30" if expected == 429 else None)
    assert stored(aws, "IMPORT#") == []
    status, started, _ = start()  # after a timeout Meta may have added it after all: that number is taken
    assert (status, started["step"]) == (201, "code_requested")
    assert len([n for n in meta.state.numbers.values() if n.phone_digits == PHONE[1:]]) == 1


def test_a_number_meta_already_added_to_the_waba_is_taken(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    first = httpx.post(
        f"{meta.url}/v23.0/{ACME_WABA}/phone_numbers",
        headers={"Authorization": "Bearer EAAtoken"},
        json={"phone_number": PHONE[1:], "verified_name": "Acme Retail", "migrate_phone_number": True},
    )

    status, started, _ = start()

    assert (status, started["step"]) == (201, "code_requested")
    assert verify(started["import_id"])[1]["number_id"] == first.json()["id"]


@pytest.mark.parametrize("fault", FAULTS)
def test_meta_failing_to_send_the_code_is_recorded_and_starting_again_sends_it(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock, fault: str
) -> None:
    armed, expected = FAULTS[fault]
    meta.calls.fault_at(ending("/request_code"), armed)

    status, problem, _ = start()

    assert status == expected
    (record,) = stored(aws, "IMPORT#")
    assert (record["step"], record["last_error"]) == ("number_added", problem["detail"])
    assert "requesting a verification code" in record["last_error"]
    status, resumed, _ = start()
    assert status == 200
    assert (resumed["step"], resumed["last_error"]) == ("code_requested", None)
    assert verify(resumed["import_id"])[1]["step"] == "done"
    assert len(numbers_added(aws)) == 1


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize(
    ("step", "kept"), [("verify_code", "code_requested"), ("register", "verified"), ("details", "registered")]
)
def test_meta_failing_during_verification_keeps_the_step_and_a_retry_finishes_once(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock, step: str, kept: str, fault: str
) -> None:
    import_id = start()[1]["import_id"]
    armed, expected = FAULTS[fault]
    meta.calls.fault_at(details_of(meta) if step == "details" else ending(f"/{step}"), armed)

    status, problem, headers = verify(import_id)

    assert status == expected
    assert headers.get("Retry-After") == ("30" if expected == 429 else None)
    state = read(import_id)[1]
    assert (state["step"], state["last_error"]) == (kept, problem["detail"])
    assert state["attempts"] == (0 if step == "verify_code" else 1)  # Meta's failure costs no attempt
    assert stored(aws, "NUMBER#") == []
    assert numbers_added(aws) == []

    status, done, _ = verify(import_id)

    assert (status, done["step"]) == (200, "done")
    assert len(numbers_added(aws)) == 1
    assert len(stored(aws, "NUMBER#")) == 1


def test_a_number_meta_has_not_connected_finishes_when_verified_again(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    import_id = start()[1]["import_id"]

    def not_connected_yet() -> None:
        meta.state.numbers[sandbox_number(meta)].status = "PENDING"

    meta.calls.before(details_of(meta), not_connected_yet)

    status, waiting, _ = verify(import_id)

    assert (status, waiting["step"]) == (200, "registered")
    assert "not connected" in waiting["last_error"]
    assert numbers_added(aws) == []
    meta.state.numbers[sandbox_number(meta)].status = "CONNECTED"
    assert verify(import_id)[1]["step"] == "done"
    assert len(numbers_added(aws)) == 1


def test_a_refusal_meta_gives_no_reason_for_is_told_with_its_code_and_leaves_nothing(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    meta.calls.fault_at(ending("/phone_numbers"), {"status": 400, "code": 131000})

    status, problem, _ = start()

    assert status == 422
    assert problem["detail"] == "Meta refused adding the number to the WhatsApp Business Account (Meta error 131000)."
    assert stored(aws, "IMPORT#") == []


def test_a_refused_verification_that_is_not_a_wrong_code_costs_no_attempt(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    import_id = start()[1]["import_id"]
    meta.calls.fault_at(ending("/verify_code"), {"status": 400, "code": 136024})

    status, problem, _ = verify(import_id)

    assert status == 422
    assert "could not send a verification code" in problem["detail"]
    state = read(import_id)[1]
    assert (state["attempts"], state["last_error"]) == (0, problem["detail"])


def test_codes_are_verified_only_once_sent_and_not_resent_once_verified(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    meta.calls.fault_at(ending("/request_code"), {"status": 503})
    assert start()[0] == 503
    (record,) = stored(aws, "IMPORT#")
    import_id = record["import_id"]

    status, problem, _ = verify(import_id)

    assert status == 409
    assert "request one first" in problem["detail"]
    assert resend(import_id)[0] == 200
    assert verify(import_id)[1]["step"] == "done"
    status, problem, _ = resend(import_id)
    assert status == 409
    assert "no new code is needed" in problem["detail"]


# --- the request's deadline -----------------------------------------------------------------------------------------


def test_a_verification_out_of_time_keeps_its_step_answers_202_and_verifying_again_finishes_it(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    import_id = start()[1]["import_id"]
    ticker = Ticker()
    app.dependency_overrides[request_deadline] = lambda: Deadline.after(REQUEST_BUDGET_SECONDS, clock=ticker)
    meta.calls.before(ending("/verify_code"), lambda: ticker.advance(REQUEST_BUDGET_SECONDS - 0.5))

    status, verified, _ = verify(import_id)

    assert status == 202, verified
    assert verified["step"] == "verified"
    assert "ran out of time while registering the number" in verified["last_error"]
    (record,) = stored(aws, "IMPORT#")
    assert (record["step"], record["last_error"]) == ("verified", verified["last_error"])
    assert not [path for _, path in meta.calls.seen if path.endswith("/register")]
    assert numbers_added(aws) == []

    status, done, _ = verify(import_id)

    assert (status, done["step"]) == (200, "done")
    assert len([path for _, path in meta.calls.seen if path.endswith("/verify_code")]) == 1  # the code is used once
    assert len(numbers_added(aws)) == 1


def test_a_code_request_out_of_time_is_answered_202_and_starting_again_sends_it(
    aws: AwsWorld, meta: MetaSandboxServer, time: FrozenClock
) -> None:
    ticker = Ticker()
    app.dependency_overrides[request_deadline] = lambda: Deadline.after(REQUEST_BUDGET_SECONDS, clock=ticker)
    meta.calls.before(ending("/phone_numbers"), lambda: ticker.advance(REQUEST_BUDGET_SECONDS - 0.5))

    status, started, _ = start()

    assert status == 202, started
    assert started["step"] == "number_added"
    assert "ran out of time while requesting a verification code" in started["last_error"]
    assert not [path for _, path in meta.calls.seen if path.endswith("/request_code")]

    status, resumed, _ = start()

    assert (status, resumed["step"], resumed["last_error"]) == (200, "code_requested", None)
