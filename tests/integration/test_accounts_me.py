"""GET /v1/me: who the caller is, and what the portal shows them."""

from __future__ import annotations

import json
from typing import Any

from hub_accounts.app import handler
from tests.builders import CLIENT_ACME, PARTNER, SUPPORT, AwsWorld, claims_for, context, http_event


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
