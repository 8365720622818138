"""The Templates of a WABA (seed, "Templates"; the WABA Manager's Templates): the list from the hub's mirror with its
status colours, Meta's rejection reason on the row, filters and the name search, each template's details, a sync with
Meta and its counts, and creating a template beside its live preview — submitted for review, or kept as a draft; then,
from a template's details: editing it (Meta's edit limit shown and enforced), replicating it, adding a language,
submitting a draft and deleting it (a confirmation, and the name Meta keeps for 30 days).

The tests share one local hub: each creates templates under a name of its own (`unique_name`)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.builders import (
    ACME_USER,
    RecordingHub,
    hub_call,
    hub_json,
    lose_next_webhook,
    screen,
    settled,
    sign_in,
    slow_meta,
)

ACME_WABA = "102290129340398"
ACME_RUNNING = "+49 1511 2345001"
TEMPLATES = f"/v1/wabas/{ACME_WABA}/templates"


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def table(page: Page) -> Locator:
    return page.get_by_role("table", name=f"Templates of WhatsApp Business Account {ACME_WABA}")


def row(page: Page, name: str, language: str) -> Locator:
    """The row of one template in one language (its name opens the details, "order_update (en_US): details")."""
    return (
        table(page)
        .get_by_role("row")
        .filter(has=page.get_by_role("button", name=f"{name} ({language}): details", exact=True))
    )


def status_of(template_row: Locator) -> Locator:
    """The status pill of a row (its Status cell, beside Meta's reason)."""
    return template_row.get_by_role("cell").nth(2).locator(".status-pill")


def open_acme_templates(page: Page) -> None:
    """Anna signs in and opens Templates from the menu: Acme has one WABA, so its templates open at once."""
    sign_in(page, ACME_USER)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Templates").click()
    expect(page.get_by_role("heading", name="Templates", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(f"/wabas/{ACME_WABA}/templates$"))
    expect(row(page, "order_update", "en_US")).to_be_visible()


@contextmanager
def webhooks_as_before(hub: RecordingHub) -> Iterator[None]:
    """A block that makes the Meta sandbox lose its next webhook: no lost webhook is left for the next test."""
    try:
        yield
    finally:
        assert httpx.post(f"{hub.meta}/_sandbox/webhooks/lose", json={"count": 0}, timeout=30).status_code == 200


def meta_template(hub: RecordingHub, name: str) -> dict[str, Any] | None:
    state: dict[str, Any] = httpx.get(f"{hub.meta}/_sandbox/state", timeout=30).json()
    return next((t for t in state["templates"].values() if t["waba_id"] == ACME_WABA and t["name"] == name), None)


def lost_webhooks(hub: RecordingHub) -> int:
    """How many webhooks the Meta sandbox will still lose."""
    state: dict[str, Any] = httpx.get(f"{hub.meta}/_sandbox/state", timeout=30).json()
    return int(state["webhooks_to_lose"])


def test_a_client_sees_its_templates_with_status_reason_and_details(page: Page) -> None:
    open_acme_templates(page)

    for name, language, category, status in (
        ("order_update", "en_US", "Utility", "Approved"),
        ("order_update", "de", "Utility", "Approved"),
        ("spring_sale", "en_US", "Marketing", "Rejected"),
        ("login_code", "en_US", "Authentication", "Approved"),
    ):
        cells = row(page, name, language).get_by_role("cell")
        expect(cells.nth(0)).to_have_text(language)
        expect(cells.nth(1)).to_have_text(category)
        expect(cells.nth(2)).to_contain_text(status)
    expect(row(page, "welcome", "de")).to_be_visible()  # PENDING in the story until the sandbox decides it
    rejected = row(page, "spring_sale", "en_US")
    expect(rejected).to_contain_text("Reason: Promotional content")
    expect(status_of(rejected)).to_have_text("Rejected")
    expect(status_of(rejected)).to_have_class(re.compile(r"\bstatus-rejected\b"))  # red
    expect(status_of(row(page, "order_update", "en_US"))).to_have_class(re.compile(r"\bstatus-approved\b"))  # green
    expect(row(page, "order_update", "en_US").get_by_role("cell").nth(3)).to_have_text("High")
    screen(page, "templates list")

    rejected.get_by_role("button", name="spring_sale (en_US): details").click()
    dialog = page.get_by_role("dialog", name="spring_sale · en_US")
    expect(dialog).to_contain_text("Promotional content")
    expect(dialog.get_by_role("figure", name="The message as sent")).to_have_text(
        "Spring sale! 50% off everything, today only."
    )
    screen(page, "template details")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)

    row(page, "order_update", "en_US").get_by_role("button", name="order_update (en_US): details").click()
    message = page.get_by_role("dialog", name="order_update · en_US").get_by_role("figure", name="The message as sent")
    expect(message).to_contain_text("Hi Maria, your order A-1042 is on its way.")  # the examples in place
    expect(message).to_contain_text("Acme Retail")  # the footer
    page.keyboard.press("Escape")

    row(page, "login_code", "en_US").get_by_role("button", name="login_code (en_US): details").click()
    auth = page.get_by_role("dialog", name="login_code · en_US")
    expect(auth.get_by_role("figure")).to_contain_text("For your security, do not share this code.")
    expect(auth.get_by_role("list", name="Buttons")).to_have_text("Copy code")


def test_filters_by_status_category_and_name_from_the_number_page(page: Page) -> None:
    sign_in(page, ACME_USER)
    page.get_by_role("row", name=re.compile(re.escape(ACME_RUNNING))).get_by_role("link", name="Manage").click()
    page.get_by_role("region", name="Templates").get_by_role("link", name="Open templates").click()
    expect(row(page, "order_update", "en_US")).to_be_visible()
    filters = page.get_by_role("search", name="Filter the templates")

    filters.get_by_label("Status").select_option(label="Rejected")
    expect(row(page, "order_update", "en_US")).to_have_count(0)
    expect(row(page, "spring_sale", "en_US")).to_be_visible()
    expect(table(page).get_by_role("row")).not_to_have_count(1)
    for status in table(page).locator("tbody td:nth-child(4) .status-pill").all_inner_texts():
        assert status == "Rejected"

    filters.get_by_label("Status").select_option(label="All")
    filters.get_by_label("Category").select_option(label="Authentication")
    expect(row(page, "login_code", "en_US")).to_be_visible()
    expect(row(page, "spring_sale", "en_US")).to_have_count(0)
    filters.get_by_label("Category").select_option(label="All")

    filters.get_by_label("Name").press_sequentially("order")  # asks once typing pauses
    expect(row(page, "order_update", "en_US")).to_be_visible()
    expect(row(page, "order_update", "de")).to_be_visible()
    expect(row(page, "spring_sale", "en_US")).to_have_count(0)
    expect(row(page, "login_code", "en_US")).to_have_count(0)
    filters.get_by_label("Language").select_option(value="de")
    expect(row(page, "order_update", "en_US")).to_have_count(0)
    expect(row(page, "order_update", "de")).to_be_visible()
    screen(page, "templates filtered")

    filters.get_by_label("Name").fill("no_such_template")
    expect(table(page)).to_contain_text("No template matches these filters.")


def test_a_sync_shows_its_progress_and_counts_and_refreshes_the_list(page: Page, hub: RecordingHub) -> None:
    """Meta approves a template whose webhook the hub never gets: the mirror says PENDING until the sync."""
    name = unique_name("sync_check")
    with webhooks_as_before(hub):
        lose_next_webhook(hub)
        body = {
            "name": name,
            "language": "en_US",
            "category": "UTILITY",
            "components": [{"type": "BODY", "text": "Your appointment is confirmed for tomorrow morning."}],
        }
        created = hub_call(hub, "POST", TEMPLATES, ACME_USER, body)
        assert created.status_code == 201, created.text
        settled(lambda: (meta_template(hub, name) or {}).get("status") == "APPROVED", "Meta approves the template")

    open_acme_templates(page)
    page.get_by_role("search", name="Filter the templates").get_by_label("Name").fill(name)
    expect(status_of(row(page, name, "en_US"))).to_have_text("Pending")

    slow_meta(hub, calls=1)
    sync = page.get_by_role("region", name="Sync with Meta")
    sync.get_by_role("button", name="Sync with Meta").click()
    expect(sync.get_by_role("button", name="Syncing with Meta…")).to_be_visible()
    expect(sync.get_by_role("status")).to_have_text(re.compile(r"^Synced: \d+ added, [1-9]\d* updated, \d+ removed\.$"))
    expect(status_of(row(page, name, "en_US"))).to_have_text("Approved")
    screen(page, "templates synced")


def test_a_client_creates_a_template_watching_the_preview_and_sees_it_pending(page: Page, hub: RecordingHub) -> None:
    name = unique_name("parcel_update")
    open_acme_templates(page)
    page.get_by_role("link", name="Create template").click()
    expect(page.get_by_role("heading", name="Create template", level=1)).to_be_visible()
    preview = page.get_by_role("region", name="Preview")
    bubble = preview.get_by_role("figure", name="Preview of the message")
    verdict = preview_verdict(page)

    page.get_by_label("Name").fill(name)
    page.get_by_label("Category", exact=True).select_option("UTILITY")
    body = page.get_by_role("textbox", name="Body", exact=True)
    body.press_sequentially("Hi {{1}}")
    # Meta's rule, beside the field it is about (the preview route names it components[0].text)
    expect(body).to_have_accessible_description(re.compile("must not end with a variable"))
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(verdict).to_have_text(re.compile("broken: see the fields marked"))
    expect(bubble).to_have_text("Hi {{1}}")
    screen(page, "template create error")

    body.press_sequentially(", your parcel is on its way.")
    page.get_by_label("Example of {{1}} in the body").fill("Maria")
    expect(bubble).to_have_text("Hi Maria, your parcel is on its way.")  # the example in place, as the customer sees it
    expect(verdict).to_have_text("Meta's rules that the hub checks are kept.")
    expect(body).not_to_have_attribute("aria-invalid", "true")

    page.get_by_label("Footer (optional)").fill("Acme Retail")
    page.get_by_role("button", name="Add quick reply").click()
    page.get_by_label("Quick reply 1").fill("Where is it?")
    expect(bubble).to_contain_text("Acme Retail")
    expect(bubble.get_by_role("list", name="Buttons")).to_have_text("Where is it?")
    screen(page, "template create preview")

    with webhooks_as_before(hub):
        lose_next_webhook(hub)  # Meta's decision stays away: the template is PENDING in the mirror
        page.get_by_role("button", name="Submit for review").click()
        expect(page.get_by_role("heading", name="Templates", level=1)).to_be_visible()
        expect(page.get_by_role("status").filter(has_text=name)).to_have_text(
            f"“{name}” (en_US) was submitted for Meta's review: Pending."
        )
        created = row(page, name, "en_US")
        expect(status_of(created)).to_have_text("Pending")
        expect(created.get_by_role("cell").nth(1)).to_have_text("Utility")
        settled(lambda: meta_template(hub, name) is not None, "Meta has the template")
        settled(lambda: lost_webhooks(hub) == 0, "the sandbox sent (and lost) its decision")


def preview_verdict(page: Page) -> Locator:
    """The preview's verdict on Meta's rules (not the line that says a new preview is being made beside it)."""
    return page.get_by_role("region", name="Preview").get_by_role("status").filter(has_not_text="Making the preview")


def test_a_client_saves_a_draft_and_sees_refusals_beside_the_form(page: Page) -> None:
    open_acme_templates(page)
    page.get_by_role("link", name="Create template").click()
    expect(page.get_by_role("heading", name="Create template", level=1)).to_be_visible()

    # a name Acme has in this language: Meta's rules are kept, the account refuses it (409)
    page.get_by_label("Name").fill("order_update")
    page.get_by_role("textbox", name="Body", exact=True).fill("Your order has shipped and arrives this week.")
    expect(preview_verdict(page)).to_have_text("Meta's rules that the hub checks are kept.")
    page.get_by_role("button", name="Submit for review").click()
    alert = page.get_by_role("form", name="New template").get_by_role("alert")
    expect(alert).to_contain_text("The template cannot be created")
    screen(page, "template create conflict")

    name = unique_name("draft_note")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Category", exact=True).select_option("MARKETING")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").filter(has_text=name)).to_have_text(
        f"“{name}” (en_US) was saved as a draft: Meta has not seen it."
    )
    filters = page.get_by_role("search", name="Filter the templates")
    filters.get_by_label("Status").select_option(label="Draft")
    draft = row(page, name, "en_US")
    expect(status_of(draft)).to_have_text("Draft")
    expect(draft.get_by_role("cell").nth(1)).to_have_text("Marketing")
    draft.get_by_role("button", name=f"{name} (en_US): details").click()
    expect(page.get_by_role("dialog", name=f"{name} · en_US")).to_contain_text("None yet (a draft)")


def test_support_reads_a_clients_templates_but_changes_none(page: Page) -> None:
    sign_in(page, "sam@hub.example")
    expect(page.get_by_role("heading", name="Choose a client")).to_be_visible()
    page.goto(f"/clients/acme/wabas/{ACME_WABA}/templates")
    expect(row(page, "spring_sale", "en_US")).to_contain_text("Promotional content")
    expect(page.get_by_role("link", name="Create template")).to_have_count(0)
    screen(page, "templates support")

    row(page, "order_update", "en_US").get_by_role("button", name="order_update (en_US): details").click()
    dialog = page.get_by_role("dialog", name="order_update · en_US")
    expect(dialog.get_by_role("figure", name="The message as sent")).to_be_visible()
    expect(dialog.get_by_role("region", name="Actions")).to_have_count(0)
    for action in ("Edit", "Add language", "Replicate", "Delete", "Submit for review"):
        expect(dialog.get_by_role("button", name=re.compile(f"^{action}"))).to_have_count(0)
        expect(dialog.get_by_role("link", name=re.compile(f"^{action}"))).to_have_count(0)
    page.keyboard.press("Escape")

    page.goto(f"/clients/acme/wabas/{ACME_WABA}/templates/order_update/en_US/edit")
    expect(page.get_by_text("You may read this account's templates, but not edit them.")).to_be_visible()
    expect(page.get_by_role("form", name="Edit template")).to_have_count(0)


# ---------------------------------------------------------------------------------- changes from a template's details


def seeded(hub: RecordingHub, name: str, body: str, *, submit: bool, language: str = "en_US") -> dict[str, Any]:
    """A template made through the API (the UI path is not what the test is about); an approved one once Meta's
    review (a second in the sandbox) has reached the mirror."""
    answer = hub_call(
        hub,
        "POST",
        TEMPLATES,
        ACME_USER,
        {
            "name": name,
            "language": language,
            "category": "UTILITY",
            "components": [{"type": "BODY", "text": body}],
            "submit": submit,
        },
    )
    assert answer.status_code == 201, answer.text
    if submit:
        settled(lambda: mirrored(hub, name, language)["status"] == "APPROVED", f"Meta approves {name}")
    return mirrored(hub, name, language)


def mirrored(hub: RecordingHub, name: str, language: str) -> dict[str, Any]:
    return hub_json(hub, f"{TEMPLATES}/{name}/{language}", ACME_USER)


def details_of(page: Page, name: str, language: str = "en_US") -> Locator:
    """The list narrowed to `name` (a name search), and its details opened: the dialog."""
    page.get_by_role("search", name="Filter the templates").get_by_label("Name").fill(name)
    row(page, name, language).get_by_role("button", name=f"{name} ({language}): details").click()
    return page.get_by_role("dialog", name=f"{name} · {language}")


def outcome(page: Page, name: str) -> Locator:
    return page.get_by_role("status").filter(has_text=f"“{name}”")


def test_a_client_edits_an_approved_template_within_metas_edit_limit(page: Page, hub: RecordingHub) -> None:
    name = unique_name("table_booked")
    seeded(hub, name, "Your table is booked for tonight.", submit=True)
    open_acme_templates(page)
    details_of(page, name).get_by_role("link", name=f"Edit {name} (en_US)").click()

    expect(page.get_by_role("heading", name="Edit template", level=1)).to_be_visible()
    form = page.get_by_role("form", name="Edit template")
    expect(form.get_by_label("Name")).to_have_value(name)
    expect(form.get_by_label("Category", exact=True)).to_be_disabled()
    expect(form.get_by_label("Category", exact=True)).to_have_accessible_description(
        re.compile("Meta does not let an approved template change its category")
    )
    limit = form.get_by_role("note")
    expect(limit).to_have_text(
        "Approved template: Meta allows 1 edit a day and 10 in 30 days — 0 of 10 used in the last 30 days."
    )
    body = form.get_by_role("textbox", name="Body", exact=True)
    expect(body).to_have_value("Your table is booked for tonight.")
    body.fill("Your table for two is booked for tonight.")
    expect(page.get_by_role("region", name="Preview").get_by_role("figure")).to_have_text(
        "Your table for two is booked for tonight."
    )
    screen(page, "template edit")
    form.get_by_role("button", name="Submit changes for review").click()

    expect(page.get_by_role("heading", name="Templates", level=1)).to_be_visible()
    expect(outcome(page, name)).to_have_text(f"“{name}” (en_US) was changed and submitted for Meta's review: Pending.")
    edited = mirrored(hub, name, "en_US")
    assert edited["components"][0]["text"] == "Your table for two is booked for tonight."
    assert len(edited["edits"]) == 1
    settled(lambda: mirrored(hub, name, "en_US")["status"] == "APPROVED", "Meta approves the edit")
    page.reload()
    page.get_by_role("search", name="Filter the templates").get_by_label("Name").fill(name)
    expect(status_of(row(page, name, "en_US"))).to_have_text("Approved")

    # a second edit within 24 hours: the form says so, and Meta's limit refuses it with when the next one is possible
    details_of(page, name).get_by_role("link", name=f"Edit {name} (en_US)").click()
    form = page.get_by_role("form", name="Edit template")
    expect(form.get_by_role("note")).to_contain_text("1 of 10 used in the last 30 days, 1 today.")
    expect(form.get_by_role("note")).to_contain_text("Meta refuses another edit until")
    form.get_by_role("textbox", name="Body", exact=True).fill("Your table for four is booked for tonight.")
    form.get_by_role("button", name="Submit changes for review").click()
    refusal = form.get_by_role("alert")
    expect(refusal).to_contain_text("Meta allows no more edits of this template for now")
    expect(refusal).to_contain_text((datetime.now(UTC) + timedelta(hours=24)).strftime("%Y-%m-%d"))
    expect(form.get_by_text(re.compile(r"^Try again in \d+ hours\.$"))).to_be_visible()
    screen(page, "template edit limit")


def test_a_client_replicates_a_template_into_another_language(page: Page) -> None:
    name = unique_name("order_copy")
    open_acme_templates(page)
    row(page, "order_update", "en_US").get_by_role("button", name="order_update (en_US): details").click()
    page.get_by_role("dialog", name="order_update · en_US").get_by_role(
        "button", name="Replicate order_update (en_US)"
    ).click()
    dialog = page.get_by_role("dialog", name="Replicate order_update · en_US")
    dialog.get_by_role("button", name="Replicate", exact=True).click()  # nothing changed: the copy must differ
    expect(dialog.get_by_label("Name of the copy")).to_have_accessible_description(
        re.compile("the copy must differ from the template")
    )

    dialog.get_by_label("Name of the copy").fill(name)
    dialog.get_by_label("Language of the copy").select_option("es")
    expect(dialog.get_by_label("WhatsApp Business Account")).to_have_value(ACME_WABA)
    dialog.get_by_text("Save as a draft", exact=True).click()
    expect(dialog.get_by_role("radio", name="Save as a draft")).to_be_checked()
    screen(page, "template replicate")
    dialog.get_by_role("button", name="Replicate", exact=True).click()

    expect(outcome(page, name)).to_have_text(f"The copy “{name}” (es) was saved as a draft: Meta has not seen it.")
    page.get_by_role("search", name="Filter the templates").get_by_label("Name").fill(name)
    copy = row(page, name, "es")
    expect(status_of(copy)).to_have_text("Draft")
    expect(copy.get_by_role("cell").nth(1)).to_have_text("Utility")
    copy.get_by_role("button", name=f"{name} (es): details").click()
    expect(page.get_by_role("dialog", name=f"{name} · es").get_by_role("figure")).to_contain_text(
        "Hi Maria, your order A-1042 is on its way."
    )


def test_a_client_adds_a_language_translating_the_existing_one(page: Page, hub: RecordingHub) -> None:
    name = unique_name("pickup_ready")
    seeded(hub, name, "Your parcel is ready for pickup.", submit=False)
    open_acme_templates(page)
    details_of(page, name).get_by_role("link", name=f"Add language to {name}").click()

    expect(page.get_by_role("heading", name="Add a language", level=1)).to_be_visible()
    form = page.get_by_role("form", name="New language")
    body = form.get_by_role("textbox", name="Body", exact=True)
    expect(body).to_have_value("Your parcel is ready for pickup.")  # the text to translate
    expect(form.get_by_label("Category", exact=True)).to_be_disabled()
    form.get_by_role("button", name="Save draft").click()  # no language chosen yet
    expect(form.get_by_label("New language")).to_have_accessible_description(re.compile("Choose the new language"))

    form.get_by_label("New language").select_option("de")
    body.fill("Dein Paket liegt zur Abholung bereit.")
    screen(page, "template add language")
    form.get_by_role("button", name="Save draft").click()

    expect(outcome(page, name)).to_have_text(f"“{name}” (de) was added as a draft: Meta has not seen it.")
    page.get_by_role("search", name="Filter the templates").get_by_label("Name").fill(name)
    added = row(page, name, "de")
    expect(status_of(added)).to_have_text("Draft")
    expect(added.get_by_role("cell").nth(1)).to_have_text("Utility")
    expect(row(page, name, "en_US")).to_be_visible()


def test_a_client_submits_a_draft_from_its_details(page: Page, hub: RecordingHub) -> None:
    name = unique_name("draft_submit")
    seeded(hub, name, "Your appointment is confirmed for Monday.", submit=False)
    open_acme_templates(page)
    dialog = details_of(page, name)
    with webhooks_as_before(hub):
        lose_next_webhook(hub)  # Meta's decision stays away: the template is PENDING in the mirror
        dialog.get_by_role("button", name="Submit for review").click()
        expect(outcome(page, name)).to_have_text(f"“{name}” (en_US) was submitted for Meta's review: Pending.")
        expect(dialog).to_have_count(0)
        expect(status_of(row(page, name, "en_US"))).to_have_text("Pending")
        settled(lambda: lost_webhooks(hub) == 0, "the sandbox sent (and lost) its decision")


def test_a_client_deletes_every_language_and_cannot_reuse_the_name(page: Page, hub: RecordingHub) -> None:
    name = unique_name("old_offer")
    seeded(hub, name, "Your voucher is ready in your account.", submit=True)
    added = hub_call(
        hub,
        "POST",
        f"{TEMPLATES}/{name}/languages",
        ACME_USER,
        {"language": "de", "components": [{"type": "BODY", "text": "Dein Gutschein liegt bereit."}], "submit": False},
    )
    assert added.status_code == 201, added.text
    open_acme_templates(page)
    details_of(page, name).get_by_role("button", name=f"Delete {name}").click()

    confirm = page.get_by_role("alertdialog", name=f"Delete {name}?")
    expect(confirm).to_contain_text(f"This deletes “{name}” (en_US) only; its other languages stay: de.")
    confirm.get_by_text(re.compile("^Every language of")).click()
    expect(confirm.get_by_role("radio", name=re.compile("^Every language of"))).to_be_checked()
    expect(confirm).to_contain_text(f"This deletes “{name}” in all 2 languages: de, en_US.")
    expect(confirm.get_by_role("note")).to_contain_text(
        f"Meta keeps the name of a deleted approved template for 30 days: no new template can be called “{name}”"
    )
    screen(page, "template delete")
    confirm.get_by_role("button", name="Delete every language").click()

    expect(page.get_by_role("status").filter(has_text=name)).to_have_text(f"“{name}” was deleted in every language.")
    expect(table(page)).to_contain_text("No template matches these filters.")
    assert meta_template(hub, name) is None

    page.get_by_role("link", name="Create template").click()
    # the list's search box is labelled Name too: fill the form's only once the page is the form's
    expect(page.get_by_role("heading", name="Create template", level=1)).to_be_visible()
    page.get_by_label("Name").fill(name)
    page.get_by_role("textbox", name="Body", exact=True).fill("Your voucher is ready in your account.")
    expect(preview_verdict(page)).to_have_text("Meta's rules that the hub checks are kept.")
    page.get_by_role("button", name="Submit for review").click()
    refusal = page.get_by_role("form", name="New template").get_by_role("alert")
    expect(refusal).to_contain_text("The template cannot be created")
    reusable = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d")
    expect(refusal).to_contain_text(f"Meta lets the name be used again from {reusable}")
