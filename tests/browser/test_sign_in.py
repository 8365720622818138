"""Signing in and out of the portal with the Cognito pool (SRP through Amplify), as each seeded role."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Request, expect

from tests.builders import screen, sign_in


@pytest.mark.parametrize(
    ("email", "start", "heading"),
    [
        ("anna@acme.example", "/numbers", "Numbers"),
        ("gary@globex.example", "/numbers", "Numbers"),
        ("pat@bluewave.example", "/clients", "Choose a client"),
        ("sam@hub.example", "/clients", "Choose a client"),
    ],
    ids=["direct-client", "client", "partner", "support"],
)
def test_each_role_signs_in_and_lands_on_its_start_page(page: Page, email: str, start: str, heading: str) -> None:
    sign_in(page, email)

    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(f"{start}$"))
    signed_in = page.get_by_role("banner").get_by_role("link", name=f"(user settings of {email})")
    expect(signed_in).to_be_visible()
    screen(page, f"start page {email.split('@', maxsplit=1)[0]}")


def test_the_sign_in_form_is_labelled(page: Page) -> None:
    page.goto("/")

    expect(page).to_have_title("Sign in · Client Hub")
    expect(page.get_by_label("Email")).to_be_editable()
    expect(page.get_by_label("Password")).to_have_attribute("type", "password")
    expect(page.get_by_role("button", name="Sign in")).to_be_enabled()
    screen(page, "sign in")


def test_a_wrong_password_shows_cognitos_refusal(page: Page) -> None:
    sign_in(page, "anna@acme.example", "Wrong-pass-2026")

    expect(page.get_by_role("alert")).to_contain_text("Incorrect username or password.")
    expect(page.get_by_role("heading", name="Sign in to Client Hub")).to_be_visible()
    expect(page).to_have_url(re.compile("/sign-in$"))
    screen(page, "sign in refused")


def test_sign_out_ends_the_session(page: Page) -> None:
    sign_in(page, "gary@globex.example")
    expect(page.get_by_role("heading", name="Numbers")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    page.goto("/numbers")
    expect(page.get_by_role("heading", name="Sign in to Client Hub")).to_be_visible()
    screen(page, "signed out")


def test_a_deep_link_opens_after_signing_in(page: Page) -> None:
    page.goto("/numbers/106540352242922")
    expect(page.get_by_role("heading", name="Sign in to Client Hub")).to_be_visible()

    page.get_by_label("Email").fill("anna@acme.example")
    page.get_by_label("Password").fill("Demo-pass-2026")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="+49 1511 2345001", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile("/numbers/106540352242922$"))


def test_expired_tokens_are_refreshed_with_the_refresh_token(page: Page) -> None:
    page.clock.install()
    sign_in(page, "anna@acme.example")
    expect(page.get_by_role("heading", name="Numbers")).to_be_visible()

    page.clock.fast_forward("01:01:00")  # the ID token lives 60 minutes
    with page.expect_request(refreshing) as refresh:
        page.get_by_role("link", name="Manage +49 1511 2345002").click()

    answer = refresh.value.response()
    assert answer is not None
    assert answer.ok
    expect(page.get_by_role("heading", name="+49 1511 2345002", level=1)).to_be_visible()


def refreshing(request: Request) -> bool:
    return (request.headers.get("x-amz-target") or "").endswith(".GetTokensFromRefreshToken")
