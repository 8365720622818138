"""The Meta sandbox's Embedded Signup popup (local.sandboxes.meta.signup_page): the consent form, and the page that
answers the portal with Meta's `WA_EMBEDDED_SIGNUP` message shapes and the authorization code."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from local.sandboxes.meta import MetaSandbox, MetaState
from tests.builders import FrozenClock

PORTAL = "http://127.0.0.1:8750"
ACME_WABA = "102290129340398"
ACME_BUSINESS = "230934563399802"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 1, 5, 10, 0, tzinfo=UTC))


@pytest.fixture
def sandbox(clock: FrozenClock) -> Iterator[tuple[TestClient, MetaState]]:
    meta = MetaSandbox(
        MetaState.from_story(), app_secret="secret", webhook_url=None, review_delay_seconds=30, clock=clock
    )
    with TestClient(meta.app) as client:
        yield client, meta.state


def confirm(client: TestClient, **fields: str) -> httpx.Response:
    form = {"origin": PORTAL, "action": "finish", "waba_id": "new", "business_name": "Kiosk GmbH"} | fields
    answer: httpx.Response = client.post("/embedded-signup", data=form)
    return answer


def posted(page: httpx.Response) -> dict[str, Any]:
    """What the answer page posts to its opener: `{origin, messages}`."""
    found = re.search(r'<script type="application/json" id="signup-messages">(.*?)</script>', page.text, re.S)
    assert found, page.text
    answer: dict[str, Any] = json.loads(found.group(1))
    return answer


def test_the_consent_form_offers_a_new_or_a_sandbox_waba_and_every_field_labelled(
    sandbox: tuple[TestClient, MetaState],
) -> None:
    client, _ = sandbox

    page = client.get("/embedded-signup", params={"origin": PORTAL})

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<option value="new" selected>Create a new WhatsApp Business Account</option>' in page.text
    assert f'<option value="{ACME_WABA}">Acme Retail (Acme Retail GmbH, {ACME_WABA})</option>' in page.text
    for field in ("waba_id", "business_name", "phone_number", "verified_name", "code_outcome"):
        assert f'<label for="{field}">' in page.text
        assert f'id="{field}" name="{field}"' in page.text
    assert f'<input type="hidden" name="origin" value="{PORTAL}">' in page.text


def test_confirming_answers_metas_finish_event_then_the_code_to_the_portals_origin_only(
    sandbox: tuple[TestClient, MetaState],
) -> None:
    client, state = sandbox

    page = confirm(client, phone_number="+49 1511 2345777", verified_name="Acme Kiosk", waba_id=ACME_WABA)
    answer = posted(page)

    finish, login = answer["messages"]
    number_id = finish["data"]["phone_number_id"]
    assert answer["origin"] == PORTAL
    assert finish == {
        "type": "WA_EMBEDDED_SIGNUP",
        "event": "FINISH",
        "data": {"phone_number_id": number_id, "waba_id": ACME_WABA, "business_id": ACME_BUSINESS},
    }
    code = f"sandbox-{number_id}"
    assert login == {"type": "SANDBOX_FB_LOGIN", "status": "connected", "authResponse": {"code": code}}
    number = state.numbers[number_id]
    assert (number.waba_id, number.phone_digits, number.verified_name, number.registered) == (
        ACME_WABA,
        "4915112345777",
        "Acme Kiosk",
        False,
    )
    assert "window.opener.postMessage(JSON.stringify(message), answer.origin)" in page.text  # as Meta: JSON text


def test_a_new_business_account_is_made_shared_and_not_yet_subscribed(sandbox: tuple[TestClient, MetaState]) -> None:
    client, state = sandbox

    finish = posted(confirm(client, phone_number="+4915112345778", verified_name="Kiosk"))["messages"][0]

    waba = state.wabas[finish["data"]["waba_id"]]
    assert (waba.name, waba.type, waba.business_id, waba.subscribed_apps) == (
        "Kiosk GmbH",
        "SHARED",
        finish["data"]["business_id"],
        [],
    )


@pytest.mark.parametrize(("outcome", "prefix"), [("expired", "expired-sandbox-"), ("bad", "bad-sandbox-")])
def test_a_code_meta_will_refuse_is_handed_over_as_chosen(
    sandbox: tuple[TestClient, MetaState], outcome: str, prefix: str
) -> None:
    client, _ = sandbox

    login = posted(confirm(client, phone_number="+4915112345779", verified_name="Kiosk", code_outcome=outcome))
    code = login["messages"][1]["authResponse"]["code"]
    exchanged = client.get("/oauth/access_token", params={"client_id": "a", "client_secret": "s", "code": code})

    assert code.startswith(prefix)
    assert exchanged.status_code == 400
    assert exchanged.json()["error"]["error_subcode"] in (36007, 36008)


@pytest.mark.parametrize(
    ("connection", "at_once", "later"), [("now", "CONNECTED", "CONNECTED"), ("later", "PENDING", "CONNECTED")]
)
def test_meta_connects_the_number_once_registered_or_a_few_seconds_later(
    sandbox: tuple[TestClient, MetaState], clock: FrozenClock, connection: str, at_once: str, later: str
) -> None:
    client, _ = sandbox
    finish = posted(confirm(client, phone_number="+4915112345781", verified_name="Kiosk", connection=connection))
    number = f"/v23.0/{finish['messages'][0]['data']['phone_number_id']}"
    bearer = {"Authorization": "Bearer EAAtoken"}

    client.post(f"{number}/register", json={"messaging_product": "whatsapp", "pin": "123123"}, headers=bearer)
    registered = client.get(number, params={"fields": "status"}, headers=bearer).json()["status"]
    clock.advance(8)
    afterwards = client.get(number, params={"fields": "status"}, headers=bearer).json()["status"]

    assert (registered, afterwards) == (at_once, later)


def test_cancelling_answers_metas_cancel_event_and_no_code(sandbox: tuple[TestClient, MetaState]) -> None:
    client, state = sandbox
    numbers = len(state.numbers)

    answer = posted(client.post("/embedded-signup", data={"origin": PORTAL, "action": "cancel"}))

    assert answer["messages"] == [
        {"type": "WA_EMBEDDED_SIGNUP", "event": "CANCEL", "data": {"current_step": "PHONE_NUMBER_SETUP"}},
        {"type": "SANDBOX_FB_LOGIN", "status": "unknown", "authResponse": None},
    ]
    assert len(state.numbers) == numbers


def test_a_number_the_sandbox_has_is_refused_on_the_form_and_nothing_is_left_behind(
    sandbox: tuple[TestClient, MetaState],
) -> None:
    client, state = sandbox
    wabas = set(state.wabas)

    page = confirm(client, phone_number="+4915112345001", verified_name="Again")

    assert page.status_code == 422
    assert '<p class="error" role="alert">This phone number is already in the sandbox.</p>' in page.text
    assert 'value="+4915112345001"' in page.text  # what was typed stays
    assert "signup-messages" not in page.text
    assert set(state.wabas) == wabas


@pytest.mark.parametrize("origin", [None, "", "javascript:alert(1)", "http://127.0.0.1:8750/numbers", "*"])
def test_without_a_portal_origin_to_answer_the_page_refuses(
    sandbox: tuple[TestClient, MetaState], origin: str | None
) -> None:
    client, _ = sandbox

    page = client.get("/embedded-signup", params={"origin": origin} if origin is not None else {})

    assert page.status_code == 400
    assert "Open Embedded Signup from the portal" in page.text


def test_what_the_user_typed_cannot_end_the_answers_script(sandbox: tuple[TestClient, MetaState]) -> None:
    client, _ = sandbox
    name = "</script><script>alert(1)</script>"

    page = confirm(client, phone_number="+4915112345780", verified_name="Kiosk", business_name=name)
    refused = confirm(client, phone_number="+4915112345001", verified_name=name)

    assert "<script>alert(1)" not in page.text
    assert "<script>alert(1)" not in refused.text
