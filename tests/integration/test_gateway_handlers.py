"""The handler must not notice it is local: the gateway's events satisfy Powertools, and the real handler answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.parser.models import APIGatewayProxyEventV2Model
from starlette.applications import Starlette
from starlette.testclient import TestClient

from local.functions import invoke
from local.gateway import JwtVerifier, build_gateway, serve
from local.template import http_routes
from tests.builders import (
    APP_CLIENT_ID,
    EMPTY_OPENAPI,
    ISSUER,
    TOKEN_NOW,
    AwsWorld,
    InMemoryJwks,
    a_number,
    bearer,
    jwks,
)


def gateway(invoker: Any) -> Starlette:
    verifier = JwtVerifier(
        "https://jwks.invalid/.well-known/jwks.json",
        ISSUER,
        APP_CLIENT_ID,
        clock=lambda: TOKEN_NOW,
        keys=InMemoryJwks(jwks()),
    )
    return build_gateway(routes=http_routes(), invoke=invoker, verifier=verifier, openapi=lambda: EMPTY_OPENAPI)


@pytest.fixture
def events() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def client(aws: AwsWorld, events: list[dict[str, Any]]) -> Iterator[TestClient]:
    def recording_invoke(function: str, event: dict[str, Any]) -> Any:
        events.append(event)
        return invoke(function, event)

    with TestClient(gateway(recording_invoke), client=("198.51.100.10", 50000)) as test_client:
        yield test_client


def test_the_real_numbers_handler_lists_a_number_through_the_gateway(
    aws: AwsWorld, client: TestClient, events: list[dict[str, Any]]
) -> None:
    aws.add_client("acme")
    number = aws.add_number(a_number("106540352242922", client_id="acme"))

    response = client.get("/v1/numbers", headers=bearer())

    assert response.status_code == 200, response.text
    assert [item["number_id"] for item in response.json()["items"]] == [number.number_id]
    assert response.headers["content-type"] == "application/json"
    (event,) = events
    parsed = APIGatewayProxyEventV2Model.model_validate(event)
    assert parsed.requestContext.authorizer is not None
    assert parsed.requestContext.authorizer.jwt is not None
    assert parsed.requestContext.authorizer.jwt.claims["custom:client_id"] == "acme"
    claims = APIGatewayProxyEventV2(event).request_context.authorizer.jwt_claim
    assert claims["custom:client_id"] == "acme"
    assert claims["sub"] == "user-acme"


def test_the_real_numbers_handler_reads_the_path_parameter_of_the_gateway_event(
    aws: AwsWorld, client: TestClient, events: list[dict[str, Any]]
) -> None:
    aws.add_client("acme")
    aws.add_number(a_number("106540352242922", client_id="acme"))

    found = client.get("/v1/numbers/106540352242922", headers=bearer())
    missing = client.get("/v1/numbers/999", headers=bearer())

    assert found.status_code == 200, found.text
    assert found.json()["number_id"] == "106540352242922"
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert APIGatewayProxyEventV2(events[0]).path_parameters == {"number_id": "106540352242922"}


def test_the_gateway_serves_over_a_socket_until_stopped() -> None:
    served = serve(gateway(lambda function, event: {"statusCode": 204}), "127.0.0.1", 0)
    try:
        with httpx.Client(base_url=served.url, timeout=5) as http:
            assert http.get("/openapi.json").json() == EMPTY_OPENAPI
            assert http.get("/v1/numbers").status_code == 401
            assert http.get("/v1/numbers", headers=bearer()).status_code == 204
    finally:
        served.stop()
    assert not served.thread.is_alive()
