"""Who is calling, and what they may do.

API Gateway's JWT authorizer has verified the Cognito ID token; its claims arrive in
`requestContext.authorizer.jwt.claims`. `principal_from_claims` turns them into a `Principal`;
`authorize(principal, client_id, ...)` is the one access rule of every resource, built on
`Principal.sees(client_id, ...)` (may it know the resource exists?) and `Principal.can(action, client_id)` (may it
do this to it?). Partner scopes come from the accounts read model, read on every check (a revoke counts at once).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from hub_shared.errors import Forbidden, InvalidPrincipal, NotFound, Unauthorized

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
SUPPORT_GROUP = "support"


class Role(StrEnum):
    CLIENT = "client"
    PARTNER = "partner"
    SUPPORT = "support"


class Scope(StrEnum):
    """What a client can grant its partner (SPEC §3 Accounts)."""

    NUMBERS_READ = "numbers:read"
    TEMPLATES_READ = "templates:read"
    TEMPLATES_WRITE = "templates:write"
    PROFILE_WRITE = "profile:write"
    DISPLAY_NAME_WRITE = "display_name:write"
    INSIGHTS_READ = "insights:read"
    WABA_READ = "waba:read"
    COMMERCE_WRITE = "commerce:write"
    TICKETS_WRITE = "tickets:write"


class Action(StrEnum):
    """Everything a route may check. Each maps to the partner scope it needs, or to none (client only)."""

    NUMBERS_READ = "numbers:read"
    NUMBERS_ADD = "numbers:add"
    NUMBERS_CANCEL = "numbers:cancel"
    IMPORTS_READ = "imports:read"
    INBOX_ACTIVATE = "inbox:activate"
    DISPLAY_NAME_WRITE = "display_name:write"
    WABA_READ = "waba:read"
    PROFILE_WRITE = "profile:write"
    COMMERCE_WRITE = "commerce:write"
    TEMPLATES_READ = "templates:read"
    TEMPLATES_WRITE = "templates:write"
    INSIGHTS_READ = "insights:read"
    BILLING_MANAGE = "billing:manage"
    TICKETS_WRITE = "tickets:write"
    """Open, read, answer, close and reopen the client's support tickets."""
    TICKETS_WORK = "tickets:work"
    """Work the support queue: assign, prioritise, solve, write internal notes (support agents only)."""
    PARTNERS_READ = "partners:read"
    """See what the client granted its partner and its partner change requests (the client, support agents)."""
    PARTNERS_MANAGE = "partners:manage"
    """Grant and revoke partner permissions, ask for and withdraw a partner change (the client only)."""
    ACTIVITY_READ = "activity:read"
    """Read the client's activity feed (the client, support agents)."""


#: The scope a partner needs for an action; actions absent here are never allowed to partners
#: (adding, importing and cancelling numbers, billing and funds, the client's own settings).
PARTNER_SCOPE_FOR: Mapping[Action, Scope] = {
    Action.NUMBERS_READ: Scope.NUMBERS_READ,
    Action.DISPLAY_NAME_WRITE: Scope.DISPLAY_NAME_WRITE,
    Action.WABA_READ: Scope.WABA_READ,
    Action.PROFILE_WRITE: Scope.PROFILE_WRITE,
    Action.COMMERCE_WRITE: Scope.COMMERCE_WRITE,
    Action.TEMPLATES_READ: Scope.TEMPLATES_READ,
    Action.TEMPLATES_WRITE: Scope.TEMPLATES_WRITE,
    Action.INSIGHTS_READ: Scope.INSIGHTS_READ,
    Action.TICKETS_WRITE: Scope.TICKETS_WRITE,
}

#: What a support agent may do on any client (read everything, work tickets).
SUPPORT_ACTIONS = frozenset(
    {
        Action.NUMBERS_READ,
        Action.IMPORTS_READ,
        Action.WABA_READ,
        Action.TEMPLATES_READ,
        Action.INSIGHTS_READ,
        Action.TICKETS_WRITE,
        Action.TICKETS_WORK,
        Action.PARTNERS_READ,
        Action.ACTIVITY_READ,
    }
)

#: What only support agents may do, on every client (a client's own users included may not).
AGENT_ACTIONS = frozenset({Action.TICKETS_WORK})

GrantLookup = Callable[[str, str], frozenset[str]]
"""(partner_id, client_id) → the scopes that client granted that partner."""


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    client_id: str | None = None
    partner_id: str | None = None
    email: str | None = None
    grants: GrantLookup | None = field(default=None, compare=False, repr=False)

    @property
    def own_client_id(self) -> str:
        """The client a client user belongs to."""
        if self.client_id is None:
            raise InvalidPrincipal("The caller is not a client user.")
        return self.client_id

    @property
    def own_partner_id(self) -> str:
        """The partner a partner user belongs to."""
        if self.partner_id is None:
            raise InvalidPrincipal("The caller is not a partner user.")
        return self.partner_id

    def scopes_for(self, client_id: str) -> frozenset[str]:
        if self.role is not Role.PARTNER or self.grants is None or self.partner_id is None:
            return frozenset()
        return self.grants(self.partner_id, client_id)

    def can(self, action: Action, client_id: str) -> bool:
        """May this principal perform `action` on a resource of `client_id`?"""
        if action in AGENT_ACTIONS:
            return self.role is Role.SUPPORT
        if self.role is Role.CLIENT:
            return client_id == self.client_id
        if self.role is Role.SUPPORT:
            return action in SUPPORT_ACTIONS
        scope = PARTNER_SCOPE_FOR.get(action)
        return scope is not None and scope.value in self.scopes_for(client_id)

    def sees(self, client_id: str, via: Iterable[Action] = (Action.NUMBERS_READ,)) -> bool:
        """May this principal know that resources of `client_id` exist at all (else: 404)? Its own client's (client
        users), every client's (support), or those of a client that granted the partner a scope of one of the
        actions `via` (the actions that reveal the kind of resource: reading it, by default reading numbers)."""
        if self.role is Role.CLIENT:
            return client_id == self.client_id
        if self.role is Role.SUPPORT:
            return True
        wanted = {scope.value for action in via if (scope := PARTNER_SCOPE_FOR.get(action)) is not None}
        return bool(wanted) and not wanted.isdisjoint(self.scopes_for(client_id))


class Owned(Protocol):
    """A resource of one client: a number, an import, a WABA, a template, a ticket, …"""

    @property
    def client_id(self) -> str: ...


@dataclass(frozen=True)
class Tenant:
    """A client's resources as a whole (a list filtered by client)."""

    client_id: str


R = TypeVar("R", bound=Owned)

Refusal = Callable[[Principal], Forbidden]
"""The 403 of an action the principal may not take on a resource it sees (its wording may depend on the role)."""


def authorize(
    principal: Principal,
    resource: R | None,
    *,
    missing: NotFound,
    action: Action | None = None,
    via: Iterable[Action] = (Action.NUMBERS_READ,),
    refused: Refusal | None = None,
) -> R:
    """The access rule of every resource (SPEC §1), ownership before role: answers the resource, or
    - raises `missing` (404) when there is no resource (None) or the principal may not know it exists
      (`Principal.sees(resource.client_id, via)`): another tenant's resource answers exactly as a nonexistent one;
    - raises `refused(principal)` (403; a generic Forbidden without it) when it sees the resource but may not take
      `action` on it (`Principal.can`). No `action`: seeing it is all that is asked.
    """
    if resource is None or not principal.sees(resource.client_id, via):
        raise missing
    if action is not None and not principal.can(action, resource.client_id):
        raise refused(principal) if refused is not None else Forbidden(_not_allowed(principal))
    return resource


def _not_allowed(principal: Principal) -> str:
    if principal.role is Role.PARTNER:
        return "The client has not granted your partner account this permission."
    if principal.role is Role.SUPPORT:
        return "Support agents cannot do this for a client."
    return "You may not do this."


def _groups(raw: Any) -> frozenset[str]:
    """`cognito:groups` arrives as a list, or (HTTP API) as a string like "[support admin]"."""
    if raw is None:
        return frozenset()
    if isinstance(raw, list | tuple):
        return frozenset(str(g) for g in raw)
    text = str(raw).strip().strip("[]")
    return frozenset(part.strip().strip('"') for part in re.split(r"[,\s]+", text) if part.strip())


def _id_claim(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise InvalidPrincipal(f"The token's claim `{name}` is malformed.")
    return value


def principal_from_claims(claims: Mapping[str, Any] | None, grants: GrantLookup | None = None) -> Principal:
    """Build the caller from verified JWT claims; refuse tokens that name no single role."""
    if not claims or not claims.get("sub"):
        raise Unauthorized("A valid bearer token is required.")
    subject = str(claims["sub"])
    email = claims.get("email")
    client_id = _id_claim(claims, "custom:client_id")
    partner_id = _id_claim(claims, "custom:partner_id")
    if SUPPORT_GROUP in _groups(claims.get("cognito:groups")):
        return Principal(subject=subject, role=Role.SUPPORT, email=email)
    if client_id and partner_id:
        raise InvalidPrincipal("The token names both a client and a partner.")
    if client_id:
        return Principal(subject=subject, role=Role.CLIENT, client_id=client_id, email=email)
    if partner_id:
        return Principal(subject=subject, role=Role.PARTNER, partner_id=partner_id, email=email, grants=grants)
    raise InvalidPrincipal("The token names no client, partner or support group.")
