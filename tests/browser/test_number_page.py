"""The number's page (seed, "WABA Manager → WhatsApp Channel") and its display name (seed, "How to change a Display
Name", "Edit icon not available"): the fields, Show details, Edit → Save, Meta's review followed without a reload."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.builders import (
    LocalHubUnderTest,
    clear_meta_faults,
    display_name_as_before,
    lose_next_webhook,
    meta_fault,
    meta_reviewed_name,
    partner_granted,
    run_job,
    screen,
    sign_in,
)

ACME_RESTRICTED = ("106540352242926", "+49 1511 2345005")


def field(region: Locator, name: str) -> Locator:
    """The value of a field of a description list (`<dt>` name, `<dd>` value)."""
    return region.locator(f"xpath=.//dt[normalize-space()='{name}']/following-sibling::dd[1]")


def test_the_numbers_page_labels_every_field_the_api_gives(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    page.get_by_role("row", name=re.compile(re.escape(ACME_RESTRICTED[1]))).get_by_role("link", name="Manage").click()

    channel = page.get_by_role("region", name="WhatsApp Channel")
    expect(field(channel, "Phone Number")).to_have_text(ACME_RESTRICTED[1])
    expect(field(channel, "WhatsApp Display Name")).to_have_text("Acme Promotions (Approved)")
    expect(field(channel, "Account Status")).to_have_text("Restricted")
    expect(field(channel, "Messaging Limit")).to_have_text("250 business-initiated conversations a day")
    expect(field(channel, "Quality Rating")).to_have_text("Medium")
    expect(field(channel, "Number Registration")).to_have_text("Registered")
    expect(field(channel, "Hosting Platform Type")).to_have_text("Cloud API")
    expect(field(channel, "WhatsApp Business Account ID")).to_have_text("102290129340398")
    expect(page.get_by_role("region", name="Display name")).to_have_count(0)  # behind Show details


def test_a_client_changes_the_display_name_and_sees_metas_approval_without_reloading(
    page: Page, hub: LocalHubUnderTest
) -> None:
    number_id, phone = ACME_RESTRICTED
    with display_name_as_before(hub, page, number_id) as original:
        sign_in(page, "anna@acme.example")
        page.get_by_role("row", name=re.compile(re.escape(phone))).get_by_role("link", name="Manage").click()
        channel = page.get_by_role("region", name="WhatsApp Channel")
        expect(field(channel, "WhatsApp Display Name")).to_have_text(f"{original} (Approved)")

        show = page.get_by_role("button", name="Show details")
        expect(show).to_have_attribute("aria-expanded", "false")
        show.click()
        section = page.get_by_role("region", name="Display name")
        expect(page.get_by_role("button", name="Hide details")).to_have_attribute("aria-expanded", "true")
        expect(field(section, "Current name")).to_have_text(f"{original} (Approved)")
        expect(field(section, "Changes left")).to_have_text(re.compile(r"^\d+ of 10 in 30 days"))
        section.get_by_role("button", name="Edit display name").click()

        name = section.get_by_role("textbox", name="Display name")
        expect(name).to_be_focused()
        expect(name).to_have_value(original)
        name.fill("Shop")
        section.get_by_role("button", name="Save").click()

        refusal = "“Shop” is a generic word; the display name must name the business."
        expect(name).to_have_accessible_description(re.compile(re.escape(refusal)))
        expect(section.get_by_text(refusal)).to_be_visible()
        expect(name).to_have_attribute("aria-invalid", "true")
        screen(page, "display name refused")

        lose_next_webhook(hub)  # Meta's decision then arrives when the test runs the polling job, not before
        meta_fault(hub, latency_ms=2_000, count=1)  # Save's progress shows while Meta is slow
        name.fill("Acme Promotions Club")
        name.press("Enter")

        expect(section.get_by_role("button", name="Saving…")).to_be_disabled()
        expect(section.get_by_role("status").filter(has_text="Sending the name to Meta")).to_be_visible()

        outcome = section.get_by_role("status", name="Your change")
        expect(outcome).to_contain_text("Saved: Meta received “Acme Promotions Club” for review.")
        expect(outcome).to_be_focused()
        expect(section.get_by_role("button", name="Edit display name")).to_have_count(0)
        expect(section).to_contain_text(
            "Edit not available: “Acme Promotions Club” is under review at Meta; a new name can be asked for once it "
            "is decided."
        )
        expect(field(section, "Under review")).to_contain_text("“Acme Promotions Club” (Under review at Meta), asked")
        expect(field(channel, "WhatsApp Display Name")).to_contain_text("“Acme Promotions Club” is under review")
        screen(page, "display name under review")

        meta_reviewed_name(hub, number_id)
        polled = run_job(hub, "DisplayNamePolling")  # Meta approved it; its lost webhook's decision, found by polling
        assert polled["result"]["outcomes"]["decided"] >= 1, polled

        expect(field(channel, "WhatsApp Display Name")).to_have_text("Acme Promotions Club (Approved)")
        expect(field(channel, "Register again by")).to_contain_text("(UTC): Meta asks for it after a new display name")
        expect(field(section, "Current name")).to_have_text("Acme Promotions Club (Approved)")
        expect(outcome).to_have_text("Meta approved “Acme Promotions Club”: it is the number's display name now.")
        expect(section.get_by_role("button", name="Edit display name")).to_be_visible()
        history = section.get_by_role("table", name="Recent requests")
        expect(history.get_by_role("row", name=re.compile("Acme Promotions Club"))).to_contain_text("Approved")
        screen(page, "display name approved")


def test_a_partner_without_display_name_write_sees_the_name_but_no_edit(page: Page) -> None:
    sign_in(page, "pat@bluewave.example")
    page.get_by_role("link", name="globex").click()
    page.get_by_role("row", name=re.compile(r"\+1 555-078-3881")).get_by_role("link", name="Manage").click()

    expect(page).to_have_url(re.compile(r"/clients/globex/numbers/107811234567801$"))
    page.get_by_role("button", name="Show details").click()
    section = page.get_by_role("region", name="Display name")
    expect(field(section, "Current name")).to_have_text("Globex Freight (Approved)")
    expect(section.get_by_role("button", name=re.compile("Edit"))).to_have_count(0)
    expect(section.get_by_text(re.compile("display_name:write|Edit not available"))).to_have_count(0)
    screen(page, "number page partner")


def test_support_sees_a_clients_number_and_its_display_name_but_no_edit(page: Page) -> None:
    sign_in(page, "sam@hub.example")
    expect(page.get_by_role("heading", name="Choose a client")).to_be_visible()
    page.goto("/clients/initech/numbers/108923456789001")

    expect(page.get_by_role("heading", name="+1 555-019-9001", level=1)).to_be_visible()
    page.get_by_role("button", name="Show details").press("Enter")
    section = page.get_by_role("region", name="Display name")
    expect(field(section, "Current name")).to_contain_text("Initech Help")
    expect(section.get_by_role("button", name=re.compile("Edit"))).to_have_count(0)


def test_a_partner_granted_display_name_write_changes_the_name(page: Page, hub: LocalHubUnderTest) -> None:
    number_id = "107811234567802"
    with (
        display_name_as_before(hub, page, number_id, "gary@globex.example"),
        partner_granted(hub, "globex", "display_name:write"),
    ):
        sign_in(page, "pat@bluewave.example")
        page.get_by_role("link", name="globex").click()
        page.get_by_role("row", name=re.compile(r"\+1 555-078-3882")).get_by_role("link", name="Manage").click()
        page.get_by_role("button", name="Show details").click()
        section = page.get_by_role("region", name="Display name")

        section.get_by_role("button", name="Edit display name").click()
        section.get_by_role("textbox", name="Display name").fill("Globex Tracking Desk")
        section.get_by_role("button", name="Save").click()

        expect(section.get_by_role("status", name="Your change")).to_contain_text(
            "Saved: Meta received “Globex Tracking Desk” for review."
        )
        screen(page, "display name partner")


def test_a_name_meta_did_not_confirm_is_sent_again_by_the_polling_job(page: Page, hub: LocalHubUnderTest) -> None:
    number_id, phone = "107811234567801", "+1 555-078-3881"
    with display_name_as_before(hub, page, number_id, "gary@globex.example"):
        sign_in(page, "gary@globex.example")
        page.get_by_role("row", name=re.compile(re.escape(phone))).get_by_role("link", name="Manage").click()
        page.get_by_role("button", name="Show details").click()
        section = page.get_by_role("region", name="Display name")
        section.get_by_role("button", name="Edit display name").click()
        section.get_by_role("textbox", name="Display name").fill("Globex Freight Lines")
        meta_fault(hub, status=503, count=3)  # Meta down for the request and both its retries: 202 submitting
        try:
            section.get_by_role("button", name="Save").click()

            outcome = section.get_by_role("status", name="Your change")
            expect(outcome).to_contain_text(
                "Saved: “Globex Freight Lines” is recorded, but Meta has not confirmed it yet; "
                "the hub keeps sending it."
            )
        finally:
            clear_meta_faults(hub)
        expect(field(section, "Under review")).to_contain_text("“Globex Freight Lines” (Being sent to Meta)")
        expect(section.get_by_role("button", name="Edit display name")).to_have_count(0)
        screen(page, "display name submitting")

        run_job(hub, "DisplayNamePolling")  # sends it again; Meta takes it, approves it and its webhook arrives

        channel = page.get_by_role("region", name="WhatsApp Channel")
        expect(field(channel, "WhatsApp Display Name")).to_have_text("Globex Freight Lines (Approved)")
        expect(outcome).to_have_text("Meta approved “Globex Freight Lines”: it is the number's display name now.")
