"""User settings (seed, "How to update email or username": "To update the User Name, just click on Edit and enter the
desired name"): a user opens their account from their name in the menu bar and changes the username it shows, or
their sign-in address (a code to the new one, then a new password); a forgotten password is set anew with a code."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from playwright.sync_api import Page, expect

from local.story import DEMO_PASSWORD
from tests.builders import RecordingHub, a_fresh_client, hub_call, hub_json, mailed_codes_on, screen, sign_in

ANNA = "anna@acme.example"
NEW_PASSWORD = "A-brand-new-Passw0rd"


def test_a_user_edits_the_username_the_portal_shows(page: Page, hub: RecordingHub) -> None:
    before = hub_json(hub, "/v1/me", ANNA)["username"]
    try:
        sign_in(page, ANNA)
        page.get_by_role("link", name=f"(user settings of {ANNA})").click()
        expect(page.get_by_role("heading", name="User settings", level=1)).to_be_visible()
        account = page.get_by_role("region", name="Your account")
        expect(account).to_contain_text(ANNA)
        expect(account).to_contain_text(before)

        account.get_by_role("button", name="Edit username").click()
        field = account.get_by_role("textbox", name="Username")
        field.fill("   ")
        account.get_by_role("button", name="Save username").click()
        expect(account.get_by_text("Enter a username.")).to_be_visible()
        field.fill("  Anna A. ")
        account.get_by_role("button", name="Save username").click()

        expect(account.get_by_role("status")).to_have_text("Saved: your username is now “Anna A.”.")
        expect(page.get_by_role("link", name=f"(user settings of {ANNA})")).to_contain_text("Anna A.")
        screen(page, "user settings")
        page.reload()
        expect(page.get_by_role("region", name="Your account")).to_contain_text("Anna A.")
    finally:
        assert hub_call(hub, "PATCH", "/v1/me", ANNA, {"username": before}).status_code == 200


def test_a_user_changes_the_sign_in_address_with_its_code_then_chooses_a_new_password(
    page: Page, hub: RecordingHub
) -> None:
    """Seed: "After changing it in the Hub, you will receive instructions via email to reset the password and the
    previous email will be replaced"."""
    client = a_fresh_client(hub)
    new = f"new-{client.email}"
    sign_in(page, client.email)
    page.get_by_role("link", name=f"(user settings of {client.email})").click()
    account = page.get_by_role("region", name="Your account")
    account.get_by_role("button", name="Change e-mail").click()
    field = account.get_by_role("textbox", name="New e-mail address")
    field.fill(client.email.upper())
    account.get_by_role("button", name="Send the code").click()
    expect(account.get_by_text("That is already your sign-in address.")).to_be_visible()
    field.fill(ANNA)
    account.get_by_role("button", name="Send the code").click()
    expect(account.get_by_text("Another user signs in with that address")).to_be_visible()
    field.fill(new)
    account.get_by_role("button", name="Send the code").click()

    expect(account).to_contain_text(f"We sent a code to {new}. Enter it to make it your sign-in address")
    expect(account).to_contain_text(f"changing to {new}: waiting for its code")
    (code,) = mailed_codes_on(hub, new)
    account.get_by_role("textbox", name="Code").fill("000000" if code != "000000" else "999999")
    account.get_by_role("button", name="Confirm the new address").click()
    expect(account.get_by_text("Invalid verification code provided")).to_be_visible()
    screen(page, "e-mail change: the code")
    account.get_by_role("textbox", name="Code").fill(code)
    account.get_by_role("button", name="Confirm the new address").click()

    expect(page.get_by_role("heading", name="Choose a new password", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        f"Your sign-in address is now {new}. We sent a code to it: enter it with a new password to sign in."
    )
    page.get_by_role("button", name="Back to sign-in").click()  # and come back the way a returning user does
    page.get_by_label("Email").fill(new)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your password must be changed before you sign in: we sent a code to your e-mail address."
    )
    _, reset_code = mailed_codes_on(hub, new)
    page.get_by_role("textbox", name="Code").fill(reset_code)
    page.get_by_label("New password").fill("too-short")
    page.get_by_role("button", name="Save and sign in").click()
    expect(page.get_by_text("A password has at least 12 characters.")).to_be_visible()
    screen(page, "e-mail change: a new password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save and sign in").click()

    expect(page.get_by_role("link", name=f"(user settings of {new})")).to_be_visible()
    page.goto("/activity")
    expect(page.get_by_text(f"Changed a sign-in address to {new}")).to_be_visible()
    with pytest.raises(ClientError):
        hub.token(client.email, NEW_PASSWORD)  # the old address signs in no more


def test_a_user_who_forgot_the_password_sets_a_new_one_with_a_mailed_code(page: Page, hub: RecordingHub) -> None:
    client = a_fresh_client(hub)
    page.goto("/")
    page.get_by_role("button", name="Forgot your password?").click()
    page.get_by_label("Email").fill(client.email)
    page.get_by_role("button", name="Send me a code").click()

    expect(page.get_by_role("status")).to_have_text(f"If {client.email} has an account, we sent a code to it.")
    assert len(mailed_codes_on(hub, client.email)) == 1
    page.get_by_role("button", name="Send a new code").click()
    expect(page.get_by_role("status")).to_have_text(f"We sent a new code to {client.email}.")
    first, latest = mailed_codes_on(hub, client.email)
    page.get_by_role("textbox", name="Code").fill(first)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save and sign in").click()
    if first != latest:  # one run in a million draws the same code twice
        expect(page.get_by_text("Invalid verification code provided")).to_be_visible()
        page.get_by_role("textbox", name="Code").fill(latest)
        page.get_by_role("button", name="Save and sign in").click()

    expect(page.get_by_role("link", name=f"(user settings of {client.email})")).to_be_visible()
    assert hub.token(client.email, NEW_PASSWORD)
