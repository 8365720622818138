"""Tickets, their thread and attachments: what the support table keeps, and what the routes take and answer."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints

from hub_shared.auth import Role
from hub_shared.clock import UtcDateTime
from hub_shared.events import Actor
from hub_shared.model import HubModel

TICKET_ID_PATTERN = r"^tkt_[0-9a-f]{24}$"
ATTACHMENT_ID_PATTERN = r"^att_[0-9a-f]{24}$"
SUBJECT_MAX = 150
DESCRIPTION_MAX = 10_000
BODY_MAX = 10_000
FILENAME_MAX = 200


class TicketCategory(StrEnum):
    NUMBERS = "numbers"
    TEMPLATES = "templates"
    BILLING = "billing"
    DISPLAY_NAME = "display_name"
    TECHNICAL = "technical"
    OTHER = "other"


class TicketPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TicketStatus(StrEnum):
    """`open` → `pending_customer` (support answered) / `pending_support` (the customer answered) → `solved`
    (support) → `closed` (the customer, or anyone from `solved`); a closed or solved ticket may be reopened
    within the reopen window."""

    OPEN = "open"
    PENDING_CUSTOMER = "pending_customer"
    PENDING_SUPPORT = "pending_support"
    SOLVED = "solved"
    CLOSED = "closed"


ACTIVE_STATUSES = (TicketStatus.OPEN, TicketStatus.PENDING_CUSTOMER, TicketStatus.PENDING_SUPPORT)


class TicketOrigin(StrEnum):
    """Where a ticket came from: a person in the portal or the API, or another service's request on the bus."""

    PORTAL = "portal"
    COMMERCE_SUPPORT_REQUEST = "commerce_support_request"
    FUNDS_REFUND_REQUEST = "funds_refund_request"


Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SUBJECT_MAX)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=DESCRIPTION_MAX)]


class TicketAuthor(HubModel):
    """Who wrote or changed something: the actor of the events, and the address the answer's e-mail goes to."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    role: Role
    partner_id: str | None = None
    email: str | None = None

    def actor(self) -> Actor:
        return Actor(user_id=self.user_id, role=self.role, partner_id=self.partner_id, email=self.email)

    @property
    def is_agent(self) -> bool:
        return self.role is Role.SUPPORT


class Ticket(HubModel):
    """A ticket as the support table keeps it (`TICKET#<id>` / `TICKET`)."""

    ticket_id: str
    client_id: str
    subject: str
    category: TicketCategory
    description: str
    number_id: str | None = None
    priority: TicketPriority
    status: TicketStatus
    origin: TicketOrigin = TicketOrigin.PORTAL
    context: dict[str, Any] = Field(default_factory=dict)
    requester: TicketAuthor
    assignee: str | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    first_response_at: UtcDateTime | None = None
    solved_at: UtcDateTime | None = None
    closed_at: UtcDateTime | None = None
    messages: int = Field(default=0, description="Messages of the thread everyone sees.")
    notes: int = Field(default=0, description="Internal notes (agents only).")
    attachments: int = 0
    version: int = 1

    @property
    def first_response_seconds(self) -> int | None:
        if self.first_response_at is None:
            return None
        return int((self.first_response_at - self.created_at).total_seconds())


class Message(HubModel):
    """One message of a ticket's thread (`TICKET#<id>` / `MESSAGE#<at>#<id>`)."""

    message_id: str
    ticket_id: str
    author: TicketAuthor
    body: str
    internal: bool = False
    at: UtcDateTime


class Attachment(HubModel):
    """A file of a ticket (`TICKET#<id>` / `ATTACHMENT#<id>`), uploaded by its author straight to S3."""

    attachment_id: str
    ticket_id: str
    filename: str
    content_type: str
    size: int
    key: str
    author: TicketAuthor
    at: UtcDateTime


# ---------------------------------------------------------------- what the routes take


class NewTicket(HubModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "subject": "Messages to Brazil fail",
                    "category": "technical",
                    "description": "Since this morning every message to +55 numbers fails with error 131026.",
                }
            ]
        },
    )

    subject: Subject = Field(description=f"One line, at most {SUBJECT_MAX} characters.")
    category: TicketCategory
    description: Text = Field(description=f"What happened, at most {DESCRIPTION_MAX} characters.")
    number_id: str | None = Field(default=None, pattern=r"^[0-9]{1,20}$", description="The number it is about.")
    priority: TicketPriority = TicketPriority.NORMAL
    client_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
        description="The client the ticket is for: partners and support agents name it; a client's own users may "
        "leave it out.",
    )


class NewTicketMessage(HubModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"body": "It works again, thanks."}]})

    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=BODY_MAX)]
    internal: bool = Field(
        default=False, strict=True, description="A note only support agents see (agents only); no status change."
    )


class TicketChange(HubModel):
    """What an agent changes: the assignee (null: nobody) and the priority."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"assignee": "sam@hub.example", "priority": "high"}]}
    )

    assignee: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=254)] | None = Field(
        default=None, description="The agent working it (null: unassigned)."
    )
    priority: TicketPriority | None = None


class NewTicketAttachment(HubModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"filename": "error.png", "content_type": "image/png", "size": 48213}]},
    )

    filename: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=FILENAME_MAX)]
    content_type: str = Field(max_length=100, description="One of the types the hub accepts.")
    size: int = Field(gt=0, strict=True, description="Bytes; S3 refuses an upload larger than this.")


# ---------------------------------------------------------------- what the routes answer


class TicketView(HubModel):
    ticket_id: str
    client_id: str
    subject: str
    category: TicketCategory
    number_id: str | None
    priority: TicketPriority
    status: TicketStatus
    origin: TicketOrigin
    requester: TicketAuthor
    assignee: str | None
    created_at: UtcDateTime
    updated_at: UtcDateTime = Field(description="The latest activity: the list's order, newest first.")
    first_response_at: UtcDateTime | None
    first_response_seconds: int | None = Field(description="From opening to support's first public answer.")
    solved_at: UtcDateTime | None
    closed_at: UtcDateTime | None
    messages: int = Field(description="Messages in the thread the caller sees.")
    reopen_until: UtcDateTime | None = Field(description="A solved or closed ticket may be reopened until then.")


class TicketPage(HubModel):
    items: list[TicketView]
    next_cursor: str | None = None


class TicketMessage(HubModel):
    message_id: str
    author: TicketAuthor
    body: str
    internal: bool
    at: UtcDateTime


class TicketAttachment(HubModel):
    attachment_id: str
    filename: str
    content_type: str
    size: int
    author: TicketAuthor
    at: UtcDateTime
    uploaded: bool = Field(description="The file has reached the hub (until then it has no download address).")
    download_url: str | None = Field(description="A short-lived address of the file.")
    download_expires_at: UtcDateTime | None


class TicketDetail(TicketView):
    description: str
    context: dict[str, Any] = Field(description="What the service that opened it attached (its request).")
    thread: list[TicketMessage] = Field(description="Oldest first; internal notes for agents only.")
    attachments: list[TicketAttachment]


class AttachmentUploadForm(HubModel):
    url: str = Field(description="Where to POST the form (multipart/form-data), `file` last.")
    fields: dict[str, str] = Field(description="The form's fields, each sent as it is.")
    expires_at: UtcDateTime


class AttachmentUpload(HubModel):
    attachment_id: str
    upload: AttachmentUploadForm


class TicketCounts(HubModel):
    status: TicketStatus
    category: TicketCategory
    tickets: int


class SupportFigures(HubModel):
    """What agents watch: tickets not closed, by status and category, and how fast support first answers."""

    counts: list[TicketCounts]
    unassigned: int = Field(description="Tickets open or pending (on either side) that nobody is assigned to.")
    first_response_median_seconds: int | None = Field(
        description="Median first-response time over the tickets opened in the window."
    )
    first_response_window_days: int
    awaiting_first_response: int = Field(description="Tickets of the window support has not answered yet.")
