"""Partners in the portal (seed, "Settings: … Partner Settings such as request Partner Change or manage Partner
Permissions"; "Manage Partner Permissions: You can give partner permissions through Settings to enable them to manage
your WABA account"): a client revokes a permission and its partner loses it on its next page load; a client asks to
move to another partner, which declines and then accepts in its inbox, and the client's page shows the move complete
without a reload; a partner's clients, their CSV export and its auto-approval; and the Activity page of each.

The tests share one local hub with the other browser tests, which rely on the story's partners (Globex and Initech
with Bluewave) and grants: every test puts them back as it found them (`partner_as_before`)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from tests.builders import (
    RecordingHub,
    activity_of,
    another_page,
    auto_approval_as_before,
    hub_call,
    hub_json,
    menu,
    partner_as_before,
    screen,
    sign_in,
    unique,
)

GLOBEX_USER = "gary@globex.example"
INITECH_USER = "ian@initech.example"
BLUEWAVE_USER = "pat@bluewave.example"
NORTHWIND_USER = "nina@northwind.example"
AGENT = "sam@hub.example"
GLOBEX_RUNNING = "+1 555-078-3881"


def open_partner_settings(page: Page) -> None:
    """Menu → Settings → Partner."""
    menu(page).get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Partner Settings")).to_be_visible()
    page.get_by_role("link", name="Partner", exact=True).click()
    expect(page.get_by_role("heading", name="Partner", level=1)).to_be_visible()


def request_row(page: Page, reason: str) -> Locator:
    """The row of a partner change request in the client's list (by its reason) or in a partner's inbox."""
    return (
        page.get_by_role("table", name=re.compile("change requests", re.IGNORECASE))
        .get_by_role("row")
        .filter(has_text=reason)
    )


def feed_row(page: Page, text: str) -> Locator:
    """The newest entry of the Activity page that has `text`."""
    return (
        page.get_by_role("table", name=re.compile("activity", re.IGNORECASE))
        .get_by_role("row")
        .filter(has_text=text)
        .first
    )


def test_a_client_revokes_a_permission_and_its_partner_no_longer_has_it(
    page: Page, browser: Browser, hub: RecordingHub
) -> None:
    with partner_as_before(hub, "globex"), another_page(browser, hub) as pat:
        sign_in(pat, BLUEWAVE_USER)
        expect(pat.get_by_role("heading", name="Choose a client")).to_be_visible()
        pat.goto("/clients/globex/numbers")
        expect(pat.get_by_role("row", name=re.compile(re.escape(GLOBEX_RUNNING)))).to_be_visible()

        sign_in(page, GLOBEX_USER)
        open_partner_settings(page)
        expect(page.get_by_role("region", name="Your partner")).to_contain_text("Bluewave Software (bluewave)")
        permissions = page.get_by_role("region", name="Partner permissions")
        numbers = permissions.get_by_role("switch", name="See numbers (numbers:read)")
        expect(numbers).to_be_checked()
        expect(numbers).to_have_accessible_description(re.compile("See the client's numbers"))
        permissions.locator("label", has_text="See numbers (numbers:read)").click()
        expect(numbers).not_to_be_checked()
        expect(permissions).to_contain_text("Not saved yet: revoke numbers:read.")
        permissions.get_by_role("button", name="Save permissions").click()
        expect(permissions.get_by_role("status")).to_have_text(
            "Saved: Bluewave Software no longer has numbers:read. "
            "It is granted templates:read, templates:write and insights:read."
        )
        screen(page, "partner permissions saved")

        pat.reload()  # the partner's next page load: the grant is read on every request
        expect(pat.get_by_role("alert")).to_contain_text("The numbers could not be loaded")
        expect(pat.get_by_text(GLOBEX_RUNNING)).to_have_count(0)

        permissions.get_by_role("button", name="Revoke all").click()
        confirmation = page.get_by_role("alertdialog", name="Revoke every permission of Bluewave Software?")
        expect(confirmation).to_contain_text("templates:read, templates:write, insights:read go")
        screen(page, "partner permissions revoke all")
        confirmation.get_by_role("button", name="Revoke every permission").click()
        expect(permissions.get_by_role("status")).to_contain_text("Every permission of Bluewave Software was revoked")
        expect(permissions.get_by_role("switch", checked=True)).to_have_count(0)
        expect(permissions.get_by_role("button", name="Revoke all")).to_be_disabled()

        activity_of(hub, "globex", "revoked templates:read, templates:write, insights:read")
        menu(page).get_by_role("link", name="Activity").click()
        revoked = feed_row(page, "Partner permissions of Bluewave Software: revoked numbers:read")
        expect(revoked).to_contain_text(GLOBEX_USER)
        expect(revoked.get_by_role("list", name="Changes")).to_have_text("numbers:read: granted → —")
        expect(feed_row(page, "revoked templates:read, templates:write, insights:read")).to_contain_text(GLOBEX_USER)
        screen(page, "activity of a client")


def test_a_client_moves_to_another_partner_which_declines_then_accepts_in_its_inbox(
    page: Page, browser: Browser, hub: RecordingHub
) -> None:
    first, second, third = unique("Try them out"), unique("Northwind knows our market"), unique("Please reconsider")
    note = "We take no new clients this week."
    with (
        partner_as_before(hub, "initech"),
        another_page(browser, hub) as pat,
        another_page(browser, hub) as nina,
    ):
        sign_in(pat, BLUEWAVE_USER)
        menu(pat).get_by_role("link", name="Partner").click()
        bluewave_clients = pat.get_by_role("table", name="Your clients")
        expect(bluewave_clients.get_by_role("row", name=re.compile("Initech Inc"))).to_contain_text("Nothing granted")

        sign_in(page, INITECH_USER)
        open_partner_settings(page)
        change = page.get_by_role("region", name="Change partner")
        ask(change, "bluewave", first)  # its partner already: the hub refuses (409)
        expect(change.get_by_role("alert")).to_contain_text("bluewave is the client's partner already.")
        ask(change, "northwind", first)
        expect(change.get_by_role("status").filter(has_text="was sent")).to_have_text(
            "Your request to move to Northwind Digital was sent: it accepts or declines it."
        )
        expect(request_row(page, first)).to_contain_text("Pending")
        change.get_by_role("button", name="Withdraw the request to Northwind Digital").click()
        expect(request_row(page, first)).to_contain_text("Cancelled")

        ask(change, "northwind", second)
        sign_in(nina, NORTHWIND_USER)
        menu(nina).get_by_role("link", name="Partner").click()
        nina.get_by_role("navigation", name="Partner").get_by_role("link", name="Change requests").click()
        expect(request_row(nina, first)).to_contain_text("Cancelled")
        decline_with_a_note(nina, second, note)
        expect(request_row(page, second)).to_contain_text("Declined")  # the client's page asks again meanwhile
        expect(request_row(page, second)).to_contain_text(note)

        ask(change, "northwind", third)
        nina.reload()
        request_row(nina, third).get_by_role("button", name="Accept the request of Initech Inc").click()
        expect(request_row(nina, third)).to_contain_text("Completed")
        screen(nina, "partner inbox")

        # without a reload: the request completes, the partner is the new one and it is granted nothing yet
        expect(request_row(page, third)).to_contain_text("Completed")
        expect(page.get_by_role("region", name="Your partner")).to_contain_text("Northwind Digital (northwind)")
        expect(page.get_by_role("status").filter(has_text="move is complete")).to_have_text(
            "The move is complete: the partner is now Northwind Digital."
        )
        granted = page.get_by_role("region", name="Partner permissions").get_by_role("switch", checked=True)
        expect(granted).to_have_count(0)
        screen(page, "partner change completed")

        pat.reload()
        expect(bluewave_clients.get_by_role("row", name=re.compile("Globex"))).to_be_visible()
        expect(bluewave_clients.get_by_role("row", name=re.compile("Initech Inc"))).to_have_count(0)

        activity_of(hub, "initech", "Moved from Bluewave Software to Northwind Digital")
        menu(page).get_by_role("link", name="Activity").click()
        the_move_in_the_activity(page, note)


def ask(change: Locator, partner_id: str, reason: str) -> None:
    """The client's "Change partner" form, filled and sent."""
    change.get_by_label("Partner ID").fill(partner_id)
    change.get_by_label("Reason").fill(reason)
    change.get_by_role("button", name="Request the change").click()


def decline_with_a_note(partner: Page, reason: str, note: str) -> None:
    """In the partner's inbox, Decline on the request (found by its reason), with a note to the client."""
    request_row(partner, reason).get_by_role("button", name="Decline the request of Initech Inc").click()
    dialog = partner.get_by_role("dialog", name="Decline the request of Initech Inc?")
    dialog.get_by_label("Note to the client (optional)").fill(note)
    screen(partner, "partner inbox decline")
    dialog.get_by_role("button", name="Decline request").click()
    expect(partner.get_by_role("status").filter(has_text="declined")).to_have_text(
        "You declined the request of Initech Inc."
    )
    expect(request_row(partner, reason)).to_contain_text("Declined")


def the_move_in_the_activity(page: Page, note: str) -> None:
    """The client's Activity has the move: who asked, who declined and accepted (a partner's user, for the partner),
    and the hub, which moved the client."""
    by_nina = "nina@northwind.example for the partner northwind"
    expect(feed_row(page, "Northwind Digital accepted the partner change request")).to_contain_text(by_nina)
    expect(feed_row(page, f"Northwind Digital declined the partner change request: {note}")).to_contain_text(by_nina)
    expect(feed_row(page, "Asked to move from Bluewave Software to Northwind Digital")).to_contain_text(INITECH_USER)
    expect(feed_row(page, "Moved from Bluewave Software to Northwind Digital")).to_contain_text("the hub")


def test_a_partner_lists_its_clients_exports_them_and_turns_auto_approval_off_and_on(
    page: Page, hub: RecordingHub
) -> None:
    with auto_approval_as_before(hub, "bluewave"):
        sign_in(page, BLUEWAVE_USER)
        expect(page.get_by_role("heading", name="Choose a client")).to_be_visible()  # partners land on the picker
        menu(page).get_by_role("link", name="Partner").click()
        expect(page.get_by_role("heading", name="Partner", level=1).locator("xpath=..")).to_contain_text(
            "Bluewave Software (bluewave)"
        )
        clients = page.get_by_role("table", name="Your clients")
        globex = clients.get_by_role("row", name=re.compile("Globex Logistics Ltd"))
        for scope in ("numbers:read", "templates:read", "templates:write", "insights:read"):
            expect(globex.get_by_role("listitem").filter(has_text=scope)).to_have_count(1)
        expect(clients.get_by_role("row", name=re.compile("Initech Inc"))).to_contain_text("Nothing granted")
        screen(page, "partner clients")

        section = page.get_by_role("region", name="Your clients")
        with page.expect_download() as downloaded:
            section.get_by_role("button", name="Export CSV").click()
        download = downloaded.value
        assert download.suggested_filename == "clients.csv"
        rows = list(csv.DictReader(Path(download.path()).read_text(encoding="utf-8").splitlines()))
        assert {row["client_id"] for row in rows} == {"globex", "initech"}
        assert {row["phone_number"] for row in rows if row["client_id"] == "globex"} >= {"+15550783881"}
        assert [row["phone_number"] for row in rows if row["client_id"] == "initech"] == [""]  # it granted nothing
        expect(section.get_by_role("status")).to_have_text("clients.csv was downloaded.")

        settings = page.get_by_role("region", name="Settings")
        automatic = settings.get_by_role("switch", name="Accept change requests automatically")
        expect(automatic).to_be_checked()
        settings.locator("label", has_text="Accept change requests automatically").click()
        expect(settings.get_by_role("status")).to_have_text("Auto-approval is off: you decide each request.")
        expect(automatic).not_to_be_checked()
        assert hub_json(hub, "/v1/partner/settings", BLUEWAVE_USER)["auto_approve"] is False
        screen(page, "partner settings")
        settings.locator("label", has_text="Accept change requests automatically").click()
        expect(settings.get_by_role("status")).to_have_text("Auto-approval is on: requests are accepted at once.")
        assert hub_json(hub, "/v1/partner/settings", BLUEWAVE_USER)["auto_approve"] is True


def test_a_support_agent_reads_every_clients_partner_change_requests_and_opens_the_clients_partner_page(
    page: Page, hub: RecordingHub
) -> None:
    reason = unique("Northwind speaks our language")
    with partner_as_before(hub, "initech"):  # the request is withdrawn after the test
        path = "/v1/clients/initech/partner-change-requests"
        asked = hub_call(hub, "POST", path, INITECH_USER, {"target_partner_id": "northwind", "reason": reason})
        assert asked.status_code == 201, asked.text

        sign_in(page, AGENT)
        menu(page).get_by_role("link", name="Partner changes").click()
        expect(page.get_by_role("heading", name="Partner changes", level=1)).to_be_visible()
        row = request_row(page, reason)
        client = row.get_by_role("rowheader")
        expect(client.get_by_role("link", name="Initech Inc")).to_be_visible()
        expect(client).to_contain_text("initech")
        expect(row).to_contain_text("Bluewave Software → Northwind Digital")
        expect(row).to_contain_text(f"by {INITECH_USER}")
        expect(row).to_contain_text("Pending")
        decide = re.compile("Accept|Decline|Withdraw")
        expect(row.get_by_role("button", name=decide)).to_have_count(0)  # agents only read: the partner decides
        screen(page, "partner changes of every client")

        client.get_by_role("link", name="Initech Inc").click()
        expect(page).to_have_url(re.compile(r"/clients/initech/settings/partner$"))
        expect(page.get_by_role("heading", name="Partner", level=1)).to_be_visible()
        expect(page.get_by_role("region", name="The client's partner")).to_contain_text("Bluewave Software (bluewave)")
        expect(request_row(page, reason)).to_contain_text("Pending")
