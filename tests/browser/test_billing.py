"""Billing in the portal (seed, "Insights", "Details", "Menu > Billing Options"): the WABA Manager's Billing started
and plan, Menu → Billing into Stripe's billing portal, Funds (a top-up through Stripe Checkout, auto-renewal),
Invoices, the Approximate charges graph with its forecast, and a partner-paid client told that its partner bills it.
Acme pays the hub directly from prepaid funds; Globex is billed by its partner."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.builders import RecordingHub, screen, sign_in

ACME_RUNNING = "+49 1511 2345001"
ACME_RUNNING_E164 = "+4915112345001"
ACME_OUTLET_E164 = "+4915112345002"
ACME_PENDING_DELETION = "+49 1511 2345003"  # still billed and messaging until its deletion; no test tops it up
GLOBEX_RUNNING = "+1 555-078-3881"
EUROS = re.compile(r"^€[\d,]+\.\d{2}$")


def menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Menu")


def open_number(page: Page, phone: str) -> None:
    page.get_by_role("row", name=re.compile(re.escape(phone))).get_by_role("link", name="Manage").click()


def field(region: Locator, name: str) -> Locator:
    """The value of a field of a description list (`<dt>` name, `<dd>` value)."""
    return region.locator(f"xpath=.//dt[normalize-space()='{name}']/following-sibling::dd[1]")


def cents(text: str) -> int:
    """Euros as shown ("€1,017.85") in cents (101785)."""
    return int(re.sub(r"[^\d]", "", text))


def euros(amount: int) -> str:
    return f"€{amount // 100:,}.{amount % 100:02d}"


def funds_of(page: Page, phone: str) -> Locator:
    """Menu → Funds → the number's Manage funds: the number's funds panel."""
    menu(page).get_by_role("link", name="Funds").click()
    page.get_by_role("link", name=f"Manage funds of {phone}").click()
    return page.get_by_role("region", name=f"Funds of {phone}")


def test_details_show_when_billing_started_and_the_plan(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    open_number(page, ACME_RUNNING)

    details = page.get_by_role("region", name="Details", exact=True)
    expect(field(details, "Billing started")).to_have_text(re.compile(r"^[A-Z][a-z]+ \d{1,2}, \d{4}$"))
    expect(field(details, "Plan")).to_have_text(re.compile(r"^.+: €\d+\.\d{2} per number a month$"))
    expect(field(details, "Numbers billed")).to_have_text(re.compile(r"^[1-9]\d*$"))
    screen(page, "billing details")


def test_menu_billing_opens_stripes_billing_portal(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    menu(page).get_by_role("button", name="Billing").click()

    expect(page.get_by_role("heading", name="Billing portal (Stripe sandbox)")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Default card: Visa •••• 4242$"))).to_be_visible()


def test_funds_are_added_through_checkout_and_the_balance_rises(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    panel = funds_of(page, ACME_RUNNING_E164)
    row = page.get_by_role("row", name=re.compile(re.escape(ACME_RUNNING_E164)))
    balance = row.get_by_role("cell").first
    expect(balance).to_have_text(EUROS)
    before = cents(balance.inner_text())
    expect(page.get_by_role("row", name=re.compile(r"^Total"))).to_contain_text("€")
    screen(page, "funds")

    add = panel.get_by_role("region", name="Add funds")
    add.get_by_label("Amount (EUR)").fill("5")
    add.get_by_role("button", name="Add funds").click()
    expect(add.get_by_text("Enter an amount between €10.00 and €5,000.00.")).to_be_visible()
    add.get_by_label("Amount (EUR)").fill("25")
    add.get_by_role("button", name="Add funds").click()

    expect(page.get_by_role("heading", name="Pay 25.00 EUR")).to_be_visible()  # the Stripe sandbox's checkout
    page.get_by_role("radio", name=re.compile(r"^4242424242424242 · Visa")).check()
    page.get_by_role("button", name="Pay").click()

    expect(page).to_have_url(re.compile(r"/billing/funds\?number_id=106540352242922$"))
    expect(page.get_by_role("status").filter(has_text="Your payment landed")).to_have_text(
        f"Your payment landed: the balance of {ACME_RUNNING_E164} is now {euros(before + 2500)}."
    )
    expect(balance).to_have_text(euros(before + 2500))
    ledger = panel.get_by_role("table", name=re.compile(r"^Ledger of"))
    expect(ledger.get_by_role("row").nth(1)).to_contain_text("+€25.00")
    screen(page, "funds after a top-up")


def test_funds_auto_renewal_wants_more_than_the_threshold_and_is_saved(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    renewal = funds_of(page, ACME_OUTLET_E164).get_by_role("region", name="Auto-renewal")
    threshold = renewal.get_by_label("Threshold (EUR)")
    amount = renewal.get_by_label("Amount renewed (EUR)")

    threshold.fill("15")
    amount.fill("12")
    renewal.get_by_role("button", name="Save auto-renewal").click()
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(renewal.get_by_text("The amount renewed must be more than the threshold (€15.00).")).to_be_visible()
    screen(page, "funds auto-renewal refused")

    threshold.fill("10")
    amount.fill("50")
    switch = renewal.get_by_role("switch", name="Renew automatically")
    expect(switch).not_to_be_checked()  # as the story has it
    renewal.locator("label", has_text="Renew automatically").click()
    expect(switch).to_be_checked()
    renewal.get_by_role("button", name="Save auto-renewal").click()
    expect(renewal.get_by_role("status")).to_have_text("The auto-renewal settings were saved.")
    expect(page.get_by_role("row", name=re.compile(re.escape(ACME_OUTLET_E164)))).to_contain_text(
        "On: €50.00 at €10.00 or less"
    )


def test_invoices_list_with_their_pdf(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    menu(page).get_by_role("link", name="Invoices").click()

    invoices = page.get_by_role("table", name=re.compile(r"^Invoices, page 1$"))
    pdf = invoices.get_by_role("link", name=re.compile(r"^PDF of invoice .+ \(opens in a new tab\)$")).first
    expect(pdf).to_have_attribute("href", re.compile(r"^https?://\S+$"))
    expect(invoices.get_by_role("row").nth(1)).to_contain_text(re.compile(r"€[\d,]+\.\d{2}"))
    screen(page, "invoices")


def test_insights_draw_the_charges_and_the_forecast_as_an_estimate(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    open_number(page, ACME_RUNNING)
    page.get_by_role("link", name="Open insights").click()

    graph = page.get_by_role("img", name=re.compile(r"^Approximate charges per day, .+ \(estimates\)"))
    expect(graph.locator("[data-period]")).to_have_count(datetime.now(UTC).day)  # this month, day by day
    forecast = re.compile(r"^Projected €[\d,.]+ this month, €[\d,.]+ a day \(estimate\)$")
    expect(graph.get_by_text(forecast)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Forecast for .+ \(estimate\)$"))).to_be_visible()  # the legend
    screen(page, "insights this month")

    period = page.get_by_role("radiogroup", name="Period")
    period.get_by_text("Last 3 months, by month").click()
    expect(period.get_by_role("radio", name="Last 3 months, by month")).to_be_checked()
    graph = page.get_by_role("img", name=re.compile(r"^Approximate charges per month, .+ \(estimates\)"))
    expect(graph.locator("[data-period]")).to_have_count(3)
    expect(graph.get_by_text(re.compile(r"^Projected €[\d,.]+ \(estimate\)$"))).to_be_visible()
    messages = page.get_by_role("table", name=re.compile(r"^Billable messages by category"))
    expect(messages.get_by_role("row")).to_have_count(5)  # the header, three months and the whole period
    screen(page, "insights by month")


def test_a_partner_paid_client_learns_that_billing_is_with_its_partner(page: Page) -> None:
    sign_in(page, "gary@globex.example")
    menu(page).get_by_role("button", name="Billing").click()

    dialog = page.get_by_role("dialog", name="Billing")
    expect(dialog).to_contain_text("Billing is with your partner (bluewave)")
    expect(menu(page).get_by_role("link", name="Funds")).to_have_count(0)
    expect(menu(page).get_by_role("link", name="Invoices")).to_have_count(0)
    screen(page, "billing through the partner")

    page.keyboard.press("Escape")
    open_number(page, GLOBEX_RUNNING)
    expect(field(page.get_by_role("region", name="Details", exact=True), "Billing")).to_have_text(
        "Billed through your partner"
    )


def test_a_depleted_numbers_page_says_its_outbound_messaging_is_paused(page: Page, hub: RecordingHub) -> None:
    today = datetime.now(UTC).date()
    for days in range(1, 9):  # a week of the sandbox's traffic outweighs the seeded balance
        run = httpx.post(
            f"{hub.api}/_local/jobs/BillingUsage",
            json={"now": f"{today + timedelta(days=days)}T03:00:00Z"},
            timeout=60,  # a job's run is a function's: up to minutes in AWS, seconds here, more on a loaded machine
        )
        assert run.status_code == 200, run.text
    sign_in(page, "anna@acme.example")

    open_number(page, ACME_PENDING_DELETION)

    expect(page.get_by_text("Funds depleted: outbound messaging is paused.")).to_be_visible()
    screen(page, "billing funds depleted")
