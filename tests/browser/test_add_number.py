"""Adding a number (seed, "Add a Number"): "Add number" runs Embedded Signup in a popup — locally the Meta sandbox's
consent page — and the hub sets the number up. Each test has a client of its own (`a_fresh_client`)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.builders import (
    LocalHubUnderTest,
    a_fresh_client,
    a_fresh_phone,
    confirm_signup,
    screen,
    sign_in,
    signup_in_popup,
    slow_meta,
)


def open_add_number(page: Page, hub: LocalHubUnderTest) -> None:
    client = a_fresh_client(hub)
    sign_in(page, client.email)
    expect(page.get_by_role("cell", name="No numbers yet.")).to_be_visible()
    page.get_by_role("link", name="Add number").click()
    expect(page.get_by_role("heading", name="Add a number", level=1)).to_be_visible()


def test_a_direct_client_adds_a_number_and_sees_it_running(page: Page, hub: LocalHubUnderTest) -> None:
    phone = a_fresh_phone()
    open_add_number(page, hub)
    screen(page, "add number")
    slow_meta(hub, calls=2)  # the hub's first calls to Meta take a while: the progress shows meanwhile

    signup_in_popup(page, confirm_signup(phone, "Fresh Kiosk"), screen_name="embedded signup sandbox")

    progress = page.get_by_role("region", name=re.compile("^Adding"))
    expect(progress).to_be_visible()
    expect(progress.get_by_role("progressbar")).to_be_visible()
    expect(progress.get_by_role("status")).to_have_text(re.compile("Setting the number up with Meta"))
    screen(page, "add number progress")
    done = page.get_by_role("heading", name=f"{phone} is running")
    expect(done).to_be_visible()
    expect(done).to_be_focused()
    screen(page, "add number done")

    page.get_by_role("link", name="Go to your numbers").click()
    row = page.get_by_role("row", name=re.compile(re.escape(phone)))
    expect(row.get_by_role("cell").first).to_have_text("Running")
    expect(row).to_contain_text("Fresh Kiosk")


def test_a_number_meta_connects_later_is_followed_until_it_runs(page: Page, hub: LocalHubUnderTest) -> None:
    phone = a_fresh_phone()
    open_add_number(page, hub)

    signup_in_popup(page, confirm_signup(phone, "Fresh Later", connection="8 seconds after its registration"))

    progress = page.get_by_role("region", name=f"Adding {phone}")
    expect(progress.get_by_role("status")).to_have_text("Waiting for Meta: the hub asks again every few seconds.")
    expect(progress.get_by_role("listitem").filter(has_text="Wait until Meta connects the number")).to_have_attribute(
        "aria-current", "step"
    )
    expect(progress).to_contain_text("Meta has not connected the number yet (its status is PENDING)")
    screen(page, "add number waiting for meta")
    expect(page.get_by_role("heading", name=f"{phone} is running")).to_be_visible(timeout=30_000)


def test_a_cancelled_or_closed_signup_adds_nothing_and_says_so(page: Page, hub: LocalHubUnderTest) -> None:
    open_add_number(page, hub)

    signup_in_popup(page, lambda popup: popup.get_by_role("button", name="Cancel").click())

    expect(page.get_by_role("heading", name="Embedded Signup was cancelled")).to_be_focused()
    expect(page.get_by_text("no number was added")).to_be_visible()
    screen(page, "add number cancelled")

    page.get_by_role("button", name="Continue with Facebook").focus()
    with page.expect_popup() as opened:  # by keyboard this time, and closed without a word
        page.keyboard.press("Enter")
    opened.value.close()

    expect(page.get_by_role("heading", name="Embedded Signup was cancelled")).to_be_visible()
    expect(page.get_by_role("button", name="Continue with Facebook")).to_be_enabled()
    page.get_by_role("link", name="Back to numbers").click()
    expect(page.get_by_role("cell", name="No numbers yet.")).to_be_visible()


def test_a_code_meta_refuses_shows_metas_reason(page: Page, hub: LocalHubUnderTest) -> None:
    open_add_number(page, hub)

    signup_in_popup(page, confirm_signup(a_fresh_phone(), "Fresh Kiosk", code="Expired (Meta refuses it)"))

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Meta did not accept the signup code")
    expect(alert).to_contain_text("The signup code has expired: run Embedded Signup again and send the new code.")
    expect(page.get_by_role("button", name="Continue with Facebook")).to_be_enabled()
    screen(page, "add number refused")


def test_a_signup_the_consent_page_refuses_stays_in_the_popup(page: Page, hub: LocalHubUnderTest) -> None:
    open_add_number(page, hub)
    taken = "+4915112345001"  # Acme's: Meta knows it already

    def try_taken(popup: Page) -> None:
        confirm_signup(taken, "Again")(popup)
        expect(popup.get_by_role("alert")).to_have_text("This phone number is already in the sandbox.")
        expect(popup.get_by_label("Phone number")).to_have_value(taken)
        popup.get_by_role("button", name="Cancel").click()

    signup_in_popup(page, try_taken)

    expect(page.get_by_role("heading", name="Embedded Signup was cancelled")).to_be_visible()


def test_partners_and_support_agents_are_offered_no_adding_or_importing(page: Page) -> None:
    sign_in(page, "pat@bluewave.example")
    page.get_by_role("link", name="globex").click()
    expect(page.get_by_role("table")).to_be_visible()

    expect(page.get_by_role("link", name=re.compile("Add number|Import"))).to_have_count(0)
    page.goto("/numbers/add")
    expect(page).to_have_url(re.compile("/clients$"))  # a client's own page: partners choose a client instead
    expect(page.get_by_role("button", name="Continue with Facebook")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    sign_in(page, "sam@hub.example")
    expect(page.get_by_role("heading", name="Choose a client")).to_be_visible()
    page.goto("/clients/acme/numbers")
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Add number|Import"))).to_have_count(0)
    expect(page.get_by_role("region", name="Imports in progress")).to_have_count(0)
