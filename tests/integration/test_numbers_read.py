"""GET /v1/numbers and GET /v1/numbers/{number_id}: handler → use case → DynamoDB (moto, tables from the template)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from hub_numbers.app import handler
from hub_numbers.deps import numbers_store
from hub_numbers.models.numbers import AccountStatus
from tests.builders import (
    CLIENT_ACME,
    CLIENT_GLOBEX,
    PARTNER,
    SUPPORT,
    AwsWorld,
    a_number,
    claims_for,
    context,
    http_event,
)

ROUTE_ONE = "/v1/numbers/{number_id}"


def call(event: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    answer = handler(event, context("NumbersFunction"))
    return answer["statusCode"], json.loads(answer["body"]), answer.get("headers", {})


def list_numbers(claims: dict[str, str] | None, **query: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    return call(http_event("GET", "/v1/numbers", claims=claims, query=query or None))


def get_number(claims: dict[str, str] | None, number_id: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    return call(
        http_event(
            "GET", f"/v1/numbers/{number_id}", route=ROUTE_ONE, claims=claims, path_parameters={"number_id": number_id}
        )
    )


def ids(body: dict[str, Any]) -> list[str]:
    return [item["number_id"] for item in body["items"]]


def all_pages(claims: dict[str, str], **query: str) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(20):
        params = dict(query, **({"cursor": cursor} if cursor else {}))
        status, body, _ = list_numbers(claims, **params)
        assert status == 200, body
        seen.extend(ids(body))
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("pagination did not end")


@pytest.fixture
def world(aws: AwsWorld) -> AwsWorld:
    """acme (direct, 3 numbers), globex (partner-paid via bluewave, granted numbers:read, 2 numbers),
    initech (partner-paid via bluewave, granted nothing, 1 number)."""
    aws.add_client("acme")
    aws.add_client("globex", billing_model="partner", partner_id="bluewave")
    aws.add_client("initech", billing_model="partner", partner_id="bluewave")
    aws.grant("globex", "bluewave", "numbers:read", "templates:read")
    aws.grant("initech", "bluewave", "templates:read")
    aws.add_number(a_number("1003", "acme", digits="3000003"))
    aws.add_number(a_number("1001", "acme", digits="1000001"))
    aws.add_number(a_number("1002", "acme", digits="2000002", account_status=AccountStatus.PENDING_DELETION))
    aws.add_number(a_number("2001", "globex", digits="5000001", waba_id="104996122399160"))
    aws.add_number(a_number("2002", "globex", digits="5000002", waba_id="104996122399160"))
    aws.add_number(a_number("3001", "initech", digits="7000001", waba_id="109822714420117"))
    return aws


@pytest.fixture
def dynamodb_calls(world: AwsWorld) -> Iterator[list[str]]:
    """The DynamoDB operations the numbers function sends (recorded on its own client)."""
    calls: list[str] = []
    client = numbers_store()._client
    client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    yield calls


# ------------------------------------------------------------------ who sees what


def test_client_lists_only_its_own_numbers_ordered_by_phone_number(world: AwsWorld) -> None:
    status, body, headers = list_numbers(CLIENT_ACME)

    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert ids(body) == ["1001", "1002", "1003"]
    assert body["next_cursor"] is None
    assert {item["client_id"] for item in body["items"]} == {"acme"}


def test_number_view_carries_every_field_of_the_numbers_page(world: AwsWorld) -> None:
    deletion = datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC)
    world.add_number(
        a_number("1009", "acme", digits="9000009", account_status=AccountStatus.PENDING_DELETION, deletion_at=deletion)
    )

    status, body, _ = get_number(CLIENT_ACME, "1009")

    assert status == 200
    assert body["phone_number"] == "+491519000009"
    assert body["display_phone_number"] == "+49 151 9000009"
    assert body["account_status"] == "pending_deletion"
    assert body["display_name"] == "Acme Retail"
    assert body["display_name_status"] == "APPROVED"
    assert body["quality_rating"] == "GREEN"
    assert body["messaging_limit"] == "TIER_1K"
    assert body["hosting_platform"] == "CLOUD_API"
    assert body["registration_status"] == "PENDING"
    assert body["waba_id"] == "102290129340398"
    assert body["deletion_at"] == "2026-11-30T23:59:59.999999Z"
    assert {a["name"] for a in body["actions"]} == {
        "manage",
        "cancel",
        "withdraw_cancellation",
        "activate_inbox",
        "edit_display_name",
        "signals",
    }


def test_another_tenants_number_answers_404_as_problem_json(world: AwsWorld) -> None:
    status, body, headers = get_number(CLIENT_GLOBEX, "1001")

    assert status == 404
    assert headers["Content-Type"] == "application/problem+json"
    assert body["type"].endswith("/not-found")
    assert body["status"] == 404
    assert body["title"] == "Not found"
    assert "1001" in body["detail"]


def test_unknown_number_and_foreign_number_answer_the_same(world: AwsWorld) -> None:
    _, unknown, _ = get_number(CLIENT_GLOBEX, "999999")
    _, foreign, _ = get_number(CLIENT_GLOBEX, "1001")

    assert {k: v for k, v in unknown.items() if k != "detail"} == {k: v for k, v in foreign.items() if k != "detail"}


def test_client_asking_for_another_clients_numbers_gets_404(world: AwsWorld) -> None:
    status, body, _ = list_numbers(CLIENT_ACME, client_id="globex")

    assert status == 404
    assert body["type"].endswith("/not-found")


def test_partner_sees_numbers_of_clients_that_granted_numbers_read_only(world: AwsWorld) -> None:
    status, body, _ = list_numbers(PARTNER)

    assert status == 200
    assert ids(body) == ["2001", "2002"]


def test_partner_without_the_grant_gets_404_for_that_clients_number_and_list(world: AwsWorld) -> None:
    assert get_number(PARTNER, "3001")[0] == 404
    assert list_numbers(PARTNER, client_id="initech")[0] == 404
    assert get_number(PARTNER, "2001")[0] == 200


def test_partner_with_no_grants_at_all_sees_an_empty_list(world: AwsWorld) -> None:
    status, body, _ = list_numbers(claims_for(partner_id="lonely"))

    assert (status, body) == (200, {"items": [], "next_cursor": None})


def test_revoking_a_grant_takes_effect_on_the_next_request(world: AwsWorld) -> None:
    assert get_number(PARTNER, "2001")[0] == 200

    world.revoke("globex", "bluewave")

    assert get_number(PARTNER, "2001")[0] == 404
    assert list_numbers(PARTNER)[1]["items"] == []


def test_support_sees_every_clients_numbers_and_can_filter_by_client(world: AwsWorld) -> None:
    assert ids(list_numbers(SUPPORT)[1]) == ["1001", "1002", "1003", "2001", "2002", "3001"]
    assert ids(list_numbers(SUPPORT, client_id="initech")[1]) == ["3001"]
    assert get_number(SUPPORT, "2002")[0] == 200


def test_status_filter_returns_only_numbers_in_that_status(world: AwsWorld) -> None:
    assert ids(list_numbers(CLIENT_ACME, status="pending_deletion")[1]) == ["1002"]
    assert ids(list_numbers(SUPPORT, status="running")[1]) == ["1001", "1003", "2001", "2002", "3001"]


# ------------------------------------------------------------------ actions


def _actions(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["name"]: a for a in body["actions"]}


def test_client_may_cancel_a_running_number_and_signals_is_shown_but_not_available(world: AwsWorld) -> None:
    actions = _actions(get_number(CLIENT_ACME, "1001")[1])

    assert actions["manage"]["available"] is True
    assert actions["cancel"]["available"] is True
    assert actions["activate_inbox"]["available"] is True
    assert actions["signals"] == {"name": "signals", "available": False, "reason": "Signals is not available yet."}
    assert "withdraw_cancellation" not in actions


def test_partner_may_not_cancel_and_partner_paid_clients_have_no_inbox_action(world: AwsWorld) -> None:
    actions = _actions(get_number(PARTNER, "2001")[1])

    assert actions["cancel"] == {
        "name": "cancel",
        "available": False,
        "reason": "Partners cannot cancel a number for a client.",
    }
    assert "activate_inbox" not in actions


def test_cancelled_number_offers_withdrawal_not_a_second_cancellation(world: AwsWorld) -> None:
    actions = _actions(get_number(CLIENT_ACME, "1002")[1])

    assert actions["withdraw_cancellation"]["available"] is True
    assert actions["cancel"]["available"] is False
    assert actions["activate_inbox"]["available"] is False


def test_support_sees_client_actions_as_unavailable(world: AwsWorld) -> None:
    actions = _actions(get_number(SUPPORT, "1001")[1])

    assert actions["cancel"]["available"] is False
    assert actions["cancel"]["reason"] == "Only the client can cancel a number."


# ------------------------------------------------------------------ pagination


def test_pages_cover_every_number_once_in_order(world: AwsWorld) -> None:
    for n in range(7):
        world.add_number(a_number(f"40{n}", "acme", digits=f"80000{n:02d}"))

    pages = all_pages(CLIENT_ACME, limit="2")

    assert pages == ["1001", "1002", "1003", *(f"40{n}" for n in range(7))]


def test_partner_pages_run_across_clients(world: AwsWorld) -> None:
    world.grant("initech", "bluewave", "numbers:read")

    assert all_pages(PARTNER, limit="1") == ["2001", "2002", "3001"]


def test_support_pages_with_a_status_filter(world: AwsWorld) -> None:
    assert all_pages(SUPPORT, limit="2", status="running") == ["1001", "1003", "2001", "2002", "3001"]


def test_full_page_ends_with_a_cursor_to_the_rest(world: AwsWorld) -> None:
    status, body, _ = list_numbers(CLIENT_ACME, limit="2")

    assert status == 200
    assert ids(body) == ["1001", "1002"]
    assert body["next_cursor"]
    assert ids(list_numbers(CLIENT_ACME, limit="2", cursor=body["next_cursor"])[1]) == ["1003"]


# ------------------------------------------------------------------ bad input


def _first_cursor(claims: dict[str, str], **query: str) -> str:
    cursor = list_numbers(claims, limit="1", **query)[1]["next_cursor"]
    assert isinstance(cursor, str)
    return cursor


def _tamper(cursor: str) -> str:
    body, mac = cursor.split(".")
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[-3] ^= 1
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode() + "." + mac


@pytest.mark.parametrize(
    "make_cursor",
    [
        pytest.param(_tamper, id="tampered-payload"),
        pytest.param(lambda c: c[:-4], id="truncated-signature"),
        pytest.param(lambda c: "not-a-cursor", id="garbage"),
        pytest.param(lambda c: c.replace(".", ""), id="no-separator"),
        pytest.param(lambda c: "%%%.%%%", id="not-base64"),
    ],
)
def test_bad_cursor_answers_400_problem(world: AwsWorld, make_cursor: Any) -> None:
    cursor = make_cursor(_first_cursor(CLIENT_ACME))

    status, body, headers = list_numbers(CLIENT_ACME, cursor=cursor)

    assert status == 400
    assert headers["Content-Type"] == "application/problem+json"
    assert body["type"].endswith("/invalid-cursor")


def test_cursor_of_another_query_or_caller_is_refused(world: AwsWorld) -> None:
    cursor = _first_cursor(SUPPORT)

    assert list_numbers(SUPPORT, cursor=cursor, status="running")[0] == 400
    assert list_numbers(CLIENT_ACME, cursor=cursor)[0] == 400


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "query.limit"),
        ({"limit": "101"}, "query.limit"),
        ({"limit": "many"}, "query.limit"),
        ({"status": "bogus"}, "query.status"),
        ({"status": "RUNNING"}, "query.status"),
        ({"client_id": "acme;drop"}, "query.client_id"),
        ({"client_id": "x" * 65}, "query.client_id"),
        ({"cursor": "x" * 3000}, "query.cursor"),
    ],
)
def test_invalid_query_answers_422_pointing_at_the_field_and_reads_nothing(
    world: AwsWorld, dynamodb_calls: list[str], query: dict[str, str], field: str
) -> None:
    status, body, headers = list_numbers(CLIENT_ACME, **query)

    assert status == 422
    assert headers["Content-Type"] == "application/problem+json"
    assert body["type"].endswith("/validation-failed")
    assert [e["field"] for e in body["errors"]] == [field]
    assert dynamodb_calls == []


@pytest.mark.parametrize("number_id", ["abc", "12 34", "1" * 21, "1001;x", "-1"])
def test_malformed_number_id_answers_422_and_reads_nothing(
    world: AwsWorld, dynamodb_calls: list[str], number_id: str
) -> None:
    status, body, _ = get_number(CLIENT_ACME, number_id)

    assert status == 422
    assert body["errors"][0]["field"] == "path.number_id"
    assert dynamodb_calls == []


def test_request_without_claims_answers_401(world: AwsWorld, dynamodb_calls: list[str]) -> None:
    status, body, headers = list_numbers(None)

    assert status == 401
    assert headers["Content-Type"] == "application/problem+json"
    assert body["type"].endswith("/unauthorized")
    assert dynamodb_calls == []


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param(claims_for(), id="no-role"),
        pytest.param(claims_for(client_id="acme", partner_id="bluewave"), id="client-and-partner"),
        pytest.param(claims_for(client_id="acme/../globex"), id="malformed-client-id"),
        pytest.param(claims_for(partner_id="blue wave"), id="malformed-partner-id"),
        pytest.param(claims_for(groups="[admins]"), id="unknown-group-only"),
    ],
)
def test_malformed_claims_answer_403_and_read_nothing(
    world: AwsWorld, dynamodb_calls: list[str], claims: dict[str, str]
) -> None:
    status, body, _ = list_numbers(claims)

    assert status == 403
    assert body["type"].endswith("/invalid-principal")
    assert dynamodb_calls == []


def test_unknown_route_answers_404_problem(world: AwsWorld) -> None:
    status, body, headers = call(http_event("GET", "/v1/nope", claims=CLIENT_ACME))

    assert status == 404
    assert headers["Content-Type"] == "application/problem+json"
    assert body["detail"] == "No such route."


def test_list_uses_queries_never_a_scan(world: AwsWorld, dynamodb_calls: list[str]) -> None:
    list_numbers(SUPPORT)
    list_numbers(PARTNER)
    list_numbers(CLIENT_ACME, status="running")
    get_number(CLIENT_ACME, "1001")

    assert "Scan" not in dynamodb_calls
    assert "Query" in dynamodb_calls
