"""User settings (seed, "How to update email or username": "To update the User Name, just click on Edit and enter the
desired name"): a user opens their account from their name in the menu bar and changes the username it shows."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.builders import RecordingHub, hub_call, hub_json, screen, sign_in

ANNA = "anna@acme.example"


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
