"""Writes the demo story (local.story) into a provisioned local cloud: accounts, numbers and Cognito users.

Seeding is idempotent: items are put (overwritten), existing users get their attributes, password and groups
set again, so seeding the same cloud twice leaves it as seeding it once.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import httpx

from hub_accounts.models.me import UserProfile
from hub_accounts.models.partners import Partner
from hub_accounts.store.accounts import partner_item, user_item
from hub_billing.deps import payments
from hub_billing.models.contracts import Metadata, NumberAddedDetail, NumberDeletedDetail
from hub_billing.store.billing import BillingStore
from hub_billing.usecases.accounts import sync_subscription
from hub_billing.usecases.billable import record_number_event
from hub_billing.usecases.funds import Change, EntryKind, apply_change, empty_funds
from hub_numbers.models.numbers import Number
from hub_numbers.models.onboarding import Waba, WabaType
from hub_numbers.store.numbers import NumbersStore
from hub_numbers.store.onboarding import OnboardingStore
from hub_shared import aws
from hub_shared.accounts import AccountsReader, BillingModel, ClientAccount, client_profile_item, partner_link_item
from hub_shared.auth import Role
from hub_shared.clock import to_rfc3339
from hub_support.models.tickets import (
    Message,
    Ticket,
    TicketAuthor,
    TicketCategory,
    TicketPriority,
    TicketStatus,
)
from hub_support.store.tickets import SupportStore
from hub_templates.models.mirror import Template
from hub_templates.store.templates import TemplatesStore
from hub_waba.models.wabas import RegisteredNumber, RegisteredWaba
from hub_waba.store.wabas import WabaStore
from local import story

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import AttributeTypeTypeDef
    from mypy_boto3_dynamodb import DynamoDBClient

    from local.cloud import AwsInfo


TEST_VISA = "4242424242424242"
"""Stripe's test card that always pays."""


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: str
    password: str
    sees: str  # what the user can see, in words


@dataclass(frozen=True)
class SeedReport:
    clients: int
    grants: int
    numbers: int
    users: tuple[DemoUser, ...]

    def users_table(self) -> str:
        """The demo log-ins, one per line, for the runner to print."""
        width = max(len(user.email) for user in self.users)
        return "\n".join(f"{user.email:<{width}}  {user.role:<8}  {user.password}  {user.sees}" for user in self.users)


def seed(info: AwsInfo, now: datetime) -> SeedReport:
    """Write the story; `now` places the cancelled number's deletion at the end of its month."""
    dynamodb: DynamoDBClient = info.client("dynamodb")
    accounts = info.tables["AccountsTable"]
    for item in account_items():
        dynamodb.put_item(TableName=accounts, Item=aws.to_item(item))
    numbers = story_numbers(now)
    store = NumbersStore(info.tables["NumbersTable"], dynamodb)
    for number in numbers:
        store.put(number)
    registry = OnboardingStore(info.tables["NumbersTable"], dynamodb)
    for waba in story.WABAS:
        registry.put_waba(
            Waba(waba_id=waba.waba_id, client_id=waba.client_id, type=WabaType(waba.type), name=waba.name)
        )
    wabas = WabaStore(info.tables["WabaTable"], dynamodb)
    for told in story.NUMBERS:  # as the waba service learnt them from NumberAdded (NumberDeleted)
        wabas.register(
            RegisteredWaba(waba_id=told.waba_id, client_id=told.client_id),
            RegisteredNumber(
                number_id=told.number_id,
                waba_id=told.waba_id,
                client_id=told.client_id,
                deleted=told.account_status == "deleted",
            ),
            event_at=to_rfc3339(now),
        )
    templates = TemplatesStore(info.tables["TemplatesTable"], dynamodb)
    mirrored = story_templates(now)
    templates.replace(mirrored, [])
    for waba_id in {template.waba_id for template in mirrored}:
        templates.set_count(waba_id, sum(template.waba_id == waba_id for template in mirrored))
    _seed_billing(BillingStore(info.tables["BillingTable"], dynamodb), numbers, now)
    cognito: CognitoIdentityProviderClient = info.client("cognito-idp")
    for user in story.USERS:
        subject = _put_user(cognito, info.user_pool_id, user)
        named = user_item(
            UserProfile(user_id=subject, username=user.name, updated_at=to_rfc3339(story.SEEDED_AT), version=1)
        )
        dynamodb.put_item(TableName=accounts, Item=aws.to_item(named))
    _seed_tickets(SupportStore(info.tables["SupportTable"], dynamodb), cognito, info.user_pool_id, now)
    return SeedReport(
        clients=len(story.CLIENTS),
        grants=len(story.GRANTS),
        numbers=len(numbers),
        users=demo_users(),
    )


def _seed_billing(store: BillingStore, numbers: list[Number], now: datetime) -> None:
    """What billing learnt of the story's numbers (as from their NumberAdded and NumberDeleted), and each prepaid
    client's opening balance, shared by its billable numbers (as a top-up credited it)."""
    for number in numbers:
        metadata = Metadata(event_id=f"seed-added-{number.number_id}", occurred_at=story.SEEDED_AT)
        added = NumberAddedDetail(
            metadata=metadata,
            number_id=number.number_id,
            client_id=number.client_id,
            waba_id=number.waba_id,
            phone_number=number.phone_e164,
        )
        record_number_event(added, numbers=store, now=now)
        if number.account_status == "deleted" and number.deletion_at is not None:
            deleted = NumberDeletedDetail(
                metadata=Metadata(event_id=f"seed-deleted-{number.number_id}", occurred_at=number.deletion_at),
                number_id=number.number_id,
                client_id=number.client_id,
                deleted_at=number.deletion_at,
            )
            record_number_event(deleted, numbers=store, now=now)
    for client in story.CLIENTS:
        funded = [n for n in numbers if n.client_id == client.client_id and n.account_status != "deleted"]
        if not client.prepaid or not funded:
            continue
        for number in funded:
            opening = Change(
                amount=client.prepaid_balance_cents // len(funded),
                kind=EntryKind.TOP_UP,
                reference="opening-balance",
                description="Opening balance",
                once=(f"seed-funds:{number.number_id}",),
            )
            new = empty_funds(client.client_id, number.number_id, currency="eur", threshold=10_00)
            apply_change(opening, new, ledger=store, now=now, new_id=partial(str, f"entry_opening_{number.number_id}"))


def _seed_tickets(store: SupportStore, cognito: CognitoIdentityProviderClient, pool_id: str, now: datetime) -> None:
    """Acme's support history: a delivery question support answered yesterday, and a billing ticket solved last
    week (written as the support service writes them, without events: nobody is mailed)."""

    def author(email: str) -> TicketAuthor:
        user = next(user for user in story.USERS if user.email == email)
        attributes = cognito.admin_get_user(UserPoolId=pool_id, Username=email)["UserAttributes"]
        sub = next(attribute["Value"] for attribute in attributes if attribute["Name"] == "sub")
        return TicketAuthor(user_id=sub, role=Role(user.role), partner_id=user.partner_id, email=email)

    anna, sam = author("anna@acme.example"), author("sam@hub.example")
    stories = (
        (
            "tkt_5eed00000000000000000001",
            "Delivery reports arrive hours late",
            TicketCategory.TECHNICAL,
            "Since Monday the delivered/read statuses of our order updates reach our webhook two to three hours late.",
            "Thanks for the report: Meta confirms delays on status webhooks in the EU region. Do you still see them "
            "today?",
            timedelta(days=2),
            None,
        ),
        (
            "tkt_5eed00000000000000000002",
            "Invoice address after our move",
            TicketCategory.BILLING,
            "We moved to Berliner Straße 12, 10115 Berlin. Please put the new address on the next invoice.",
            "Done: the address is changed in your billing details and the next invoice carries it.",
            timedelta(days=10),
            timedelta(days=8),
        ),
    )
    for ticket_id, subject, category, description, answer, age, solved_age in stories:
        opened = Ticket(
            ticket_id=ticket_id,
            client_id="acme",
            subject=subject,
            category=category,
            description=description,
            number_id=story.NUMBERS[0].number_id,
            priority=TicketPriority.NORMAL,
            status=TicketStatus.OPEN,
            requester=anna,
            created_at=now - age,
            updated_at=now - age,
        )
        answered_at = opened.created_at + timedelta(hours=3)
        reply = Message(message_id=f"msg_{ticket_id[4:]}", ticket_id=ticket_id, author=sam, body=answer, at=answered_at)
        answered = opened.model_copy(
            update={
                "status": TicketStatus.PENDING_CUSTOMER,
                "messages": 1,
                "first_response_at": answered_at,
                "updated_at": answered_at,
                "version": 2,
            }
        )
        store.save(None, opened)
        store.save(opened, answered, message=reply)
        if solved_age is not None:
            solved = answered.model_copy(
                update={
                    "status": TicketStatus.SOLVED,
                    "solved_at": now - solved_age,
                    "updated_at": now - solved_age,
                    "version": 3,
                }
            )
            store.save(answered, solved)


def seed_stripe(info: AwsInfo, stripe_url: str) -> None:
    """Each direct client's Stripe customer and licence subscription, as billing opens them from its numbers'
    events, in the running Stripe sandbox; the customer pays with Stripe's test Visa card."""
    store = BillingStore(info.tables["BillingTable"], info.client("dynamodb"))
    accounts = AccountsReader(info.tables["AccountsTable"], info.client("dynamodb"))
    for client in story.CLIENTS:
        if client.billing_model != BillingModel.DIRECT:
            continue
        sync_subscription(client.client_id, "seed", store=store, accounts=accounts, payments=payments())
        account = store.account(client.client_id)
        if account is not None:
            httpx.post(
                f"{stripe_url}/_sandbox/customers/{account.customer_id}/payment_method",
                json={"card": TEST_VISA},
                timeout=10,
            ).raise_for_status()


def end_of_month(now: datetime) -> datetime:
    """The last instant (UTC) of `now`'s month: 2026-11-30T23:59:59.999999Z."""
    return _start_of_month(_start_of_month(now) + timedelta(days=32)) - timedelta(microseconds=1)


def _start_of_month(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def account_items() -> list[dict[str, Any]]:
    """Client profiles, partners and each client's link to its partner with what it granted, in the layout of
    hub_shared.accounts and hub_accounts.store."""
    stamp = to_rfc3339(story.SEEDED_AT)
    granted = {(grant.client_id, grant.partner_id): grant.scopes for grant in story.GRANTS}
    items: list[dict[str, Any]] = [
        client_profile_item(
            ClientAccount(
                client_id=client.client_id,
                name=client.name,
                billing_model=BillingModel(client.billing_model),
                partner_id=client.partner_id,
                prepaid=client.prepaid,
            )
        )
        for client in story.CLIENTS
    ]
    items += [
        {
            **partner_link_item(
                client.client_id,
                client.partner_id,
                granted.get((client.client_id, client.partner_id), ()),
                updated_at=stamp,
            ),
            "version": 1,
        }
        for client in story.CLIENTS
        if client.partner_id
    ]
    items += [
        partner_item(
            Partner(partner_id=partner.partner_id, name=partner.name, auto_approve=partner.auto_approve, version=1)
        )
        for partner in story.PARTNERS
    ]
    return items


def story_templates(now: datetime) -> list[Template]:
    """The story's templates as a first sync at `now` mirrors them from Meta's sandbox."""
    return [
        Template(
            waba_id=template.waba_id,
            name=template.name,
            language=template.language,
            template_id=template.template_id,
            status=template.status,
            category=template.category,
            quality_score=template.quality_score,
            rejected_reason=None if template.rejected_reason == "NONE" else template.rejected_reason,
            components=copy.deepcopy(list(template.components)),
            synced_at=now,
        )
        for template in story.TEMPLATES
    ]


def story_numbers(now: datetime) -> list[Number]:
    """The story's numbers: the cancelled one is deleted at the end of `now`'s month, the deleted one was deleted
    at the end of the month before."""
    deletion_at = {story.CANCELLED_NUMBER: end_of_month(now)}
    deletion_at |= {
        phone.number_id: _start_of_month(now) - timedelta(microseconds=1)
        for phone in story.NUMBERS
        if phone.account_status == "deleted"
    }
    return [
        Number.model_validate(
            asdict(phone)
            | {
                "deletion_at": deletion_at.get(phone.number_id, phone.deletion_at),
                "created_at": story.SEEDED_AT,
                "updated_at": story.SEEDED_AT,
            }
        )
        for phone in story.NUMBERS
    ]


def _put_user(cognito: CognitoIdentityProviderClient, pool_id: str, user: story.User) -> str:
    """Create or refresh the user; answers its `sub`."""
    attributes: list[AttributeTypeTypeDef] = [
        {"Name": "email", "Value": user.email},
        {"Name": "email_verified", "Value": "true"},
        {"Name": "name", "Value": user.name},
    ]
    attributes += [
        {"Name": f"custom:{name}", "Value": value}
        for name, value in (("client_id", user.client_id), ("partner_id", user.partner_id))
        if value
    ]
    try:
        cognito.admin_create_user(
            UserPoolId=pool_id, Username=user.email, UserAttributes=attributes, MessageAction="SUPPRESS"
        )
    except cognito.exceptions.UsernameExistsException:
        # The email is the username, so it is already right (and moto refuses to set it again).
        rest = [attribute for attribute in attributes if attribute["Name"] != "email"]
        cognito.admin_update_user_attributes(UserPoolId=pool_id, Username=user.email, UserAttributes=rest)
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=user.email, Password=user.password, Permanent=True)
    for group in user.groups:
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=user.email, GroupName=group)
    attributes_now = cognito.admin_get_user(UserPoolId=pool_id, Username=user.email)["UserAttributes"]
    return next(attribute["Value"] for attribute in attributes_now if attribute["Name"] == "sub")


def demo_users() -> tuple[DemoUser, ...]:
    """Every demo user with what the hub lets them see."""
    return tuple(DemoUser(user.email, user.role, user.password, _sees(user)) for user in story.USERS)


def _sees(user: story.User) -> str:
    if "support" in user.groups:
        return "every client (support group)"
    if user.client_id:
        return next(f"{c.name} ({c.client_id})" for c in story.CLIENTS if c.client_id == user.client_id)
    granted = {grant.client_id: grant.scopes for grant in story.GRANTS if grant.partner_id == user.partner_id}
    clients = [client.client_id for client in story.CLIENTS if client.partner_id == user.partner_id]
    if not clients:
        return "no clients yet (change requests to it wait for its decision)"
    return "; ".join(
        f"{client}: {', '.join(granted[client])}" if client in granted else f"{client}: nothing granted"
        for client in clients
    )
