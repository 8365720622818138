"""GET /v1/clients: the clients a caller may act for — support searches every client by name, partners see those
that granted them permissions, client users their own."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hub_accounts.app import handler
from tests.builders import CLIENT_ACME, PARTNER, SUPPORT, AwsWorld, context, http_event


def clients(claims: dict[str, str] | None, **query: str) -> tuple[int, dict[str, Any]]:
    event = http_event("GET", "/v1/clients", claims=claims, query=query or None)
    answer = handler(event, context("AccountsFunction"))
    return answer["statusCode"], json.loads(answer["body"])


def ids(body: dict[str, Any]) -> list[str]:
    return [item["client_id"] for item in body["items"]]


@pytest.fixture
def directory(aws: AwsWorld) -> AwsWorld:
    aws.add_client("acme", name="Acme Retail GmbH")
    aws.add_client("globex", billing_model="partner", partner_id="bluewave", name="Globex Logistics Ltd")
    aws.add_client("initech", billing_model="partner", partner_id="bluewave", name="Initech Inc")
    aws.add_client("globo", name="  GLOBO   Gym ")
    aws.add_client("zeta", name="Acme Zeta")
    return aws


def test_support_lists_every_client_in_name_order(directory: AwsWorld) -> None:
    status, body = clients(SUPPORT)

    assert status == 200
    assert ids(body) == ["acme", "zeta", "globex", "globo", "initech"]
    assert body["items"][2] == {
        "client_id": "globex",
        "name": "Globex Logistics Ltd",
        "billing_model": "partner",
        "partner_id": "bluewave",
    }
    assert body["next_cursor"] is None


@pytest.mark.parametrize(("q", "expected"), [("glob", ["globex", "globo"]), ("GLOBO  g", ["globo"]), ("x", [])])
def test_support_searches_by_a_name_prefix_ignoring_case_and_spacing(
    directory: AwsWorld, q: str, expected: list[str]
) -> None:
    assert ids(clients(SUPPORT, q=q)[1]) == expected


def test_an_exact_client_id_comes_first_and_only_once(directory: AwsWorld) -> None:
    first = clients(SUPPORT, q="acme", limit="1")[1]
    second = clients(SUPPORT, q="acme", limit="1", cursor=first["next_cursor"])[1]

    assert ids(first) == ["acme"]
    assert ids(second) == ["zeta"]  # "Acme Zeta" by name; acme itself is not listed again
    assert second["next_cursor"] is None or ids(clients(SUPPORT, q="acme", cursor=second["next_cursor"])[1]) == []


def test_support_pages_through_the_directory(directory: AwsWorld) -> None:
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        query = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        body = clients(SUPPORT, **query)[1]
        seen += ids(body)
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert seen == ["acme", "zeta", "globex", "globo", "initech"]


def test_a_partner_sees_only_the_clients_that_granted_it_permissions(directory: AwsWorld) -> None:
    directory.grant("globex", "bluewave", "numbers:read")
    directory.grant("initech", "bluewave", "insights:read")
    directory.grant("acme", "otherpartner", "numbers:read")

    assert ids(clients(PARTNER)[1]) == ["globex", "initech"]
    assert ids(clients(PARTNER, q="ini")[1]) == ["initech"]
    assert ids(clients(PARTNER, q="acme")[1]) == []


def test_a_revoked_grant_drops_the_client_from_the_partners_list_at_once(directory: AwsWorld) -> None:
    directory.grant("globex", "bluewave", "numbers:read")
    directory.grant("initech", "bluewave", "numbers:read")
    directory.revoke("initech", "bluewave")

    assert ids(clients(PARTNER)[1]) == ["globex"]


def test_a_partners_list_pages_with_a_cursor(directory: AwsWorld) -> None:
    directory.grant("globex", "bluewave", "numbers:read")
    directory.grant("initech", "bluewave", "numbers:read")

    first = clients(PARTNER, limit="1")[1]
    second = clients(PARTNER, limit="1", cursor=first["next_cursor"])[1]

    assert (ids(first), ids(second), second["next_cursor"]) == (["globex"], ["initech"], None)


def test_a_client_user_sees_its_own_client(directory: AwsWorld) -> None:
    assert ids(clients(CLIENT_ACME)[1]) == ["acme"]
    assert ids(clients(CLIENT_ACME, q="glob")[1]) == []


def test_a_cursor_of_another_search_is_refused(directory: AwsWorld) -> None:
    cursor = clients(SUPPORT, limit="1")[1]["next_cursor"]

    status, body = clients(SUPPORT, q="glob", cursor=cursor)

    assert status == 400
    assert "cursor" in body["detail"]


@pytest.mark.parametrize("query", [{"q": ""}, {"q": "x" * 101}, {"limit": "0"}, {"limit": "101"}, {"cursor": ""}])
def test_bad_queries_are_refused_with_a_problem(directory: AwsWorld, query: dict[str, str]) -> None:
    status, body = clients(SUPPORT, **query)

    assert status in (400, 422)
    assert body["status"] == status
    assert body["errors"][0]["field"] == f"query.{next(iter(query))}"


def test_no_claims_answer_401(aws: AwsWorld) -> None:
    assert clients(None)[0] == 401
