"""What one request of each route costs: its DynamoDB requests (by operation), its calls to Meta's Graph API, Stripe
and get.chat, and its other AWS calls — counted, never timed, over the handlers in this process, and pinned in
COSTS, so a change that adds a request (or saves one) fails here until the table says so.

How the requests are counted, as they are made:
- AWS: a botocore `before-call` hook on the clients `hub_shared.aws` makes — DynamoDB's serves every store, the
  idempotency layer and nothing else; Secrets Manager's, EventBridge's, S3's, Cognito's and SES's the rest.
- Meta: every request that reaches the Meta sandbox's transport behind the functions' Graph client
  (`InProcessMeta.calls`); Stripe and get.chat: an httpx `request` event hook on the clients the billing and numbers
  functions are given.

What is counted: one representative successful request of each route of every HTTP function (the seven services'
resolvers, the webhooks' and Stripe's webhook), by a caller the route allows, through the in-process hub (the local
gateway in front of the handlers, on moto and the sandboxes). Every case starts from the same world — the hub's seed,
then every read route called once (what Meta answered is kept) — and the caches are warm: each request is made
once first, then again, and only the second is counted. A request that changes something is made twice on the same
world (the tables and the sandboxes are put back between the two), so the second does what the first did.

The rules, on what is measured: a read (GET) asks DynamoDB at most twice and never asks Meta; no route scans a
table. A read that breaks the rule is listed in READ_EXCEPTIONS with its reason — and leaves the list once it keeps
the rule again.
"""

from __future__ import annotations

import copy
import functools
import importlib
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from hub_accounts.app import app as accounts_app
from hub_billing import deps as billing_deps
from hub_billing.app import app as billing_app
from hub_numbers import deps as numbers_deps
from hub_numbers.app import app as numbers_app
from hub_numbers.integrations.getchat import GetChatInboxes
from hub_numbers.store.numbers import NumbersStore
from hub_shared import aws
from hub_shared.api import request_time
from hub_support.app import app as support_app
from hub_templates.app import app as templates_app
from hub_waba.app import app as waba_app
from local.sandboxes.getchat import GetChatState, build_getchat_sandbox
from local.sandboxes.meta import SANDBOX_OTP
from local.story import DEMO_PASSWORD
from local.template import ROOT
from tests.builders import (
    ACME,
    GLOBEX,
    IN_PROCESS_APP_SECRET,
    NOW,
    WEBHOOK_VERIFY_TOKEN,
    FrozenClock,
    InProcessHub,
    InProcessStripe,
    SeededWorld,
    Who,
    a_png,
    encode_json,
    in_process_hub,
    moto_client,
    quality_webhook,
    tracing_paused,
    webhook_signature,
    who_claims,
    who_headers,
)
from tools.openapi import resolver_modules


@dataclass(frozen=True)
class Cost:
    """What one request asks: DynamoDB requests by operation, Graph, Stripe and get.chat calls, and the other AWS
    calls by `service.Operation`."""

    dynamodb: Mapping[str, int] = field(default_factory=dict)
    graph: int = 0
    stripe: int = 0
    getchat: int = 0
    aws: Mapping[str, int] = field(default_factory=dict)

    @property
    def dynamodb_requests(self) -> int:
        return sum(self.dynamodb.values())


# ---------------------------------------------------------------- the table

COSTS: dict[str, Cost] = {
    # accounts
    "GET /v1/activity": Cost({"Query": 1}),
    "GET /v1/clients": Cost({"BatchGetItem": 1, "Query": 1}),
    "GET /v1/clients/{client_id}/partner-change-requests": Cost({"GetItem": 1, "Query": 1}),
    "POST /v1/clients/{client_id}/partner-change-requests": Cost({"GetItem": 3, "TransactWriteItems": 1}),
    "POST /v1/clients/{client_id}/partner-change-requests/{request_id}/cancellation": Cost(
        {"GetItem": 2, "TransactWriteItems": 1}
    ),
    "DELETE /v1/clients/{client_id}/partner-permissions": Cost(
        {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1}
    ),
    "GET /v1/clients/{client_id}/partner-permissions": Cost({"GetItem": 1, "BatchGetItem": 1}),
    "PUT /v1/clients/{client_id}/partner-permissions": Cost({"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1}),
    "GET /v1/links": Cost({}),
    "GET /v1/me": Cost({"GetItem": 1, "BatchGetItem": 1}),
    "PATCH /v1/me": Cost({"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1}),
    "POST /v1/me/email": Cost(
        {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1},
        aws={"cognito-idp.AdminGetUser": 1, "cognito-idp.ListUsers": 1, "cognito-idp.AdminUpdateUserAttributes": 1},
    ),
    "POST /v1/me/email/confirmation": Cost(
        {"GetItem": 1, "BatchGetItem": 1, "TransactWriteItems": 1},
        aws={
            "cognito-idp.AdminGetUser": 1,
            "cognito-idp.AdminUserGlobalSignOut": 1,
            "cognito-idp.AdminResetUserPassword": 1,
        },
    ),
    "GET /v1/partner/change-requests": Cost({"Query": 1}),
    "POST /v1/partner/change-requests/{request_id}/decision": Cost({"GetItem": 1, "Query": 1, "TransactWriteItems": 1}),
    "GET /v1/partner/clients": Cost({"BatchGetItem": 1, "Query": 1}),
    "GET /v1/partner/clients/export": Cost({"BatchGetItem": 1, "Query": 2}),
    "GET /v1/partner/settings": Cost({"GetItem": 1}),
    "PUT /v1/partner/settings": Cost({"GetItem": 1, "TransactWriteItems": 1}),
    # billing
    "GET /v1/billing": Cost({"GetItem": 2}),
    "GET /v1/billing/funds": Cost({"GetItem": 1, "Query": 1}),
    "PUT /v1/billing/funds/{number_id}/auto-renewal": Cost({"GetItem": 5, "TransactWriteItems": 1}),
    "GET /v1/billing/funds/{number_id}/ledger": Cost({"GetItem": 2, "Query": 1}),
    "POST /v1/billing/funds/{number_id}/refund-request": Cost({"GetItem": 3, "TransactWriteItems": 1}),
    "POST /v1/billing/funds/{number_id}/top-ups": Cost(
        {"GetItem": 5, "PutItem": 1, "UpdateItem": 1, "TransactWriteItems": 1}, stripe=2
    ),
    "GET /v1/billing/invoices": Cost({"GetItem": 2}),
    "POST /v1/billing/portal-session": Cost({"GetItem": 2, "TransactWriteItems": 1}, stripe=2),
    "GET /v1/insights": Cost({"GetItem": 1, "Query": 1}),
    "POST /webhooks/stripe": Cost({"GetItem": 1, "TransactWriteItems": 1}),
    # numbers
    "GET /v1/numbers": Cost({"BatchGetItem": 1, "Query": 1}),
    "POST /v1/numbers": Cost(
        {"GetItem": 3, "PutItem": 2, "TransactWriteItems": 2},
        graph=6,
        aws={"secretsmanager.CreateSecret": 2, "secretsmanager.GetSecretValue": 1},
    ),
    "POST /v1/numbers/imports": Cost({"GetItem": 2, "Query": 1, "PutItem": 2}, graph=2),
    "GET /v1/numbers/imports/{import_id}": Cost({"GetItem": 1}),
    "POST /v1/numbers/imports/{import_id}/code": Cost({"GetItem": 1, "PutItem": 1}, graph=1),
    "POST /v1/numbers/imports/{import_id}/verification": Cost(
        {"GetItem": 1, "PutItem": 3, "TransactWriteItems": 1},
        graph=3,
        aws={"secretsmanager.GetSecretValue": 1, "secretsmanager.CreateSecret": 1},
    ),
    "GET /v1/numbers/{number_id}": Cost({"GetItem": 1, "BatchGetItem": 1}),
    "DELETE /v1/numbers/{number_id}/cancellation": Cost({"GetItem": 1, "TransactWriteItems": 1}),
    "POST /v1/numbers/{number_id}/cancellation": Cost({"GetItem": 1, "TransactWriteItems": 1}),
    "GET /v1/numbers/{number_id}/display-name": Cost({"GetItem": 1, "Query": 1}),
    "POST /v1/numbers/{number_id}/display-name": Cost(
        {"GetItem": 2, "Query": 1, "UpdateItem": 1, "TransactWriteItems": 2}, graph=1
    ),
    "GET /v1/numbers/{number_id}/inbox": Cost({"GetItem": 1}),
    "POST /v1/numbers/{number_id}/inbox": Cost({"GetItem": 2, "PutItem": 2}, getchat=1),
    # waba
    "GET /v1/wabas": Cost({"BatchGetItem": 1, "Query": 1}),
    "GET /v1/wabas/{waba_id}": Cost({"GetItem": 2}),
    "GET /v1/numbers/{number_id}/commerce-settings": Cost({"GetItem": 1, "BatchGetItem": 1}),
    "PUT /v1/numbers/{number_id}/commerce-settings": Cost(
        {"GetItem": 2, "PutItem": 1, "TransactWriteItems": 1}, graph=2
    ),
    "POST /v1/numbers/{number_id}/commerce-settings/support-request": Cost(
        {"GetItem": 2, "TransactWriteItems": 1}, graph=1
    ),
    "GET /v1/numbers/{number_id}/profile": Cost({"GetItem": 2}),
    "PATCH /v1/numbers/{number_id}/profile": Cost({"GetItem": 1, "PutItem": 1, "TransactWriteItems": 1}, graph=3),
    "POST /v1/numbers/{number_id}/profile/picture": Cost(
        {"GetItem": 1, "PutItem": 1, "TransactWriteItems": 1}, graph=5
    ),
    # templates
    "GET /v1/wabas/{waba_id}/templates": Cost({"GetItem": 1, "Query": 1}),
    "POST /v1/wabas/{waba_id}/templates": Cost({"GetItem": 5, "TransactWriteItems": 1}, graph=1),
    "POST /v1/wabas/{waba_id}/templates/preview": Cost({"GetItem": 1}),
    "POST /v1/wabas/{waba_id}/templates/sync": Cost({"GetItem": 2, "Query": 1, "PutItem": 1}, graph=1),
    "DELETE /v1/wabas/{waba_id}/templates/{name}": Cost({"GetItem": 1, "Query": 1, "TransactWriteItems": 1}, graph=1),
    "GET /v1/wabas/{waba_id}/templates/{name}": Cost({"GetItem": 1, "Query": 1}),
    "POST /v1/wabas/{waba_id}/templates/{name}/languages": Cost(
        {"GetItem": 5, "Query": 1, "TransactWriteItems": 1}, graph=1
    ),
    "DELETE /v1/wabas/{waba_id}/templates/{name}/{language}": Cost({"GetItem": 2, "TransactWriteItems": 1}, graph=1),
    "GET /v1/wabas/{waba_id}/templates/{name}/{language}": Cost({"GetItem": 2}),
    "PATCH /v1/wabas/{waba_id}/templates/{name}/{language}": Cost({"GetItem": 2, "TransactWriteItems": 1}, graph=1),
    "POST /v1/wabas/{waba_id}/templates/{name}/{language}/copy": Cost({"GetItem": 6, "TransactWriteItems": 1}, graph=1),
    "POST /v1/wabas/{waba_id}/templates/{name}/{language}/submit": Cost(
        {"GetItem": 5, "TransactWriteItems": 1}, graph=1
    ),
    # support
    "GET /v1/support/figures": Cost({"GetItem": 1, "Query": 1}),
    "GET /v1/tickets": Cost({"Query": 1}),
    "POST /v1/tickets": Cost({"TransactWriteItems": 1}),
    "GET /v1/tickets/{ticket_id}": Cost({"Query": 1}),
    "PATCH /v1/tickets/{ticket_id}": Cost({"GetItem": 2, "TransactWriteItems": 1}),
    "POST /v1/tickets/{ticket_id}/attachments": Cost({"GetItem": 2, "TransactWriteItems": 1}),
    "POST /v1/tickets/{ticket_id}/close": Cost({"GetItem": 1, "TransactWriteItems": 1}),
    "POST /v1/tickets/{ticket_id}/messages": Cost({"GetItem": 1, "TransactWriteItems": 1}),
    "POST /v1/tickets/{ticket_id}/reopen": Cost({"GetItem": 1, "TransactWriteItems": 1}),
    "POST /v1/tickets/{ticket_id}/solve": Cost({"GetItem": 2, "TransactWriteItems": 1}),
    # webhooks
    "GET /webhooks/meta": Cost({}),
    "POST /webhooks/meta": Cost({"PutItem": 1}),
}

READ_DYNAMODB_REQUESTS = 2
"""The most DynamoDB requests a read (GET) may make with its caches warm; it may not call Meta at all."""

#: The reads that break the rule, each with why (and the fix it waits for): a small, explicit allow-list. A read
#: listed here that keeps the rule fails too, so the list only ever shrinks.
READ_EXCEPTIONS: dict[str, str] = {
    "GET /v1/billing/funds/{number_id}/ledger": "three reads one after the other: whose the number is (billing's "
    "NUMBER item), whether that client prepays (its profile in the accounts table, through hub_shared.accounts), "
    "then the page. Fix: the first two in one BatchGetItem over both tables (a ledger is its client's own, so the "
    "profile's key is the caller's) — a hub_shared.accounts read of the profile beside another table's item.",
    "GET /v1/partner/clients/export": "one Query of the numbers table (ByClient) for each client that granted "
    "numbers:read, after the partner's links and the clients' profiles: 2 + N requests (N = 1 here). Fix: an index "
    "of the numbers table by partner (infra/template.yaml; the client's partner kept on its numbers, moved by "
    "PartnerChangeCompleted), so one Query reads every client's numbers.",
}


# ---------------------------------------------------------------- the requests


@dataclass(frozen=True)
class Request:
    """One request of a route: its path, who sends it (None: no token) and what it carries; the status it must get."""

    path: str
    who: Who | None = Who.CLIENT
    body: Any = None
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, tuple[str, bytes]] | None = None
    raw: bytes | None = None
    """A body sent as these bytes (a signed webhook)."""
    status: int = 200


Case = Callable[["World"], Request]
"""Makes what the request needs (through the hub, uncounted) and answers the request."""

NUMBER = f"/v1/numbers/{ACME.number_id}"
GLOBEX_NUMBER = f"/v1/numbers/{GLOBEX.number_id}"
TEMPLATES = f"/v1/wabas/{ACME.waba_id}/templates"
ORDER_UPDATE = f"{TEMPLATES}/order_update"
CHANGES = f"/v1/clients/{ACME.client_id}/partner-change-requests"
PERMISSIONS = f"/v1/clients/{ACME.client_id}/partner-permissions"
FUNDS = f"/v1/billing/funds/{ACME.number_id}"
TICKET = f"/v1/tickets/{ACME.ticket_id}"
IMPORT_PHONE = f"+{ACME.digits[:-3]}777"
BODY = [
    {"type": "BODY", "text": "Hi {{1}}, order {{2}} ships today.", "example": {"body_text": [["Maria", "A-1042"]]}},
    {"type": "FOOTER", "text": "Acme Retail"},
]
ACME_USER: dict[str, Any] = who_claims(Who.CLIENT) or {}
SHIPPED = {"name": "order_shipped", "language": "en_US", "category": "UTILITY", "components": BODY}


def plain(path: str, who: Who | None = Who.CLIENT, **request: Any) -> Case:
    """A request that needs nothing but the seeded world."""
    return lambda _: Request(path, who, **request)


def change_request(world: World) -> str:
    """ACME asks to move to GLOBEX's partner (it decides itself): the pending request's id."""
    asked = world.call("POST", CHANGES, Who.CLIENT, {"target_partner_id": GLOBEX.partner_id, "reason": "Support."})
    request_id: str = asked.json()["request_id"]
    return request_id


def withdraw(world: World) -> Request:
    return Request(f"{CHANGES}/{change_request(world)}/cancellation")


def decide(world: World) -> Request:
    return Request(
        f"/v1/partner/change-requests/{change_request(world)}/decision", Who.OTHER_PARTNER, {"decision": "accept"}
    )


def email_confirmation(world: World) -> Request:
    """ACME's user asked for a new address and entered the code Cognito sent to it."""
    new = "anna.neu@acme.example"
    world.cognito_email(ACME_USER["email"])
    world.call("POST", "/v1/me/email", Who.CLIENT, {"email": new})
    world.cognito_email(new)
    return Request("/v1/me/email/confirmation")


def signup(world: World) -> Request:
    """What Meta's Embedded Signup hands the portal for a new number of ACME's WABA."""
    body = {"waba_id": ACME.waba_id, "phone_number": "4915112345090", "verified_name": "Acme Shop"}
    done = world.meta_admin.post("/_sandbox/embedded_signup", json=body).json()
    return Request(
        "/v1/numbers",
        body={"code": done["code"], "waba_id": ACME.waba_id, "phone_number_id": done["phone_number_id"]},
        status=201,
    )


def started_import(world: World) -> str:
    body = {"phone_number": IMPORT_PHONE, "waba_id": ACME.waba_id, "method": "SMS"}
    import_id: str = world.call("POST", "/v1/numbers/imports", Who.CLIENT, body).json()["import_id"]
    return import_id


def resend_code(world: World) -> Request:
    path = f"/v1/numbers/imports/{started_import(world)}/code"
    world.clock.advance(61)  # past the resend cool-down
    return Request(path)


def verify_import(world: World) -> Request:
    return Request(f"/v1/numbers/imports/{started_import(world)}/verification", body={"code": SANDBOX_OTP})


def withdraw_cancellation(world: World) -> Request:
    world.call("POST", f"{NUMBER}/cancellation", Who.CLIENT)
    return Request(f"{NUMBER}/cancellation")


def activate_inbox(world: World) -> Request:
    """ACME's number without an inbox yet."""
    store = NumbersStore("hub-numbers", world.hub.world.dynamodb)
    number = store.get(ACME.number_id)
    assert number is not None
    store.put(number.model_copy(update={"inbox_status": None, "inbox_id": None, "inbox_url": None}))
    return Request(f"{NUMBER}/inbox", status=201)


def paid_top_up(world: World) -> tuple[bytes, dict[str, str]]:
    """A top-up of ACME's number paid at Stripe: Stripe's signed `checkout.session.completed` (not delivered)."""
    started = world.call("POST", f"{FUNDS}/top-ups", Who.CLIENT, {"amount": 5000, "currency": "eur"})
    session = started.json()["checkout_url"].rsplit("/", 1)[-1]
    paid = world.stripe.http.post(f"/_sandbox/checkout/sessions/{session}/complete", json={"card": "4242424242424242"})
    paid.raise_for_status()
    (event,) = world.stripe.events("checkout.session.completed")
    return event


def stripe_webhook(world: World) -> Request:
    body, headers = paid_top_up(world)
    return Request("/webhooks/stripe", None, headers=headers, raw=body)


def refund(world: World) -> Request:
    body, headers = paid_top_up(world)
    world.send("POST", Request("/webhooks/stripe", None, headers=headers, raw=body))
    return Request(f"{FUNDS}/refund-request", body={"reason": "We stop using this number."}, status=202)


def meta_webhook(_: World) -> Request:
    raw = encode_json(quality_webhook("UPGRADE", 1795176000))
    return Request(
        "/webhooks/meta", None, headers={"x-hub-signature-256": webhook_signature(raw, IN_PROCESS_APP_SECRET)}, raw=raw
    )


def submit_draft(world: World) -> Request:
    world.call("POST", TEMPLATES, Who.CLIENT, {**SHIPPED, "submit": False})
    return Request(f"{TEMPLATES}/order_shipped/en_US/submit")


def reopen(world: World) -> Request:
    world.call("POST", f"{TICKET}/close", Who.CLIENT)
    return Request(f"{TICKET}/reopen")


CASES: dict[str, Case] = {
    # accounts
    "GET /v1/activity": plain("/v1/activity"),
    "GET /v1/clients": plain("/v1/clients", Who.PARTNER),
    "GET /v1/clients/{client_id}/partner-change-requests": plain(CHANGES),
    "POST /v1/clients/{client_id}/partner-change-requests": plain(
        CHANGES, body={"target_partner_id": GLOBEX.partner_id, "reason": "Support."}, status=201
    ),
    "POST /v1/clients/{client_id}/partner-change-requests/{request_id}/cancellation": withdraw,
    "DELETE /v1/clients/{client_id}/partner-permissions": plain(PERMISSIONS),
    "GET /v1/clients/{client_id}/partner-permissions": plain(PERMISSIONS),
    "PUT /v1/clients/{client_id}/partner-permissions": plain(PERMISSIONS, body={"scopes": ["numbers:read"]}),
    "GET /v1/links": plain("/v1/links"),
    "GET /v1/me": plain("/v1/me"),
    "PATCH /v1/me": plain("/v1/me", body={"username": "anna.acme"}),
    "POST /v1/me/email": plain("/v1/me/email", body={"email": "anna.neu@acme.example"}),
    "POST /v1/me/email/confirmation": email_confirmation,
    "GET /v1/partner/change-requests": plain("/v1/partner/change-requests", Who.PARTNER),
    "POST /v1/partner/change-requests/{request_id}/decision": decide,
    "GET /v1/partner/clients": plain("/v1/partner/clients", Who.PARTNER),
    "GET /v1/partner/clients/export": plain("/v1/partner/clients/export", Who.PARTNER),
    "GET /v1/partner/settings": plain("/v1/partner/settings", Who.PARTNER),
    "PUT /v1/partner/settings": plain("/v1/partner/settings", Who.PARTNER, body={"auto_approve": True}),
    # billing
    "GET /v1/billing": plain("/v1/billing"),
    "GET /v1/billing/funds": plain("/v1/billing/funds"),
    "PUT /v1/billing/funds/{number_id}/auto-renewal": plain(
        f"{FUNDS}/auto-renewal", body={"enabled": True, "threshold": 1000, "amount": 5000}
    ),
    "GET /v1/billing/funds/{number_id}/ledger": plain(f"{FUNDS}/ledger"),
    "POST /v1/billing/funds/{number_id}/refund-request": refund,
    "POST /v1/billing/funds/{number_id}/top-ups": plain(
        f"{FUNDS}/top-ups", body={"amount": 5000, "currency": "eur"}, headers={"Idempotency-Key": "top-up"}, status=201
    ),
    "GET /v1/billing/invoices": plain("/v1/billing/invoices"),
    "POST /v1/billing/portal-session": plain("/v1/billing/portal-session", status=201),
    "GET /v1/insights": plain(
        "/v1/insights", query={"number_id": ACME.number_id, "start": "2026-11-01", "end": "2026-11-19"}
    ),
    "POST /webhooks/stripe": stripe_webhook,
    # numbers
    "GET /v1/numbers": plain("/v1/numbers"),
    "POST /v1/numbers": signup,
    "POST /v1/numbers/imports": plain(
        "/v1/numbers/imports", body={"phone_number": IMPORT_PHONE, "waba_id": ACME.waba_id, "method": "SMS"}, status=201
    ),
    "GET /v1/numbers/imports/{import_id}": plain(f"/v1/numbers/imports/{ACME.import_id}"),
    "POST /v1/numbers/imports/{import_id}/code": resend_code,
    "POST /v1/numbers/imports/{import_id}/verification": verify_import,
    "GET /v1/numbers/{number_id}": plain(NUMBER),
    "DELETE /v1/numbers/{number_id}/cancellation": withdraw_cancellation,
    "POST /v1/numbers/{number_id}/cancellation": plain(f"{NUMBER}/cancellation"),
    "GET /v1/numbers/{number_id}/display-name": plain(f"{NUMBER}/display-name"),
    "POST /v1/numbers/{number_id}/display-name": plain(
        f"{NUMBER}/display-name", body={"display_name": "Acme Garden"}, status=201
    ),
    "GET /v1/numbers/{number_id}/inbox": plain(f"{NUMBER}/inbox"),
    "POST /v1/numbers/{number_id}/inbox": activate_inbox,
    # waba
    "GET /v1/wabas": plain("/v1/wabas"),
    "GET /v1/wabas/{waba_id}": plain(f"/v1/wabas/{ACME.waba_id}"),
    "GET /v1/numbers/{number_id}/commerce-settings": plain(f"{NUMBER}/commerce-settings"),
    "PUT /v1/numbers/{number_id}/commerce-settings": plain(
        f"{NUMBER}/commerce-settings", body={"is_catalog_visible": True, "is_cart_enabled": True}
    ),
    "POST /v1/numbers/{number_id}/commerce-settings/support-request": plain(
        f"{GLOBEX_NUMBER}/commerce-settings/support-request",
        Who.OTHER_CLIENT,
        body={"is_catalog_visible": True, "is_cart_enabled": False, "note": "Show the catalog."},
        status=202,
    ),
    "GET /v1/numbers/{number_id}/profile": plain(f"{NUMBER}/profile"),
    "PATCH /v1/numbers/{number_id}/profile": plain(f"{NUMBER}/profile", body={"about": "Fresh flowers daily."}),
    "POST /v1/numbers/{number_id}/profile/picture": plain(
        f"{NUMBER}/profile/picture", files={"picture": ("picture.png", a_png(640, 640))}
    ),
    # templates
    "GET /v1/wabas/{waba_id}/templates": plain(TEMPLATES),
    "POST /v1/wabas/{waba_id}/templates": plain(TEMPLATES, body=SHIPPED, status=201),
    "POST /v1/wabas/{waba_id}/templates/preview": plain(f"{TEMPLATES}/preview", body=SHIPPED),
    "POST /v1/wabas/{waba_id}/templates/sync": plain(f"{TEMPLATES}/sync"),
    "DELETE /v1/wabas/{waba_id}/templates/{name}": plain(ORDER_UPDATE, status=204),
    "GET /v1/wabas/{waba_id}/templates/{name}": plain(ORDER_UPDATE),
    "POST /v1/wabas/{waba_id}/templates/{name}/languages": plain(
        f"{ORDER_UPDATE}/languages", body={"language": "es", "components": BODY}, status=201
    ),
    "DELETE /v1/wabas/{waba_id}/templates/{name}/{language}": plain(f"{ORDER_UPDATE}/de", status=204),
    "GET /v1/wabas/{waba_id}/templates/{name}/{language}": plain(f"{ORDER_UPDATE}/en_US"),
    "PATCH /v1/wabas/{waba_id}/templates/{name}/{language}": plain(f"{ORDER_UPDATE}/en_US", body={"components": BODY}),
    "POST /v1/wabas/{waba_id}/templates/{name}/{language}/copy": plain(
        f"{ORDER_UPDATE}/en_US/copy", body={"language": "es"}, status=201
    ),
    "POST /v1/wabas/{waba_id}/templates/{name}/{language}/submit": submit_draft,
    # support
    "GET /v1/support/figures": plain("/v1/support/figures", Who.SUPPORT),
    "GET /v1/tickets": plain("/v1/tickets"),
    "POST /v1/tickets": plain(
        "/v1/tickets",
        body={"subject": "Messages fail", "category": "technical", "description": "Since 9:00.", "priority": "normal"},
        status=201,
    ),
    "GET /v1/tickets/{ticket_id}": plain(TICKET),
    "PATCH /v1/tickets/{ticket_id}": plain(TICKET, Who.SUPPORT, body={"priority": "high"}),
    "POST /v1/tickets/{ticket_id}/attachments": plain(
        f"{TICKET}/attachments", body={"filename": "log.txt", "content_type": "text/plain", "size": 1200}, status=201
    ),
    "POST /v1/tickets/{ticket_id}/close": plain(f"{TICKET}/close"),
    "POST /v1/tickets/{ticket_id}/messages": plain(f"{TICKET}/messages", body={"body": "Any news?"}, status=201),
    "POST /v1/tickets/{ticket_id}/reopen": reopen,
    "POST /v1/tickets/{ticket_id}/solve": plain(f"{TICKET}/solve", Who.SUPPORT),
    # webhooks
    "GET /webhooks/meta": plain(
        "/webhooks/meta",
        None,
        query={"hub.mode": "subscribe", "hub.verify_token": WEBHOOK_VERIFY_TOKEN, "hub.challenge": "1158201444"},
    ),
    "POST /webhooks/meta": meta_webhook,
}


SEEN_FIRST = (Request(f"{GLOBEX_NUMBER}/commerce-settings", Who.OTHER_CLIENT),)
"""Reads of other callers than the read routes' cases, each a page the portal shows before a case's request (GLOBEX's
support request comes from its number's commerce settings)."""


# ---------------------------------------------------------------- the world and the meters


class Meter:
    """Counts what the functions ask of AWS (a botocore hook on each client `hub_shared.aws` makes), Meta (its
    sandbox's transport), Stripe and get.chat (httpx hooks on their clients) while `counting`."""

    HOOK = "request-costs"

    def __init__(self, meta_calls: list[tuple[str, str]], stripe: httpx.Client, getchat: httpx.Client) -> None:
        self._clients = [aws.dynamodb(), aws.events(), aws.sqs(), aws.secretsmanager(), aws.s3(), aws.cognito_idp()]
        self._clients.append(aws.sesv2())
        self._meta_calls = meta_calls
        self._on = False
        self.aws_calls: Counter[tuple[str, str]] = Counter()
        """(service, operation) → calls."""
        self.outside: Counter[str] = Counter()
        """stripe, getchat → calls."""
        self.graph_calls: list[tuple[str, str]] = []
        for client in self._clients:
            client.meta.events.register("before-call", self._aws_call, unique_id=self.HOOK)
        stripe.event_hooks["request"].append(lambda _: self._outside("stripe"))
        getchat.event_hooks["request"].append(lambda _: self._outside("getchat"))

    def _aws_call(self, model: Any, **_: Any) -> None:
        if self._on:
            self.aws_calls[model.service_model.service_name, model.name] += 1

    def _outside(self, system: str) -> None:
        if self._on:
            self.outside[system] += 1

    @contextmanager
    def counting(self) -> Iterator[None]:
        self.aws_calls, self.outside = Counter(), Counter()
        before = len(self._meta_calls)
        self._on = True
        try:
            yield
        finally:
            self._on = False
            self.graph_calls = self._meta_calls[before:]

    def cost(self) -> Cost:
        """What was counted in the last `counting`."""
        return Cost(
            dynamodb={operation: n for (service, operation), n in self.aws_calls.items() if service == "dynamodb"},
            graph=len(self.graph_calls),
            stripe=self.outside["stripe"],
            getchat=self.outside["getchat"],
            aws={
                f"{service}.{operation}": n
                for (service, operation), n in self.aws_calls.items()
                if service != "dynamodb"
            },
        )

    def close(self) -> None:
        for client in self._clients:
            client.meta.events.unregister("before-call", unique_id=self.HOOK)


class WarmWorld(SeededWorld):
    """The tables as `keep` found them, put back by `restore` (SeededWorld's: only the items that differ)."""

    def keep(self) -> None:
        self.seeded = {table: self._items(table) for table in self.keys}


class Secrets:
    """The secrets of Secrets Manager as `keep` found them: `restore` deletes those made since (a business token, a
    number's PIN), so a request that makes one makes it again."""

    def __init__(self) -> None:
        self.kept: set[str] = set()

    @staticmethod
    def _names() -> set[str]:
        return {secret["Name"] for secret in moto_client("secretsmanager").list_secrets()["SecretList"]}

    def keep(self) -> None:
        self.kept = self._names()

    def restore(self) -> None:
        for name in self._names() - self.kept:
            moto_client("secretsmanager").delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)


class Sandbox:
    """A sandbox's state as `keep` found it, put back by `restore` (in place: the sandbox's app holds the object)."""

    def __init__(self, state: Any) -> None:
        self.state = state
        self.kept: dict[str, Any] = {}

    def keep(self) -> None:
        self.kept = copy.deepcopy(vars(self.state))

    def restore(self) -> None:
        vars(self.state).update(copy.deepcopy(self.kept))


class World:
    """The in-process hub with Stripe and get.chat sandboxes of its own, the routes' clock, and the meters."""

    APPS = (numbers_app, waba_app, templates_app, billing_app, support_app, accounts_app)

    def __init__(self, hub: InProcessHub) -> None:
        self.hub = hub
        self.clock = FrozenClock(NOW)
        self.stripe = InProcessStripe()
        self.meta_admin = TestClient(hub.meta.sandbox.app)
        getchat_state = GetChatState()
        getchat_sandbox = TestClient(build_getchat_sandbox(getchat_state, api_key="getchat-key", clock=lambda: NOW))

        def to_getchat(request: httpx.Request) -> httpx.Response:
            answer = getchat_sandbox.request(
                request.method, request.url.path, content=request.content, headers=request.headers
            )
            return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)

        getchat = httpx.Client(transport=httpx.MockTransport(to_getchat))
        inboxes = GetChatInboxes(base_url="http://getchat.sandbox", api_key=lambda: "getchat-key", client=getchat)
        for app in self.APPS:
            app.dependency_overrides[request_time] = self.clock
        billing_app.dependency_overrides[billing_deps.payments] = lambda: self.stripe.payments
        numbers_app.dependency_overrides[numbers_deps.inboxes] = lambda: inboxes
        self.meter = Meter(hub.meta.calls, self.stripe.http, getchat)
        self.tables = WarmWorld(hub)
        self.sandboxes = [Sandbox(hub.meta.sandbox.state), Sandbox(self.stripe.state), Sandbox(getchat_state)]
        self.secrets = Secrets()
        self.changed = True
        """Whether a request that may change something was sent since the last `restore`."""

    def warm_up(self) -> None:
        """Every read route once (and the pages a case's caller saw first), then this is the world every case
        starts from."""
        reads = [case(self) for route, case in CASES.items() if route.startswith("GET ")]
        for request in [*reads, *SEEN_FIRST]:
            answer = self.send("GET", request)
            assert answer.is_success, f"GET {request.path} (warming up): {answer.status_code} {answer.text}"
        self.tables.keep()
        self.secrets.keep()
        for sandbox in self.sandboxes:
            sandbox.keep()
        self.changed = False

    def restore(self) -> None:
        """The world every case starts from (unless only reads were sent since it was last put back)."""
        self.clock.now = NOW
        if not self.changed:
            return
        self.tables.restore()
        self.secrets.restore()
        for sandbox in self.sandboxes:
            sandbox.restore()
        self.stripe.sent.clear()
        self.changed = False

    def send(self, method: str, request: Request) -> httpx.Response:
        self.changed |= method != "GET"
        headers = {**(token_of(request.who) if request.who else {}), **request.headers}
        if request.raw is not None:
            headers["content-type"] = "application/json"
        answer: httpx.Response = self.hub.client.request(
            method,
            request.path,
            params=dict(request.query),
            headers=headers,
            json=request.body if request.raw is None and request.files is None else None,
            content=request.raw,
            files=dict(request.files) if request.files is not None else None,
        )
        return answer

    def call(self, method: str, path: str, who: Who, body: Any = None) -> httpx.Response:
        """A request a case needs made first (uncounted); it must succeed."""
        answer = self.send(method, Request(path, who, body))
        assert answer.is_success, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer

    def cognito_email(self, email: str) -> None:
        """ACME's user signs in with `email` (verified) and a password of its own in the user pool."""
        cognito, pool, user = moto_client("cognito-idp"), os.environ["USER_POOL_ID"], ACME_USER["sub"]
        verified = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
        cognito.admin_update_user_attributes(UserPoolId=pool, Username=user, UserAttributes=verified)
        cognito.admin_set_user_password(UserPoolId=pool, Username=user, Password=DEMO_PASSWORD, Permanent=True)

    def close(self) -> None:
        self.meter.close()


@functools.cache
def token_of(who: Who) -> dict[str, str]:
    """The caller's Authorization header, signed once (valid for the whole run: the gateway's clock stands still)."""
    return who_headers(who)


@pytest.fixture(scope="module", autouse=True)
def untraced() -> Iterator[None]:
    """Without coverage's tracer, like the generated suites (tests/conftest.py): this module passes through every
    route to count its requests, not to test its lines, and traced it took three times as long. Autouse, so it is
    set up before `world` starts the in-process hub's threads (they stay untraced)."""
    with tracing_paused():
        yield


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with in_process_hub() as hub:
        made = World(hub)
        try:
            made.warm_up()
            yield made
        finally:
            made.close()


def measure(world: World, route: str) -> tuple[Cost, httpx.Response, Request]:
    """The route's case made twice, only the second counted: the first warms the function's caches (its secrets,
    clients, kept copies). A change is made the second time on the world the first found (put back between)."""
    method = route.split(" ", 1)[0]
    world.restore()
    request = CASES[route](world)
    first = world.send(method, request)
    assert first.status_code == request.status, f"{route} (warming up): {first.status_code} {first.text}"
    if method != "GET":
        world.restore()
        request = CASES[route](world)
    with world.meter.counting():
        answer = world.send(method, request)
    return world.meter.cost(), answer, request


# ---------------------------------------------------------------- the tests


def declared_routes() -> set[str]:
    """Every route of every HTTP function's resolver, as `METHOD /path` (their OpenAPI documents)."""
    routes = set()
    for module in resolver_modules():
        for path, item in importlib.import_module(module).app.get_openapi_schema().paths.items():
            routes |= {
                f"{method.upper()} {path}"
                for method in ("get", "put", "post", "patch", "delete")
                if getattr(item, method)
            }
    return routes


def test_the_table_pins_every_route_the_functions_declare() -> None:
    declared = declared_routes()

    assert set(COSTS) - declared == set(), "routes in the table that no function declares"
    assert declared - set(COSTS) == set(), "routes without a pinned cost: add them to COSTS and CASES"
    assert set(CASES) == set(COSTS)


def test_the_table_keeps_the_rules_but_for_its_documented_exceptions() -> None:
    breaking = {
        route
        for route, cost in COSTS.items()
        if route.startswith("GET ") and (cost.dynamodb_requests > READ_DYNAMODB_REQUESTS or cost.graph)
    }

    assert breaking == set(READ_EXCEPTIONS), "a read over the rule must be listed with its reason, and only then"
    assert all(reason.strip() for reason in READ_EXCEPTIONS.values())
    assert [route for route, cost in COSTS.items() if "Scan" in cost.dynamodb] == []


SCAN = re.compile(r"""\.scan\(|["']Scan["']|get_paginator\(\s*["']scan["']""")
"""A DynamoDB Scan in code: the client's method, its operation name, its paginator."""


def test_no_code_of_the_hub_scans_a_table() -> None:
    """No Scan anywhere: the routes above make none, and neither may a job, a consumer or a store method no route
    calls — read from the code of every function and the shared layer, so a path no test takes is held too."""
    sources = sorted([*(ROOT / "services").rglob("*.py"), *(ROOT / "shared").rglob("*.py")])
    scanning = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SCAN.search(line)
    ]

    assert len(sources) > 100, "the functions' code was not found"
    assert scanning == []


def _by_path(route: str) -> tuple[str, str]:
    method, path = route.split(" ", 1)
    return path, method


ROUTES: list[str] = sorted(CASES, key=_by_path)


@pytest.mark.parametrize("route", ROUTES)
def test_a_request_costs_what_the_table_says(world: World, route: str) -> None:
    cost, answer, request = measure(world, route)

    assert answer.status_code == request.status, f"{route}: {answer.status_code} {answer.text}"
    assert "Scan" not in cost.dynamodb, f"{route} scans a table"
    if route.startswith("GET ") and route not in READ_EXCEPTIONS:
        assert cost.dynamodb_requests <= READ_DYNAMODB_REQUESTS, f"{route}: {dict(cost.dynamodb)}"
        assert cost.graph == 0, f"{route} calls Meta with its caches warm: {world.meter.graph_calls}"
    assert cost == COSTS[route], (
        f"{route} costs {cost} (Meta: {world.meter.graph_calls}): a regression, or an improvement to pin in COSTS"
    )
