"""The Meta sandbox checked against Meta's own OpenAPI description (tests/fixtures/meta-openapi, v23.0).

For every sandbox endpoint that the spec describes, a request shaped like the hub's Graph client sends
(`User-Agent: client-hub/1.0.0`, a bearer token, JSON bodies) is validated against the spec, answered by a
fresh sandbox, and the answer is validated against the spec too (openapi-core; the request is moved to
`https://graph.facebook.com` and pinned to its spec path, since the spec's `/{Version}/{id}` paths differ
only in the name of the id).

Not described by the spec, so not checked here (see NOT_IN_SPEC): the OAuth code exchange, the Resumable Upload
API (tested against Meta's documented protocol in test_meta_sandbox), and the sandbox's own admin API under
`/_sandbox/`.

Where Meta's spec and Meta's documentation disagree on an enum (facts §11: phone `status`, `quality_rating`),
the sandbox serves the documented live values; SPEC_ENUM_WIDENINGS adds exactly those values to the spec.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from starlette.testclient import TestClient
from werkzeug.datastructures import Headers, ImmutableMultiDict

from hub_waba.usecases.details import WABA_FIELDS
from local.sandboxes.meta import ROUTES, SANDBOX_OTP, MetaState, build_meta_sandbox

SPEC_FILE = Path(__file__).parents[1] / "fixtures" / "meta-openapi" / "business-messaging-api_v23.0.yaml"
GRAPH_HOST = "https://graph.facebook.com"
HUB_HEADERS = {"authorization": "Bearer EAAsandboxtoken", "user-agent": "client-hub/1.0.0"}

PHONE = "/{Version}/{Phone-Number-ID}"
WABA = "/{Version}/{WABA-ID}"
TEMPLATE = "/{Version}/{TEMPLATE_ID}"
NUMBER_ID = "106540352242922"
OBO_WABA_ID = "104996122399160"
WABA_ID = "102290129340398"
TEMPLATE_ID = "1689556908129832"
JAN_1, JAN_4 = 1767225600, 1767484800

OAUTH = ("GET", "oauth", "access_token")
UPLOADS = "Meta's OpenAPI has no Resumable Upload API (`/{app_id}/uploads`, `/upload:<session>`): facts §5."
NOT_IN_SPEC = {
    OAUTH: "Meta's OpenAPI has no /oauth/access_token (only /{Solution-ID}/access_token).",
    ("POST", "Application", "uploads"): UPLOADS,
    ("GET", "UploadSession", None): UPLOADS,
    ("POST", "UploadSession", None): UPLOADS,
}
SPEC_ENUM_WIDENINGS = {
    ("components", "schemas", "WhatsAppPhoneNumberStatus"): ["CONNECTED", "DISCONNECTED", "FLAGGED"],
    ("components", "schemas", "WhatsAppPhoneNumberQualityRating"): ["UNKNOWN"],
    ("components", "schemas", "PhoneNumberInfo", "properties", "quality_rating"): ["UNKNOWN"],
}
"""Where the schema's enum lives → the documented values it lacks that the sandbox serves (facts §1.2, §1.3, §11)."""


def _unverified(state: MetaState) -> None:
    state.numbers[NUMBER_ID].code_verification_status = "UNVERIFIED"


def _code_requested(state: MetaState) -> None:
    _unverified(state)
    state.numbers[NUMBER_ID].code_requested = True


@dataclass(frozen=True)
class Case:
    name: str
    route: tuple[str, str, str | None]
    spec_path: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    status: int = 200
    prepare: Callable[[MetaState], None] | None = None


BODY = {"type": "BODY", "text": "Hi {{1}}, your order {{2}} is ready.", "example": {"body_text": [["Ann", "A-1"]]}}
CASES = [
    Case("number default fields", ("GET", "WhatsAppBusinessPhoneNumber", None), PHONE, f"/v23.0/{NUMBER_ID}"),
    Case(
        "number display-name fields",
        ("GET", "WhatsAppBusinessPhoneNumber", None),
        PHONE,
        "/v23.0/106540352242923",
        params={"fields": "quality_rating,name_status,new_display_name,new_name_status,code_verification_status"},
    ),
    Case(
        "request a display name",
        ("POST", "WhatsAppBusinessPhoneNumber", None),
        PHONE,
        f"/v23.0/{NUMBER_ID}",
        json={"new_display_name": "Acme Retail Shop"},
    ),
    Case(
        "register",
        ("POST", "WhatsAppBusinessPhoneNumber", "register"),
        f"{PHONE}/register",
        "/v23.0/106540352242923/register",
        json={"messaging_product": "whatsapp", "pin": "246810"},
    ),
    Case(
        "deregister",
        ("POST", "WhatsAppBusinessPhoneNumber", "deregister"),
        f"{PHONE}/deregister",
        f"/v23.0/{NUMBER_ID}/deregister",
    ),
    Case(
        "request a code",
        ("POST", "WhatsAppBusinessPhoneNumber", "request_code"),
        f"{PHONE}/request_code",
        f"/v23.0/{NUMBER_ID}/request_code",
        json={"code_method": "SMS", "language": "en_US"},
        prepare=_unverified,
    ),
    Case(
        "verify the code",
        ("POST", "WhatsAppBusinessPhoneNumber", "verify_code"),
        f"{PHONE}/verify_code",
        f"/v23.0/{NUMBER_ID}/verify_code",
        json={"code": SANDBOX_OTP},
        prepare=_code_requested,
    ),
    Case(
        "wrong code is Meta's error",
        ("POST", "WhatsAppBusinessPhoneNumber", "verify_code"),
        f"{PHONE}/verify_code",
        f"/v23.0/{NUMBER_ID}/verify_code",
        json={"code": "654321"},
        status=400,
        prepare=_code_requested,
    ),
    Case(
        "read the business profile",
        ("GET", "WhatsAppBusinessPhoneNumber", "whatsapp_business_profile"),
        f"{PHONE}/whatsapp_business_profile",
        f"/v23.0/{NUMBER_ID}/whatsapp_business_profile",
        params={"fields": "about,address,description,email,profile_picture_url,websites,vertical"},
    ),
    Case(
        "update the business profile",
        ("POST", "WhatsAppBusinessPhoneNumber", "whatsapp_business_profile"),
        f"{PHONE}/whatsapp_business_profile",
        f"/v23.0/{NUMBER_ID}/whatsapp_business_profile",
        json={
            "messaging_product": "whatsapp",
            "about": "Shoes and more",
            "email": "hello@acme.example",
            "websites": ["https://acme.example"],
            "vertical": "RETAIL",
        },
    ),
    Case(
        "read commerce settings",
        ("GET", "WhatsAppBusinessPhoneNumber", "whatsapp_commerce_settings"),
        f"{PHONE}/whatsapp_commerce_settings",
        f"/v23.0/{NUMBER_ID}/whatsapp_commerce_settings",
    ),
    Case(
        "update commerce settings",
        ("POST", "WhatsAppBusinessPhoneNumber", "whatsapp_commerce_settings"),
        f"{PHONE}/whatsapp_commerce_settings",
        f"/v23.0/{NUMBER_ID}/whatsapp_commerce_settings",
        params={"is_cart_enabled": "true", "is_catalog_visible": "false"},
    ),
    Case(
        "WABA details",
        ("GET", "WhatsAppBusinessAccount", None),
        WABA,
        f"/v23.0/{OBO_WABA_ID}",
        params={"fields": WABA_FIELDS},  # what the waba service asks
    ),
    Case(
        "WABA message analytics",
        ("GET", "WhatsAppBusinessAccount", None),
        WABA,
        f"/v23.0/{WABA_ID}",
        params={"fields": f"analytics.start({JAN_1}).end({JAN_4}).granularity(DAY)"},
    ),
    Case(
        "WABA pricing analytics",
        ("GET", "WhatsAppBusinessAccount", None),
        WABA,
        f"/v23.0/{OBO_WABA_ID}",
        params={
            "fields": f"pricing_analytics.start({JAN_1}).end({JAN_4}).granularity(DAILY)"
            ".dimensions([PHONE,PRICING_CATEGORY]).metric_types([VOLUME,COST])"
        },
    ),
    Case(
        "list phone numbers",
        ("GET", "WhatsAppBusinessAccount", "phone_numbers"),
        f"{WABA}/phone_numbers",
        f"/v23.0/{WABA_ID}/phone_numbers",
        params={"fields": "id,display_phone_number,verified_name,status,quality_rating", "limit": "25"},
    ),
    Case(
        "add a phone number",
        ("POST", "WhatsAppBusinessAccount", "phone_numbers"),
        f"{WABA}/phone_numbers",
        f"/v23.0/{WABA_ID}/phone_numbers",
        json={
            "cc": "49",
            "phone_number": "4915112345999",
            "verified_name": "Acme Pop-up",
            "migrate_phone_number": False,
        },
    ),
    Case(
        "list subscribed apps",
        ("GET", "WhatsAppBusinessAccount", "subscribed_apps"),
        f"{WABA}/subscribed_apps",
        f"/v23.0/{WABA_ID}/subscribed_apps",
    ),
    Case(
        "subscribe the app",
        ("POST", "WhatsAppBusinessAccount", "subscribed_apps"),
        f"{WABA}/subscribed_apps",
        f"/v23.0/{WABA_ID}/subscribed_apps",
    ),
    Case(
        "unsubscribe the app",
        ("DELETE", "WhatsAppBusinessAccount", "subscribed_apps"),
        f"{WABA}/subscribed_apps",
        f"/v23.0/{WABA_ID}/subscribed_apps",
    ),
    Case(
        "list templates",
        ("GET", "WhatsAppBusinessAccount", "message_templates"),
        f"{WABA}/message_templates",
        f"/v23.0/{WABA_ID}/message_templates",
        params={"name": "order_update", "fields": "id,name,language,status,category,components", "limit": "10"},
    ),
    Case(
        "create a template",
        ("POST", "WhatsAppBusinessAccount", "message_templates"),
        f"{WABA}/message_templates",
        f"/v23.0/{WABA_ID}/message_templates",
        json={"name": "order_ready", "language": "en_US", "category": "UTILITY", "components": [BODY]},
    ),
    Case(
        "delete a template",
        ("DELETE", "WhatsAppBusinessAccount", "message_templates"),
        f"{WABA}/message_templates",
        f"/v23.0/{WABA_ID}/message_templates",
        params={"name": "spring_sale"},
    ),
    Case("read a template", ("GET", "WhatsAppMessageTemplate", None), TEMPLATE, f"/v23.0/{TEMPLATE_ID}"),
    Case(
        "edit a template",
        ("POST", "WhatsAppMessageTemplate", None),
        TEMPLATE,
        f"/v23.0/{TEMPLATE_ID}",
        json={"components": [BODY, {"type": "FOOTER", "text": "Acme Retail"}]},
    ),
    Case("unknown id is Meta's error", ("GET", "WhatsAppBusinessPhoneNumber", None), PHONE, "/v23.0/4242", status=400),
]


@dataclass
class SpecRequest:
    """An httpx request as openapi-core reads it: on Meta's host, pinned to one spec path."""

    host_url: str
    path: str
    path_pattern: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters


@dataclass(frozen=True)
class SpecResponse:
    status_code: int
    content_type: str
    headers: Headers
    data: bytes


def _spec_request(request: httpx.Request, pattern: str) -> SpecRequest:
    names, values = pattern.strip("/").split("/"), request.url.path.strip("/").split("/")
    path_params = {name[1:-1]: value for name, value in zip(names, values, strict=True) if name.startswith("{")}
    return SpecRequest(
        host_url=GRAPH_HOST,
        path=request.url.path,
        path_pattern=pattern,
        method=request.method.lower(),
        body=request.content or None,
        content_type=request.headers.get("content-type", "application/octet-stream"),
        parameters=RequestParameters(
            query=ImmutableMultiDict(request.url.params.multi_items()),
            header=Headers(list(request.headers.items())),
            path=path_params,
        ),
    )


def _spec_response(response: httpx.Response) -> SpecResponse:
    return SpecResponse(
        status_code=response.status_code,
        content_type=response.headers.get("content-type", ""),
        headers=Headers(list(response.headers.items())),
        data=response.content,
    )


def _string_keys(node: Any) -> Any:
    """YAML reads unquoted response codes (`200:`) as integers; openapi-core wants strings."""
    if isinstance(node, dict):
        return {str(key): _string_keys(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_string_keys(item) for item in node]
    return node


@pytest.fixture(scope="session")
def meta_spec() -> OpenAPI:
    with SPEC_FILE.open() as spec_file:
        document = _string_keys(yaml.load(spec_file, Loader=yaml.CSafeLoader))
    for where, values in SPEC_ENUM_WIDENINGS.items():
        schema = document
        for key in where:
            schema = schema[key]
        schema["enum"] = [*schema["enum"], *values]
    return OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))


@pytest.fixture
def sandbox_client() -> Iterator[tuple[TestClient, MetaState]]:
    state = MetaState.from_story()
    app = build_meta_sandbox(
        state,
        app_secret="app-secret",
        webhook_url=None,
        review_delay_seconds=5,
        clock=lambda: datetime(2026, 1, 5, 10, tzinfo=UTC),
    )
    with TestClient(app, base_url=GRAPH_HOST, headers=HUB_HEADERS) as client:
        yield client, state


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_request_and_answer_fit_metas_openapi(
    case: Case, meta_spec: OpenAPI, sandbox_client: tuple[TestClient, MetaState]
) -> None:
    client, state = sandbox_client
    if case.prepare:
        case.prepare(state)

    response = client.request(case.route[0], case.path, params=case.params, json=case.json)

    request = _spec_request(response.request, case.spec_path)
    meta_spec.validate_request(request)
    meta_spec.validate_response(request, _spec_response(response))
    assert response.status_code == case.status, response.text


def test_every_sandbox_endpoint_is_checked_or_listed_as_not_in_the_spec() -> None:
    endpoints = set(ROUTES) | {OAUTH}

    checked = {case.route for case in CASES}

    assert endpoints == checked | set(NOT_IN_SPEC)
    assert not checked & set(NOT_IN_SPEC)
