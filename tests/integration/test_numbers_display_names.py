"""GET and POST /v1/numbers/{number_id}/display-name: handler → use case → DynamoDB (moto, tables from the template),
every Graph call answered by the Meta sandbox in process.

Each refusal answers problem+json and leaves the numbers table (the number, its requests, the outbox) as it was,
and Meta uncalled where the hub refuses before asking it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hub_numbers.app import app, handler
from hub_numbers.deps import display_name_graph
from hub_numbers.errors import DisplayNameEditNotAvailable
from hub_numbers.models.display_names import DisplayNameChange, DisplayNameRequest, RequestStatus
from hub_numbers.models.numbers import AccountStatus, Number
from hub_numbers.store.display_names import PENDING_DISPLAY_NAME, DisplayNamesStore, request_item
from hub_numbers.store.numbers import NumbersStore
from hub_numbers.usecases.display_names.decisions import Outcome as PollOutcome
from hub_numbers.usecases.display_names.polling import DisplayNamePolling
from hub_numbers.usecases.display_names.requests import DisplayNameDeps, request_display_name
from hub_shared import aws as hub_aws
from hub_shared.api import request_deadline, request_time
from hub_shared.auth import Principal, Role
from hub_shared.deadline import Deadline
from tests.builders import (
    ACME_NUMBER,
    CLIENT_ACME,
    CLIENT_GLOBEX,
    PARTNER,
    PROBLEMS,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    InProcessMeta,
    Ticker,
    a_name_request,
    acme_number,
    assert_problem,
    claims_for,
    context,
    http_event,
    outbox_events,
)

START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ROUTE = "/v1/numbers/{number_id}/display-name"
ANNA = Principal(subject="user-acme", role=Role.CLIENT, client_id="acme")
S = AccountStatus

Answer = tuple[int, dict[str, Any], dict[str, str]]


@pytest.fixture
def time() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def meta(aws: AwsWorld, time: FrozenClock) -> Iterator[InProcessMeta]:
    """Acme (direct) with its running number, Globex, Bluewave reading Acme's numbers; the routes on the Meta
    sandbox and the test's clock."""
    aws.add_client("acme")
    aws.add_client("globex", billing_model="partner", partner_id="bluewave")
    aws.grant("acme", "bluewave", "numbers:read")
    aws.add_number(acme_number())
    fake = InProcessMeta(time)
    app.dependency_overrides[display_name_graph] = lambda: fake.graph
    app.dependency_overrides[request_time] = time
    yield fake
    app.dependency_overrides.clear()


def call(method: str, claims: dict[str, str] | None, body: Any = None, number_id: str = ACME_NUMBER) -> Answer:
    path = f"/v1/numbers/{number_id}/display-name"
    event = http_event(method, path, route=ROUTE, claims=claims, body=body, path_parameters={"number_id": number_id})
    answer = handler(event, context("NumbersFunction"))
    return answer["statusCode"], json.loads(answer["body"]), answer.get("headers", {})


def ask(name: Any, claims: dict[str, str] = CLIENT_ACME, number_id: str = ACME_NUMBER) -> Answer:
    return call("POST", claims, {"display_name": name}, number_id)


def page(claims: dict[str, str] = CLIENT_ACME, number_id: str = ACME_NUMBER) -> dict[str, Any]:
    status, body, _ = call("GET", claims, number_id=number_id)
    assert status == 200, body
    return body


def number_item(aws: AwsWorld, number_id: str = ACME_NUMBER) -> dict[str, Any]:
    key = {"pk": {"S": f"NUMBER#{number_id}"}, "sk": {"S": "NUMBER"}}
    return hub_aws.from_item(aws.dynamodb.get_item(TableName="hub-numbers", Key=key)["Item"])


def requests_of(aws: AwsWorld, number_id: str = ACME_NUMBER) -> list[DisplayNameRequest]:
    return DisplayNamesStore("hub-numbers", aws.dynamodb).history(number_id, limit=100)


def pending_index(aws: AwsWorld) -> list[str]:
    return [
        item["sk"]["S"] for item in aws.dynamodb.scan(TableName="hub-numbers", IndexName=PENDING_DISPLAY_NAME)["Items"]
    ]


def record(aws: AwsWorld, request: DisplayNameRequest) -> DisplayNameRequest:
    aws.dynamodb.put_item(TableName="hub-numbers", Item=request_item(request))
    return request


def requested_events(aws: AwsWorld) -> list[dict[str, Any]]:
    return outbox_events(aws.table_items("hub-numbers"), "DisplayNameRequested")


def poll(meta: InProcessMeta, now: datetime) -> dict[PollOutcome, int]:
    return dict(DisplayNamePolling(DisplayNamesStore(), meta.graph, shards=[str(s) for s in range(16)]).run(now))


# ---------------------------------------------------------------- GET


def test_a_number_without_requests_shows_its_name_ten_changes_and_that_it_may_be_edited(meta: InProcessMeta) -> None:
    assert page() == {
        "number_id": ACME_NUMBER,
        "display_name": "Acme Retail",
        "name_status": "APPROVED",
        "pending": None,
        "history": [],
        "changes_used": 0,
        "changes_remaining": 10,
        "reregister_by": None,
        "edit": {"available": True, "reason": None, "retry_after": None},
    }


def test_the_page_shows_the_pending_request_the_history_with_decisions_and_the_window(
    aws: AwsWorld, meta: InProcessMeta
) -> None:
    number = acme_number()
    old = record(aws, a_name_request(number, START - timedelta(days=40), display_name="Acme Oldies"))
    rejected = record(
        aws,
        a_name_request(
            number,
            START - timedelta(days=10),
            display_name="Acme Rejects",
            status=RequestStatus.REJECTED,
            decided_at=START - timedelta(days=9),
            decided_by="webhook",
            rejection_reason="NAME_FORMAT_UNACCEPTABLE",
        ),
    )
    failed = record(
        aws,
        a_name_request(number, START - timedelta(days=5), status=RequestStatus.FAILED, failure="Meta refused it."),
    )
    pending = record(
        aws,
        a_name_request(number, START - timedelta(days=1), display_name="Acme Garden Center", status="pending_review"),
    )
    aws.add_number(acme_number(display_name_request=pending.request_id, display_name_requests=4))

    shown = page()

    assert shown["pending"] == {
        "request_id": pending.request_id,
        "display_name": "Acme Garden Center",
        "previous_name": "Acme Retail",
        "status": "pending_review",
        "submitted_at": "2026-11-19T12:00:00.000000Z",
        "decided_at": None,
        "decided_by": None,
        "rejection_reason": None,
        "failure": None,
    }
    assert [r["request_id"] for r in shown["history"]] == [
        pending.request_id,
        failed.request_id,
        rejected.request_id,
        old.request_id,
    ]
    assert [r["status"] for r in shown["history"]] == ["pending_review", "failed", "rejected", "approved"]
    assert (shown["history"][2]["rejection_reason"], shown["history"][2]["decided_by"]) == (
        "NAME_FORMAT_UNACCEPTABLE",
        "webhook",
    )
    assert shown["history"][1]["failure"] == "Meta refused it."
    assert (shown["changes_used"], shown["changes_remaining"]) == (2, 8)  # the failed and the 40-day-old do not count
    assert shown["edit"]["available"] is False
    assert shown["edit"]["reason"].startswith("Edit not available: “Acme Garden Center” is under review")


def test_reregister_by_is_shown_until_it_has_passed(aws: AwsWorld, meta: InProcessMeta, time: FrozenClock) -> None:
    aws.add_number(acme_number(reregister_by=START + timedelta(days=14)))

    assert page()["reregister_by"] == "2026-12-04T12:00:00.000000Z"
    time.now = START + timedelta(days=15)
    assert page()["reregister_by"] is None


def full_window(aws: AwsWorld, *, failed: int = 0) -> list[DisplayNameRequest]:
    """Ten changes (and `failed` failed requests) in the last 30 days, the oldest 29 days ago."""
    number = acme_number()
    counted = [record(aws, a_name_request(number, START - timedelta(days=29 - i))) for i in range(10 - failed)]
    for i in range(failed):
        record(aws, a_name_request(number, START - timedelta(hours=i + 1), status=RequestStatus.FAILED))
    return counted


def test_with_the_windows_ten_changes_used_the_page_says_when_the_next_frees_up(
    aws: AwsWorld, meta: InProcessMeta
) -> None:
    full_window(aws)

    shown = page()

    assert (shown["changes_used"], shown["changes_remaining"]) == (10, 0)
    assert shown["edit"] == {
        "available": False,
        "reason": "All 10 display-name changes of the last 30 days are used; the next frees up at "
        "2026-11-21T12:00:00.000000Z.",
        "retry_after": "2026-11-21T12:00:00.000000Z",
    }


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        (PARTNER, "The client has not granted your partner account `display_name:write`."),
        (SUPPORT, "Only the client, or a partner it granted `display_name:write`, can change the display name."),
    ],
)
def test_readers_who_may_not_edit_see_the_page_and_why_they_may_not(
    meta: InProcessMeta, claims: dict[str, str], reason: str
) -> None:
    assert page(claims)["edit"] == {"available": False, "reason": reason, "retry_after": None}


@pytest.mark.parametrize(
    ("claims", "number_id"),
    [
        (CLIENT_GLOBEX, ACME_NUMBER),  # another tenant's
        (claims_for(partner_id="other-partner"), ACME_NUMBER),  # a partner the client did not grant
        (CLIENT_ACME, "999"),  # unknown
    ],
)
def test_a_number_the_caller_cannot_see_is_404_for_reading_and_asking(
    aws: AwsWorld, meta: InProcessMeta, claims: dict[str, str], number_id: str
) -> None:
    before = aws.table_items("hub-numbers")

    status, body, _ = call("GET", claims, number_id=number_id)
    assert (status, body["type"]) == (404, PROBLEMS + "not-found")
    status, body, _ = ask("Acme Garden", claims, number_id)
    assert (status, body["type"]) == (404, PROBLEMS + "not-found")

    assert aws.table_items("hub-numbers") == before
    assert meta.calls == []


def test_without_a_token_it_is_401(meta: InProcessMeta) -> None:
    assert call("GET", None)[0] == 401
    assert ask("Acme Garden", {})[0] == 401


def test_the_numbers_list_offers_edit_display_name_until_a_request_is_under_review(meta: InProcessMeta) -> None:
    def action(claims: dict[str, str]) -> dict[str, Any]:
        event = http_event(
            "GET",
            f"/v1/numbers/{ACME_NUMBER}",
            route="/v1/numbers/{number_id}",
            claims=claims,
            path_parameters={"number_id": ACME_NUMBER},
        )
        body = json.loads(handler(event, context("NumbersFunction"))["body"])
        return next(a for a in body["actions"] if a["name"] == "edit_display_name")

    assert action(CLIENT_ACME) == {"name": "edit_display_name", "available": True, "reason": None}
    assert action(PARTNER)["reason"] == "The client has not granted your partner account `display_name:write`."

    assert ask("Acme Garden")[0] == 201

    assert action(CLIENT_ACME)["available"] is False
    assert action(CLIENT_ACME)["reason"].startswith("Edit not available")


# ---------------------------------------------------------------- POST: accepted


def test_a_client_asks_for_a_name_meta_takes_it_for_review_and_it_is_recorded_with_its_event(
    aws: AwsWorld, meta: InProcessMeta
) -> None:
    status, body, _ = ask("  Acme Garden  ")

    assert status == 201, body
    assert (body["display_name"], body["previous_name"], body["status"]) == (
        "Acme Garden",
        "Acme Retail",
        "pending_review",
    )
    assert body["submitted_at"] == "2026-11-20T12:00:00.000000Z"
    assert (meta.state.numbers[ACME_NUMBER].new_display_name, meta.state.numbers[ACME_NUMBER].new_name_status) == (
        "Acme Garden",
        "PENDING_REVIEW",
    )
    assert meta.calls == [("POST", ACME_NUMBER)]
    (stored,) = requests_of(aws)
    assert (stored.request_id, stored.status, stored.submitted_by) == (
        body["request_id"],
        "pending_review",
        "user-acme",
    )
    assert (stored.sent_to_meta_at, stored.send_attempts) == (START, 1)
    number = number_item(aws)
    assert (number["display_name"], number["display_name_request"], number["display_name_requests"]) == (
        "Acme Retail",
        stored.request_id,
        1,
    )
    assert pending_index(aws) == [f"DISPLAY_NAME#{stored.request_id}"]
    (event,) = requested_events(aws)
    assert {k: event[k] for k in ("number_id", "client_id", "request_id", "display_name", "previous_name")} == {
        "number_id": ACME_NUMBER,
        "client_id": "acme",
        "request_id": stored.request_id,
        "display_name": "Acme Garden",
        "previous_name": "Acme Retail",
    }
    assert (event["actor"]["user_id"], event["actor"]["role"]) == ("user-acme", "client")  # who asked, for activity
    shown = page()
    assert shown["pending"]["request_id"] == stored.request_id
    assert (shown["changes_used"], shown["changes_remaining"]) == (1, 9)


def test_a_partner_granted_display_name_write_may_ask(aws: AwsWorld, meta: InProcessMeta) -> None:
    aws.grant("acme", "bluewave", "numbers:read", "display_name:write")

    status, body, _ = ask("Acme Garden", PARTNER)

    assert (status, body["status"]) == (201, "pending_review")
    assert requests_of(aws)[0].submitted_by == "user-partner"


def test_a_partner_granted_only_display_name_write_may_read_and_ask(aws: AwsWorld, meta: InProcessMeta) -> None:
    aws.grant("acme", "bluewave", "display_name:write")

    assert page(PARTNER)["edit"] == {"available": True, "reason": None, "retry_after": None}
    status, body, _ = ask("Acme Garden", PARTNER)

    assert (status, body["status"]) == (201, "pending_review")
    assert page(PARTNER)["pending"]["display_name"] == "Acme Garden"


def test_failed_requests_do_not_use_up_the_window(aws: AwsWorld, meta: InProcessMeta) -> None:
    full_window(aws, failed=2)

    assert ask("Acme Garden")[0] == 201
    assert page()["changes_used"] == 9


# ---------------------------------------------------------------- POST: refused by the hub


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "The display name must not be empty."),
        ("     ", "The display name must not be empty."),
        ("A" * 76, "The display name must be 2 to 75 characters long (it has 76)."),
        ("Acme\u0007Garden", "The display name must not contain control characters or line breaks."),
        ("Acme\nGarden", "The display name must not contain control characters or line breaks."),
        ("www.acme-garden.com", "The display name must not contain a web address."),
        ("🌱🌳🌷", "The display name must contain letters (not only emoji, symbols or digits)."),
        ("ACME GARDEN", "The display name must not be written in capitals throughout"),
        ("Shop", "“Shop” is a generic word; the display name must name the business."),
        ("Acme Retail", "The number already has this display name."),
    ],
    ids=[
        "empty",
        "too long",
        "only spaces",
        "control character",
        "line break",
        "url",
        "emoji only",
        "capitals",
        "generic word",
        "same as current",
    ],
)
def test_a_name_that_breaks_a_rule_is_422_on_the_field_and_changes_nothing(
    aws: AwsWorld, meta: InProcessMeta, name: str, message: str
) -> None:
    before = aws.table_items("hub-numbers")

    status, body, headers = ask(name)

    assert status == 422
    assert headers["Content-Type"] == "application/problem+json"
    assert_problem(body, 422, "display-name-invalid")
    (error,) = body["errors"]
    assert error["field"] == "body.display_name"
    assert error["message"].startswith(message)
    assert aws.table_items("hub-numbers") == before
    assert meta.calls == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"display_name": 42},
        {"display_name": None},
        {"display_name": "Acme Garden", "extra": 1},
        {"display_name": "x" * 1001},
    ],
    ids=["missing", "number", "null", "unknown field", "over 1000"],
)
def test_a_body_that_is_not_a_display_name_change_is_422_on_its_field(
    aws: AwsWorld, meta: InProcessMeta, body: dict[str, Any]
) -> None:
    before = aws.table_items("hub-numbers")

    status, problem, _ = call("POST", CLIENT_ACME, body)

    assert status == 422
    assert problem["errors"] and all(e["field"].startswith("body") for e in problem["errors"]), problem
    assert aws.table_items("hub-numbers") == before
    assert meta.calls == []


def test_a_second_request_while_one_is_under_review_is_409_edit_not_available(
    aws: AwsWorld, meta: InProcessMeta
) -> None:
    assert ask("Acme Garden")[0] == 201
    before = aws.table_items("hub-numbers")

    status, body, _ = ask("Acme Greenhouse")

    assert status == 409
    assert_problem(body, 409, "display-name-edit-not-available")
    assert body["title"] == "Edit not available"
    assert "“Acme Garden” is under review" in body["detail"]
    assert aws.table_items("hub-numbers") == before
    assert meta.calls == [("POST", ACME_NUMBER)]


@pytest.mark.parametrize(
    ("status", "why"),
    [
        (S.DELETED, "The number was deleted."),
        (S.ONBOARDING, "still being set up"),
        (S.BANNED, "Meta has banned the number."),
        (S.DISCONNECTED, "no access to the number at Meta (disconnected)"),
    ],
)
def test_a_number_whose_name_cannot_change_is_409_that_says_why(
    aws: AwsWorld, meta: InProcessMeta, status: AccountStatus, why: str
) -> None:
    aws.add_number(acme_number(account_status=status))
    before = aws.table_items("hub-numbers")

    code, body, _ = ask("Acme Garden")

    assert code == 409
    assert_problem(body, 409, "display-name-not-changeable")
    assert why in body["detail"]
    assert page()["edit"]["reason"] is not None and why in page()["edit"]["reason"]
    assert aws.table_items("hub-numbers") == before
    assert meta.calls == []


def test_a_cancelled_number_may_still_change_its_name(aws: AwsWorld, meta: InProcessMeta) -> None:
    aws.add_number(acme_number(account_status=S.PENDING_DELETION, deletion_at=datetime(2026, 11, 30, tzinfo=UTC)))

    assert ask("Acme Garden")[0] == 201


@pytest.mark.parametrize(
    ("claims", "fragment"),
    [(PARTNER, "has not granted your partner account `display_name:write`"), (SUPPORT, "Only the client")],
    ids=["partner without the scope", "support agent"],
)
def test_a_reader_without_the_right_to_edit_is_403_and_changes_nothing(
    aws: AwsWorld, meta: InProcessMeta, claims: dict[str, str], fragment: str
) -> None:
    before = aws.table_items("hub-numbers")

    status, body, _ = ask("Acme Garden", claims)

    assert status == 403
    assert_problem(body, 403, "display-name-write-not-granted")
    assert fragment in body["detail"]
    assert aws.table_items("hub-numbers") == before
    assert meta.calls == []


def test_with_the_windows_ten_changes_used_a_request_is_429_with_retry_after(
    aws: AwsWorld, meta: InProcessMeta
) -> None:
    full_window(aws)
    before = aws.table_items("hub-numbers")

    status, body, headers = ask("Acme Garden")

    assert status == 429
    assert_problem(body, 429, "display-name-changes-used")
    assert "2026-11-21T12:00:00.000000Z" in body["detail"]
    assert headers["Retry-After"] == str(24 * 3600 + 1)
    assert aws.table_items("hub-numbers") == before
    assert meta.calls == []


# ---------------------------------------------------------------- POST: Meta refuses, is slow or down


def test_meta_refusing_the_name_is_422_the_request_failed_and_the_number_free(
    aws: AwsWorld, meta: InProcessMeta
) -> None:
    meta.fault(status=400, code=100, message="(#100) The display name is not acceptable")

    status, body, _ = ask("Acme Garden")

    assert status == 422
    assert_problem(body, 422, "display-name-refused-by-meta")
    assert body["errors"] == [{"field": "body.display_name", "message": "(#100) The display name is not acceptable"}]
    (failed,) = requests_of(aws)
    assert (failed.status, failed.decided_by, failed.sent_to_meta_at) == ("failed", "hub", None)
    assert failed.failure == "Meta refused the request: (#100) The display name is not acceptable"
    assert "display_name_request" not in number_item(aws)
    assert pending_index(aws) == []
    assert requested_events(aws) == []

    status, body, _ = ask("Acme Garden Center")

    assert (status, body["status"]) == (201, "pending_review")
    assert page()["changes_used"] == 1


@pytest.mark.parametrize(
    ("fault", "status", "slug"),
    [
        ({"status": 403, "code": 200, "message": "(#200) Permissions error"}, 403, "upstream-forbidden"),
        ({"status": 401, "code": 190, "message": "Invalid OAuth access token"}, 502, "upstream-error"),
    ],
    ids=["meta forbids", "credentials rejected"],
)
def test_meta_refusing_the_hub_fails_the_request_and_frees_the_number(
    aws: AwsWorld, meta: InProcessMeta, fault: dict[str, Any], status: int, slug: str
) -> None:
    meta.fault(**fault)

    code, body, _ = ask("Acme Garden")

    assert code == status
    assert_problem(body, status, slug)
    (failed,) = requests_of(aws)
    assert failed.status is RequestStatus.FAILED
    assert "display_name_request" not in number_item(aws)
    assert requested_events(aws) == []


@pytest.mark.parametrize(
    "fault", [{"status": 503}, {"status": 429, "code": 80007, "retry_after": 600}], ids=["5xx", "throttled"]
)
def test_meta_down_is_202_submitting_and_the_polling_job_sends_it(
    aws: AwsWorld, meta: InProcessMeta, time: FrozenClock, fault: dict[str, Any]
) -> None:
    meta.fault(**fault)

    status, body, _ = ask("Acme Garden")

    assert (status, body["status"]) == (202, "submitting")
    assert meta.state.numbers[ACME_NUMBER].new_display_name is None
    (kept,) = requests_of(aws)
    assert (kept.status, kept.send_attempts, kept.sent_to_meta_at) == ("submitting", 1, None)
    assert number_item(aws)["display_name_request"] == kept.request_id
    assert pending_index(aws) == [f"DISPLAY_NAME#{kept.request_id}"]
    assert requested_events(aws) == []
    shown = page()
    assert (shown["pending"]["status"], shown["edit"]["available"]) == ("submitting", False)
    assert ask("Acme Greenhouse")[0] == 409

    time.now = START + timedelta(minutes=15)
    assert poll(meta, time.now) == {PollOutcome.SENT: 1}

    (sent,) = requests_of(aws)
    assert (sent.status, sent.send_attempts, sent.sent_to_meta_at) == ("pending_review", 2, time.now)
    assert meta.state.numbers[ACME_NUMBER].new_display_name == "Acme Garden"
    assert [e["request_id"] for e in requested_events(aws)] == [kept.request_id]


def test_meta_too_slow_to_answer_is_202_and_the_polling_job_finds_it_under_review_without_sending_again(
    aws: AwsWorld, meta: InProcessMeta, time: FrozenClock
) -> None:
    meta.lose_next_answer()

    status, body, _ = ask("Acme Garden")

    assert (status, body["status"]) == (202, "submitting")
    assert meta.state.numbers[ACME_NUMBER].new_name_status == "PENDING_REVIEW"

    time.now = START + timedelta(minutes=15)
    assert poll(meta, time.now) == {PollOutcome.UPDATED: 1}

    (request,) = requests_of(aws)
    assert (request.status, request.send_attempts, request.decided_by) == ("pending_review", 1, None)
    assert meta.calls == [("POST", ACME_NUMBER), ("GET", ACME_NUMBER)]
    assert len(requested_events(aws)) == 1


def test_a_request_with_no_time_left_to_reach_meta_is_202_and_kept_for_the_polling_job(
    aws: AwsWorld, meta: InProcessMeta, time: FrozenClock
) -> None:
    ticker = Ticker()
    app.dependency_overrides[request_deadline] = lambda: Deadline.after(0.5, clock=ticker)  # less than one attempt

    status, body, _ = ask("Acme Garden")

    assert (status, body["status"]) == (202, "submitting")
    assert meta.calls == []  # no call was started that could not finish
    (kept,) = requests_of(aws)
    assert (kept.status, kept.send_attempts) == ("submitting", 1)
    assert pending_index(aws) == [f"DISPLAY_NAME#{kept.request_id}"]


# ---------------------------------------------------------------- two requests at once


class OpenedMeanwhile(DisplayNamesStore):
    """Another request is recorded between this request's read of the number and its write, once."""

    def __init__(self, aws: AwsWorld, meta: InProcessMeta):
        super().__init__("hub-numbers", aws.dynamodb)
        self._other: DisplayNameDeps | None = DisplayNameDeps(NumbersStore(), DisplayNamesStore(), meta.graph)

    def open(self, number: Number, request: DisplayNameRequest) -> bool:
        if self._other is not None:
            other, self._other = self._other, None
            request_display_name(ACME_NUMBER, DisplayNameChange(display_name="Acme Greenhouse"), ANNA, other, START)
        return super().open(number, request)


def test_of_two_racing_requests_one_is_recorded_and_the_other_is_edit_not_available(
    aws: AwsWorld, meta: InProcessMeta
) -> None:
    deps = DisplayNameDeps(NumbersStore(), OpenedMeanwhile(aws, meta), meta.graph)

    with pytest.raises(DisplayNameEditNotAvailable, match="Acme Greenhouse"):
        request_display_name(ACME_NUMBER, DisplayNameChange(display_name="Acme Garden"), ANNA, deps, START)

    assert [r.display_name for r in requests_of(aws)] == ["Acme Greenhouse"]
    assert number_item(aws)["display_name_requests"] == 1
    assert meta.calls == [("POST", ACME_NUMBER)]
