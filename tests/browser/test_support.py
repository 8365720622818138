"""Support in the portal (seed, "Support" tab and "Menu > Support"): a client opens a ticket with a file (its upload's
progress shown), support answers, the client reads the answer on the page and closes the ticket, which then offers
Reopen; the agents' queue of every client's tickets with its figures and filters, assigning, an internal note the
client never sees, Solve; the tickets other parts of the hub open from a request (an OBO number's commerce settings,
a refund of prepaid funds), shown with that request; and a file the hub would refuse, refused in the form.

The tests share one local hub: each opens tickets of its own (`unique`) and finds them by their subject or id."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, FilePayload, Locator, Page, Request, expect

from tests.builders import (
    ACME_USER,
    RecordingHub,
    another_page,
    hub_call,
    hub_json,
    menu,
    screen,
    settled,
    sign_in,
    unique,
)

AGENT = "sam@hub.example"
GLOBEX_USER = "gary@globex.example"
ACME_NUMBER = "106540352242922"
GLOBEX_RUNNING = "+1 555-078-3881"
GLOBEX_NUMBER = "107811234567801"
TICKET_URL = re.compile(r"/(?:support|queue)/(tkt_[0-9a-f]{24})$")


def ticket_id_of(page: Page) -> str:
    expect(page).to_have_url(TICKET_URL)
    found = TICKET_URL.search(page.url)
    assert found is not None
    return found.group(1)


def tickets_table(page: Page) -> Locator:
    return page.get_by_role("table", name=re.compile(r"tickets.*, page 1$", re.IGNORECASE))


def ticket_row(page: Page, text: str) -> Locator:
    """The list's row of one ticket, by its subject or id."""
    return tickets_table(page).get_by_role("row").filter(has_text=text)


def conversation(page: Page) -> Locator:
    return page.get_by_role("region", name="Conversation")


def message(page: Page, kind: str, text: str) -> Locator:
    """A message of the conversation: its kind ("Customer", "Support", "Internal note") and some of its text."""
    return conversation(page).get_by_role("article").filter(has_text=kind).filter(has_text=text)


def open_ticket(hub: RecordingHub, email: str, subject: str, **fields: Any) -> str:
    """A ticket opened through the API (what a test arranges behind the portal's back); its id."""
    body = {"subject": subject, "category": "technical", "description": f"{subject}: it fails since today.", **fields}
    answer = hub_call(hub, "POST", "/v1/tickets", email, body)
    assert answer.status_code == 201, answer.text
    ticket_id: str = answer.json()["ticket_id"]
    return ticket_id


def requested_ticket(hub: RecordingHub, email: str, origin: str, request_id: str) -> str:
    """The ticket support opened from another service's request (on the bus, within a second or two): its id."""
    found: list[str] = []

    def opened() -> bool:
        for ticket in hub_json(hub, "/v1/tickets?limit=20", email)["items"]:
            if ticket["origin"] != origin:
                continue
            detail = hub_json(hub, f"/v1/tickets/{ticket['ticket_id']}", email)
            if detail["context"].get("request_id") == request_id:
                found.append(ticket["ticket_id"])
                return True
        return False

    settled(opened, f"a ticket from {origin} {request_id}")
    return found[0]


def open_with_a_file(page: Page, subject: str, filename: str, content: bytes) -> None:
    """Support → New ticket, filled with a file attached; opened, and the file's upload seen to its end."""
    page.get_by_role("link", name="New ticket").click()
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Category").select_option("technical")
    page.get_by_label("Priority").select_option("high")
    page.get_by_label("Number (optional)").select_option(ACME_NUMBER)
    page.get_by_label("Description").fill("Delivery reports reach our webhook hours after the message.")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Attach files").click()
    chooser.value.set_files(FilePayload(name=filename, mimeType="text/plain", buffer=content))
    expect(page.get_by_role("list", name="Files to attach")).to_contain_text(
        f"{filename} ({len(content) / 1024:.1f} KB)"
    )
    screen(page, "support new ticket")

    page.get_by_role("button", name="Open ticket").click()
    expect(page.get_by_role("heading", name="Ticket opened")).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="uploaded")).to_have_text("The file was uploaded.")
    upload = page.get_by_role("listitem").filter(has_text=filename)
    expect(upload.get_by_role("progressbar", name=f"Upload of {filename}")).to_have_attribute(
        "value", str(len(content))
    )
    expect(upload).to_contain_text("Uploaded")
    screen(page, "support ticket opened with its file")


def agent_answers(browser: Browser, hub: RecordingHub, ticket_id: str, subject: str, answer: str) -> None:
    """A support agent, in a browser of their own, answers the ticket."""
    with another_page(browser, hub) as agent:
        sign_in(agent, AGENT)
        expect(menu(agent).get_by_role("link", name="Support queue")).to_be_visible()
        agent.goto(f"/queue/{ticket_id}")
        expect(agent.get_by_role("heading", name=subject, level=1)).to_be_visible()
        agent.get_by_label("Message", exact=True).fill(answer)
        agent.get_by_role("button", name="Send", exact=True).click()
        expect(agent.get_by_role("status").filter(has_text="sent")).to_have_text("Your message was sent.")


def test_a_client_opens_a_ticket_with_a_file_support_answers_and_the_client_closes_it(
    page: Page, browser: Browser, hub: RecordingHub
) -> None:
    subject = unique("Delivery reports arrive late")
    log = b"2026-12-01T10:00:00Z delivered after 3 h\n" * 1600  # about 66 KB: the progress has something to show
    sign_in(page, ACME_USER)
    menu(page).get_by_role("link", name="Support").click()
    expect(page.get_by_role("heading", name="Support", level=1)).to_be_visible()
    expect(tickets_table(page)).to_be_visible()
    screen(page, "support tickets")

    open_with_a_file(page, subject, "delivery-log.txt", log)
    page.get_by_role("link", name="Open the ticket").click()
    expect(page.get_by_role("heading", name=subject, level=1)).to_be_visible()
    ticket_id = ticket_id_of(page)
    details = page.get_by_role("region", name="Details", exact=True)
    expect(details).to_contain_text("High")
    expect(details).to_contain_text(ACME_NUMBER)
    download = page.get_by_role("region", name="Files", exact=True).get_by_role(
        "link", name="delivery-log.txt (download)"
    )
    href = download.get_attribute("href")
    assert href is not None
    assert httpx.get(href, timeout=30).content == log  # the file reached the hub's bucket as it was
    expect(message(page, "Customer", "Delivery reports reach our webhook")).to_contain_text("You")

    answer = "Meta delays delivery reports in some regions today; we are watching it."
    agent_answers(browser, hub, ticket_id, subject, answer)

    # the client's page asks again every few seconds: the answer appears without a reload
    expect(message(page, "Support", answer)).to_be_visible()
    expect(page.get_by_role("heading", name=subject, level=1).locator("xpath=..")).to_contain_text(
        "Awaiting your reply"
    )
    expect(details).not_to_contain_text("Not yet")  # the first response time
    screen(page, "support ticket answered")

    page.get_by_role("button", name="Close ticket").click()
    expect(page.get_by_role("status").filter(has_text="closed")).to_have_text("The ticket was closed.")
    expect(page.get_by_role("region", name="Closed")).to_contain_text("it takes no more messages")
    expect(page.get_by_role("region", name="Reply", exact=True)).to_have_count(0)
    reopen = page.get_by_role("button", name="Reopen ticket")
    expect(reopen).to_be_visible()
    expect(page.get_by_text(re.compile(r"^It may be reopened until "))).to_be_visible()
    screen(page, "support ticket closed")

    reopen.click()
    expect(page.get_by_role("status").filter(has_text="reopened")).to_be_visible()
    expect(page.get_by_role("region", name="Reply", exact=True)).to_be_visible()


def test_an_agent_works_the_queue_assigns_writes_an_internal_note_and_solves(
    page: Page, browser: Browser, hub: RecordingHub
) -> None:
    acme_subject = unique("Template sync is stuck")
    globex_subject = unique("Inbox shows no messages")
    open_ticket(hub, ACME_USER, acme_subject)
    globex_ticket = open_ticket(hub, GLOBEX_USER, globex_subject, category="numbers")
    note = f"Internal: Meta case {uuid.uuid4().hex[:6]} opened, do not tell the client yet."

    sign_in(page, AGENT)
    menu(page).get_by_role("link", name="Support queue").click()
    expect(page.get_by_role("heading", name="Support queue", level=1)).to_be_visible()
    figures = page.get_by_role("region", name="Figures")
    expect(figures.get_by_text("Unassigned", exact=True)).to_be_visible()
    expect(figures.get_by_role("table", name="Tickets not closed, by status and category")).to_be_visible()
    expect(ticket_row(page, acme_subject).get_by_role("cell").first).to_have_text("acme")
    expect(ticket_row(page, globex_subject).get_by_role("cell").first).to_have_text("globex")
    screen(page, "support queue")

    page.get_by_label("Status", exact=True).select_option("pending_customer")
    expect(ticket_row(page, globex_subject)).to_have_count(0)
    page.get_by_label("Status", exact=True).select_option("open")
    expect(ticket_row(page, globex_subject)).to_be_visible()
    expect(ticket_row(page, acme_subject)).to_be_visible()
    expect(tickets_table(page).get_by_text("Awaiting customer")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/queue\?status=open$"))

    ticket_row(page, globex_subject).get_by_role("link", name=globex_subject).click()
    expect(page.get_by_role("heading", name=globex_subject, level=1)).to_be_visible()
    assign_note_and_solve(page, note)

    client_sees_it_solved_without_the_note(browser, hub, globex_ticket, globex_subject, note)

    page.get_by_role("link", name="Back to the queue").click()
    page.get_by_label("Status", exact=True).select_option("")
    page.get_by_label("Assigned to", exact=True).select_option("me")
    expect(page).to_have_url(re.compile(r"assignee=sam%40hub\.example"))
    expect(ticket_row(page, globex_subject)).to_contain_text("Solved")
    expect(ticket_row(page, acme_subject)).to_have_count(0)


def assign_note_and_solve(page: Page, note: str) -> None:
    """On a ticket's page, an agent assigns it to themself, makes it urgent, writes an internal note and solves it."""
    team = page.get_by_role("region", name="Support team")
    team.get_by_role("button", name="Assign to me").click()
    expect(team.get_by_role("status")).to_have_text(f"The ticket is assigned to {AGENT}.")
    expect(team.get_by_role("button", name="Unassign")).to_be_visible()
    team.get_by_label("Priority").select_option("urgent")
    team.get_by_role("button", name="Save priority").click()
    expect(team.get_by_role("status")).to_have_text("The priority is now Urgent.")

    page.get_by_label("Message", exact=True).fill(note)
    page.get_by_label("Internal note (only support agents see it)").check()
    page.get_by_role("button", name="Add internal note").click()
    internal = message(page, "Internal note", note)
    expect(internal).to_contain_text("Only support agents see this note.")
    screen(page, "support agent ticket with an internal note")

    team.get_by_role("button", name="Solve").click()
    expect(team.get_by_role("status")).to_have_text("The ticket is solved: the customer may still answer or close it.")
    expect(team.get_by_role("button", name="Solve")).to_have_count(0)


def client_sees_it_solved_without_the_note(
    browser: Browser, hub: RecordingHub, ticket_id: str, subject: str, note: str
) -> None:
    """Globex's user, in a browser of their own, finds the ticket solved, and no internal note in it."""
    with another_page(browser, hub) as client:
        sign_in(client, GLOBEX_USER)
        menu(client).get_by_role("link", name="Support").click()
        ticket_row(client, ticket_id).get_by_role("link", name=subject).click()
        expect(message(client, "Customer", "it fails since today")).to_be_visible()
        expect(client.get_by_role("heading", name=subject, level=1).locator("xpath=..")).to_contain_text("Solved")
        expect(conversation(client).get_by_role("article")).to_have_count(1)
        expect(client.get_by_text(note)).to_have_count(0)
        expect(client.get_by_text("Internal note")).to_have_count(0)
        screen(client, "support client ticket solved")


def test_requests_from_the_waba_manager_and_funds_become_tickets_with_their_request(
    page: Page, browser: Browser, hub: RecordingHub
) -> None:
    commerce_note = unique("Please show our catalog")
    refund_reason = unique("We stop using this number")

    sign_in(page, GLOBEX_USER)
    page.get_by_role("row", name=re.compile(re.escape(GLOBEX_RUNNING))).get_by_role("link", name="Manage").click()
    commerce = page.get_by_role("region", name="Commerce Settings")
    commerce.locator("label", has_text="Show the catalog").click()
    commerce.get_by_label("Note to support").fill(commerce_note)
    commerce.get_by_role("button", name="Ask support").click()
    asked = re.compile(r"Support was asked \(request (csr_[0-9a-f]{24})\)")
    expect(commerce.get_by_role("status")).to_have_text(asked)
    found = asked.search(commerce.get_by_role("status").inner_text())
    assert found is not None
    commerce_ticket = requested_ticket(hub, GLOBEX_USER, "commerce_support_request", found.group(1))

    menu(page).get_by_role("link", name="Support").click()
    row = ticket_row(page, commerce_ticket)
    expect(row).to_contain_text("Commerce settings request")
    row.get_by_role("link").click()
    request = page.get_by_role("region", name="Commerce settings request")
    for text in (found.group(1), GLOBEX_NUMBER, "Catalog hidden, cart off", "Catalog shown, cart off", commerce_note):
        expect(request).to_contain_text(text)
    screen(page, "support ticket from a commerce request")

    with another_page(browser, hub) as anna:
        refund_ticket, refund_id = refund_through_funds(anna, hub, refund_reason)
        menu(anna).get_by_role("link", name="Support").click()
        anna.get_by_label("Category", exact=True).select_option("billing")
        row = ticket_row(anna, refund_ticket)
        expect(row).to_contain_text("Funds refund request")
        row.get_by_role("link").click()
        refund = anna.get_by_role("region", name="Funds refund request")
        expect(refund).to_contain_text(refund_id)
        expect(refund).to_contain_text(refund_reason)
        expect(refund).to_contain_text(re.compile(r"Balance when asked\s*€[\d,]+\.\d{2}"))
        screen(anna, "support ticket from a refund request")

    with another_page(browser, hub) as agent:
        sign_in(agent, AGENT)
        menu(agent).get_by_role("link", name="Support queue").click()
        expect(ticket_row(agent, commerce_ticket).get_by_role("cell").first).to_have_text("globex")
        expect(ticket_row(agent, refund_ticket).get_by_role("cell").first).to_have_text("acme")
        agent.get_by_label("Category", exact=True).select_option("billing")
        expect(ticket_row(agent, commerce_ticket)).to_have_count(0)
        ticket_row(agent, refund_ticket).get_by_role("link").click()
        expect(agent.get_by_role("region", name="Funds refund request")).to_contain_text(refund_reason)
        expect(agent.get_by_role("region", name="Details", exact=True)).to_contain_text("Funds refund request")


def refund_through_funds(page: Page, hub: RecordingHub, reason: str) -> tuple[str, str]:
    """Anna asks for a number's funds back on its Funds page: the ticket support opened from it, and the request's
    id. The number is one holding funds (other tests' days of usage may have spent some balances)."""
    number_id, phone = a_funded_acme_number(hub)
    sign_in(page, ACME_USER)
    menu(page).get_by_role("link", name="Funds").click()
    page.get_by_role("link", name=f"Manage funds of {phone}").click()
    refund = page.get_by_role("region", name=f"Funds of {phone}").get_by_role("region", name="Request a refund")
    refund.get_by_label("Reason").fill(reason)
    refund.get_by_role("button", name="Request refund").click()
    received = re.compile(r"Support received your request \((refund_[0-9a-f]+)\)")
    expect(refund.get_by_role("status")).to_have_text(received)
    found = received.search(refund.get_by_role("status").inner_text())
    assert found is not None, number_id
    return requested_ticket(hub, ACME_USER, "funds_refund_request", found.group(1)), found.group(1)


def a_funded_acme_number(hub: RecordingHub) -> tuple[str, str]:
    """One of Acme's numbers with a positive balance (its id and phone); when none has one, one topped up through the
    Stripe sandbox's checkout."""
    numbers = hub_json(hub, "/v1/billing/funds", ACME_USER)["numbers"]
    richest = max(numbers, key=lambda number: number["balance"])
    if richest["balance"] <= 0:
        path = f"/v1/billing/funds/{richest['number_id']}/top-ups"
        headers = {"Authorization": f"Bearer {hub.token(ACME_USER)}", "Idempotency-Key": uuid.uuid4().hex}
        top_up = httpx.post(f"{hub.api}{path}", headers=headers, json={"amount": 50_00, "currency": "eur"}, timeout=60)
        assert top_up.status_code == 201, top_up.text
        session = top_up.json()["checkout_url"].rsplit("/", 1)[1]
        paid = httpx.post(f"{hub.stripe}/_sandbox/checkout/sessions/{session}/complete", json={}, timeout=30)
        assert paid.status_code == 200, paid.text
        settled(
            lambda: any(
                number["number_id"] == richest["number_id"] and number["balance"] > 0
                for number in hub_json(hub, "/v1/billing/funds", ACME_USER)["numbers"]
            ),
            "the top-up credited",
        )
    return richest["number_id"], richest["phone_number"] or richest["number_id"]


def test_a_file_the_hub_would_refuse_is_refused_in_the_form_and_nothing_is_uploaded(
    page: Page, hub: RecordingHub, tmp_path: Path
) -> None:
    subject = unique("Export attached")
    too_big = tmp_path / "export.pdf"
    with too_big.open("wb") as file:
        file.truncate(10 * 1024 * 1024 + 1)  # one byte more than the hub takes
    program = tmp_path / "installer.exe"
    program.write_bytes(b"MZ\x90\x00")
    uploads: list[str] = []

    def watch(request: Request) -> None:
        multipart = "multipart/form-data" in request.headers.get("content-type", "")
        if request.method == "POST" and ("/attachments" in request.url or multipart):
            uploads.append(request.url)

    page.on("request", watch)
    sign_in(page, ACME_USER)
    menu(page).get_by_role("link", name="Support").click()
    page.get_by_role("link", name="New ticket").click()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Attach files").click()
    chooser.value.set_files([too_big, program])

    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("“export.pdf” was not attached: it is larger than the 10 MB a file may be.")
    expect(refusal).to_contain_text("“installer.exe” was not attached: this kind of file is not accepted.")
    expect(page.get_by_role("list", name="Files to attach")).to_have_count(0)
    screen(page, "support refused files")

    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Category").select_option("other")
    page.get_by_label("Description").fill("The export we wanted to attach.")
    page.get_by_role("button", name="Open ticket").click()
    expect(page.get_by_role("heading", name=subject, level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="opened")).to_have_text(
        "Your ticket was opened: support answers here."
    )
    expect(page.get_by_role("region", name="Files", exact=True)).to_contain_text("No files yet.")
    ticket = hub_json(hub, f"/v1/tickets/{ticket_id_of(page)}", ACME_USER)
    assert ticket["attachments"] == []
    assert uploads == []
