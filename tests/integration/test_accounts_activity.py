"""The activity feed: domain events from the bus → the client's feed (once each), read newest first by the client or
a support agent, by area."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any, get_args

import pytest
from hypothesis import Phase, find, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from hub_accounts.consumers.activity import handler as activity_handler
from hub_accounts.events import PartnerChangeCompleted, PartnerPermissionsChanged
from hub_accounts.models.changes import ChangeStatus
from hub_accounts.usecases.activity import RENDERERS, entry_of
from hub_numbers.events import NumberCancellationRequested, NumberStatusChanged
from hub_numbers.models.numbers import AccountStatus
from hub_shared.auth import Role, Scope
from hub_shared.events import Actor, DomainEvent, EventMetadata
from hub_support.events import TicketChangeKind, TicketUpdated
from hub_support.models.tickets import TicketPriority, TicketStatus
from tests.builders import (
    CLIENT_ACME,
    CLIENT_GLOBEX,
    NOW,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    accounts_call,
    accounts_world,
    assert_problem,
    context,
    eventbridge_event,
)
from tools.events import event_models

ANNA = Actor(user_id="user-acme", role=Role.CLIENT, email="anna@acme.example")
PAT = Actor(user_id="user-pat", role=Role.PARTNER, partner_id="bluewave", email="pat@bluewave.example")
AGENT = Actor(user_id="user-sam", role=Role.SUPPORT, email="sam@hub.example")


@pytest.fixture
def world(aws: AwsWorld) -> Iterator[AwsWorld]:
    aws.add_client("acme", partner_id="bluewave")
    aws.grant("acme", "bluewave", "numbers:read")
    aws.add_client("globex")
    with accounts_world(FrozenClock()):
        yield aws


def at(minutes: int) -> EventMetadata:
    return EventMetadata(occurred_at=NOW + timedelta(minutes=minutes))


def deliver(event: DomainEvent) -> str:
    return str(activity_handler(eventbridge_event(event), context("AccountsActivityFunction")))


def cancelled(minutes: int = 0, client_id: str = "acme") -> NumberCancellationRequested:
    return NumberCancellationRequested(
        metadata=at(minutes),
        number_id="106540352242922",
        client_id=client_id,
        deletion_at=NOW + timedelta(days=10),
        actor=ANNA,
    )


def feed(claims: dict[str, str], **query: str) -> tuple[int, Any]:
    return accounts_call("GET", "/v1/activity", claims, query=query or None)


def test_each_event_becomes_a_line_saying_what_who_and_what_changed_newest_first(world: AwsWorld) -> None:
    deliver(cancelled(1))
    deliver(
        PartnerPermissionsChanged(
            metadata=at(2),
            client_id="acme",
            partner_id="bluewave",
            partner_name="Bluewave Software",
            scopes=[Scope.NUMBERS_READ],
            granted=[Scope.NUMBERS_READ],
            revoked=[Scope.TEMPLATES_WRITE],
            actor=ANNA,
        )
    )
    deliver(
        NumberStatusChanged(
            metadata=at(3),
            number_id="106540352242922",
            client_id="acme",
            waba_id="102290129340398",
            previous_status=AccountStatus.RUNNING,
            status=AccountStatus.FLAGGED,
            reason="FLAGGED",
        )
    )

    status, page = feed(CLIENT_ACME)

    assert status == 200
    assert [(e["area"], e["kind"], e["by"]) for e in page["items"]] == [
        ("numbers", "NumberStatusChanged", "Meta"),
        ("accounts", "PartnerPermissionsChanged", "anna@acme.example"),
        ("numbers", "NumberCancellationRequested", "anna@acme.example"),
    ]
    flagged, permissions, _ = page["items"]
    assert flagged["summary"] == "The number 106540352242922 is flagged now"
    assert flagged["changes"] == [{"field": "status", "before": "running", "after": "flagged"}]
    assert permissions["summary"] == (
        "Partner permissions of Bluewave Software: granted numbers:read; revoked templates:write"
    )
    assert permissions["actor"]["role"] == "client"


def test_a_redelivered_event_is_recorded_once(world: AwsWorld) -> None:
    event = cancelled()

    first, again = deliver(event), deliver(event)

    assert (first, again) == (event.metadata.event_id, "not recorded")
    assert len(feed(CLIENT_ACME)[1]["items"]) == 1


def test_a_partner_acting_for_the_client_is_named_with_its_partner(world: AwsWorld) -> None:
    deliver(cancelled().model_copy(update={"actor": PAT}))

    (entry,) = feed(CLIENT_ACME)[1]["items"]

    assert entry["by"] == "pat@bluewave.example for the partner bluewave"


def test_an_agents_internal_note_stays_out_of_the_feed_and_an_answer_is_in(world: AwsWorld) -> None:
    def note(internal: bool, minutes: int) -> TicketUpdated:
        return TicketUpdated(
            metadata=at(minutes),
            ticket_id="tkt_" + "ac" * 12,
            client_id="acme",
            subject="Display name rejected",
            change=TicketChangeKind.NOTE_ADDED if internal else TicketChangeKind.REPLIED,
            status=TicketStatus.PENDING_CUSTOMER,
            previous_status=TicketStatus.OPEN,
            internal=internal,
            actor=AGENT,
            priority=TicketPriority.NORMAL,
        )

    assert deliver(note(True, 1)) == "not recorded"
    deliver(note(False, 2))

    (entry,) = feed(CLIENT_ACME)[1]["items"]
    assert (entry["summary"], entry["by"]) == (
        "Answered the ticket “Display name rejected”",
        "support (sam@hub.example)",
    )


def test_the_feed_filters_by_area_and_pages_with_a_cursor(world: AwsWorld) -> None:
    for minutes in range(3):
        deliver(cancelled(minutes))
    deliver(
        PartnerPermissionsChanged(
            metadata=at(9), client_id="acme", partner_id="bluewave", scopes=[], granted=[], revoked=[], actor=ANNA
        )
    )

    _, first = feed(CLIENT_ACME, area="numbers", limit="2")
    _, second = feed(CLIENT_ACME, area="numbers", limit="2", cursor=first["next_cursor"])

    assert [e["area"] for e in first["items"] + second["items"]] == ["numbers"] * 3
    assert second["next_cursor"] is None
    assert [e["kind"] for e in feed(CLIENT_ACME, area="accounts")[1]["items"]] == ["PartnerPermissionsChanged"]


def test_a_cursor_of_another_feed_is_refused(world: AwsWorld) -> None:
    for minutes in range(2):
        deliver(cancelled(minutes))
    _, first = feed(CLIENT_ACME, limit="1")

    status, problem = feed(CLIENT_ACME, area="billing", cursor=first["next_cursor"])

    assert status == 400
    assert_problem(problem, 400, "invalid-cursor")


def test_support_reads_any_clients_feed_naming_it_and_nobody_else_reads_another(world: AwsWorld) -> None:
    deliver(cancelled())
    deliver(cancelled(client_id="globex"))

    assert [e["client_id"] for e in feed(SUPPORT, client_id="globex")[1]["items"]] == ["globex"]
    status, problem = feed(SUPPORT)
    assert (status, problem["errors"][0]["field"]) == (422, "query.client_id")
    assert feed(CLIENT_GLOBEX, client_id="acme")[0] == 404
    assert feed(PARTNER)[0] == 403
    assert feed(PARTNER, client_id="acme")[0] == 403  # the partner sees acme: it may not read its feed


def test_an_event_of_no_client_is_not_recorded(world: AwsWorld) -> None:
    event = eventbridge_event(cancelled())
    del event["detail"]["client_id"]

    assert activity_handler(event, context("AccountsActivityFunction")) == "not recorded"


FIRST_EXAMPLE = settings(database=None, derandomize=True, phases=(Phase.generate,), max_examples=1)
"""The first example Hypothesis draws, the same every run (shrinking each to its least took a second a model)."""


def _build_models(model: type[BaseModel]) -> None:
    """Build `model` and the models of its fields: a HubModel is built on first use (`defer_build`), and until then
    its signature, which Hypothesis's `builds` reads, names no field."""
    model.model_rebuild()
    for field in model.model_fields.values():
        for kind in (field.annotation, *get_args(field.annotation)):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                _build_models(kind)


def test_every_event_of_the_catalogue_that_names_a_client_has_its_own_line() -> None:
    """A new event must say what it means in the feed: its renderer reads a realistic detail of it."""
    for model in event_models():
        if "client_id" not in model.model_fields:
            continue
        assert model.DETAIL_TYPE in RENDERERS, f"{model.DETAIL_TYPE} has no renderer in hub_accounts.usecases.activity"
        fixed: dict[str, Any] = {"client_id": st.just("acme"), "metadata": st.just(at(0))}
        times = [name for name, field in model.model_fields.items() if "datetime" in str(field.annotation).lower()]
        fixed |= {name: st.just(NOW) for name in times}
        if "internal" in model.model_fields:
            fixed["internal"] = st.just(False)
        _build_models(model)
        detail = find(st.builds(model, **fixed), lambda _: True, settings=FIRST_EXAMPLE)
        entry = entry_of(eventbridge_event(detail))
        assert entry is not None and entry.summary and entry.kind == model.DETAIL_TYPE, model.DETAIL_TYPE


def test_a_partner_change_reads_with_both_partners_names() -> None:
    completed = PartnerChangeCompleted(
        metadata=at(0),
        request_id="pcr_" + "ac" * 12,
        client_id="acme",
        from_partner_id="bluewave",
        from_partner_name="Bluewave Software",
        target_partner_id="northwind",
        target_partner_name="Northwind Digital",
        status=ChangeStatus.COMPLETED,
        actor=None,
    )

    entry = entry_of(eventbridge_event(completed))

    assert entry is not None
    assert (entry.summary, entry.by) == (
        "Moved from Bluewave Software to Northwind Digital, with every number",
        "the hub",
    )
