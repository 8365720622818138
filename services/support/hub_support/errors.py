"""The support service's errors: what its routes can answer besides the hub's common problems."""

from __future__ import annotations

from hub_shared.errors import Forbidden, NotFound, StateConflict, ValidationFailed


class TicketNotFound(NotFound):
    def __init__(self, ticket_id: str):
        super().__init__(f"Ticket {ticket_id} was not found.")


class ClientNotFound(NotFound):
    def __init__(self, client_id: str):
        super().__init__(f"Client {client_id} was not found.")


class NumberNotFound(NotFound):
    def __init__(self, number_id: str):
        super().__init__(f"Number {number_id} was not found among the client's numbers.")


class AgentsOnly(Forbidden):
    slug = "agents-only"
    title = "Only support agents may do this"


class TicketClosed(StateConflict):
    slug = "ticket-closed"
    title = "The ticket is closed"

    def __init__(self) -> None:
        super().__init__("The ticket is closed: reopen it to write again.")


class StatusConflict(StateConflict):
    slug = "ticket-status-conflict"
    title = "The ticket's status does not allow this"


class ReopenWindowPassed(StateConflict):
    slug = "reopen-window-passed"
    title = "The ticket can no longer be reopened"


class TooManyAttachments(StateConflict):
    slug = "attachments-limit"
    title = "The ticket holds as many files as it may"


class AttachmentRefused(ValidationFailed):
    """A file the hub does not take (its type or size), refused before any upload form is made."""
