"""The support service's domain events (source `hub.support`), published through the support table's outbox. Each
carries who acted, so the other party can be told (an e-mail) and an activity feed can say who did it."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from hub_shared.events import Actor, DomainEvent
from hub_support.models.tickets import TicketCategory, TicketOrigin, TicketPriority, TicketStatus

SOURCE = "hub.support"


class TicketChangeKind(StrEnum):
    REPLIED = "replied"
    NOTE_ADDED = "note_added"
    ATTACHMENT_ADDED = "attachment_added"
    ASSIGNED = "assigned"
    PRIORITY_CHANGED = "priority_changed"
    SOLVED = "solved"
    CLOSED = "closed"
    REOPENED = "reopened"


class TicketCreated(DomainEvent):
    """A ticket was opened: by a client's user, a partner or an agent, or from another service's request."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "TicketCreated"

    ticket_id: str
    client_id: str
    subject: str
    category: TicketCategory
    priority: TicketPriority
    status: TicketStatus
    origin: TicketOrigin
    number_id: str | None = None
    actor: Actor
    requester_email: str | None = Field(default=None, description="Where support's answers are mailed.")


class TicketUpdated(DomainEvent):
    """A ticket changed: a message (an internal note is marked `internal`: the customer is never told), a file,
    its assignee, priority or status."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "TicketUpdated"

    ticket_id: str
    client_id: str
    subject: str
    change: TicketChangeKind
    status: TicketStatus
    previous_status: TicketStatus
    internal: bool = Field(default=False, description="Seen by support agents only (a note).")
    actor: Actor
    excerpt: str | None = Field(default=None, description="The start of the message, for a notification.")
    requester_email: str | None = Field(default=None, description="Where support's answers are mailed.")
    assignee: str | None = None
    priority: TicketPriority
