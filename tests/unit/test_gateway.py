"""The local HTTP API gateway: payload 2.0 events, the JWT authorizer, response translation, CORS and docs."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from aws_lambda_powertools.utilities.parser.models import APIGatewayProxyEventV2Model
from starlette.responses import PlainTextResponse
from starlette.routing import Route, Router
from starlette.testclient import TestClient

from local.gateway import Cors, JwtVerifier, authorizer_claims, build_gateway, template_cors
from local.portal import PortalSite, portal_config
from local.template import HttpRoute
from tests.builders import (
    APP_CLIENT_ID,
    EMPTY_OPENAPI,
    ISSUER,
    KID,
    SOURCE_IP,
    TOKEN_NOW,
    InMemoryJwks,
    bearer,
    id_claims,
    jwks,
    other_key,
    signed_token,
)

ROUTES = [
    HttpRoute("NumbersFunction", "hub_numbers.app.handler", "GET", "/v1/numbers", True),
    HttpRoute("NumbersFunction", "hub_numbers.app.handler", "GET", "/v1/numbers/{number_id}", True),
    HttpRoute("SearchFunction", "hub_search.app.handler", "GET", "/v1/numbers/search", True),
    HttpRoute("UploadsFunction", "hub_uploads.app.handler", "POST", "/v1/uploads", True),
    HttpRoute("FilesFunction", "hub_files.app.handler", "ANY", "/v1/files/{proxy+}", True),
    HttpRoute("WebhooksFunction", "hub_webhooks.app.handler", "POST", "/v1/webhooks/meta", False),
]


class RecordingInvoker:
    """Stands in for the functions: records every event and answers `answer` (or raises it)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answer: Any = {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": "{}"}

    def __call__(self, function: str, event: dict[str, Any]) -> Any:
        self.calls.append((function, event))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    @property
    def event(self) -> dict[str, Any]:
        assert len(self.calls) == 1
        return self.calls[0][1]


@pytest.fixture
def invoker() -> RecordingInvoker:
    return RecordingInvoker()


@pytest.fixture
def keys() -> InMemoryJwks:
    return InMemoryJwks(jwks())


@pytest.fixture
def make_client(invoker: RecordingInvoker, keys: InMemoryJwks) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(**options: Any) -> TestClient:
        verifier = JwtVerifier(
            "https://jwks.invalid/.well-known/jwks.json", ISSUER, APP_CLIENT_ID, clock=lambda: TOKEN_NOW, keys=keys
        )
        app = build_gateway(
            routes=ROUTES,
            invoke=invoker,
            verifier=verifier,
            openapi=lambda: EMPTY_OPENAPI,
            clock=lambda: TOKEN_NOW,
            **options,
        )
        client = TestClient(app, client=(SOURCE_IP, 41000))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


# ---------------------------------------------------------------- the event


def test_a_request_becomes_the_payload_format_2_event_api_gateway_sends(
    client: TestClient, invoker: RecordingInvoker
) -> None:
    headers = [
        ("Authorization", f"Bearer {signed_token()}"),
        ("User-Agent", "portal/1.0"),
        ("X-Tag", "one"),
        ("X-Tag", "two"),
        ("Cookie", "session=abc; theme=dark"),
    ]
    client.get("/v1/numbers/106540352242922?status=running&tag=a&tag=b&empty=", headers=headers)

    function, event = invoker.calls[0]
    context = event["requestContext"]
    assert function == "NumbersFunction"
    assert event["version"] == "2.0"
    assert event["routeKey"] == context["routeKey"] == "GET /v1/numbers/{number_id}"
    assert event["rawPath"] == context["http"]["path"] == "/v1/numbers/106540352242922"
    assert event["rawQueryString"] == "status=running&tag=a&tag=b&empty="
    assert event["queryStringParameters"] == {"status": "running", "tag": "a,b", "empty": ""}
    assert event["pathParameters"] == {"number_id": "106540352242922"}
    assert event["cookies"] == ["session=abc", "theme=dark"]
    assert event["headers"]["x-tag"] == "one,two"
    assert event["headers"]["user-agent"] == "portal/1.0"
    assert event["headers"]["x-forwarded-for"] == SOURCE_IP
    assert event["headers"]["x-forwarded-proto"] == "http"
    assert "cookie" not in event["headers"]
    assert all(name == name.lower() for name in event["headers"])
    assert event["isBase64Encoded"] is False
    assert "body" not in event
    assert "stageVariables" not in event
    assert context["accountId"] == "123456789012"
    assert context["apiId"]
    assert context["domainName"] == "testserver"
    assert context["domainPrefix"] == "testserver"
    assert context["http"] == {
        "method": "GET",
        "path": "/v1/numbers/106540352242922",
        "protocol": "HTTP/1.1",
        "sourceIp": SOURCE_IP,
        "userAgent": "portal/1.0",
    }
    assert context["stage"] == "$default"
    assert context["time"] == "14/Nov/2023:22:13:20 +0000"
    assert context["timeEpoch"] == 1_700_000_000_000
    assert context["authorizer"]["jwt"]["scopes"] is None
    APIGatewayProxyEventV2Model.model_validate(event)


def test_a_request_without_query_cookies_or_path_parameters_leaves_those_keys_out(
    client: TestClient, invoker: RecordingInvoker
) -> None:
    client.get("/v1/numbers", headers=bearer())

    event = invoker.event
    assert event["rawQueryString"] == ""
    assert not {"queryStringParameters", "pathParameters", "cookies", "body"} & event.keys()


def test_path_parameters_are_url_decoded_and_the_raw_path_is_not(client: TestClient, invoker: RecordingInvoker) -> None:
    client.get("/v1/numbers/a%20b%2Fc", headers=bearer())

    assert invoker.event["rawPath"] == "/v1/numbers/a%20b%2Fc"
    assert invoker.event["pathParameters"] == {"number_id": "a b/c"}


def test_a_path_parameter_with_an_encoded_newline_reaches_the_function(
    client: TestClient, invoker: RecordingInvoker
) -> None:
    """API Gateway matches `{number_id}` on any segment; Starlette's `{path:path}` stops at a newline (fuzzing found
    its text/plain 404 answered instead)."""
    response = client.get("/v1/numbers/a%0Ab", headers=bearer())

    assert response.status_code == 200
    assert invoker.event["pathParameters"] == {"number_id": "a\nb"}


def test_an_unknown_path_with_an_encoded_newline_answers_404_like_api_gateway(
    client: TestClient, invoker: RecordingInvoker
) -> None:
    response = client.get("/v1/nothing%0A", headers=bearer())

    assert (response.status_code, response.content) == (404, b'{"message":"Not Found"}')
    assert invoker.calls == []


def test_a_literal_path_wins_over_a_path_parameter(client: TestClient, invoker: RecordingInvoker) -> None:
    client.get("/v1/numbers/search", headers=bearer())

    assert invoker.calls[0][0] == "SearchFunction"
    assert invoker.event["routeKey"] == "GET /v1/numbers/search"


def test_a_greedy_path_parameter_on_an_any_route_takes_the_rest_of_the_path(
    client: TestClient, invoker: RecordingInvoker
) -> None:
    client.delete("/v1/files/a/b.pdf", headers=bearer())

    assert invoker.event["routeKey"] == "ANY /v1/files/{proxy+}"
    assert invoker.event["pathParameters"] == {"proxy": "a/b.pdf"}


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "text/plain", "application/xml"]
)
def test_a_text_body_is_passed_as_text(client: TestClient, invoker: RecordingInvoker, content_type: str) -> None:
    client.post("/v1/uploads", content=b'{"name": "caf\xc3\xa9"}', headers={**bearer(), "Content-Type": content_type})

    assert invoker.event["body"] == '{"name": "café"}'
    assert invoker.event["isBase64Encoded"] is False


@pytest.mark.parametrize("content_type", ["application/octet-stream", "application/x-www-form-urlencoded", None])
def test_any_other_body_is_passed_base64_encoded(
    client: TestClient, invoker: RecordingInvoker, content_type: str | None
) -> None:
    headers = bearer() | ({"Content-Type": content_type} if content_type else {})
    client.post("/v1/uploads", content=b"\x00\xffa=1", headers=headers)

    assert invoker.event["isBase64Encoded"] is True
    assert base64.b64decode(invoker.event["body"]) == b"\x00\xffa=1"


def test_a_named_stage_prefixes_the_path_and_is_stripped_before_matching(
    make_client: Callable[..., TestClient], invoker: RecordingInvoker
) -> None:
    client = make_client(stage="prod")

    assert client.get("/v1/numbers", headers=bearer()).status_code == 404
    client.get("/prod/v1/numbers", headers=bearer())

    assert invoker.event["rawPath"] == "/prod/v1/numbers"
    assert invoker.event["routeKey"] == "GET /v1/numbers"
    assert invoker.event["requestContext"]["stage"] == "prod"


# ---------------------------------------------------------------- claims


def test_claims_arrive_as_the_jwt_authorizer_passes_them_for_a_cognito_id_token(
    client: TestClient, invoker: RecordingInvoker
) -> None:
    client.get("/v1/numbers", headers=bearer(id_claims(**{"cognito:groups": ["support"]})))

    claims = invoker.event["requestContext"]["authorizer"]["jwt"]["claims"]
    assert claims == {
        "sub": "user-acme",
        "aud": APP_CLIENT_ID,
        "iss": ISSUER,
        "token_use": "id",
        "email": "ops@acme.example",
        "email_verified": "true",
        "custom:client_id": "acme",
        "cognito:groups": "[support]",
        "auth_time": str(int(TOKEN_NOW) - 60),
        "iat": str(int(TOKEN_NOW) - 60),
        "exp": str(int(TOKEN_NOW) + 3600),
    }


def test_claim_values_are_rendered_as_strings_and_nulls_are_left_out() -> None:
    rendered = authorizer_claims(
        {"groups": ["a", "b"], "no": False, "n": 1.0, "ratio": 0.5, "extra": {"k": 1}, "gone": None}
    )

    assert rendered == {"groups": "[a b]", "no": "false", "n": "1", "ratio": "0.5", "extra": '{"k":1}'}


# ---------------------------------------------------------------- the authorizer


def rejected(client: TestClient, invoker: RecordingInvoker, headers: dict[str, str]) -> None:
    response = client.get("/v1/numbers", headers=headers)
    assert response.status_code == 401
    assert response.content == b'{"message":"Unauthorized"}'
    assert invoker.calls == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": f"Basic {base64.b64encode(b'user:pass').decode()}"},
    ],
    ids=["no header", "empty", "empty bearer", "garbage", "basic"],
)
def test_a_missing_or_malformed_token_answers_401_without_invoking(
    client: TestClient, invoker: RecordingInvoker, headers: dict[str, str]
) -> None:
    rejected(client, invoker, headers)


@pytest.mark.parametrize(
    "claims",
    [
        id_claims(exp=int(TOKEN_NOW)),
        id_claims(exp=None),
        id_claims(exp="tomorrow"),
        id_claims(nbf=int(TOKEN_NOW) + 60),
        id_claims(iat=int(TOKEN_NOW) + 60),
        id_claims(aud="another-client"),
        id_claims(aud=None),
        id_claims(iss="https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_other"),
        id_claims(iss=None),
    ],
    ids=[
        "expired",
        "no exp",
        "exp not a number",
        "not yet valid",
        "issued in the future",
        "wrong audience",
        "no audience",
        "wrong issuer",
        "no issuer",
    ],
)
def test_a_token_with_unacceptable_claims_answers_401(
    client: TestClient, invoker: RecordingInvoker, claims: dict[str, Any]
) -> None:
    rejected(client, invoker, bearer(claims))


def test_a_token_signed_by_another_key_answers_401(client: TestClient, invoker: RecordingInvoker) -> None:
    rejected(client, invoker, {"Authorization": f"Bearer {signed_token(key=other_key())}"})


def test_a_token_whose_kid_is_not_in_the_jwks_answers_401(client: TestClient, invoker: RecordingInvoker) -> None:
    rejected(client, invoker, {"Authorization": f"Bearer {signed_token(kid='unknown')}"})


def test_an_hs256_token_answers_401(client: TestClient, invoker: RecordingInvoker) -> None:
    forged = signed_token(key="a-shared-secret-of-at-least-32-bytes!", algorithm="HS256")
    rejected(client, invoker, {"Authorization": f"Bearer {forged}"})


def test_an_unsigned_token_answers_401(client: TestClient, invoker: RecordingInvoker) -> None:
    unsigned = jwt.encode(id_claims(), "", algorithm="none", headers={"kid": KID})
    rejected(client, invoker, {"Authorization": f"Bearer {unsigned}"})


def test_a_bare_token_without_the_bearer_prefix_is_accepted(client: TestClient, invoker: RecordingInvoker) -> None:
    assert client.get("/v1/numbers", headers={"Authorization": signed_token()}).status_code == 200
    assert len(invoker.calls) == 1


def test_an_access_token_is_accepted_by_its_client_id_when_it_has_no_audience(
    client: TestClient, invoker: RecordingInvoker
) -> None:
    access = id_claims(aud=None, client_id=APP_CLIENT_ID, token_use="access", scope="aws.cognito.signin.user.admin")

    assert client.get("/v1/numbers", headers=bearer(access)).status_code == 200


def test_the_audience_is_checked_before_the_client_id(client: TestClient, invoker: RecordingInvoker) -> None:
    rejected(client, invoker, bearer(id_claims(aud="another-client", client_id=APP_CLIENT_ID)))


def test_an_audience_list_naming_the_app_client_is_accepted(client: TestClient, invoker: RecordingInvoker) -> None:
    assert client.get("/v1/numbers", headers=bearer(id_claims(aud=["other", APP_CLIENT_ID]))).status_code == 200


def test_leeway_accepts_a_token_that_expired_within_it(keys: InMemoryJwks) -> None:
    verifier = JwtVerifier(
        "https://jwks.invalid/jwks.json", ISSUER, [APP_CLIENT_ID], leeway=30, clock=lambda: TOKEN_NOW, keys=keys
    )

    assert verifier.verify(signed_token(id_claims(exp=int(TOKEN_NOW) - 10)))["sub"] == "user-acme"


def test_the_jwks_is_fetched_once_and_then_cached(client: TestClient, keys: InMemoryJwks) -> None:
    for _ in range(3):
        assert client.get("/v1/numbers", headers=bearer()).status_code == 200

    assert keys.fetches == 1


def test_a_public_route_is_invoked_without_a_token_and_without_an_authorizer(
    client: TestClient, invoker: RecordingInvoker
) -> None:
    response = client.post("/v1/webhooks/meta", json={"object": "whatsapp_business_account"})

    assert response.status_code == 200
    assert invoker.calls[0][0] == "WebhooksFunction"
    assert "authorizer" not in invoker.event["requestContext"]


# ---------------------------------------------------------------- routing


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/nothing"), ("POST", "/v1/numbers"), ("GET", "/v1/numbers/"), ("HEAD", "/v1/numbers")],
    ids=["unknown path", "other method", "trailing slash", "head"],
)
def test_an_unknown_route_answers_404_like_api_gateway(
    client: TestClient, invoker: RecordingInvoker, method: str, path: str
) -> None:
    response = client.request(method, path, headers=bearer())

    assert response.status_code == 404
    if method != "HEAD":
        assert response.content == b'{"message":"Not Found"}'
    assert invoker.calls == []


# ---------------------------------------------------------------- responses


def test_the_handler_answer_becomes_the_http_response(client: TestClient, invoker: RecordingInvoker) -> None:
    invoker.answer = {
        "statusCode": 201,
        "headers": {"Content-Type": "application/problem+json", "X-Count": 3},
        "cookies": ["a=1; Path=/", "b=2; HttpOnly"],
        "body": '{"created": true}',
        "isBase64Encoded": False,
    }

    response = client.get("/v1/numbers", headers=bearer())

    assert response.status_code == 201
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-count"] == "3"
    assert response.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; HttpOnly"]
    assert response.json() == {"created": True}
    assert response.headers["apigw-requestid"] == invoker.event["requestContext"]["requestId"]


def test_a_base64_answer_is_decoded(client: TestClient, invoker: RecordingInvoker) -> None:
    invoker.answer = {"statusCode": 200, "body": base64.b64encode(b"\x89PNG").decode(), "isBase64Encoded": True}

    assert client.get("/v1/numbers", headers=bearer()).content == b"\x89PNG"


@pytest.mark.parametrize(
    ("answer", "body"),
    [({"items": []}, {"items": []}), ([1, 2], [1, 2]), (None, None)],
    ids=["dict", "list", "null"],
)
def test_an_answer_without_status_code_is_200_json(
    client: TestClient, invoker: RecordingInvoker, answer: Any, body: Any
) -> None:
    invoker.answer = answer

    response = client.get("/v1/numbers", headers=bearer())

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == body


def test_a_string_answer_is_the_body_as_is(client: TestClient, invoker: RecordingInvoker) -> None:
    invoker.answer = "Hello from Lambda!"

    response = client.get("/v1/numbers", headers=bearer())

    assert (response.status_code, response.text) == (200, "Hello from Lambda!")


@pytest.mark.parametrize(
    "answer",
    [RuntimeError("boom"), {"statusCode": "200", "body": ""}, {"statusCode": 200, "body": {"not": "a string"}}],
    ids=["raises", "status code not an int", "body not a string"],
)
def test_a_failing_or_unusable_answer_is_500(client: TestClient, invoker: RecordingInvoker, answer: Any) -> None:
    invoker.answer = answer

    response = client.get("/v1/numbers", headers=bearer())

    assert response.status_code == 500
    assert response.content == b'{"message":"Internal Server Error"}'


# ---------------------------------------------------------------- CORS


def preflight(client: TestClient, origin: str) -> Any:
    return client.options(
        "/v1/numbers",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization, idempotency-key",
        },
    )


@pytest.mark.parametrize("origin", ["http://localhost:5173", "http://127.0.0.1:8000", "http://localhost"])
def test_a_preflight_from_a_local_origin_is_answered_from_the_template_cors_configuration(
    client: TestClient, invoker: RecordingInvoker, origin: str
) -> None:
    response = preflight(client, origin)

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-max-age"] == "600"
    assert {"GET", "POST", "DELETE"} <= set(response.headers["access-control-allow-methods"].split(", "))
    assert "idempotency-key" in response.headers["access-control-allow-headers"].lower()
    assert invoker.calls == []


def test_a_preflight_from_another_origin_is_not_allowed(client: TestClient) -> None:
    response = preflight(client, "https://evil.example")

    assert "access-control-allow-origin" not in response.headers


def test_a_configured_portal_origin_is_allowed(make_client: Callable[..., TestClient]) -> None:
    client = make_client(cors=template_cors("https://portal.example"))

    assert (
        preflight(client, "https://portal.example").headers["access-control-allow-origin"] == "https://portal.example"
    )


def test_a_cors_configuration_without_local_origins_refuses_them(make_client: Callable[..., TestClient]) -> None:
    client = make_client(cors=Cors(allow_origins=("https://portal.example",), allow_origin_regex=None))

    assert "access-control-allow-origin" not in preflight(client, "http://localhost:5173").headers


def test_an_answer_to_a_local_origin_carries_the_allow_origin_header(client: TestClient) -> None:
    response = client.get("/v1/numbers", headers={**bearer(), "Origin": "http://localhost:5173"})

    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"


# ---------------------------------------------------------------- local only


def test_the_openapi_document_is_served(client: TestClient) -> None:
    response = client.get("/openapi.json")

    assert response.status_code == 200
    assert response.json() == EMPTY_OPENAPI


def test_swagger_ui_is_served_from_powertools_bundled_assets(client: TestClient) -> None:
    page = client.get("/docs")
    script = client.get("/docs/swagger-ui-bundle.min.js")
    style = client.get("/docs/swagger-ui.min.css")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "SwaggerUIBundle" in page.text
    assert "src='/docs/swagger-ui-bundle.min.js'" in page.text
    assert json.dumps(EMPTY_OPENAPI) in page.text
    assert script.status_code == style.status_code == 200
    assert "SwaggerUIBundle" in script.text
    assert client.get("/docs", params={"format": "json"}).json() == EMPTY_OPENAPI


def test_admin_routes_are_mounted_under_local(make_client: Callable[..., TestClient]) -> None:
    ping = Route("/ping", lambda request: PlainTextResponse("pong"))

    assert make_client(admin=[ping]).get("/_local/ping").text == "pong"
    assert make_client(admin=Router(routes=[ping])).get("/_local/ping").text == "pong"


# ---------------------------------------------------------------- the portal (local.portal)

PORTAL_CONFIG = portal_config(
    api_url="http://127.0.0.1:8750",
    meta_url="http://127.0.0.1:8752",
    user_pool_id="eu-central-1_abc",
    user_pool_client_id="client",
    cognito_endpoint="http://127.0.0.1:8751",
    meta_app_id="000000000000000",
    graph_api_version="v23.0",
)


@pytest.fixture
def portal(tmp_path: Path) -> PortalSite:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Client Hub</title>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('portal')")
    (tmp_path / "robots.txt").write_text("User-agent: *")
    return PortalSite(PORTAL_CONFIG, root=tmp_path)


@pytest.mark.parametrize("path", ["/", "/numbers", "/clients/globex/numbers", "/numbers/106540352242922"])
def test_the_portals_routes_answer_its_entry_page(
    make_client: Callable[..., TestClient], portal: PortalSite, path: str
) -> None:
    answer = make_client(portal=portal).get(path)

    assert (answer.status_code, answer.text) == (200, "<!doctype html><title>Client Hub</title>")
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["cache-control"] == "no-cache"


def test_the_portals_files_are_served_and_hashed_ones_cached_for_good(
    make_client: Callable[..., TestClient], portal: PortalSite
) -> None:
    client = make_client(portal=portal)

    script, robots = client.get("/assets/index-abc123.js"), client.get("/robots.txt")

    assert (script.status_code, script.text) == (200, "console.log('portal')")
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert (robots.status_code, robots.headers["cache-control"]) == (200, "no-cache")


@pytest.mark.parametrize("path", ["/assets/missing.js", "/favicon.ico", "/%2e%2e/%2e%2e/etc/hosts.txt"])
def test_a_missing_file_is_a_404_not_the_entry_page(
    make_client: Callable[..., TestClient], portal: PortalSite, path: str
) -> None:
    assert make_client(portal=portal).get(path).status_code == 404


def test_a_path_climbing_out_of_the_build_never_reads_beside_it(
    make_client: Callable[..., TestClient], portal: PortalSite
) -> None:
    answer = make_client(portal=portal).get("/%2e%2e/%2e%2e/%2e%2e/etc/passwd")

    assert answer.text == "<!doctype html><title>Client Hub</title>"  # an app route, as any path without a file


def test_config_json_holds_the_local_settings_uncached(
    make_client: Callable[..., TestClient], portal: PortalSite
) -> None:
    answer = make_client(portal=portal).get("/config.json")

    assert answer.json() == {
        "api_base_url": "/v1",
        "cognito": {
            "user_pool_id": "eu-central-1_abc",
            "user_pool_client_id": "client",
            "endpoint": "http://127.0.0.1:8751",
        },
        "meta_app_id": "000000000000000",
        "embedded_signup": {
            "sdk": "sandbox",
            "url": "http://127.0.0.1:8752/embedded-signup",
            "origin": "http://127.0.0.1:8752",
            "config_id": "000000000000001",
            "graph_api_version": "v23.0",
        },
        "links": {
            "documentation": "http://127.0.0.1:8750/docs",
            "roadmap": "https://roadmap.client-hub.example",
            "status": "https://status.client-hub.example",
        },
    }
    assert answer.headers["cache-control"] == "no-store"


def test_the_api_keeps_v1_beside_the_portal(
    make_client: Callable[..., TestClient], portal: PortalSite, invoker: RecordingInvoker
) -> None:
    client = make_client(portal=portal)

    unknown, listed = client.get("/v1/nothing"), client.get("/v1/numbers", headers=bearer())
    posted = client.post("/numbers")

    assert (unknown.status_code, unknown.json()) == (404, {"message": "Not Found"})
    assert listed.status_code == 200
    assert [function for function, _ in invoker.calls] == ["NumbersFunction"]
    assert (posted.status_code, posted.json()) == (404, {"message": "Not Found"})


def test_an_unbuilt_portal_says_how_to_build_it(make_client: Callable[..., TestClient], tmp_path: Path) -> None:
    answer = make_client(portal=PortalSite(PORTAL_CONFIG, root=tmp_path / "dist")).get("/numbers")

    assert answer.status_code == 503
    assert "make run" in answer.text


def test_without_a_portal_the_gateway_is_the_api_alone(client: TestClient) -> None:
    assert client.get("/numbers").json() == {"message": "Not Found"}
    assert client.get("/config.json").status_code == 404
