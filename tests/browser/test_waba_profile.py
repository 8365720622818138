"""The WABA Manager's Profile (seed, "WABA Manager → Profile"): the business profile as Meta has it, edited within
Meta's limits (shown while typing), saved at Meta; the profile picture cut and scaled in the browser, previewed before
it is sent and kept by Meta; read-only for support and for partners without `profile:write`."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import httpx
from playwright.sync_api import FilePayload, Locator, Page, expect

from tests.builders import (
    ACME_USER,
    LocalHubUnderTest,
    a_png,
    clear_meta_faults,
    hub_call,
    hub_json,
    meta_fault,
    partner_granted,
    screen,
    sign_in,
)

ACME_RUNNING = ("106540352242922", "+49 1511 2345001")
ACME_RETURNS = ("106540352242924", "+49 1511 2345003")
GLOBEX_RUNNING = ("107811234567801", "+1 555-078-3881")
TEXTS = ("about", "address", "description", "email")
PICTURE_BUTTON = re.compile(r"^Choose (a|a new|another) picture$")


def sandbox_profile(hub: LocalHubUnderTest, number_id: str) -> dict[str, Any]:
    """The number's business profile as the Meta sandbox keeps it."""
    state: dict[str, Any] = httpx.get(f"{hub.meta}/_sandbox/state", timeout=30).json()
    profile: dict[str, Any] = state["numbers"][number_id]["profile"]
    return profile


@contextlib.contextmanager
def profile_as_before(hub: LocalHubUnderTest, page: Page, number_id: str, email: str = ACME_USER) -> Iterator[None]:
    """The number's profile texts, websites and vertical as they were before the block (the browser tests share one
    hub); `page` leaves the portal first, as `display_name_as_before` explains."""
    path = f"/v1/numbers/{number_id}/profile"
    before = hub_json(hub, path, email)
    try:
        yield
    finally:
        page.goto("about:blank")
        body = {name: before[name] or "" for name in (*TEXTS, "vertical")} | {"websites": before["websites"]}
        answer = hub_call(hub, "PATCH", path, email, body)
        assert answer.status_code == 200, answer.text
        assert {name: answer.json()[name] for name in (*TEXTS, "websites", "vertical")} == {
            name: before[name] for name in (*TEXTS, "websites", "vertical")
        }


def open_number(page: Page, phone: str) -> Locator:
    """The Profile section of the number's page, opened from the Numbers page."""
    page.get_by_role("row", name=re.compile(re.escape(phone))).get_by_role("link", name="Manage").click()
    return page.get_by_role("region", name="Profile", exact=True)


def choose_picture(profile: Locator, name: str, mime_type: str, content: bytes) -> None:
    """Pick a file in the browser's file chooser, as the picture button opens it."""
    with profile.page.expect_file_chooser() as chooser:
        profile.get_by_role("button", name=PICTURE_BUTTON).click()
    picked: FilePayload = {"name": name, "mimeType": mime_type, "buffer": content}
    chooser.value.set_files(files=[picked])


def test_a_client_edits_the_profile_within_metas_limits_and_meta_keeps_it(page: Page, hub: LocalHubUnderTest) -> None:
    number_id, phone = ACME_RUNNING
    with profile_as_before(hub, page, number_id):
        sign_in(page, "anna@acme.example")
        profile = open_number(page, phone)
        form = profile.get_by_role("form", name="Business information")
        about = form.get_by_role("textbox", name="About")
        save = form.get_by_role("button", name="Save")
        expect(about).to_have_value("Acme Retail on WhatsApp")
        expect(about).to_have_accessible_description(re.compile(r"23 / 139"))
        expect(save).to_be_disabled()  # nothing changed yet

        about.fill("Everything for the home, delivered. " * 4)  # 144 characters
        expect(about).to_have_accessible_description(re.compile(r"144 / 139.*At most 139 characters: 5 too many\."))
        expect(about).to_have_attribute("aria-invalid", "true")
        website = form.get_by_role("textbox", name="Website", exact=True)
        website.fill("acme.example")
        expect(website).to_have_accessible_description(re.compile("Start the address with http:// or https://"))
        expect(save).to_be_disabled()
        screen(page, "profile over the limit")

        about.fill("Everything for the home, delivered.")
        expect(about).to_have_accessible_description(re.compile(r"35 / 139$"))
        website.fill("https://acme.example")
        form.get_by_label("Industry").select_option(label="Shopping and Retail")
        expect(save).to_be_enabled()
        save.click()

        expect(form.get_by_role("status")).to_have_text("The profile was saved at Meta.")
        kept = sandbox_profile(hub, number_id)
        assert (kept["about"], kept.get("websites"), kept["vertical"]) == (
            "Everything for the home, delivered.",
            ["https://acme.example"],
            "RETAIL",
        )
        expect(save).to_be_disabled()  # the form is the profile Meta answered
        screen(page, "profile saved")

        page.reload()
        expect(about).to_have_value("Everything for the home, delivered.")
        expect(website).to_have_value("https://acme.example")
        expect(form.get_by_label("Industry")).to_have_value("RETAIL")


def test_metas_refusal_is_shown_and_the_form_keeps_the_change(page: Page, hub: LocalHubUnderTest) -> None:
    number_id, phone = ACME_RUNNING
    with profile_as_before(hub, page, number_id):
        sign_in(page, "anna@acme.example")
        profile = open_number(page, phone)
        form = profile.get_by_role("form", name="Business information")
        form.get_by_role("textbox", name="Email").fill("hello@acme.example")
        meta_fault(hub, status=503, count=3)  # Meta down for the request and both its retries
        try:
            form.get_by_role("button", name="Save").click()
            alert = form.get_by_role("alert")
            expect(alert).to_contain_text("The profile was not saved")
        finally:
            clear_meta_faults(hub)
        expect(form.get_by_role("textbox", name="Email")).to_have_value("hello@acme.example")
        assert sandbox_profile(hub, number_id).get("email") != "hello@acme.example"
        screen(page, "profile not saved")

        form.get_by_role("button", name="Save").click()
        expect(form.get_by_role("status")).to_have_text("The profile was saved at Meta.")
        expect(alert).to_have_count(0)
        assert sandbox_profile(hub, number_id)["email"] == "hello@acme.example"


def test_a_client_sees_the_new_picture_before_uploading_it_and_meta_keeps_it(
    page: Page, hub: LocalHubUnderTest
) -> None:
    number_id, phone = ACME_RETURNS
    before = sandbox_profile(hub, number_id).get("profile_picture_url")
    sign_in(page, "anna@acme.example")
    profile = open_number(page, phone)
    expect(profile.get_by_role("heading", name="Profile picture")).to_be_visible()

    choose_picture(profile, "logo.png", "image/png", a_png(256, 256))
    preview = profile.get_by_role("img", name="Preview of the new profile avatar, from “logo.png”")
    expect(preview).to_be_visible()
    expect(preview).to_have_attribute("src", re.compile(r"^blob:"))
    expect(profile.get_by_role("status", name="Your picture")).to_contain_text("640 × 640 pixels")
    assert sandbox_profile(hub, number_id).get("profile_picture_url") == before  # nothing sent yet
    screen(page, "profile picture preview")

    profile.get_by_role("button", name="Cancel").click()
    expect(preview).to_have_count(0)
    expect(profile.get_by_role("button", name="Upload")).to_have_count(0)

    choose_picture(profile, "logo.png", "image/png", a_png(256, 256))
    profile.get_by_role("button", name="Upload").click()

    outcome = profile.get_by_role("status", name="Your picture")
    expect(outcome).to_have_text("The new profile picture was saved at Meta.")
    expect(outcome).to_be_focused()
    expect(preview).to_have_count(0)
    kept = sandbox_profile(hub, number_id).get("profile_picture_url")
    assert kept and kept != before
    current = profile.get_by_role("img", name="Current profile avatar")
    expect(current).to_have_attribute("src", kept)
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=current.element_handle())
    assert current.evaluate("image => [image.naturalWidth, image.naturalHeight]") == [640, 640]
    assert httpx.get(kept, timeout=30).content[:2] == b"\xff\xd8"  # the JPEG the portal made
    screen(page, "profile picture uploaded")


def test_the_portal_refuses_a_small_picture_and_a_file_that_is_no_image(page: Page, hub: LocalHubUnderTest) -> None:
    number_id, phone = ACME_RETURNS
    before = sandbox_profile(hub, number_id).get("profile_picture_url")
    sign_in(page, "anna@acme.example")
    profile = open_number(page, phone)

    choose_picture(profile, "small.png", "image/png", a_png(100, 100))
    refusal = profile.get_by_role("alert")
    expect(refusal).to_contain_text("This picture cannot be used")
    expect(refusal).to_contain_text("The picture must be at least 192 × 192 pixels; “small.png” is 100 × 100.")
    expect(profile.get_by_role("img", name=re.compile("^Preview"))).to_have_count(0)
    expect(profile.get_by_role("button", name="Upload")).to_have_count(0)
    screen(page, "profile picture too small")

    choose_picture(profile, "notes.txt", "text/plain", b"not a picture")
    expect(refusal).to_contain_text("“notes.txt” is not a JPEG or PNG image: choose a .jpg or .png file.")
    expect(profile.get_by_role("button", name="Upload")).to_have_count(0)
    assert sandbox_profile(hub, number_id).get("profile_picture_url") == before


def test_support_reads_the_profile_but_cannot_change_it(page: Page) -> None:
    sign_in(page, "sam@hub.example")
    expect(page.get_by_role("heading", name="Choose a client")).to_be_visible()
    page.goto(f"/clients/acme/numbers/{ACME_RUNNING[0]}")

    profile = page.get_by_role("region", name="Profile", exact=True)
    expect(profile.locator("xpath=.//dt[normalize-space()='Industry']/following-sibling::dd[1]")).not_to_be_empty()
    expect(profile.locator("xpath=.//dt[normalize-space()='About']/following-sibling::dd[1]")).not_to_be_empty()
    expect(profile.get_by_role("textbox")).to_have_count(0)
    expect(profile.get_by_role("button")).to_have_count(0)
    screen(page, "profile support")


def test_a_partner_granted_waba_read_reads_the_profile(page: Page, hub: LocalHubUnderTest) -> None:
    with partner_granted(hub, "globex", "waba:read"):
        sign_in(page, "pat@bluewave.example")
        page.get_by_role("link", name="globex").click()
        profile = open_number(page, GLOBEX_RUNNING[1])

        expect(profile).to_contain_text("Globex Freight on WhatsApp")
        expect(profile.get_by_role("textbox")).to_have_count(0)
        expect(profile.get_by_role("button")).to_have_count(0)


def test_a_partner_granted_profile_write_changes_the_profile(page: Page, hub: LocalHubUnderTest) -> None:
    number_id, phone = GLOBEX_RUNNING
    with (
        profile_as_before(hub, page, number_id, "gary@globex.example"),
        partner_granted(hub, "globex", "profile:write"),
    ):
        sign_in(page, "pat@bluewave.example")
        page.get_by_role("link", name="globex").click()
        profile = open_number(page, phone)
        form = profile.get_by_role("form", name="Business information")
        description = form.get_by_role("textbox", name="Description")
        description.fill("Freight across the Americas.")
        expect(description).to_have_accessible_description("28 / 512")
        form.get_by_role("button", name="Save").click()

        expect(form.get_by_role("status")).to_have_text("The profile was saved at Meta.")
        assert sandbox_profile(hub, number_id)["description"] == "Freight across the Americas."
        expect(profile.get_by_role("button", name=PICTURE_BUTTON)).to_be_visible()
        screen(page, "profile partner")
