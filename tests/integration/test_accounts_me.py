"""GET /v1/me: who the caller is, and what the portal shows them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from hub_accounts.app import handler
from tests.builders import (
    CLIENT_ACME,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    accounts_call,
    accounts_world,
    assert_problem,
    claims_for,
    context,
    http_event,
    outbox_events,
)


def me(claims: dict[str, str] | None) -> tuple[int, dict[str, Any]]:
    answer = handler(http_event("GET", "/v1/me", claims=claims), context("AccountsFunction"))
    return answer["statusCode"], json.loads(answer["body"])


def test_client_user_sees_its_client_and_billing_model(aws: AwsWorld) -> None:
    aws.add_client("acme")

    status, body = me(CLIENT_ACME)

    assert status == 200
    assert body["role"] == "client"
    assert body["client"] == {
        "client_id": "acme",
        "name": "Acme Ltd",
        "billing_model": "direct",
        "partner_id": None,
        "prepaid": True,
    }
    assert body["grants"] == []


def test_partner_user_sees_each_clients_grants(aws: AwsWorld) -> None:
    aws.add_client("globex", billing_model="partner", partner_id="bluewave")
    aws.grant("globex", "bluewave", "templates:write", "numbers:read")
    aws.grant("initech", "bluewave", "insights:read")

    status, body = me(PARTNER)

    assert status == 200
    assert body["role"] == "partner"
    assert body["partner_id"] == "bluewave"
    assert body["client"] is None
    assert body["grants"] == [
        {"client_id": "globex", "scopes": ["numbers:read", "templates:write"]},
        {"client_id": "initech", "scopes": ["insights:read"]},
    ]


def test_support_agent_has_no_tenant(aws: AwsWorld) -> None:
    status, body = me(SUPPORT)

    assert (status, body["role"], body["client"], body["grants"]) == (200, "support", None, [])


def test_client_without_an_account_record_answers_404(aws: AwsWorld) -> None:
    status, body = me(claims_for(client_id="ghost"))

    assert status == 404
    assert body["type"].endswith("/not-found")


def test_no_claims_answer_401(aws: AwsWorld) -> None:
    assert me(None)[0] == 401


@pytest.fixture
def world(aws: AwsWorld) -> Iterator[AwsWorld]:
    aws.add_client("acme")
    with accounts_world(FrozenClock()):
        yield aws


def test_a_user_chooses_a_username_that_the_portal_shows_from_then_on(world: AwsWorld) -> None:
    assert me(CLIENT_ACME)[1]["username"] is None

    status, body = accounts_call("PATCH", "/v1/me", CLIENT_ACME, body={"username": "  Anna Admin "})

    assert (status, body["username"], body["client"]["client_id"]) == (200, "Anna Admin", "acme")
    assert me(CLIENT_ACME)[1]["username"] == "Anna Admin"
    (event,) = outbox_events(world.table_items("hub-accounts"), "UsernameChanged")
    assert (event["client_id"], event["previous"], event["username"]) == ("acme", None, "Anna Admin")
    assert accounts_call("PATCH", "/v1/me", CLIENT_ACME, body={"username": "Anna"})[1]["username"] == "Anna"
    changes = {
        (e["previous"], e["username"]) for e in outbox_events(world.table_items("hub-accounts"), "UsernameChanged")
    }
    assert changes == {(None, "Anna Admin"), ("Anna Admin", "Anna")}


def test_the_same_username_again_changes_nothing(world: AwsWorld) -> None:
    accounts_call("PATCH", "/v1/me", PARTNER, body={"username": "Pat"})
    before = world.items_in_key_order("hub-accounts")

    status, body = accounts_call("PATCH", "/v1/me", PARTNER, body={"username": "Pat"})

    assert (status, body["username"], body["role"]) == (200, "Pat", "partner")
    assert world.items_in_key_order("hub-accounts") == before


@pytest.mark.parametrize(
    "body",
    [
        {"username": ""},
        {"username": "   "},
        {"username": "x" * 65},
        {"username": 7},
        {},
        {"username": "A", "email": "a@b.c"},
    ],
    ids=["empty", "blank", "too-long", "not-text", "missing", "another-field"],
)
def test_a_username_that_is_no_name_is_refused_and_nothing_changes(world: AwsWorld, body: dict[str, Any]) -> None:
    before = world.items_in_key_order("hub-accounts")

    status, problem = accounts_call("PATCH", "/v1/me", CLIENT_ACME, body=body)

    assert status == 422
    assert_problem(problem, 422, "validation-failed")
    assert world.items_in_key_order("hub-accounts") == before
