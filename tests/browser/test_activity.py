"""The Activity page (the menu's "Activity"): a client's feed of what happened to its numbers, WABA, templates,
billing, support tickets and partner, newest first, with who did it and what changed, filtered by area; and what a
support agent reads within a client: its activity and its partner settings, without changing them.

The entries are arranged through the API (a ticket, a permission granted and taken back) and found by their text:
the tests share one local hub, and its feeds hold the other tests' entries too."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Locator, Page, expect

from tests.builders import RecordingHub, activity_of, hub_call, partner_granted, screen, sign_in

AGENT = "sam@hub.example"
GLOBEX_USER = "gary@globex.example"
INITECH_USER = "ian@initech.example"
LOCAL_TIME = re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2}\s[AP]M$")


def unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:8]}"


def menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Menu")


def feed(page: Page) -> Locator:
    return page.get_by_role("table", name=re.compile("activity", re.IGNORECASE))


def feed_row(page: Page, text: str) -> Locator:
    return feed(page).get_by_role("row").filter(has_text=text)


def open_ticket(hub: RecordingHub, email: str, subject: str) -> None:
    body = {"subject": subject, "category": "other", "description": f"{subject}: a question."}
    answer = hub_call(hub, "POST", "/v1/tickets", email, body)
    assert answer.status_code == 201, answer.text


def test_a_client_reads_its_activity_newest_first_and_by_area(page: Page, hub: RecordingHub) -> None:
    subject = unique("Where are our invoices")
    open_ticket(hub, INITECH_USER, subject)
    with partner_granted(hub, "initech", "waba:read"):
        pass  # granted, then taken back: two entries of the partner's permissions
    activity_of(hub, "initech", "revoked waba:read")
    activity_of(hub, "initech", subject)

    sign_in(page, INITECH_USER)
    menu(page).get_by_role("link", name="Activity").click()
    expect(page.get_by_role("heading", name="Activity", level=1)).to_be_visible()
    rows = feed(page).get_by_role("row")
    # newest first: the grant taken back, the grant, the ticket (the header row is the first)
    expect(rows.nth(1)).to_contain_text("Partner permissions of Bluewave Software: revoked waba:read")
    expect(rows.nth(2)).to_contain_text("Partner permissions of Bluewave Software: granted waba:read")
    expect(rows.nth(3)).to_contain_text(f"Opened the ticket “{subject}”")
    revoked = rows.nth(1)
    expect(revoked.get_by_role("cell").nth(1)).to_have_text("Partner and account")
    expect(revoked.get_by_role("cell").nth(3)).to_have_text(INITECH_USER)
    expect(revoked.get_by_role("list", name="Changes")).to_have_text("waba:read: granted → —")
    expect(rows.nth(2).get_by_role("list", name="Changes")).to_have_text("waba:read: — → granted")
    expect(revoked.locator("time")).to_have_text(LOCAL_TIME)
    screen(page, "activity")

    page.get_by_label("Area").select_option("support")
    expect(page).to_have_url(re.compile(r"/activity\?area=support$"))
    expect(feed_row(page, subject)).to_be_visible()
    expect(feed_row(page, "waba:read")).to_have_count(0)
    page.get_by_label("Area").select_option("accounts")
    expect(feed_row(page, "revoked waba:read")).to_be_visible()
    expect(feed_row(page, subject)).to_have_count(0)


def test_an_agent_reads_a_clients_partner_settings_and_activity_without_changing_them(
    page: Page, hub: RecordingHub
) -> None:
    subject = unique("Templates stuck in review")
    open_ticket(hub, GLOBEX_USER, subject)
    activity_of(hub, "globex", subject)

    sign_in(page, AGENT)
    page.get_by_label("Find a client").fill("globex")
    page.get_by_role("list", name="Clients").get_by_role("link", name="Globex Logistics Ltd").click()
    menu(page).get_by_role("link", name="Settings").click()
    expect(page).to_have_url(re.compile("/clients/globex/settings$"))
    page.get_by_role("link", name="Partner", exact=True).click()

    expect(page.get_by_text("Support agents read the client's partner settings here")).to_be_visible()
    expect(page.get_by_role("region", name="The client's partner")).to_contain_text("Bluewave Software")
    permissions = page.get_by_role("region", name="Partner permissions")
    numbers = permissions.get_by_role("switch", name="See numbers (numbers:read)")
    expect(numbers).to_be_checked()
    expect(numbers).to_have_attribute("aria-readonly", "true")
    expect(permissions.get_by_role("button", name="Save permissions")).to_be_disabled()
    expect(permissions.get_by_role("button", name="Revoke all")).to_be_disabled()
    change = page.get_by_role("region", name="Change partner")
    expect(change).to_contain_text("Only the client's users ask to change partner")
    expect(change.get_by_role("button", name=re.compile("Request|Withdraw"))).to_have_count(0)
    screen(page, "partner settings agent")

    menu(page).get_by_role("link", name="Activity").click()
    expect(page).to_have_url(re.compile("/clients/globex/activity$"))
    expect(page.get_by_role("heading", name="Activity", level=1).locator("xpath=..")).to_contain_text("Client globex")
    ticket = feed_row(page, subject)
    expect(ticket).to_contain_text(GLOBEX_USER)
    expect(ticket).to_contain_text("Support")
    screen(page, "activity agent")
