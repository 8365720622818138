"""What the accounts service's routes share: their dependencies, parameters and access rules."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from hub_accounts.deps import accounts_store, cursor_codec
from hub_accounts.models.changes import REQUEST_ID_PATTERN
from hub_accounts.store.accounts import AccountsStore
from hub_shared.access import ANY_PARTNER, AccessRule
from hub_shared.accounts import AccountsReader, accounts_reader
from hub_shared.auth import ID_PATTERN
from hub_shared.pagination import MAX_CURSOR_LENGTH, MAX_LIMIT, CursorCodec

Store = Annotated[AccountsStore, Depends(accounts_store)]
Accounts = Annotated[AccountsReader, Depends(accounts_reader)]
Cursors = Annotated[CursorCodec, Depends(cursor_codec)]

ClientId = Annotated[str, Path(pattern=ID_PATTERN.pattern, description="The client.")]
RequestId = Annotated[str, Path(pattern=REQUEST_ID_PATTERN, description="The partner change request (`pcr_…`).")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
Cursor = Annotated[
    str | None, Query(min_length=1, max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the last page.")
]

CLIENT_READS = AccessRule(resource="client_id", client=True, support=True)
"""The client's partner settings, read: its users and support agents (partners: 403 on a client they see)."""
CLIENT_MANAGES = AccessRule(resource="client_id", client=True)
"""The client's partner settings, changed: its users only."""
PARTNERS = AccessRule(partner=(ANY_PARTNER,))
"""A partner's own settings and clients: its users."""
PARTNER_INBOX = AccessRule(partner=(ANY_PARTNER,), support=True)
DECISION = AccessRule(resource="request_id", kind="change_request", partner=(ANY_PARTNER,))
"""Deciding a request: the partner it is addressed to (another partner: 404; its client and agents: 403)."""
ANYONE = AccessRule(client=True, partner=(ANY_PARTNER,), support=True)


def new_request_id(now: datetime) -> str:
    """`pcr_` and 24 hex digits that sort as the requests were made: milliseconds, then randomness."""
    return f"pcr_{int(now.timestamp() * 1000):012x}{uuid.uuid4().hex[:12]}"
