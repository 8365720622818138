"""The Numbers page (seed, "Numbers") and the number's page, for each kind of user."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.builders import LocalHubUnderTest, screen, sign_in

COLUMNS = ["Phone Number", "Account Status", "WhatsApp Display Name", "Quality Rating", "Actions"]
ACME = [
    ("+49 1511 2345001", "Running", "Acme Retail", "High"),
    ("+49 1511 2345002", "Onboarding", "Acme Outlet", "Unknown"),
    ("+49 1511 2345003", "Pending deletion", "Acme Returns", "High"),
    ("+49 1511 2345004", "Deleted", "Acme Old Line", "Not rated"),
    ("+49 1511 2345005", "Restricted", "Acme Promotions", "Medium"),
    ("+49 1511 2345006", "Flagged", "Acme Deals", "Low"),
    ("+49 1511 2345007", "Banned", "Acme Flash", "Low"),
    ("+49 1511 2345008", "Disconnected", "Acme Service", "High"),
]
GLOBEX = [
    ("+1 555-078-3881", "Running", "Globex Freight", "High"),
    ("+1 555-078-3882", "Running", "Globex Tracking", "Medium"),
]


def numbers_table(page: Page) -> list[tuple[str, ...]]:
    """The table's rows as the reader sees them: the four columns of the seed."""
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(COLUMNS)
    rows = table.get_by_role("row").filter(has=page.get_by_role("rowheader"))
    return [tuple(row.get_by_role("rowheader").inner_text().split("\n")[:1]) + cells(row) for row in rows.all()]


def cells(row: Locator) -> tuple[str, ...]:
    """The status, display name and quality rating of a row (each cell's first line: a cancelled number's status
    cell has its deletion date below)."""
    return tuple(text.strip().split("\n")[0] for text in row.get_by_role("cell").all_inner_texts()[:3])


def test_a_direct_client_sees_every_number_in_the_seeds_four_columns(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    expect(page.get_by_role("heading", name="Numbers")).to_be_visible()

    assert numbers_table(page) == ACME
    expect(page).to_have_title("Numbers · Client Hub")
    row = page.get_by_role("row", name=re.compile(r"\+49 1511 2345001"))
    expect(row.get_by_role("link", name="Manage")).to_be_visible()
    expect(row.get_by_role("button", name="Signals")).to_be_disabled()
    expect(row.get_by_role("button", name="Signals")).to_have_accessible_description("Coming soon")
    screen(page, "numbers direct client")


def test_a_status_explains_itself_on_hover_and_on_keyboard_focus(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    row = page.get_by_role("row", name=re.compile(r"\+49 1511 2345003"))

    row.get_by_text("Pending deletion").hover()
    expect(page.get_by_role("tooltip")).to_contain_text("still sends and receives messages until it is deleted")
    screen(page, "numbers status explained")
    page.mouse.move(0, 0)
    expect(page.get_by_role("tooltip")).to_be_hidden()

    page.keyboard.press("Tab")  # a keyboard user, from here on
    row.get_by_role("button", name="High").focus()
    expect(page.get_by_role("tooltip")).to_have_text("High quality: customers rarely block or report this number.")
    expect(row.get_by_role("button", name="High")).to_have_accessible_description(
        "High quality: customers rarely block or report this number."
    )


def test_pages_of_numbers_go_next_and_previous(page: Page) -> None:
    sign_in(page, "anna@acme.example")
    page.get_by_label("Rows per page").select_option("5")

    expect(page).to_have_url(re.compile(r"/numbers\?per_page=5$"))
    expect(page.get_by_role("status")).to_have_text("Page 1: numbers 1–5")
    assert numbers_table(page) == ACME[:5]
    expect(page.get_by_role("button", name="Previous")).to_be_disabled()

    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("status")).to_have_text("Page 2: numbers 6–8")
    assert numbers_table(page) == ACME[5:]
    expect(page.get_by_role("button", name="Next")).to_be_disabled()
    screen(page, "numbers page 2")

    page.get_by_role("button", name="Previous").click()
    expect(page.get_by_role("status")).to_have_text("Page 1: numbers 1–5")


def test_manage_opens_the_numbers_page(page: Page) -> None:
    sign_in(page, "anna@acme.example")

    page.get_by_role("row", name=re.compile(r"\+49 1511 2345008")).get_by_role("link", name="Manage").click()

    expect(page.get_by_role("heading", name="+49 1511 2345008", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_be_focused()  # the new page's content, as after a page load
    expect(page).to_have_title("+49 1511 2345008 · Client Hub")
    channel = page.get_by_role("region", name="WhatsApp Channel")
    expect(channel).to_contain_text("Acme Service")
    expect(channel).to_contain_text("On-premise")
    expect(channel).to_contain_text("1K business-initiated conversations a day")
    screen(page, "number page")
    page.get_by_role("link", name="Back to numbers").click()
    expect(page).to_have_url(re.compile("/numbers$"))


def test_a_partner_picks_globex_and_sees_its_numbers_without_cancel_or_add(page: Page) -> None:
    sign_in(page, "pat@bluewave.example")
    expect(page.get_by_role("heading", name="Choose a client")).to_be_visible()
    clients = page.get_by_role("list", name="Clients")
    expect(clients.get_by_role("listitem")).to_have_count(1)  # Initech, Bluewave's client too, granted it nothing
    expect(clients).to_contain_text("Globex Logistics Ltd (globex) — granted: ")
    screen(page, "client picker partner")

    clients.get_by_role("link", name="Globex Logistics Ltd").click()

    expect(page).to_have_url(re.compile("/clients/globex/numbers$"))
    expect(page.get_by_role("banner")).to_contain_text("Acting for globex")
    assert numbers_table(page) == GLOBEX
    expect(page.get_by_role("button", name=re.compile("Cancel|Add"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Cancel|Add"))).to_have_count(0)
    screen(page, "numbers partner")


def test_a_partner_cannot_act_for_a_client_that_granted_nothing(page: Page) -> None:
    sign_in(page, "pat@bluewave.example")
    expect(page.get_by_role("heading", name="Choose a client")).to_be_visible()

    page.goto("/clients/initech/numbers")

    expect(page.get_by_text("You do not act for this client.")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)


def test_support_searches_every_client_by_name_or_id(page: Page) -> None:
    sign_in(page, "sam@hub.example")
    clients = page.get_by_role("list", name="Clients")
    expect(clients.get_by_role("link")).to_have_text(["Acme Retail GmbH", "Globex Logistics Ltd", "Initech Inc"])
    search = page.get_by_label("Find a client")

    search.fill("GLO")
    expect(clients.get_by_role("link")).to_have_text(["Globex Logistics Ltd"])
    screen(page, "client picker support")
    search.fill("nobody")
    expect(page.get_by_role("status")).to_have_text("No client matches “nobody”.")
    search.fill("initech")
    clients.get_by_role("link", name="Initech Inc").click()

    expect(page).to_have_url(re.compile("/clients/initech/numbers$"))
    assert numbers_table(page) == [("+1 555-019-9001", "Running", "Initech Help", "High")]
    page.get_by_role("link", name="Switch client").click()
    expect(page.get_by_label("Find a client")).to_be_visible()


def test_the_menu_bar_opens_the_configured_links(page: Page, hub: LocalHubUnderTest) -> None:
    sign_in(page, "gary@globex.example")
    menu = page.get_by_role("navigation", name="Menu")

    for name, href in [
        ("Documentation", f"{hub.api}/docs"),
        ("Roadmap", "https://roadmap.client-hub.example"),
        ("Status", "https://status.client-hub.example"),
    ]:
        link = menu.get_by_role("link", name=name)
        expect(link).to_have_attribute("href", href)
        expect(link).to_have_attribute("target", "_blank")

    with page.expect_popup() as documentation:
        menu.get_by_role("link", name="Documentation").click()
    expect(documentation.value).to_have_url(f"{hub.api}/docs")
