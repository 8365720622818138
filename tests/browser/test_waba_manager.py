"""The WABA Manager's sections of a number's page (seed, "WABA Manager"): Details (the account, its type and its
numbers), the WhatsApp Business Account with Meta's health, and Commerce Settings — toggled by the client on a SHARED
WABA, asked of support on an OBO one."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.builders import screen, sign_in

ACME_RUNNING = "+49 1511 2345001"
GLOBEX_RUNNING = "+1 555-078-3881"


def open_number(page: Page, phone: str) -> None:
    page.get_by_role("row", name=re.compile(re.escape(phone))).get_by_role("link", name="Manage").click()


def toggle(region: Locator, name: str) -> None:
    """Flip a switch as a user does: a click on its label (the input itself is visually hidden)."""
    region.locator("label", has_text=name).click()


def field(region: Locator, name: str) -> Locator:
    """The value of a field of a description list (`<dt>` name, `<dd>` value)."""
    return region.locator(f"xpath=.//dt[normalize-space()='{name}']/following-sibling::dd[1]")


def test_details_name_the_account_its_type_and_every_number_in_it(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    open_number(page, ACME_RUNNING)

    details = page.get_by_role("region", name="Details", exact=True)
    expect(field(details, "WhatsApp Business Account ID")).to_have_text("102290129340398")
    expect(field(details, "Account type")).to_have_text("Shared (your own account, shared with the hub)")
    numbers = details.get_by_role("table", name="Numbers in this account")
    expect(numbers.get_by_role("row")).to_have_count(9)  # the header and Acme's eight numbers
    for phone, name, status in (
        (f"{ACME_RUNNING} (this number)", "Acme Retail", "Connected"),
        ("+49 1511 2345002", "Acme Outlet", "Pending"),
        ("+49 1511 2345007", "Acme Flash", "Banned"),
    ):
        row = numbers.get_by_role("row", name=re.compile(re.escape(phone)))
        expect(row.get_by_role("rowheader")).to_have_text(phone)
        expect(row.get_by_role("cell")).to_have_text([name, status])
    screen(page, "waba manager details")


def test_a_client_sees_its_shared_wabas_details_and_health(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    open_number(page, ACME_RUNNING)

    account = page.get_by_role("region", name="WhatsApp Business Account")
    for text in (
        "Acme Retail",
        "Shared (your own account, shared with the hub)",
        "Not applicable (shared account)",
        "230934563399802",
        "102290129340398",
        "ba30dd89_2ebd_41e4_b805_f2c05ae04cc9",
        "APPROVED",
    ):
        expect(account).to_contain_text(text)
    expect(account.get_by_role("heading", name="Health")).to_be_visible()
    limits = account.get_by_role("list", name="What limits sending")
    expect(limits).to_contain_text("banned")  # one of Acme's story numbers
    expect(limits).to_contain_text("What to do:")
    account.get_by_role("button", name="Refresh from Meta").click()
    expect(account.get_by_role("button", name="Refresh from Meta")).to_be_enabled()
    screen(page, "waba manager shared")


def test_a_client_turns_the_catalog_on_and_off_on_a_shared_waba(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    open_number(page, ACME_RUNNING)
    commerce = page.get_by_role("region", name="Commerce Settings")
    catalog = commerce.get_by_role("switch", name="Show the catalog")
    expect(catalog).not_to_be_checked()

    toggle(commerce, "Show the catalog")
    expect(catalog).to_be_checked()
    commerce.get_by_role("button", name="Save").click()
    expect(commerce.get_by_role("status")).to_have_text("The commerce settings were saved at Meta.")
    page.reload()
    expect(catalog).to_be_checked()  # read again from Meta

    toggle(commerce, "Show the catalog")  # as the story had it, for the other tests
    commerce.get_by_role("button", name="Save").click()
    expect(commerce.get_by_role("status")).to_have_text("The commerce settings were saved at Meta.")


def test_on_an_obo_waba_the_client_asks_support(page: Page) -> None:
    sign_in(page, "gary@globex.example")
    open_number(page, GLOBEX_RUNNING)
    details = page.get_by_role("region", name="Details", exact=True)
    expect(field(details, "Account type")).to_have_text("On behalf of (owned by the hub for you)")
    expect(details.get_by_role("row", name=re.compile(re.escape(f"{GLOBEX_RUNNING} (this number)")))).to_contain_text(
        "Globex Freight"
    )
    account = page.get_by_role("region", name="WhatsApp Business Account")
    expect(account).to_contain_text("On behalf of (owned by the hub for you)")
    commerce = page.get_by_role("region", name="Commerce Settings")
    expect(commerce).to_contain_text("ask support to change them")
    expect(commerce.get_by_role("button", name="Save")).to_have_count(0)
    screen(page, "waba manager obo")

    toggle(commerce, "Show the catalog")
    commerce.get_by_label("Note to support").fill("Please show our catalog.")
    commerce.get_by_role("button", name="Ask support").click()

    expect(commerce.get_by_role("status")).to_have_text(re.compile(r"Support was asked \(request csr_[0-9a-f]{24}\)"))
