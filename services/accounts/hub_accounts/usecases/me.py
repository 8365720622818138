"""The caller's own account: who they are, the username they choose, and their sign-in address.

An e-mail change goes through Cognito, which owns the sign-in address: the new address is set on the user, and the
pool (`AttributesRequireVerificationBeforeUpdate: [email]`) keeps the old one until the user enters the code Cognito
sent to the new one (the portal does that with the user's own access token). Then `confirm_email_change` finds the
new address verified, ends the user's sessions and starts a password reset, whose code goes to the new address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from hub_accounts.events import EmailChanged, EmailChangeRequested, UsernameChanged
from hub_accounts.models.me import ClientSummary, EmailChange, Me, MeChange, PartnerGrant, UserProfile
from hub_shared.accounts import ClientAccounts
from hub_shared.auth import Principal, Role
from hub_shared.clock import to_rfc3339
from hub_shared.errors import FieldError, NotFound, StateConflict, ValidationFailed
from hub_shared.events import Actor, DomainEvent, EventMetadata

ATTEMPTS = 3
TAKEN = "Another user signs in with that address; choose another one."


class Users(Protocol):
    def user(self, user_id: str) -> UserProfile: ...

    def save_user(self, user: UserProfile, events: tuple[DomainEvent, ...]) -> bool: ...


class EmailTaken(Exception):
    """Another user signs in with that address."""


class Identities(Protocol):
    """The user pool, which owns sign-in addresses."""

    def email_of(self, user_id: str) -> tuple[str, bool]:
        """The user's sign-in address and whether it is verified."""
        ...

    def owner_of(self, email: str) -> str | None:
        """The user who signs in with `email`, if any."""
        ...

    def ask_to_verify(self, user_id: str, email: str) -> None:
        """Set `email` as the user's new address, pending the code sent to it; EmailTaken when someone has it."""
        ...

    def reset_password(self, user_id: str) -> None:
        """End the user's sessions and start a password reset (the code goes to their address)."""
        ...


def who_am_i(principal: Principal, *, accounts: ClientAccounts, users: Users) -> Me:
    return _me(principal, users.user(principal.subject), accounts=accounts)


def _me(principal: Principal, user: UserProfile, *, accounts: ClientAccounts, email: str | None = None) -> Me:
    me = Me(
        subject=principal.subject,
        email=email or principal.email,
        username=user.username,
        role=principal.role,
        partner_id=principal.partner_id,
        pending_email=user.pending_email,
    )
    if principal.role is Role.CLIENT:
        account = accounts.clients([principal.own_client_id]).get(principal.own_client_id)
        if account is None:
            raise NotFound(f"Client {principal.own_client_id} has no account.")
        me.client = ClientSummary(
            client_id=account.client_id,
            name=account.name,
            billing_model=account.billing_model,
            partner_id=account.partner_id,
            prepaid=account.prepaid,
        )
    elif principal.role is Role.PARTNER:
        grants = accounts.grants_of_partner(principal.own_partner_id)
        me.grants = [PartnerGrant(client_id=c, scopes=sorted(s)) for c, s in sorted(grants.items())]
    return me


def change_me(principal: Principal, change: MeChange, *, accounts: ClientAccounts, users: Users, now: datetime) -> Me:
    """The user's new username (the same one changes nothing)."""
    for _ in range(ATTEMPTS):
        user = users.user(principal.subject)
        if user.username == change.username:
            return _me(principal, user, accounts=accounts)
        event = UsernameChanged(
            metadata=EventMetadata.at(now),
            user_id=principal.subject,
            client_id=principal.client_id,
            previous=user.username,
            username=change.username,
            actor=Actor.of(principal),
        )
        after = user.model_copy(update={"username": change.username, "updated_at": to_rfc3339(now)})
        if users.save_user(after, (event,)):
            return _me(principal, after, accounts=accounts)
    raise StateConflict("The account kept changing meanwhile; read it again and retry.")


def request_email_change(
    principal: Principal,
    change: EmailChange,
    *,
    accounts: ClientAccounts,
    users: Users,
    identities: Identities,
    now: datetime,
) -> Me:
    """Ask Cognito to send a code to the new address; the old one stays the sign-in address until the code is
    entered. Asking again (the same or another address) sends a new code."""
    current, _ = identities.email_of(principal.subject)
    if change.email == current.lower():
        raise ValidationFailed(
            "That is already your sign-in address.",
            errors=[FieldError("body.email", "That is already your sign-in address.")],
        )
    owner = identities.owner_of(change.email)
    if owner is not None and owner != principal.subject:
        raise StateConflict(TAKEN)
    user = users.user(principal.subject)
    try:
        identities.ask_to_verify(principal.subject, change.email)
    except EmailTaken:
        raise StateConflict(TAKEN) from None
    event = EmailChangeRequested(
        metadata=EventMetadata.at(now),
        user_id=principal.subject,
        client_id=principal.client_id,
        previous=current,
        email=change.email,
        actor=Actor.of(principal),
    )
    after = user.model_copy(
        update={"pending_email": change.email, "previous_email": current, "updated_at": to_rfc3339(now)}
    )
    if not users.save_user(after, (event,)):
        raise StateConflict("The account changed meanwhile; read it again and retry.")
    return _me(principal, after, accounts=accounts, email=current)


def confirm_email_change(
    principal: Principal, *, accounts: ClientAccounts, users: Users, identities: Identities, now: datetime
) -> Me:
    """Once the user entered the code Cognito sent to the new address: end their sessions and start a password
    reset (its code goes to the new address), as the portal's users know it from the seed's story."""
    user = users.user(principal.subject)
    if user.pending_email is None:
        raise StateConflict("No e-mail change is waiting for its code; ask for one first.")
    email, verified = identities.email_of(principal.subject)
    if email.lower() != user.pending_email or not verified:
        raise StateConflict(f"{user.pending_email} is not confirmed yet: enter the code sent to it.")
    event = EmailChanged(
        metadata=EventMetadata.at(now),
        user_id=principal.subject,
        client_id=principal.client_id,
        previous=user.previous_email or principal.email or "",
        email=user.pending_email,
        actor=Actor.of(principal),
    )
    after = user.model_copy(update={"pending_email": None, "previous_email": None, "updated_at": to_rfc3339(now)})
    if not users.save_user(after, (event,)):
        raise StateConflict("The account changed meanwhile; read it again and retry.")
    identities.reset_password(principal.subject)
    return _me(principal, after, accounts=accounts, email=email)
