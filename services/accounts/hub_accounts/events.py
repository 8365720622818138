"""The accounts service's domain events (source `hub.accounts`), published through the accounts table's outbox. Each
names the client it concerns and who acted (the activity feed says it)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from hub_accounts.models.changes import ChangeStatus
from hub_shared.auth import Scope
from hub_shared.events import Actor, DomainEvent

SOURCE = "hub.accounts"


class PartnerPermissionsChanged(DomainEvent):
    """A client changed what it grants its partner (every service reads grants on each request: no cache to clear)."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "PartnerPermissionsChanged"

    client_id: str
    partner_id: str
    partner_name: str | None = Field(default=None, description="The partner's name, when the hub knows it.")
    scopes: list[Scope] = Field(description="Everything granted now.")
    granted: list[Scope] = Field(description="Scopes added by this change.")
    revoked: list[Scope] = Field(description="Scopes taken back by this change.")
    actor: Actor


class _ChangeRequestEvent(DomainEvent):
    SOURCE: ClassVar[str] = SOURCE

    request_id: str
    client_id: str
    from_partner_id: str | None
    from_partner_name: str | None = Field(default=None, description="The client's partner's name, when known.")
    target_partner_id: str
    target_partner_name: str
    status: ChangeStatus
    actor: Actor | None = Field(description="Who acted; none when the hub did (auto-approval, completion).")


class PartnerChangeRequested(_ChangeRequestEvent):
    """A client asked to move to another partner."""

    DETAIL_TYPE: ClassVar[str] = "PartnerChangeRequested"

    reason: str


class PartnerChangeDecided(_ChangeRequestEvent):
    """The target partner accepted or declined a request (or its auto-approval accepted it): accepted, the
    accounts service completes it (`PartnerChangeCompleted`)."""

    DETAIL_TYPE: ClassVar[str] = "PartnerChangeDecided"

    note: str | None = None
    auto_approved: bool = False


class PartnerChangeCancelled(_ChangeRequestEvent):
    """The client withdrew its pending request."""

    DETAIL_TYPE: ClassVar[str] = "PartnerChangeCancelled"


class PartnerChangeCompleted(_ChangeRequestEvent):
    """The client and all its numbers work with the target partner now; the old partner's grants are gone."""

    DETAIL_TYPE: ClassVar[str] = "PartnerChangeCompleted"


class PartnerSettingsChanged(DomainEvent):
    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "PartnerSettingsChanged"

    partner_id: str
    auto_approve: bool
    actor: Actor


class UsernameChanged(DomainEvent):
    """A user changed their username (`client_id`: the client of a client user, for its activity)."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "UsernameChanged"

    user_id: str
    client_id: str | None = None
    previous: str | None = None
    username: str
    actor: Actor


class _EmailEvent(DomainEvent):
    SOURCE: ClassVar[str] = SOURCE

    user_id: str
    client_id: str | None = None
    previous: str
    email: str
    actor: Actor


class EmailChangeRequested(_EmailEvent):
    """A user asked to sign in with a new address; Cognito sent a code to it (the old address stays until it is
    confirmed)."""

    DETAIL_TYPE: ClassVar[str] = "EmailChangeRequested"


class EmailChanged(_EmailEvent):
    """A user confirmed their new address: it is their sign-in name now, their sessions were ended and a password
    reset was started (the code went to the new address)."""

    DETAIL_TYPE: ClassVar[str] = "EmailChanged"
