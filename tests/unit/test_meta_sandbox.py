"""Behaviour of the local Meta Graph API sandbox (local/sandboxes/meta), driven over HTTP with a fake clock."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from local.sandboxes.meta import SANDBOX_OTP, MetaSandbox, MetaState, build_meta_sandbox
from local.sandboxes.meta.state import HUB_APP_ID
from tests.builders import FrozenClock, a_png

APP_SECRET = "meta-app-secret"
WEBHOOK_URL = "http://hub.local/webhooks/meta"
REVIEW_DELAY = 30
NUMBER_ID = "106540352242922"  # Acme Retail, registered, name approved
PENDING_NUMBER_ID = "106540352242923"  # Acme Outlet, name under review since start-up
WABA_ID = "102290129340398"
OBO_WABA_ID = "104996122399160"
TEMPLATE_ID = "1689556908129832"  # order_update en_US, APPROVED
SANDBOX_START = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


@dataclass
class Hub:
    """What the sandbox posts webhooks to; `failing` makes every delivery fail."""

    received: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)
    failing: bool = False

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
        if self.failing:
            raise httpx.ConnectError("hub down")
        self.received.append((url, body, dict(headers)))

    def changes(self) -> list[dict[str, Any]]:
        return [json.loads(body)["entry"][0]["changes"][0] for _, body, _ in self.received]


@dataclass
class Meta:
    client: TestClient
    sandbox: MetaSandbox
    clock: FrozenClock
    hub: Hub

    @property
    def state(self) -> MetaState:
        return self.sandbox.state

    def review_time_passes(self) -> dict[str, int]:
        self.clock.advance(REVIEW_DELAY)
        return self.sandbox.tick()


@pytest.fixture
def meta() -> Iterator[Meta]:
    clock, hub = FrozenClock(SANDBOX_START), Hub()
    sandbox = MetaSandbox(
        MetaState.from_story(),
        app_secret=APP_SECRET,
        webhook_url=WEBHOOK_URL,
        review_delay_seconds=REVIEW_DELAY,
        clock=clock,
        post_webhook=hub.post,
    )
    with TestClient(sandbox.app, headers={"Authorization": "Bearer EAAtoken"}) as client:
        yield Meta(client, sandbox, clock, hub)


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


# --- the Graph surface -----------------------------------------------------------------------------


def test_phone_number_answers_default_fields_or_the_requested_ones_with_id(meta: Meta) -> None:
    default = meta.client.get(f"/v23.0/{NUMBER_ID}").json()
    chosen = meta.client.get(f"/v21.0/{NUMBER_ID}", params={"fields": "status,throughput,name_status"}).json()

    assert default == {
        "id": NUMBER_ID,
        "display_phone_number": "+49 1511 2345001",
        "verified_name": "Acme Retail",
        "quality_rating": "GREEN",
    }
    assert chosen == {
        "status": "CONNECTED",
        "throughput": {"level": "STANDARD"},
        "name_status": "APPROVED",
        "id": NUMBER_ID,
    }


@pytest.mark.parametrize("authorization", [None, "Bearer ", "Basic abc"])
def test_calls_without_a_bearer_token_get_oauth_error_190(meta: Meta, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    meta.client.headers.pop("Authorization")

    response = meta.client.get(f"/v23.0/{NUMBER_ID}", headers=headers)

    assert response.status_code == 401
    assert error_of(response)["code"] == 190
    assert error_of(response)["type"] == "OAuthException"


def test_unknown_id_is_code_100_subcode_33_with_the_trace_id_of_the_header(meta: Meta) -> None:
    response = meta.client.get("/v23.0/4242")

    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["error_subcode"], error["type"]) == (100, 33, "GraphMethodException")
    assert "Object with ID '4242' does not exist" in error["message"]
    assert error["fbtrace_id"] == response.headers["x-fb-trace-id"]


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (f"/v23.0/{NUMBER_ID}?fields=status,colour", 100),
        (f"/v23.0/{NUMBER_ID}/colours", 100),
        (f"/latest/{NUMBER_ID}", 100),
        ("/v23.0/a/b/c", 2500),
    ],
)
def test_unknown_fields_edges_versions_and_paths_are_metas_errors(meta: Meta, path: str, code: int) -> None:
    response = meta.client.get(path)

    assert response.status_code == 400
    assert error_of(response)["code"] == code


@pytest.mark.parametrize(("method", "path"), [("DELETE", f"/v23.0/{NUMBER_ID}"), ("POST", f"/v23.0/{WABA_ID}")])
def test_methods_a_node_does_not_support_are_unsupported_requests(meta: Meta, method: str, path: str) -> None:
    response = meta.client.request(method, path)

    assert response.status_code == 400
    assert error_of(response)["error_subcode"] == 33
    assert error_of(response)["message"].startswith(f"Unsupported {method.lower()} request.")


def test_answers_carry_trace_version_and_usage_headers(meta: Meta) -> None:
    response = meta.client.get(f"/v22.0/{NUMBER_ID}")

    assert response.headers["facebook-api-version"] == "v22.0"
    assert response.headers["x-fb-trace-id"]
    assert set(json.loads(response.headers["x-app-usage"])) == {"call_count", "total_cputime", "total_time"}
    usage = json.loads(response.headers["x-business-use-case-usage"])
    assert usage[WABA_ID][0]["type"] == "whatsapp_business_management"


def test_form_and_query_parameters_count_like_json_ones(meta: Meta) -> None:
    by_form = meta.client.post(f"/v23.0/{NUMBER_ID}", data={"new_display_name": "Acme Form"})
    by_query = meta.client.post(f"/v23.0/{NUMBER_ID}/whatsapp_commerce_settings?is_cart_enabled=true")

    assert by_form.json() == by_query.json() == {"success": True}
    assert meta.state.numbers[NUMBER_ID].new_display_name == "Acme Form"
    assert meta.state.numbers[NUMBER_ID].is_cart_enabled is True


def test_waba_shows_ownership_for_obo_and_shared_accounts(meta: Meta) -> None:
    fields = {"fields": "ownership_type,on_behalf_of_business_info,owner_business_info,message_template_namespace"}

    obo = meta.client.get(f"/v23.0/{OBO_WABA_ID}", params=fields).json()
    shared = meta.client.get(f"/v23.0/{WABA_ID}", params=fields).json()

    assert obo["ownership_type"] == "SELF_OWNED"
    assert obo["on_behalf_of_business_info"] == {
        "id": "501238745563981",
        "name": "Globex Logistics Ltd",
        "status": "APPROVED",  # the on-behalf-of relationship: the WABA Manager's Message on Behalf
    }
    assert shared["ownership_type"] == "CLIENT_OWNED"
    assert "on_behalf_of_business_info" not in shared
    assert shared["owner_business_info"]["id"] == "230934563399802"
    assert (shared["id"], shared["name"]) == (WABA_ID, "Acme Retail")


def test_health_status_says_who_can_send_with_metas_errors_and_solutions(meta: Meta) -> None:
    meta.state.wabas[WABA_ID].business_verification_status = "UNVERIFIED"

    health = meta.client.get(f"/v23.0/{WABA_ID}", params={"fields": "health_status"}).json()["health_status"]

    entities = {entity["id"]: entity for entity in health["entities"]}
    assert entities[WABA_ID]["can_send_message"] == "LIMITED"
    assert "not verified" in entities[WABA_ID]["additional_info"][0]
    numbers = [n for n in meta.state.numbers.values() if n.waba_id == WABA_ID]
    assert {e["id"] for e in health["entities"] if e["entity_type"] == "PHONE_NUMBER"} == {n.id for n in numbers}
    banned = next(n.id for n in numbers if n.status == "BANNED")
    assert entities[banned]["can_send_message"] == "BLOCKED"
    assert entities[banned]["errors"][0]["possible_solution"]
    assert health["can_send_message"] == "BLOCKED"  # the least of its entities


def test_phone_number_list_pages_with_cursors(meta: Meta) -> None:
    first = meta.client.get(f"/v23.0/{WABA_ID}/phone_numbers", params={"limit": 5}).json()
    rest = meta.client.get(first["paging"]["next"]).json()

    ids = [number["id"] for number in first["data"] + rest["data"]]
    assert ids == [n.id for n in meta.state.numbers.values() if n.waba_id == WABA_ID]
    assert "next" not in rest["paging"]
    assert {"status", "display_phone_number", "id"} <= set(first["data"][0])


def test_a_foreign_cursor_is_refused(meta: Meta) -> None:
    response = meta.client.get(f"/v23.0/{WABA_ID}/phone_numbers", params={"after": "bm90LWhlcmU"})

    assert response.status_code == 400
    assert error_of(response)["message"] == "(#100) Invalid cursor"


# --- display names -------------------------------------------------------------------------------


def test_display_name_request_is_pending_then_approved_with_a_signed_webhook(meta: Meta) -> None:
    meta.review_time_passes()  # the reviews pending at start-up
    asked = meta.client.post(f"/v23.0/{NUMBER_ID}", params={"new_display_name": "Acme Retail Shop"})
    fields = {"fields": "verified_name,new_display_name,new_name_status"}
    pending = meta.client.get(f"/v23.0/{NUMBER_ID}", params=fields).json()

    meta.clock.advance(REVIEW_DELAY - 1)
    too_early = meta.sandbox.tick()
    meta.clock.advance(1)
    on_time = meta.sandbox.tick()

    assert asked.json() == {"success": True}
    assert (too_early, on_time) == ({"decided": 0, "delivered": 0}, {"decided": 1, "delivered": 1})
    assert pending["new_name_status"] == "PENDING_REVIEW"
    assert pending["verified_name"] == "Acme Retail"
    after = meta.client.get(f"/v23.0/{NUMBER_ID}", params={"fields": "verified_name,name_status,new_name_status"})
    assert after.json() == {
        "verified_name": "Acme Retail Shop",
        "name_status": "APPROVED",
        "new_name_status": "APPROVED",
        "id": NUMBER_ID,
    }
    url, body, headers = meta.hub.received[-1]
    assert url == WEBHOOK_URL
    assert headers["X-Hub-Signature-256"] == "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert json.loads(body) == {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": WABA_ID,
                "time": int(meta.clock.now.timestamp()),
                "changes": [
                    {
                        "value": {
                            "display_phone_number": "4915112345001",
                            "decision": "APPROVED",
                            "requested_verified_name": "Acme Retail Shop",
                            "rejection_reason": None,
                        },
                        "field": "phone_number_name_update",
                    }
                ],
            }
        ],
    }


@pytest.mark.parametrize(
    ("name", "decision", "reason", "new_name_status"),
    [
        ("Acme Shoes", "APPROVED", None, "APPROVED"),
        ("ACME", "APPROVED", None, "APPROVED"),
        ("Please Reject me", "REJECTED", "NAME_FORMAT_UNACCEPTABLE", "DECLINED"),
        ("ACME SHOES", "REJECTED", "NAME_FORMAT_UNACCEPTABLE", "DECLINED"),
        ("Defer Acme", "DEFERRED", None, "PENDING_REVIEW"),
    ],
)
def test_display_names_are_decided_by_the_documented_rules(
    meta: Meta, name: str, decision: str, reason: str | None, new_name_status: str
) -> None:
    meta.client.post(f"/v23.0/{NUMBER_ID}", json={"new_display_name": name})

    meta.review_time_passes()

    value = meta.hub.changes()[-1]["value"]
    assert (value["requested_verified_name"], value["decision"], value["rejection_reason"]) == (name, decision, reason)
    number = meta.state.numbers[NUMBER_ID]
    assert number.new_name_status == new_name_status
    assert number.verified_name == (name if decision == "APPROVED" else "Acme Retail")


def test_seeded_new_number_name_is_decided_after_start_up(meta: Meta) -> None:
    meta.review_time_passes()

    assert meta.state.numbers[PENDING_NUMBER_ID].name_status == "APPROVED"
    assert {change["field"] for change in meta.hub.changes()} == {
        "phone_number_name_update",
        "message_template_status_update",
    }


@pytest.mark.parametrize("name", ["A", "x" * 76])
def test_display_name_outside_2_to_75_characters_is_refused(meta: Meta, name: str) -> None:
    response = meta.client.post(f"/v23.0/{NUMBER_ID}", json={"new_display_name": name})

    assert response.status_code == 400
    assert error_of(response)["code"] == 100


def test_lost_webhooks_are_never_sent_but_the_decision_stands(meta: Meta) -> None:
    meta.client.post("/_sandbox/webhooks/lose", json={"count": 1})
    meta.review_time_passes()  # decides the two seeded reviews: the first webhook is lost
    meta.client.post(f"/v23.0/{NUMBER_ID}", json={"new_display_name": "Acme Shoes"})
    meta.review_time_passes()

    assert len(meta.hub.received) == 2
    assert [d.status for d in meta.state.webhooks] == ["lost", "delivered", "delivered"]
    assert meta.state.numbers[PENDING_NUMBER_ID].name_status == "APPROVED"


def test_undelivered_webhooks_are_retried_by_later_ticks_five_times_at_most(meta: Meta) -> None:
    meta.hub.failing = True
    meta.review_time_passes()
    meta.hub.failing = False
    assert meta.sandbox.tick()["delivered"] == 2

    meta.hub.failing = True
    meta.client.post(f"/v23.0/{NUMBER_ID}", json={"new_display_name": "Acme Shoes"})
    meta.review_time_passes()
    for _ in range(5):
        meta.sandbox.tick()

    assert meta.state.webhooks[-1].status == "failed"
    assert meta.state.webhooks[-1].attempts == 5


def test_without_a_webhook_url_decisions_are_recorded_unsent() -> None:
    clock = FrozenClock(SANDBOX_START)
    app = build_meta_sandbox(
        MetaState.from_story(), app_secret=APP_SECRET, webhook_url=None, review_delay_seconds=0, clock=clock
    )
    with TestClient(app) as client:
        ticked = client.post("/_sandbox/tick").json()
        dump = client.get("/_sandbox/state").json()

    assert ticked == {"decided": 2, "delivered": 0}
    assert [webhook["status"] for webhook in dump["webhooks"]] == ["unsent", "unsent"]


# --- templates -----------------------------------------------------------------------------------


def body(text: str) -> list[dict[str, Any]]:
    return [{"type": "BODY", "text": text}]


def create(meta: Meta, name: str, text: str, language: str = "en_US") -> httpx.Response:
    payload = {"name": name, "language": language, "category": "UTILITY", "components": body(text)}
    response: httpx.Response = meta.client.post(f"/v23.0/{WABA_ID}/message_templates", json=payload)
    return response


def test_new_template_is_pending_then_approved_with_a_status_webhook(meta: Meta) -> None:
    created = create(meta, "order_ready", "Your order {{1}} is ready.").json()

    meta.review_time_passes()

    assert created["status"] == "PENDING"
    assert created["category"] == "UTILITY"
    assert meta.client.get(f"/v23.0/{created['id']}", params={"fields": "status"}).json()["status"] == "APPROVED"
    assert meta.hub.changes()[-1] == {
        "value": {
            "event": "APPROVED",
            "message_template_id": int(created["id"]),
            "message_template_name": "order_ready",
            "message_template_language": "en_US",
            "reason": "NONE",
            "message_template_category": "UTILITY",
        },
        "field": "message_template_status_update",
    }


@pytest.mark.parametrize(
    ("text", "status", "reason"),
    [
        ("Hello {{1}}", "APPROVED", "NONE"),
        ("Free money for everyone", "REJECTED", "PROMOTIONAL"),
        ("Please reject this", "REJECTED", "INVALID_FORMAT"),
        ("Hello {{1}}{{2}}", "REJECTED", "INVALID_FORMAT"),
    ],
)
def test_templates_are_decided_by_the_documented_rules(meta: Meta, text: str, status: str, reason: str) -> None:
    template_id = create(meta, "rule_check", text).json()["id"]

    meta.review_time_passes()

    template = meta.state.templates[template_id]
    assert (template.status, template.rejected_reason) == (status, reason)


def test_the_same_name_and_language_cannot_be_created_twice(meta: Meta) -> None:
    response = create(meta, "order_update", "Again {{1}}")

    assert response.status_code == 400
    assert error_of(response)["error_subcode"] == 2388024


@pytest.mark.parametrize(
    ("payload", "details"),
    [
        ({"name": "Bad Name", "language": "en_US", "category": "UTILITY", "components": body("x")}, "lowercase"),
        ({"name": "ok", "language": "en_US", "category": "PROMO", "components": body("x")}, "category"),
        ({"name": "ok", "language": "en_US", "category": "UTILITY", "components": []}, "BODY"),
        ({"language": "en_US", "category": "UTILITY", "components": body("x")}, "name"),
    ],
)
def test_malformed_templates_are_refused_with_code_100(meta: Meta, payload: dict[str, Any], details: str) -> None:
    response = meta.client.post(f"/v23.0/{WABA_ID}/message_templates", json=payload)

    assert response.status_code == 400
    assert error_of(response)["code"] == 100
    assert details in error_of(response)["error_data"]["details"]


def test_template_list_filters_and_pages(meta: Meta) -> None:
    url = f"/v23.0/{WABA_ID}/message_templates"

    by_name = meta.client.get(url, params={"name": "order"}).json()["data"]
    approved_utility = meta.client.get(url, params={"status": "approved", "category": "UTILITY"}).json()["data"]
    german = meta.client.get(url, params={"language": "de", "fields": "name"}).json()["data"]
    first_page = meta.client.get(url, params={"limit": 2}).json()

    assert {(t["name"], t["language"]) for t in by_name} == {("order_update", "en_US"), ("order_update", "de")}
    assert {t["id"] for t in approved_utility} == {"1689556908129832", "1689556908129833"}
    assert german == [{"name": "order_update", "id": "1689556908129833"}, {"name": "welcome", "id": "1689556908129836"}]
    assert len(first_page["data"]) == 2
    assert "next" in first_page["paging"]


def test_editing_sends_a_template_back_to_review(meta: Meta) -> None:
    edited = meta.client.post(f"/v23.0/{TEMPLATE_ID}", json={"components": body("Your order {{1}} left us.")})
    pending = meta.state.templates[TEMPLATE_ID].status

    meta.review_time_passes()

    assert edited.json() == {"success": True}
    assert pending == "PENDING"
    assert meta.state.templates[TEMPLATE_ID].status == "APPROVED"
    assert meta.state.templates[TEMPLATE_ID].components == body("Your order {{1}} left us.")


@pytest.mark.parametrize(
    ("template_id", "payload"),
    [
        ("1689556908129836", {"components": body("Pending templates cannot be edited")}),
        (TEMPLATE_ID, {"category": "MARKETING"}),
    ],
)
def test_edits_meta_forbids_are_refused(meta: Meta, template_id: str, payload: dict[str, Any]) -> None:
    response = meta.client.post(f"/v23.0/{template_id}", json=payload)

    assert response.status_code == 400
    assert error_of(response)["code"] == 100


def test_delete_by_name_removes_every_language_and_by_hsm_id_only_one(meta: Meta) -> None:
    url = f"/v23.0/{OBO_WABA_ID}/message_templates"

    one = meta.client.delete(url, params={"name": "shipment_delay", "hsm_id": "1689556908129838"})
    remaining = {t.id for t in meta.state.templates.values() if t.name == "shipment_delay"}
    create(meta, "order_update", "Hi {{1}}", language="fr")
    every = meta.client.delete(f"/v23.0/{WABA_ID}/message_templates", params={"name": "order_update"})

    assert one.json() == every.json() == {"success": True}
    assert remaining == {"1689556908129837"}
    assert not [t for t in meta.state.templates.values() if t.name == "order_update"]


def test_disabled_and_unknown_templates_cannot_be_deleted(meta: Meta) -> None:
    meta.state.templates[TEMPLATE_ID].status = "DISABLED"
    url = f"/v23.0/{WABA_ID}/message_templates"

    disabled = meta.client.delete(url, params={"name": "order_update"})
    unknown = meta.client.delete(url, params={"name": "no_such_template"})

    assert disabled.status_code == unknown.status_code == 400
    assert TEMPLATE_ID in meta.state.templates


# --- onboarding, verification, registration ------------------------------------------------------


def test_code_exchange_gives_a_stable_token_with_or_without_version(meta: Meta) -> None:
    params = {"client_id": "app", "client_secret": "secret", "code": "signup-code"}
    meta.client.headers.pop("Authorization")

    versioned = meta.client.get("/v23.0/oauth/access_token", params=params).json()
    bare = meta.client.get("/oauth/access_token", params=params).json()

    assert versioned == bare
    assert versioned["token_type"] == "bearer"
    assert versioned["access_token"].startswith("EAA")


@pytest.mark.parametrize(("code", "subcode"), [("expired-123", 36007), ("bad-code", 36008)], ids=["expired", "bad"])
def test_expired_or_bad_codes_are_refused(meta: Meta, code: str, subcode: int) -> None:
    response = meta.client.get("/oauth/access_token", params={"client_id": "a", "client_secret": "s", "code": code})

    assert response.status_code == 400
    assert (error_of(response)["code"], error_of(response)["error_subcode"]) == (100, subcode)


def test_code_exchange_needs_every_parameter(meta: Meta) -> None:
    response = meta.client.get("/oauth/access_token", params={"client_id": "a", "code": "c"})

    assert error_of(response)["message"] == "(#100) The parameter client_secret is required"


def test_an_added_number_is_verified_by_otp_then_registered(meta: Meta) -> None:
    added = meta.client.post(
        f"/v23.0/{WABA_ID}/phone_numbers", json={"cc": "49", "phone_number": "15112345999", "verified_name": "Acme Pop"}
    ).json()
    number_url = f"/v23.0/{added['id']}"
    register = {"messaging_product": "whatsapp", "pin": "112233"}

    too_early = meta.client.post(f"{number_url}/register", json=register)
    not_requested = meta.client.post(f"{number_url}/verify_code", json={"code": SANDBOX_OTP})
    requested = meta.client.post(f"{number_url}/request_code", json={"code_method": "VOICE", "language": "de"})
    wrong = meta.client.post(f"{number_url}/verify_code", json={"code": "000000"})
    right = meta.client.post(f"{number_url}/verify_code", json={"code": SANDBOX_OTP})
    registered = meta.client.post(f"{number_url}/register", json=register)

    assert error_of(too_early)["code"] == 133006
    assert error_of(not_requested)["code"] == 100
    assert requested.json() == right.json() == registered.json() == {"success": True}
    assert error_of(wrong)["error_user_title"] == "Wrong verification code"
    shown = meta.client.get(number_url, params={"fields": "display_phone_number,status,code_verification_status"})
    assert shown.json() == {
        "display_phone_number": "+49 15112345999",
        "status": "CONNECTED",
        "code_verification_status": "VERIFIED",
        "id": added["id"],
    }


def test_a_verified_number_cannot_request_a_code(meta: Meta) -> None:
    response = meta.client.post(f"/v23.0/{NUMBER_ID}/request_code", json={"code_method": "SMS", "language": "en_US"})

    assert error_of(response)["error_data"]["details"] == "This phone number is already verified."


def test_the_first_pin_sticks_and_another_one_is_a_mismatch(meta: Meta) -> None:
    first = meta.client.post(f"/v23.0/{NUMBER_ID}/register", json={"messaging_product": "whatsapp", "pin": "111111"})
    other = meta.client.post(f"/v23.0/{NUMBER_ID}/register", json={"messaging_product": "whatsapp", "pin": "222222"})
    short = meta.client.post(f"/v23.0/{NUMBER_ID}", json={"pin": "12345"})

    assert first.json() == {"success": True}
    assert error_of(other)["code"] == 133005
    assert error_of(short)["code"] == 100


def test_deregistering_an_unregistered_number_is_subcode_2207051(meta: Meta) -> None:
    first = meta.client.post(f"/v23.0/{NUMBER_ID}/deregister")
    again = meta.client.post(f"/v23.0/{NUMBER_ID}/deregister")

    assert first.json() == {"success": True}
    assert meta.state.numbers[NUMBER_ID].status == "DISCONNECTED"
    assert (error_of(again)["code"], error_of(again)["error_subcode"]) == (100, 2207051)


def test_more_than_ten_register_calls_in_72_hours_are_refused_until_the_window_moves(meta: Meta) -> None:
    register = {"messaging_product": "whatsapp", "pin": "111111"}
    for _ in range(10):
        assert meta.client.post(f"/v23.0/{NUMBER_ID}/register", json=register).status_code == 200

    refused = meta.client.post(f"/v23.0/{NUMBER_ID}/register", json=register)
    meta.clock.advance(72 * 3600)
    later = meta.client.post(f"/v23.0/{NUMBER_ID}/register", json=register)

    assert error_of(refused)["code"] == 133016
    assert later.status_code == 200


def test_a_number_of_another_waba_moves_only_with_migrate_and_keeps_its_name(meta: Meta) -> None:
    url = f"/v23.0/{OBO_WABA_ID}/phone_numbers"
    number = {"cc": "49", "phone_number": "4915112345001", "verified_name": "Acme at Globex"}

    refused = meta.client.post(url, json=number)
    migrated = meta.client.post(url, json={**number, "migrate_phone_number": True}).json()

    assert error_of(refused)["code"] == 100
    moved = meta.state.numbers[migrated["id"]]
    assert (moved.verified_name, moved.name_status, moved.code_verification_status) == (
        "Acme Retail",
        "APPROVED",
        "UNVERIFIED",
    )
    assert migrated["id"] not in meta.state.reviews


def test_embedded_signup_makes_a_verified_unregistered_number_and_a_code(meta: Meta) -> None:
    signup = meta.client.post(
        "/_sandbox/embedded_signup",
        json={"waba_id": WABA_ID, "cc": "49", "phone_number": "15112345777", "verified_name": "Acme Kiosk"},
    )
    result = signup.json()

    token = meta.client.get(
        "/oauth/access_token", params={"client_id": "a", "client_secret": "s", "code": result["code"]}
    )
    registered = meta.client.post(
        f"/v23.0/{result['phone_number_id']}/register", json={"messaging_product": "whatsapp", "pin": "123123"}
    )

    assert signup.status_code == 201
    assert (result["waba_id"], result["business_id"]) == (WABA_ID, "230934563399802")
    assert token.status_code == 200
    assert registered.json() == {"success": True}
    assert meta.state.numbers[result["phone_number_id"]].platform_type == "CLOUD_API"


def test_subscribed_apps_can_be_removed_and_added_again(meta: Meta) -> None:
    url = f"/v23.0/{WABA_ID}/subscribed_apps"

    removed = meta.client.delete(url).json()
    empty = meta.client.get(url).json()
    added = meta.client.post(url, json={"override_callback_uri": "https://hub.example/webhooks/meta"}).json()
    listed = meta.client.get(url).json()

    assert removed == added == {"success": True}
    assert empty == {"data": []}
    assert listed["data"][0]["name"] == "Client Hub (sandbox)"
    assert meta.state.wabas[WABA_ID].override_callback_uri == "https://hub.example/webhooks/meta"


# --- profile and commerce ------------------------------------------------------------------------


def upload_file(meta: Meta, content: bytes, file_type: str = "image/png") -> str:
    """A whole file through the Resumable Upload API, as Meta documents it; its handle."""
    session = meta.client.post(
        f"/v23.0/{HUB_APP_ID}/uploads",
        params={"file_name": "logo.png", "file_length": len(content), "file_type": file_type},
    ).json()["id"]
    answer = meta.client.post(
        f"/v23.0/{session}", content=content, headers={"Authorization": "OAuth EAAtoken", "file_offset": "0"}
    )
    handle: str = answer.json()["h"]
    return handle


def test_business_profile_updates_are_read_back(meta: Meta) -> None:
    url = f"/v23.0/{NUMBER_ID}/whatsapp_business_profile"
    picture = a_png(200, 200)
    update = {
        "messaging_product": "whatsapp",
        "about": "Shoes and more",
        "websites": ["https://acme.example", "http://shop.acme.example"],
        "vertical": "RETAIL",
        "email": "hello@acme.example",
        "profile_picture_handle": upload_file(meta, picture),
    }

    meta.client.post(url, json=update)
    profile = meta.client.get(url, params={"fields": "about,websites,vertical,email,profile_picture_url"}).json()

    shown = profile["data"][0]
    assert shown["messaging_product"] == "whatsapp"
    assert (shown["about"], shown["vertical"], shown["email"]) == ("Shoes and more", "RETAIL", "hello@acme.example")
    assert shown["websites"] == update["websites"]
    served = meta.client.get(shown["profile_picture_url"])
    assert (served.headers["content-type"], served.content) == ("image/png", picture)


def test_a_resumable_upload_resumes_where_get_says_it_stands(meta: Meta) -> None:
    content = a_png(300, 300)
    session = meta.client.post(
        f"/v23.0/{HUB_APP_ID}/uploads", params={"file_length": len(content), "file_type": "image/png"}
    ).json()["id"]
    oauth = {"Authorization": "OAuth EAAtoken"}

    first = meta.client.post(f"/v23.0/{session}", content=content[:100], headers={**oauth, "file_offset": "0"})
    stands = meta.client.get(f"/v23.0/{session}").json()
    wrong = meta.client.post(f"/v23.0/{session}", content=content[100:], headers={**oauth, "file_offset": "0"})
    rest = meta.client.post(f"/v23.0/{session}", content=content[100:], headers={**oauth, "file_offset": "100"})

    assert session.startswith("upload:")
    assert first.json() == {"id": session, "file_offset": 100}
    assert stands == {"id": session, "file_offset": 100}
    assert (wrong.status_code, error_of(wrong)["code"]) == (400, 100)
    assert "file_offset must be 100" in error_of(wrong)["error_data"]["details"]
    assert rest.json()["h"].startswith("4:")
    assert meta.state.files[rest.json()["h"]].content == content


@pytest.mark.parametrize(
    "params",
    [
        {"file_length": "10", "file_type": "image/gif"},
        {"file_type": "image/png"},
        {"file_length": "0", "file_type": "image/png"},
        {"file_length": "ten", "file_type": "image/png"},
    ],
)
def test_an_upload_session_breaking_metas_rules_is_refused(meta: Meta, params: dict[str, str]) -> None:
    response = meta.client.post(f"/v23.0/{HUB_APP_ID}/uploads", params=params)

    assert (response.status_code, error_of(response)["code"]) == (400, 100)
    assert meta.state.uploads == {}


def test_a_profile_picture_needs_the_handle_of_an_uploaded_image(meta: Meta) -> None:
    url = f"/v23.0/{NUMBER_ID}/whatsapp_business_profile"
    pdf = upload_file(meta, b"%PDF-1.7", file_type="application/pdf")

    for handle in ("4::aW1hZ2U=", pdf):
        response = meta.client.post(url, json={"messaging_product": "whatsapp", "profile_picture_handle": handle})
        assert (response.status_code, error_of(response)["code"]) == (400, 100)
    assert "profile_picture_url" not in meta.state.numbers[NUMBER_ID].profile


def test_bytes_past_the_sessions_length_are_refused(meta: Meta) -> None:
    session = meta.client.post(f"/v23.0/{HUB_APP_ID}/uploads", params={"file_length": 4, "file_type": "image/png"})

    response = meta.client.post(f"/v23.0/{session.json()['id']}", content=b"12345", headers={"file_offset": "0"})

    assert (response.status_code, error_of(response)["code"]) == (400, 100)


@pytest.mark.parametrize(
    "update",
    [
        {"about": "x"},
        {"messaging_product": "whatsapp", "about": "x" * 140},
        {"messaging_product": "whatsapp", "websites": ["https://a.example", "https://b.example", "https://c.example"]},
        {"messaging_product": "whatsapp", "websites": ["ftp://a.example"]},
        {"messaging_product": "whatsapp", "vertical": "INDUSTRY"},
        {"messaging_product": "whatsapp", "email": "not-an-email"},
    ],
)
def test_business_profile_breaking_metas_rules_is_refused(meta: Meta, update: dict[str, Any]) -> None:
    response = meta.client.post(f"/v23.0/{NUMBER_ID}/whatsapp_business_profile", json=update)

    assert response.status_code == 400
    assert error_of(response)["code"] == 100


def test_commerce_settings_take_true_false_query_parameters(meta: Meta) -> None:
    url = f"/v23.0/{NUMBER_ID}/whatsapp_commerce_settings"

    meta.client.post(url, params={"is_cart_enabled": "true", "is_catalog_visible": "true"})
    shown = meta.client.get(url).json()["data"][0]
    wrong = meta.client.post(url, params={"is_cart_enabled": "yes"})

    assert (shown["is_cart_enabled"], shown["is_catalog_visible"]) == (True, True)
    assert error_of(wrong)["code"] == 100


# --- analytics -------------------------------------------------------------------------------------


def test_analytics_are_deterministic_and_in_metas_shape(meta: Meta) -> None:
    fields = {"fields": "analytics.start(1767225600).end(1767484800).granularity(DAY).phone_numbers([4915112345001])"}

    first = meta.client.get(f"/v23.0/{WABA_ID}", params=fields).json()
    second = meta.client.get(f"/v23.0/{WABA_ID}", params=fields).json()

    assert first == second
    analytics = first["analytics"]
    assert analytics["phone_numbers"] == ["4915112345001"]
    assert [point["start"] for point in analytics["data_points"]] == [1767225600, 1767312000, 1767398400]
    assert all(0 <= point["delivered"] <= point["sent"] for point in analytics["data_points"])


def test_conversation_analytics_split_by_phone_and_category_per_month(meta: Meta) -> None:
    fields = (
        "conversation_analytics.start(1764547200).end(1767225600).granularity(MONTHLY)"
        ".dimensions([PHONE,CONVERSATION_CATEGORY]).conversation_categories([MARKETING,UTILITY])"
    )

    points = meta.client.get(f"/v23.0/{OBO_WABA_ID}", params={"fields": fields}).json()
    data_points = points["conversation_analytics"]["data"][0]["data_points"]

    assert {(p["phone_number"], p["conversation_category"]) for p in data_points} == {
        (phone, category) for phone in ("15550783881", "15550783882") for category in ("MARKETING", "UTILITY")
    }
    assert {(p["start"], p["end"]) for p in data_points} == {(1764547200, 1767225600)}
    assert all({"conversation", "cost"} <= set(p) for p in data_points)


@pytest.mark.parametrize(
    "spec",
    [
        "analytics.start(1767225600).end(1767484800).granularity(DAILY)",
        "pricing_analytics.start(1767484800).end(1767225600).granularity(DAILY)",
        "pricing_analytics.end(1767225600).granularity(DAILY)",
        "analytics.start(0).end(1767484800).granularity(HALF_HOUR)",
    ],
)
def test_analytics_questions_meta_would_refuse_are_refused(meta: Meta, spec: str) -> None:
    response = meta.client.get(f"/v23.0/{WABA_ID}", params={"fields": spec})

    assert response.status_code == 400
    assert error_of(response)["code"] == 100


# --- faults and the admin API ----------------------------------------------------------------------


def test_a_503_fault_hits_the_next_requests_then_clears_itself(meta: Meta) -> None:
    meta.client.post("/_sandbox/faults", json={"status": 503, "count": 2})

    statuses = [meta.client.get(f"/v23.0/{NUMBER_ID}").status_code for _ in range(3)]

    assert statuses == [503, 503, 200]


def test_a_throttling_fault_answers_metas_envelope_retry_after_and_full_usage(meta: Meta) -> None:
    meta.client.post("/_sandbox/faults", json={"status": 429, "code": 80007, "count": 1, "retry_after": 120})

    response = meta.client.get(f"/v23.0/{NUMBER_ID}")

    assert response.status_code == 429
    error = error_of(response)
    assert (error["code"], error["error_subcode"], error["is_transient"]) == (80007, 2446079, True)
    assert response.headers["Retry-After"] == "120"
    usage = json.loads(response.headers["x-business-use-case-usage"])[WABA_ID][0]
    assert (usage["call_count"], usage["estimated_time_to_regain_access"]) == (100, 2)


def test_a_fault_without_count_lasts_until_cleared(meta: Meta) -> None:
    meta.client.post("/_sandbox/faults", json={"status": 500, "latency_ms": 1})

    during = [meta.client.get(f"/v23.0/{NUMBER_ID}") for _ in range(3)]
    meta.client.delete("/_sandbox/faults")
    after = meta.client.get(f"/v23.0/{NUMBER_ID}")

    assert [response.status_code for response in during] == [500, 500, 500]
    assert error_of(during[0])["code"] == 2
    assert after.status_code == 200


@pytest.mark.parametrize("fault", [{"status": 200}, {"count": 0}, {"latency_ms": -1}, {"status": "soon"}])
def test_malformed_faults_are_refused(meta: Meta, fault: dict[str, Any]) -> None:
    response = meta.client.post("/_sandbox/faults", json=fault)

    assert response.status_code == 422
    assert meta.state.fault is None


def test_faults_do_not_touch_the_admin_api(meta: Meta) -> None:
    meta.client.post("/_sandbox/faults", json={"status": 503})

    assert meta.client.get("/_sandbox/state").status_code == 200


def test_state_dump_shows_numbers_templates_reviews_and_webhooks(meta: Meta) -> None:
    meta.client.post(f"/v23.0/{NUMBER_ID}", json={"new_display_name": "Acme Shoes"})

    dump = meta.client.get("/_sandbox/state").json()

    assert dump["numbers"][NUMBER_ID]["new_display_name"] == "Acme Shoes"
    assert dump["reviews"][NUMBER_ID]["kind"] == "display_name"
    assert set(dump) >= {"wabas", "templates", "webhooks", "fault", "webhooks_to_lose"}


def test_the_app_factory_exposes_its_sandbox_for_the_runner() -> None:
    app = build_meta_sandbox(
        MetaState.from_story(),
        app_secret=APP_SECRET,
        webhook_url=None,
        review_delay_seconds=1,
        clock=FrozenClock(SANDBOX_START),
    )

    assert isinstance(app.state.sandbox, MetaSandbox)
    assert app.state.sandbox.tick() == {"decided": 0, "delivered": 0}
