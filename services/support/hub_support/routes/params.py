"""What the support service's routes share: their dependencies, parameters and access rules."""

from __future__ import annotations

import uuid
from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from hub_shared.access import AccessRule
from hub_shared.accounts import AccountsReader, accounts_reader
from hub_shared.pagination import CursorCodec
from hub_shared.wabas import WabaRegistry
from hub_support.deps import attachment_policy, cursor_codec, files, support_store, ticket_policy, waba_registry
from hub_support.integrations.files import S3Files
from hub_support.models.tickets import TICKET_ID_PATTERN
from hub_support.store.tickets import SupportStore
from hub_support.usecases.attachments import AttachmentPolicy
from hub_support.usecases.tickets import TicketPolicy

Store = Annotated[SupportStore, Depends(support_store)]
Accounts = Annotated[AccountsReader, Depends(accounts_reader)]
Registry = Annotated[WabaRegistry, Depends(waba_registry)]
Cursors = Annotated[CursorCodec, Depends(cursor_codec)]
Files = Annotated[S3Files, Depends(files)]
Policy = Annotated[TicketPolicy, Depends(ticket_policy)]
Uploads = Annotated[AttachmentPolicy, Depends(attachment_policy)]

TicketId = Annotated[str, Path(pattern=TICKET_ID_PATTERN, description="The ticket (`tkt_…`).")]

PARTNER_TICKETS = ("tickets:write",)
TICKET = AccessRule(
    resource="ticket_id",
    kind="ticket",
    client=True,
    partner=PARTNER_TICKETS,
    partner_sees=PARTNER_TICKETS,
    support=True,
)
"""A ticket: its client's users, its partner granted `tickets:write`, and agents."""
AGENT_TICKET = AccessRule(resource="ticket_id", kind="ticket", partner_sees=PARTNER_TICKETS, support=True)
"""The agents' work on a ticket: others who see it get 403."""
TICKETS = AccessRule(client=True, partner=PARTNER_TICKETS, partner_sees=PARTNER_TICKETS, support=True)
"""Opening a ticket (a partner or an agent names the client in the body)."""
TICKET_LIST = AccessRule(
    tenant_query="client_id",
    lists=True,
    client=True,
    partner=PARTNER_TICKETS,
    partner_sees=PARTNER_TICKETS,
    support=True,
)
AGENTS = AccessRule(support=True)


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"
