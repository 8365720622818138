"""E-mail to the other party of a ticket's change: what a customer does reaches the support team's address, what an
agent does reaches the ticket's requester. Internal notes, assignments and priorities are the agents' own workflow:
nobody is mailed. Sent through a `Mailer` (SES in AWS; the local cloud keeps them, README "Support")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from hub_shared.auth import Role
from hub_support.events import TicketChangeKind, TicketCreated, TicketUpdated


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str


class Mailer(Protocol):
    def send(self, mail: Mail) -> str:
        """Send it; answers the message id."""
        ...


@dataclass(frozen=True)
class MailPolicy:
    support_email: str
    portal_url: str

    def link(self, ticket_id: str) -> str:
        return f"{self.portal_url.rstrip('/')}/support/{ticket_id}"


SILENT = frozenset({TicketChangeKind.NOTE_ADDED, TicketChangeKind.ASSIGNED, TicketChangeKind.PRIORITY_CHANGED})

_WHAT = {
    TicketChangeKind.REPLIED: "New reply",
    TicketChangeKind.ATTACHMENT_ADDED: "New file",
    TicketChangeKind.SOLVED: "Solved",
    TicketChangeKind.CLOSED: "Closed",
    TicketChangeKind.REOPENED: "Reopened",
}


def notification(event: TicketCreated | TicketUpdated, policy: MailPolicy) -> Mail | None:
    """The e-mail a ticket's event sends, or None (nobody to tell, or nothing to tell)."""
    to = event.requester_email if event.actor.role is Role.SUPPORT else policy.support_email
    if to is None:
        return None
    link = policy.link(event.ticket_id)
    if isinstance(event, TicketCreated):
        subject = f"[{event.ticket_id}] New ticket: {event.subject}"
        text = (
            f"A ticket was opened for client {event.client_id} ({event.category.value}, {event.priority.value} "
            f"priority).\n\n{event.subject}\n\n{link}\n"
        )
        return Mail(to=to, subject=subject, text=text)
    if event.internal or event.change in SILENT:
        return None
    subject = f"[{event.ticket_id}] {_WHAT[event.change]}: {event.subject}"
    excerpt = f"\n\n{event.excerpt}" if event.excerpt else ""
    text = f"{_WHAT[event.change]} on ticket “{event.subject}” — now {event.status.value}.{excerpt}\n\n{link}\n"
    return Mail(to=to, subject=subject, text=text)
