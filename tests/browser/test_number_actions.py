"""The Numbers page's actions (seed, "Numbers → Actions"): Cancel Subscription and its withdrawal, Activate Inbox,
and who sees which. Each test works on its own seeded number and leaves it as it found it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from playwright.sync_api import Locator, Page, Route, expect

from tests.builders import (
    PROBLEMS,
    LocalHubUnderTest,
    cancellation_as_before,
    end_of_month,
    hub_call,
    long_date,
    screen,
    sign_in,
)

ACME_RUNNING = "+49 1511 2345001"  # the one whose inbox a test activates
ACME_CANCELLED = ("106540352242924", "+49 1511 2345003")  # cancelled by the seed
ACME_RESTRICTED = "+49 1511 2345005"
ACME_FLAGGED = ("106540352242927", "+49 1511 2345006")


def number_row(page: Page, phone: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=phone, exact=True))


def status_cell(row: Locator) -> Locator:
    return row.get_by_role("cell").first


def test_a_direct_client_cancels_a_number_then_withdraws_the_cancellation(page: Page, hub: LocalHubUnderTest) -> None:
    number_id, phone = ACME_FLAGGED
    deletion = long_date(end_of_month(datetime.now(UTC)))
    with cancellation_as_before(hub, number_id):
        sign_in(page, "anna@acme.example")
        row = number_row(page, phone)
        expect(status_cell(row)).to_have_text("Flagged")

        row.get_by_role("button", name="Cancel subscription").click()

        dialog = page.get_by_role("alertdialog", name=f"Cancel the subscription of {phone}?")
        expect(dialog).to_contain_text(f"The number will be deleted on {deletion} (UTC), at the end of this month.")
        expect(dialog).to_contain_text("Until then it keeps sending and receiving messages as normal.")
        expect(dialog).to_contain_text("Billing for the number stops when it is deleted.")
        expect(dialog).to_contain_text("The deletion is permanent")
        screen(page, "cancel subscription")
        dialog.get_by_role("button", name="Confirm cancellation").click()

        expect(dialog).to_be_hidden()
        expect(status_cell(row)).to_contain_text("Pending deletion")
        expect(status_cell(row)).to_contain_text(f"Deletion on {deletion} (UTC)")
        withdraw = row.get_by_role("button", name="Withdraw cancellation")
        expect(withdraw).to_be_focused()  # the control that replaced the one pressed
        expect(withdraw).to_have_accessible_description(f"Cancelled: deleted on {deletion} (UTC).")
        expect(row.get_by_role("button", name="Cancel subscription")).to_have_count(0)
        screen(page, "numbers pending deletion")

        page.keyboard.press("Enter")

        expect(status_cell(row)).to_have_text("Flagged")
        expect(row.get_by_role("button", name="Cancel subscription")).to_be_focused()
        expect(row.get_by_role("button", name="Withdraw cancellation")).to_have_count(0)


def test_the_confirmation_is_left_by_keyboard_without_cancelling(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    row = number_row(page, ACME_RESTRICTED)
    trigger = row.get_by_role("button", name="Cancel subscription")
    trigger.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()

    page.keyboard.press("Escape")

    expect(dialog).to_be_hidden()
    expect(trigger).to_be_focused()
    trigger.press("Enter")
    page.get_by_role("button", name="Keep the subscription").click()
    expect(dialog).to_be_hidden()
    expect(status_cell(row)).to_have_text("Restricted")


def test_a_refused_cancellation_shows_the_apis_problem_in_the_dialog(page: Page) -> None:
    detail = "Meta has banned the number, so the hub cannot deregister it; ask support to close it."
    problem = {"type": f"{PROBLEMS}number-not-cancellable", "title": "Conflict", "status": 409, "detail": detail}

    def refuse(route: Route) -> None:
        route.fulfill(status=409, content_type="application/problem+json", body=json.dumps(problem))

    page.route(re.compile(r"/v1/numbers/\d+/cancellation$"), refuse)  # the number was banned meanwhile
    sign_in(page, "anna@acme.example")
    row = number_row(page, ACME_RESTRICTED)
    row.get_by_role("button", name="Cancel subscription").click()
    dialog = page.get_by_role("alertdialog")

    dialog.get_by_role("button", name="Confirm cancellation").click()

    alert = dialog.get_by_role("alert")
    expect(alert).to_contain_text("The subscription could not be cancelled")
    expect(alert).to_contain_text(detail)
    expect(dialog.get_by_role("button", name="Confirm cancellation")).to_be_enabled()
    screen(page, "cancel subscription refused")
    dialog.get_by_role("button", name="Keep the subscription").click()
    expect(status_cell(row)).to_have_text("Restricted")


def test_withdrawing_a_cancellation_withdrawn_elsewhere_shows_why_it_failed(page: Page, hub: LocalHubUnderTest) -> None:
    number_id, phone = ACME_CANCELLED
    with cancellation_as_before(hub, number_id):
        sign_in(page, "anna@acme.example")
        row = number_row(page, phone)
        withdraw = row.get_by_role("button", name="Withdraw cancellation")
        expect(withdraw).to_be_visible()
        elsewhere = hub_call(hub, "DELETE", f"/v1/numbers/{number_id}/cancellation", "anna@acme.example")
        assert elsewhere.status_code == 200, elsewhere.text

        withdraw.click()

        alert = row.get_by_role("alert")
        expect(alert).to_contain_text("The cancellation could not be withdrawn")
        expect(alert).to_contain_text("The number is not cancelled (it is running).")


def test_a_direct_client_activates_a_numbers_inbox_and_then_finds_its_link(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    row = number_row(page, ACME_RUNNING)
    expect(number_row(page, ACME_FLAGGED[1]).get_by_role("button", name="Activate inbox")).to_have_count(0)

    row.get_by_role("button", name="Activate inbox").click()

    link = row.get_by_role("link", name=f"Open inbox of {ACME_RUNNING} (opens in a new tab)")
    expect(link).to_be_focused()
    expect(link).to_have_attribute("href", re.compile(r"^http://127\.0\.0\.1:\d+/inbox/inbox-\d+$"))
    expect(link).to_have_attribute("target", "_blank")
    expect(row.get_by_role("button", name="Activate inbox")).to_have_count(0)
    screen(page, "numbers inbox active")

    page.reload()

    expect(number_row(page, ACME_RUNNING).get_by_role("link", name="Open inbox")).to_have_attribute(
        "href", link.get_attribute("href") or "?"
    )
    expect(number_row(page, ACME_RUNNING).get_by_role("button", name="Activate inbox")).to_have_count(0)


def test_a_partner_paid_client_may_cancel_but_has_no_inbox_to_activate(page: Page) -> None:
    sign_in(page, "gary@globex.example")
    row = number_row(page, "+1 555-078-3881")

    expect(row.get_by_role("button", name="Cancel subscription")).to_be_visible()
    expect(row.get_by_role("button", name="Activate inbox")).to_have_count(0)
    expect(row.get_by_role("link", name="Open inbox")).to_have_count(0)


def test_partners_and_support_never_see_cancel_or_activate(page: Page) -> None:
    sign_in(page, "pat@bluewave.example")
    page.get_by_role("link", name="globex").click()
    expect(number_row(page, "+1 555-078-3881")).to_be_visible()
    main = page.get_by_role("main")
    expect(main.get_by_role("button", name=re.compile("Cancel subscription|Withdraw|Activate inbox"))).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()  # the tokens are revoked and gone
    sign_in(page, "sam@hub.example")
    page.get_by_label("Find a client").fill("acme")
    page.get_by_role("list", name="Clients").get_by_role("link", name="Acme Retail GmbH").click()
    expect(number_row(page, ACME_CANCELLED[1])).to_contain_text("Pending deletion")
    main = page.get_by_role("main")
    expect(main.get_by_role("button", name=re.compile("Cancel subscription|Withdraw|Activate inbox"))).to_have_count(0)
    screen(page, "numbers support")
