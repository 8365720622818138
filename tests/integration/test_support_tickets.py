"""Support tickets through the support function on moto: open, list, read, the thread's statuses, close and reopen,
the agents' assign, priority, solve and figures — and every refusal a problem that changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from hub_shared.clock import to_rfc3339
from hub_support.store.tickets import SupportStore
from tests.builders import (
    CLIENT_ACME,
    CLIENT_GLOBEX,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    a_ticket,
    assert_problem,
    claims_for,
    support_call,
    support_world,
)

TICKETS = "/v1/tickets"
TICKET = "/v1/tickets/{ticket_id}"
NUMBER = "106540352242922"
WABA = "102290129340398"
NEW = {"subject": "Messages to Brazil fail", "category": "technical", "description": "Error 131026 since 9:00."}


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def world(aws: AwsWorld, clock: FrozenClock) -> Iterator[AwsWorld]:
    aws.add_client("acme", partner_id="bluewave")
    aws.add_client("globex", partner_id="redwave")
    aws.grant("acme", "bluewave", "tickets:write", "numbers:read")
    aws.register_number("acme", WABA, NUMBER)
    with support_world(clock):
        yield aws


def events(aws: AwsWorld, detail_type: str | None = None) -> list[dict[str, Any]]:
    return [
        json.loads(item["detail"]["S"])
        for item in aws.items_in_key_order("hub-support")
        if item["pk"]["S"].startswith("OUTBOX#") and detail_type in (None, item["detail_type"]["S"])
    ]


def open_one(claims: dict[str, str] = CLIENT_ACME, **fields: Any) -> dict[str, Any]:
    status, body = support_call("POST", TICKETS, claims, body={**NEW, **fields})
    assert status == 201, body
    return dict(body)


def at(ticket: dict[str, Any], action: str = "") -> str:
    return TICKET.format(ticket_id=ticket["ticket_id"]) + (f"/{action}" if action else "")


def route(action: str = "") -> str:
    return TICKET + (f"/{action}" if action else "")


def say(ticket: dict[str, Any], claims: dict[str, str], body: str, **extra: Any) -> tuple[int, Any]:
    return support_call("POST", at(ticket, "messages"), claims, route=route("messages"), body={"body": body, **extra})


def read(ticket: dict[str, Any], claims: dict[str, str]) -> dict[str, Any]:
    status, body = support_call("GET", at(ticket), claims, route=route())
    assert status == 200, body
    return dict(body)


# ---------------------------------------------------------------- opening and reading


def test_a_client_opens_a_ticket_about_its_number_and_support_is_told(world: AwsWorld, clock: FrozenClock) -> None:
    ticket = open_one(number_id=NUMBER, priority="high")

    assert ticket["ticket_id"].startswith("tkt_")
    assert (ticket["client_id"], ticket["status"], ticket["priority"], ticket["number_id"]) == (
        "acme",
        "open",
        "high",
        NUMBER,
    )
    assert ticket["requester"]["role"] == "client"
    assert ticket["created_at"] == ticket["updated_at"] == to_rfc3339(clock())
    (created,) = events(world, "TicketCreated")
    assert (created["ticket_id"], created["client_id"], created["actor"]["user_id"]) == (
        ticket["ticket_id"],
        "acme",
        "user-acme",
    )
    assert created["requester_email"] == "user@example.com"
    assert read(ticket, CLIENT_ACME)["description"] == NEW["description"]


def test_a_partner_opens_one_for_a_client_that_granted_it_tickets_write(world: AwsWorld) -> None:
    ticket = open_one(PARTNER, client_id="acme")

    assert ticket["client_id"] == "acme"
    assert ticket["requester"] == {
        "user_id": "user-partner",
        "role": "partner",
        "partner_id": "bluewave",
        "email": "user@example.com",
    }


def test_an_agent_opens_one_for_any_existing_client(world: AwsWorld) -> None:
    assert open_one(SUPPORT, client_id="globex")["client_id"] == "globex"


@pytest.mark.parametrize(
    ("claims", "body", "status", "slug"),
    [
        (CLIENT_ACME, {**NEW, "subject": "   "}, 422, "validation-failed"),
        (CLIENT_ACME, {**NEW, "subject": "x" * 151}, 422, "validation-failed"),
        (CLIENT_ACME, {**NEW, "description": "x" * 10_001}, 422, "validation-failed"),
        (CLIENT_ACME, {**NEW, "category": "complaints"}, 422, "validation-failed"),
        (CLIENT_ACME, {**NEW, "priority": "critical"}, 422, "validation-failed"),
        (CLIENT_ACME, {**NEW, "number_id": "107811234567801"}, 404, "not-found"),
        (CLIENT_ACME, {**NEW, "client_id": "globex"}, 404, "not-found"),
        (PARTNER, NEW, 422, "validation-failed"),
        (PARTNER, {**NEW, "client_id": "globex"}, 404, "not-found"),
        (SUPPORT, {**NEW, "client_id": "nobody"}, 404, "not-found"),
        (claims_for(partner_id="redwave", sub="other-partner"), {**NEW, "client_id": "acme"}, 404, "not-found"),
    ],
    ids=[
        "empty-subject",
        "subject-too-long",
        "description-too-long",
        "unknown-category",
        "unknown-priority",
        "another-clients-number",
        "another-client",
        "partner-naming-no-client",
        "partner-naming-a-client-that-granted-nothing",
        "agent-naming-a-missing-client",
        "another-partner",
    ],
)
def test_a_ticket_that_cannot_be_opened_is_refused_and_nothing_is_written(
    world: AwsWorld, claims: dict[str, str], body: dict[str, Any], status: int, slug: str
) -> None:
    before = world.items_in_key_order("hub-support")

    answered, problem = support_call("POST", TICKETS, claims, body=body)

    assert answered == status
    assert_problem(problem, status, slug)
    assert world.items_in_key_order("hub-support") == before


def test_a_partner_none_of_whose_clients_granted_tickets_write_is_forbidden(world: AwsWorld) -> None:
    world.grant("acme", "bluewave", "numbers:read")
    before = world.items_in_key_order("hub-support")

    status, problem = support_call("POST", TICKETS, PARTNER, body=NEW)

    assert status == 403
    assert_problem(problem, 403, "forbidden")
    assert world.items_in_key_order("hub-support") == before


def test_another_tenants_ticket_answers_as_a_missing_one_on_every_route(world: AwsWorld) -> None:
    theirs = open_one(CLIENT_GLOBEX)
    missing = {"ticket_id": "tkt_" + "0" * 24}
    before = world.items_in_key_order("hub-support")

    for ticket in (theirs, missing):
        for method, action, body in (
            ("GET", "", None),
            ("POST", "messages", {"body": "hello"}),
            ("POST", "close", None),
            ("POST", "reopen", None),
            ("POST", "attachments", {"filename": "a.png", "content_type": "image/png", "size": 10}),
        ):
            status, problem = support_call(method, at(ticket, action), CLIENT_ACME, route=route(action), body=body)
            assert status == 404, (action, problem)
            assert problem["title"] == "Not found"
    assert world.items_in_key_order("hub-support") == before


# ---------------------------------------------------------------- the thread and its statuses


def test_replies_move_the_status_between_support_and_the_customer_and_count_the_first_response(
    world: AwsWorld, clock: FrozenClock
) -> None:
    ticket = open_one()
    clock.advance(3600)

    assert say(ticket, SUPPORT, "Which numbers fail?")[0] == 201
    after_agent = read(ticket, CLIENT_ACME)
    clock.advance(60)
    assert say(ticket, CLIENT_ACME, "All of +55.")[0] == 201
    after_client = read(ticket, CLIENT_ACME)
    clock.advance(60)
    say(ticket, SUPPORT, "Fixed on Meta's side.")

    assert after_agent["status"] == "pending_customer"
    assert after_agent["first_response_seconds"] == 3600
    assert after_client["status"] == "pending_support"
    assert after_client["first_response_seconds"] == 3600  # the first answer only
    thread = read(ticket, CLIENT_ACME)["thread"]
    assert [(m["author"]["role"], m["body"]) for m in thread] == [
        ("support", "Which numbers fail?"),
        ("client", "All of +55."),
        ("support", "Fixed on Meta's side."),
    ]
    changes = [(e["change"], e["previous_status"], e["status"]) for e in events(world, "TicketUpdated")]
    assert sorted(changes) == sorted(
        [
            ("replied", "open", "pending_customer"),
            ("replied", "pending_customer", "pending_support"),
            ("replied", "pending_support", "pending_customer"),
        ]
    )


def test_an_internal_note_is_the_agents_own_and_moves_nothing(world: AwsWorld) -> None:
    ticket = open_one()

    status, note = say(ticket, SUPPORT, "Customer is on the old API version.", internal=True)

    assert status == 201
    assert note["internal"] is True
    assert read(ticket, CLIENT_ACME)["thread"] == []
    assert read(ticket, CLIENT_ACME)["messages"] == 0
    assert read(ticket, CLIENT_ACME)["status"] == "open"
    agent_view = read(ticket, SUPPORT)
    assert [m["body"] for m in agent_view["thread"]] == ["Customer is on the old API version."]
    assert agent_view["messages"] == 1
    assert agent_view["first_response_at"] is None
    (updated,) = events(world, "TicketUpdated")
    assert (updated["change"], updated["internal"]) == ("note_added", True)


def test_a_customer_cannot_write_an_internal_note(world: AwsWorld) -> None:
    ticket = open_one()
    before = world.items_in_key_order("hub-support")

    status, problem = say(ticket, CLIENT_ACME, "psst", internal=True)

    assert status == 403
    assert_problem(problem, 403, "agents-only")
    assert world.items_in_key_order("hub-support") == before


@pytest.mark.parametrize("body", [{"body": ""}, {"body": " \n "}, {"body": "x" * 10_001}, {"text": "hi"}])
def test_an_empty_or_oversize_message_is_refused(world: AwsWorld, body: dict[str, Any]) -> None:
    ticket = open_one()
    before = world.items_in_key_order("hub-support")

    status, problem = support_call("POST", at(ticket, "messages"), CLIENT_ACME, route=route("messages"), body=body)

    assert status == 422
    assert_problem(problem, 422, "validation-failed")
    assert world.items_in_key_order("hub-support") == before


def test_a_closed_ticket_takes_no_reply_and_is_reopened_within_the_window(world: AwsWorld, clock: FrozenClock) -> None:
    ticket = open_one()
    status, closed = support_call("POST", at(ticket, "close"), CLIENT_ACME, route=route("close"))
    assert status == 200
    assert closed["status"] == "closed"
    assert closed["reopen_until"] == to_rfc3339(clock() + timedelta(days=14))
    before = world.items_in_key_order("hub-support")

    refused, problem = say(ticket, CLIENT_ACME, "One more thing")
    again, twice = support_call("POST", at(ticket, "close"), CLIENT_ACME, route=route("close"))

    assert (refused, again) == (409, 409)
    assert_problem(problem, 409, "ticket-closed")
    assert_problem(twice, 409, "ticket-status-conflict")
    assert world.items_in_key_order("hub-support") == before

    clock.advance(13 * 86400)
    status, reopened = support_call("POST", at(ticket, "reopen"), CLIENT_ACME, route=route("reopen"))
    assert status == 200
    assert (reopened["status"], reopened["closed_at"], reopened["reopen_until"]) == ("pending_support", None, None)
    assert say(ticket, CLIENT_ACME, "It fails again")[0] == 201


def test_a_ticket_past_its_reopen_window_stays_closed(world: AwsWorld, clock: FrozenClock) -> None:
    ticket = open_one()
    support_call("POST", at(ticket, "close"), CLIENT_ACME, route=route("close"))
    clock.advance(14 * 86400 + 1)
    before = world.items_in_key_order("hub-support")

    status, problem = support_call("POST", at(ticket, "reopen"), CLIENT_ACME, route=route("reopen"))

    assert status == 409
    assert_problem(problem, 409, "reopen-window-passed")
    assert world.items_in_key_order("hub-support") == before


def test_only_a_solved_or_closed_ticket_is_reopened(world: AwsWorld) -> None:
    ticket = open_one()
    before = world.items_in_key_order("hub-support")

    status, problem = support_call("POST", at(ticket, "reopen"), CLIENT_ACME, route=route("reopen"))

    assert status == 409
    assert_problem(problem, 409, "ticket-status-conflict")
    assert world.items_in_key_order("hub-support") == before


# ---------------------------------------------------------------- the agents' work


def test_an_agent_assigns_prioritises_and_solves_and_the_customer_may_answer_again(world: AwsWorld) -> None:
    ticket = open_one()

    status, assigned = support_call(
        "PATCH", at(ticket), SUPPORT, route=route(), body={"assignee": "sam@hub.example", "priority": "urgent"}
    )
    assert status == 200
    assert (assigned["assignee"], assigned["priority"]) == ("sam@hub.example", "urgent")
    status, solved = support_call("POST", at(ticket, "solve"), SUPPORT, route=route("solve"))
    assert status == 200
    assert solved["status"] == "solved"
    assert solved["reopen_until"] is not None

    assert say(ticket, CLIENT_ACME, "Not quite")[0] == 201
    assert read(ticket, CLIENT_ACME)["status"] == "pending_support"
    status, unassigned = support_call("PATCH", at(ticket), SUPPORT, route=route(), body={"assignee": None})
    assert (status, unassigned["assignee"]) == (200, None)


@pytest.mark.parametrize("closing", ["solve", "close"])
def test_a_solved_or_closed_ticket_is_not_solved_again(world: AwsWorld, closing: str) -> None:
    ticket = open_one()
    claims = SUPPORT if closing == "solve" else CLIENT_ACME
    assert support_call("POST", at(ticket, closing), claims, route=route(closing))[0] == 200
    before = world.items_in_key_order("hub-support")

    status, problem = support_call("POST", at(ticket, "solve"), SUPPORT, route=route("solve"))

    assert status == 409
    assert_problem(problem, 409, "ticket-status-conflict" if closing == "solve" else "ticket-closed")
    assert world.items_in_key_order("hub-support") == before


@pytest.mark.parametrize("claims", [CLIENT_ACME, PARTNER], ids=["client", "partner"])
@pytest.mark.parametrize(
    ("method", "action", "body"),
    [("POST", "solve", None), ("PATCH", "", {"priority": "low"}), ("PATCH", "", {"assignee": "me"})],
    ids=["solve", "priority", "assign"],
)
def test_customers_may_not_do_the_agents_work(
    world: AwsWorld, claims: dict[str, str], method: str, action: str, body: dict[str, Any] | None
) -> None:
    ticket = open_one()
    before = world.items_in_key_order("hub-support")

    status, problem = support_call(method, at(ticket, action), claims, route=route(action), body=body)

    assert status == 403
    assert_problem(problem, 403, "agents-only")
    assert world.items_in_key_order("hub-support") == before


@pytest.mark.parametrize("body", [{}, {"priority": None}, {"priority": "asap"}, {"assignee": ""}, {"status": "x"}])
def test_an_agents_change_that_says_nothing_valid_is_refused(world: AwsWorld, body: dict[str, Any]) -> None:
    ticket = open_one()
    before = world.items_in_key_order("hub-support")

    status, problem = support_call("PATCH", at(ticket), SUPPORT, route=route(), body=body)

    assert status == 422
    assert_problem(problem, 422, "validation-failed")
    assert world.items_in_key_order("hub-support") == before


def test_the_figures_count_the_queue_by_status_and_category_and_time_the_first_answers(
    world: AwsWorld, clock: FrozenClock
) -> None:
    first, second, third = open_one(), open_one(category="billing"), open_one(CLIENT_GLOBEX)
    clock.advance(600)
    say(first, SUPPORT, "On it")
    clock.advance(1200)
    say(second, SUPPORT, "Refund sent")
    support_call("POST", at(second, "solve"), SUPPORT, route=route("solve"))
    support_call("POST", at(third, "close"), CLIENT_GLOBEX, route=route("close"))
    support_call("PATCH", at(first), SUPPORT, route=route(), body={"assignee": "sam@hub.example"})

    status, figures = support_call("GET", "/v1/support/figures", SUPPORT)

    assert status == 200
    counts = {(c["status"], c["category"]): c["tickets"] for c in figures["counts"]}
    assert counts == {("pending_customer", "technical"): 1, ("solved", "billing"): 1}
    assert figures["unassigned"] == 0
    assert figures["first_response_median_seconds"] == (600 + 1800) // 2
    assert figures["awaiting_first_response"] == 0
    assert support_call("GET", "/v1/support/figures", CLIENT_ACME)[0] == 403


# ---------------------------------------------------------------- lists


def test_each_caller_lists_the_tickets_it_may_see_newest_activity_first(world: AwsWorld, clock: FrozenClock) -> None:
    older = open_one()
    clock.advance(60)
    newer = open_one(category="billing")
    clock.advance(60)
    theirs = open_one(CLIENT_GLOBEX)
    clock.advance(60)
    say(older, SUPPORT, "bumped")

    def ids(claims: dict[str, str], **query: str) -> list[str]:
        status, page = support_call("GET", TICKETS, claims, query=query)
        assert status == 200, page
        return [item["ticket_id"] for item in page["items"]]

    assert ids(CLIENT_ACME) == [older["ticket_id"], newer["ticket_id"]]
    assert ids(PARTNER) == [older["ticket_id"], newer["ticket_id"]]
    assert ids(SUPPORT) == [older["ticket_id"], theirs["ticket_id"], newer["ticket_id"]]
    assert ids(SUPPORT, client_id="globex") == [theirs["ticket_id"]]
    assert ids(SUPPORT, status="open") == [theirs["ticket_id"], newer["ticket_id"]]
    assert ids(CLIENT_ACME, category="billing") == [newer["ticket_id"]]
    assert ids(CLIENT_GLOBEX) == [theirs["ticket_id"]]


def test_pages_follow_one_another_without_gaps_or_repeats(world: AwsWorld, clock: FrozenClock) -> None:
    opened = []
    for _ in range(7):
        opened.append(open_one()["ticket_id"])
        clock.advance(1)
    seen: list[str] = []
    cursor: str | None = None
    while True:
        query = {"limit": "3", "status": "open", **({"cursor": cursor} if cursor else {})}
        status, page = support_call("GET", TICKETS, CLIENT_ACME, query=query)
        assert status == 200
        seen += [item["ticket_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == opened[::-1]


def test_a_cursor_of_another_list_is_refused(world: AwsWorld) -> None:
    for _ in range(3):
        open_one()
    _, page = support_call("GET", TICKETS, CLIENT_ACME, query={"limit": "1"})

    status, problem = support_call("GET", TICKETS, SUPPORT, query={"limit": "1", "cursor": page["next_cursor"]})

    assert status == 400
    assert_problem(problem, 400, "invalid-cursor")


@pytest.mark.parametrize(
    ("claims", "query", "status"),
    [
        (CLIENT_ACME, {"client_id": "globex"}, 404),
        (PARTNER, {"client_id": "globex"}, 404),
        (CLIENT_ACME, {"status": "waiting"}, 422),
        (CLIENT_ACME, {"limit": "0"}, 422),
    ],
)
def test_a_list_the_caller_may_not_see_or_cannot_be_read_is_refused(
    world: AwsWorld, claims: dict[str, str], query: dict[str, str], status: int
) -> None:
    answered, problem = support_call("GET", TICKETS, claims, query=query)

    assert answered == status
    assert problem["status"] == status


def test_a_partner_granted_nothing_lists_nothing(world: AwsWorld) -> None:
    open_one()
    world.grant("acme", "bluewave", "numbers:read")

    status, page = support_call("GET", TICKETS, PARTNER)

    assert (status, page["items"]) == (200, [])


def test_a_stored_ticket_reads_back_as_written(world: AwsWorld) -> None:
    store = SupportStore("hub-support", world.dynamodb)
    ticket = a_ticket(context={"balance": 1250, "wanted": {"is_cart_enabled": True}, "note": None})

    assert store.save(None, ticket)
    assert not store.save(None, ticket)  # the same id twice: refused

    assert store.ticket(ticket.ticket_id) == ticket
