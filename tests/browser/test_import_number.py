"""Importing a number from another BSP (seed, "Import from another BSP"): the number and the WABA, the code Meta sends
(the sandbox's is 123456), verification; an unfinished import resumes from its URL or from the Numbers page."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from local.sandboxes.meta import SANDBOX_OTP
from tests.builders import (
    FreshClient,
    LocalHubUnderTest,
    a_fresh_client,
    a_fresh_phone,
    added_through_signup,
    screen,
    sign_in,
)


def client_with_a_waba(hub: LocalHubUnderTest) -> tuple[FreshClient, str]:
    """A fresh client with one running number, so one WABA to import into; its WABA id."""
    client = a_fresh_client(hub)
    waba_id = str(added_through_signup(hub, client, a_fresh_phone())["waba_id"])
    return client, waba_id


def row_of(page: Page, phone: str) -> Locator:
    """The Numbers page's row of a number, however Meta spaces it (`+49 15112345678`)."""
    return page.get_by_role("row", name=re.compile(r"\s?".join(map(re.escape, phone))))


def start_import(page: Page, phone: str, waba_id: str) -> None:
    page.get_by_role("link", name="Import from another BSP").click()
    expect(page.get_by_role("heading", name="Import a number from another BSP")).to_be_visible()
    page.get_by_label("Phone number").fill(phone)
    page.get_by_label("WhatsApp Business Account").select_option(waba_id)
    page.get_by_role("radio", name="SMS").check()
    page.get_by_role("button", name="Import number").click()


def test_a_client_imports_a_number_end_to_end(page: Page, hub: LocalHubUnderTest) -> None:
    client, waba_id = client_with_a_waba(hub)
    phone = a_fresh_phone()
    sign_in(page, client.email)

    start_import(page, "12345", waba_id)  # no country code: the API says what is wrong, next to the field
    expect(page.get_by_label("Phone number")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Phone number")).to_have_accessible_description(re.compile("should match pattern"))
    screen(page, "import number form")
    page.get_by_label("Phone number").fill(phone)
    page.get_by_role("button", name="Import number").click()

    expect(page).to_have_url(re.compile(r"/numbers/import/imp_[0-9a-f]{24}$"))
    expect(page.get_by_role("heading", name=f"Import {phone}", level=1)).to_be_visible()
    expect(page.get_by_text(f"Meta sent a 6-digit code by SMS to {phone}.")).to_be_visible()
    resend = page.get_by_role("button", name="Resend code")
    expect(resend).to_be_disabled()
    expect(resend).to_have_accessible_description(re.compile(r"You can ask for a new code in \d+ seconds\."))
    screen(page, "import number code")

    code = page.get_by_role("textbox", name="Verification code")
    code.fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_have_accessible_description(
        re.compile(r"The verification code is wrong or has expired\. 4 attempt\(s\) left\.")
    )
    screen(page, "import number wrong code")

    code.fill(SANDBOX_OTP)
    page.get_by_role("button", name="Verify").click()

    done = page.get_by_role("heading", name=f"{phone} was imported")
    expect(done).to_be_focused()
    expect(page.get_by_role("listitem").filter(has_text="Number running")).to_have_attribute("aria-current", "step")
    screen(page, "import number done")
    page.get_by_role("link", name="Go to your numbers").click()
    expect(row_of(page, phone).get_by_role("cell").first).to_have_text("Running")


def test_an_unfinished_import_resumes_after_a_reload_and_from_the_numbers_page(
    page: Page, hub: LocalHubUnderTest
) -> None:
    client, waba_id = client_with_a_waba(hub)
    phone = a_fresh_phone()
    sign_in(page, client.email)
    start_import(page, phone, waba_id)
    expect(page.get_by_role("textbox", name="Verification code")).to_be_visible()
    address = page.url

    page.reload()

    expect(page).to_have_url(address)
    expect(page.get_by_role("textbox", name="Verification code")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Verification code sent")).to_have_attribute(
        "aria-current", "step"
    )
    page.get_by_role("link", name="Back to numbers").click()
    imports = page.get_by_role("region", name="Imports in progress")
    expect(imports).to_contain_text("waiting for the verification code")
    screen(page, "numbers imports in progress")

    imports.get_by_role("link", name=f"Continue importing {phone}").click()
    expect(page).to_have_url(address)
    page.get_by_role("textbox", name="Verification code").fill(SANDBOX_OTP)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name=f"{phone} was imported")).to_be_visible()

    page.get_by_role("link", name="Go to your numbers").click()
    expect(row_of(page, phone)).to_be_visible()
    expect(page.get_by_role("region", name="Imports in progress")).to_have_count(0)


def test_a_client_without_a_waba_is_sent_to_embedded_signup_first(page: Page, hub: LocalHubUnderTest) -> None:
    sign_in(page, a_fresh_client(hub).email)

    page.get_by_role("link", name="Import from another BSP").click()

    expect(page.get_by_text("You have no WhatsApp Business Account yet.")).to_be_visible()
    expect(page.get_by_role("button", name="Import number")).to_have_count(0)
    screen(page, "import number without a waba")
    page.get_by_role("link", name="Add a number").click()
    expect(page.get_by_role("heading", name="Add a number", level=1)).to_be_visible()
