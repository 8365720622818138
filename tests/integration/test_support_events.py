"""Support and the bus: tickets opened from other services' requests (once per event, with the request as context),
the support table's outbox published as TicketCreated / TicketUpdated, and the e-mail each sends to the other party
(SES in moto)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from pydantic import ValidationError

from hub_billing.events import FundsRefundRequested
from hub_shared.auth import Role
from hub_shared.events import Actor, EventMetadata
from hub_support.consumers.notifications import handler as notify
from hub_support.consumers.outbox import handler as relay
from hub_support.consumers.requests import handler as requests_handler
from hub_support.models.contracts import SupportRequestEvent
from hub_support.usecases.requests import ticket_id_of_event
from hub_waba.events import CommerceSettings, CommerceSupportRequested
from tests.builders import (
    CLIENT_ACME,
    NOW,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    context,
    eventbridge_event,
    support_call,
    support_world,
)

NUMBER = "106540352242922"
REQUESTER = Actor(user_id="user-acme", role=Role.CLIENT)
SENDER = "support@hub.example.com"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def world(aws: AwsWorld, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsWorld]:
    aws.add_client("acme", partner_id="bluewave")
    monkeypatch.setenv("MAIL_FROM", SENDER)
    boto3.client("sesv2", region_name="eu-central-1").create_email_identity(EmailIdentity=SENDER)
    with support_world(clock):
        yield aws


def commerce_request(**overrides: Any) -> CommerceSupportRequested:
    values: dict[str, Any] = {
        "metadata": EventMetadata(occurred_at=NOW - timedelta(minutes=5)),
        "request_id": "csr_1",
        "number_id": NUMBER,
        "waba_id": "102290129340398",
        "client_id": "acme",
        "actor": REQUESTER,
        "current": CommerceSettings(is_catalog_visible=False, is_cart_enabled=False),
        "wanted": CommerceSettings(is_catalog_visible=True, is_cart_enabled=True),
        "note": "Please turn the catalog on for the sale.",
    }
    return CommerceSupportRequested(**{**values, **overrides})


def refund_request() -> FundsRefundRequested:
    return FundsRefundRequested(
        metadata=EventMetadata(occurred_at=NOW),
        client_id="acme",
        number_id=NUMBER,
        balance=4250,
        currency="eur",
        request_id="rr_1",
        reason="We move the number to another provider.",
        actor=REQUESTER,
    )


def ticket(ticket_id: str, claims: dict[str, str] = CLIENT_ACME) -> dict[str, Any]:
    status, body = support_call("GET", f"/v1/tickets/{ticket_id}", claims, route="/v1/tickets/{ticket_id}")
    assert status == 200, body
    return dict(body)


def tickets(claims: dict[str, str] = SUPPORT) -> list[dict[str, Any]]:
    status, page = support_call("GET", "/v1/tickets", claims)
    assert status == 200
    return list(page["items"])


def published(aws: AwsWorld) -> list[dict[str, Any]]:
    """Relay the support table's stream (as the deployed outbox function does); answers what reached the bus."""
    queue = aws.observe("hub.support")
    records = [
        {**record, "dynamodb": {**record["dynamodb"], "ApproximateCreationDateTime": 0}}
        for record in aws.stream_records("hub-support")
    ]
    answer = relay({"Records": records}, context("SupportOutboxFunction"))
    assert answer == {"batchItemFailures": []}
    return aws.drain(queue)


def as_delivered(event: dict[str, Any]) -> dict[str, Any]:
    """A bus event as a rule delivers it to a function: moto's SQS target leaves out some of the envelope."""
    return {"version": "0", "account": "123456789012", "region": "eu-central-1", "resources": [], **event}


def sent_mail() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID]["eu-central-1"].sent_messages)


# ---------------------------------------------------------------- requests → tickets


def test_a_commerce_support_request_opens_one_ticket_with_its_context_however_often_delivered(
    world: AwsWorld,
) -> None:
    request = commerce_request()
    delivery = eventbridge_event(request)

    first = requests_handler(delivery, context("SupportRequestsFunction"))
    again = requests_handler(delivery, context("SupportRequestsFunction"))

    assert (first, again) == ("opened", "already-open")
    (listed,) = tickets()
    opened = ticket(listed["ticket_id"])
    assert opened["ticket_id"] == ticket_id_of_event(request.metadata.event_id)
    assert (opened["origin"], opened["category"], opened["number_id"], opened["status"]) == (
        "commerce_support_request",
        "numbers",
        NUMBER,
        "open",
    )
    assert opened["created_at"] == "2026-11-20T11:55:00.000000Z"  # when the client asked
    assert opened["context"]["wanted"] == {"is_catalog_visible": True, "is_cart_enabled": True}
    assert opened["context"]["note"] == "Please turn the catalog on for the sale."
    assert "catalog visible, cart enabled" in opened["description"]
    assert opened["requester"]["user_id"] == "user-acme"
    assert [e["detail-type"] for e in published(world)] == ["TicketCreated"]


def test_a_funds_refund_request_opens_a_billing_ticket_with_the_balance(world: AwsWorld) -> None:
    request = refund_request()

    assert requests_handler(eventbridge_event(request), context("SupportRequestsFunction")) == "opened"

    opened = ticket(ticket_id_of_event(request.metadata.event_id))
    assert (opened["origin"], opened["category"], opened["subject"]) == (
        "funds_refund_request",
        "billing",
        f"Refund of the prepaid funds of number {NUMBER}",
    )
    assert opened["context"]["balance"] == 4250
    assert opened["context"]["reason"] == "We move the number to another provider."
    assert "42.50 EUR" in opened["description"]


def test_a_request_not_shaped_like_the_contract_is_raised_and_opens_nothing(world: AwsWorld) -> None:
    delivery = eventbridge_event(commerce_request())
    del delivery["detail"]["client_id"]

    with pytest.raises(ValidationError):
        requests_handler(delivery, context("SupportRequestsFunction"))

    assert tickets() == []


# ---------------------------------------------------------------- the outbox and the e-mails


def test_changes_reach_the_bus_and_mail_the_other_party_but_never_an_internal_note(world: AwsWorld) -> None:
    status, opened = support_call(
        "POST",
        "/v1/tickets",
        CLIENT_ACME,
        body={
            "subject": "Webhook missing",
            "category": "technical",
            "description": "No status webhooks since noon.",
        },
    )
    assert status == 201
    path, route = f"/v1/tickets/{opened['ticket_id']}/messages", "/v1/tickets/{ticket_id}/messages"
    support_call("POST", path, SUPPORT, route=route, body={"body": "Customer's app returns 500.", "internal": True})
    support_call("POST", path, SUPPORT, route=route, body={"body": "Your endpoint answers 500; please check it."})

    events = published(world)
    for event in events:
        notify(as_delivered(event), context("SupportNotificationsFunction"))

    assert [(e["detail-type"], e["detail"].get("change")) for e in events] == [
        ("TicketCreated", None),
        ("TicketUpdated", "note_added"),
        ("TicketUpdated", "replied"),
    ]
    mails = sent_mail()
    assert [(m.source, m.destinations["ToAddresses"]) for m in mails] == [
        (SENDER, ["support@hub.example.com"]),  # the customer opened it: support is told
        (SENDER, ["user@example.com"]),  # support answered: the requester is told
    ]
    assert mails[0].subject == f"[{opened['ticket_id']}] New ticket: Webhook missing"
    assert "please check it" in mails[1].body
    assert all("app returns 500" not in mail.body for mail in mails)


def test_a_notification_not_shaped_like_a_ticket_event_is_raised_and_sends_nothing(world: AwsWorld) -> None:
    delivery = {"source": "hub.support", "detail-type": "TicketCreated", "detail": {"ticket_id": "t"}}

    with pytest.raises(ValidationError):
        notify({**eventbridge_event(commerce_request()), **delivery}, context("SupportNotificationsFunction"))

    assert sent_mail() == []


def test_the_contracts_read_what_the_producers_publish() -> None:
    for event in (commerce_request(), commerce_request(current=None, note=None), refund_request()):
        parsed = SupportRequestEvent.model_validate(eventbridge_event(event)).root.detail
        assert parsed.metadata.event_id == event.metadata.event_id
        assert parsed.client_id == "acme"
        assert json.loads(event.model_dump_json())["actor"]["user_id"] == parsed.actor.user_id
