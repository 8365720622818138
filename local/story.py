"""The demo story the local hub is seeded with — pure data, read by the AWS seed and the sandboxes.

- Acme Retail (`acme`): a direct-paid client with prepaid funds, a SHARED WABA and numbers in every status.
- Globex Logistics (`globex`): partner-paid through Bluewave, which holds some scopes; an OBO WABA.
- Initech (`initech`): partner-paid through Bluewave, which it granted nothing.
- Bluewave Software (`bluewave`): the integration partner (ISV) of Globex and Initech; it accepts partner change
  requests at once (auto-approval on).
- Northwind Digital (`northwind`): a second partner with no clients yet, deciding each change request itself
  (auto-approval off): Globex can ask to move to it, and a Northwind user accepts.
Every demo user's password is DEMO_PASSWORD.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

DEMO_PASSWORD = "Demo-pass-2026"  # noqa: S105 - a documented demo password of the local hub only
SEEDED_AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Client:
    client_id: str
    name: str
    billing_model: str  # direct | partner
    partner_id: str | None = None
    prepaid: bool = False
    prepaid_balance_cents: int = 0
    currency: str = "EUR"


@dataclass(frozen=True)
class Partner:
    partner_id: str
    name: str
    auto_approve: bool = False


@dataclass(frozen=True)
class Grant:
    client_id: str
    partner_id: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class Waba:
    waba_id: str
    client_id: str
    name: str
    type: str  # SHARED (embedded signup) | OBO (on behalf of)
    business_id: str
    namespace: str
    timezone_id: str = "42"
    account_review_status: str = "APPROVED"
    message_on_behalf_status: str = "APPROVED"
    currency: str = "EUR"


@dataclass(frozen=True)
class PhoneNumber:
    number_id: str
    client_id: str
    waba_id: str
    phone_e164: str
    display_phone_number: str
    account_status: str
    meta_status: str
    display_name: str
    display_name_status: str = "APPROVED"
    quality_rating: str = "GREEN"
    messaging_limit: str = "TIER_1K"
    platform_type: str = "CLOUD_API"
    registration_status: str = "REGISTERED"
    deletion_at: datetime | None = None


@dataclass(frozen=True)
class Template:
    template_id: str
    waba_id: str
    name: str
    language: str
    category: str
    status: str
    components: tuple[dict[str, object], ...]
    rejected_reason: str = "NONE"
    quality_score: str = "GREEN"


@dataclass(frozen=True)
class User:
    email: str
    role: str  # client | partner | support
    name: str
    client_id: str | None = None
    partner_id: str | None = None
    password: str = DEMO_PASSWORD
    groups: tuple[str, ...] = field(default=())


CLIENTS = (
    Client("acme", "Acme Retail GmbH", "direct", prepaid=True, prepaid_balance_cents=125_00),
    Client("globex", "Globex Logistics Ltd", "partner", partner_id="bluewave", currency="USD"),
    Client("initech", "Initech Inc", "partner", partner_id="bluewave", currency="USD"),
)

PARTNERS = (
    Partner("bluewave", "Bluewave Software", auto_approve=True),
    Partner("northwind", "Northwind Digital"),
)

GRANTS = (Grant("globex", "bluewave", ("numbers:read", "templates:read", "templates:write", "insights:read")),)

WABAS = (
    Waba("102290129340398", "acme", "Acme Retail", "SHARED", "230934563399802", "ba30dd89_2ebd_41e4_b805_f2c05ae04cc9"),
    Waba(
        "104996122399160",
        "globex",
        "Globex Logistics",
        "OBO",
        "501238745563981",
        "c1d2e3f4_5a6b_47c8_9d0e_1f2a3b4c5d6e",
        timezone_id="1",
        currency="USD",
    ),
    Waba("109822714420117", "initech", "Initech", "SHARED", "611908331245570", "f0e1d2c3_b4a5_4968_8776_655443322110"),
)

NUMBERS = (
    PhoneNumber(
        "106540352242922",
        "acme",
        "102290129340398",
        "+4915112345001",
        "+49 1511 2345001",
        "running",
        "CONNECTED",
        "Acme Retail",
    ),
    PhoneNumber(
        "106540352242923",
        "acme",
        "102290129340398",
        "+4915112345002",
        "+49 1511 2345002",
        "onboarding",
        "PENDING",
        "Acme Outlet",
        display_name_status="PENDING_REVIEW",
        quality_rating="UNKNOWN",
        messaging_limit="TIER_250",
        registration_status="PENDING",
    ),
    PhoneNumber(
        "106540352242924",
        "acme",
        "102290129340398",
        "+4915112345003",
        "+49 1511 2345003",
        "pending_deletion",
        "CONNECTED",
        "Acme Returns",
    ),
    PhoneNumber(
        "106540352242925",
        "acme",
        "102290129340398",
        "+4915112345004",
        "+49 1511 2345004",
        "deleted",
        "DELETED",
        "Acme Old Line",
        registration_status="DEREGISTERED",
        quality_rating="NA",
    ),
    PhoneNumber(
        "106540352242926",
        "acme",
        "102290129340398",
        "+4915112345005",
        "+49 1511 2345005",
        "restricted",
        "RESTRICTED",
        "Acme Promotions",
        quality_rating="YELLOW",
        messaging_limit="TIER_250",
    ),
    PhoneNumber(
        "106540352242927",
        "acme",
        "102290129340398",
        "+4915112345006",
        "+49 1511 2345006",
        "flagged",
        "FLAGGED",
        "Acme Deals",
        quality_rating="RED",
    ),
    PhoneNumber(
        "106540352242928",
        "acme",
        "102290129340398",
        "+4915112345007",
        "+49 1511 2345007",
        "banned",
        "BANNED",
        "Acme Flash",
        quality_rating="RED",
        messaging_limit="TIER_50",
    ),
    PhoneNumber(
        "106540352242929",
        "acme",
        "102290129340398",
        "+4915112345008",
        "+49 1511 2345008",
        "disconnected",
        "DISCONNECTED",
        "Acme Service",
        platform_type="ON_PREMISE",
    ),
    PhoneNumber(
        "107811234567801",
        "globex",
        "104996122399160",
        "+15550783881",
        "+1 555-078-3881",
        "running",
        "CONNECTED",
        "Globex Freight",
        messaging_limit="TIER_10K",
    ),
    PhoneNumber(
        "107811234567802",
        "globex",
        "104996122399160",
        "+15550783882",
        "+1 555-078-3882",
        "running",
        "CONNECTED",
        "Globex Tracking",
        quality_rating="YELLOW",
    ),
    PhoneNumber(
        "108923456789001",
        "initech",
        "109822714420117",
        "+15550199001",
        "+1 555-019-9001",
        "running",
        "CONNECTED",
        "Initech Help",
    ),
)

#: The number that the seed cancels: its deletion_at is the last instant of the current month.
CANCELLED_NUMBER = "106540352242924"


def _body(text: str, *examples: str) -> dict[str, object]:
    component: dict[str, object] = {"type": "BODY", "text": text}
    if examples:
        component["example"] = {"body_text": [list(examples)]}
    return component


TEMPLATES = (
    Template(
        "1689556908129832",
        "102290129340398",
        "order_update",
        "en_US",
        "UTILITY",
        "APPROVED",
        (
            _body("Hi {{1}}, your order {{2}} is on its way.", "Maria", "A-1042"),
            {"type": "FOOTER", "text": "Acme Retail"},
        ),
    ),
    Template(
        "1689556908129833",
        "102290129340398",
        "order_update",
        "de",
        "UTILITY",
        "APPROVED",
        (_body("Hallo {{1}}, deine Bestellung {{2}} ist unterwegs.", "Maria", "A-1042"),),
    ),
    Template(
        "1689556908129834",
        "102290129340398",
        "spring_sale",
        "en_US",
        "MARKETING",
        "REJECTED",
        (_body("Spring sale! 50% off everything, today only."),),
        rejected_reason="PROMOTIONAL",
        quality_score="UNKNOWN",
    ),
    Template(
        "1689556908129835",
        "102290129340398",
        "login_code",
        "en_US",
        "AUTHENTICATION",
        "APPROVED",
        (
            {"type": "BODY", "add_security_recommendation": True},
            {"type": "FOOTER", "code_expiration_minutes": 10},
            {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}]},
        ),
    ),
    Template(
        "1689556908129836",
        "102290129340398",
        "welcome",
        "de",
        "MARKETING",
        "PENDING",
        (_body("Willkommen bei Acme, {{1}}!", "Maria"),),
        quality_score="UNKNOWN",
    ),
    Template(
        "1689556908129837",
        "104996122399160",
        "shipment_delay",
        "en_US",
        "UTILITY",
        "PAUSED",
        (_body("Your shipment {{1}} is delayed by {{2}} days.", "GX-77", "2"),),
        quality_score="RED",
    ),
    Template(
        "1689556908129838",
        "104996122399160",
        "shipment_delay",
        "es",
        "UTILITY",
        "APPROVED",
        (_body("Tu envío {{1}} se retrasa {{2}} días.", "GX-77", "2"),),
        quality_score="YELLOW",
    ),
)

USERS = (
    User("anna@acme.example", "client", "Anna Admin", client_id="acme"),
    User("gary@globex.example", "client", "Gary Globex", client_id="globex"),
    User("ian@initech.example", "client", "Ian Initech", client_id="initech"),
    User("pat@bluewave.example", "partner", "Pat Partner", partner_id="bluewave"),
    User("nina@northwind.example", "partner", "Nina Northwind", partner_id="northwind"),
    User("sam@hub.example", "support", "Sam Support", groups=("support",)),
)
