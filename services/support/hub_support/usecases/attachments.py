"""Attachments: the browser uploads a ticket's file straight to the private bucket with an S3 pre-signed POST whose
policy holds the key, the content type and the size (S3 itself refuses anything else); reads get short-lived
download addresses. Only the ticket's client's users (and its partner with `tickets:write`) and agents reach them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from hub_shared.auth import Principal
from hub_shared.errors import FieldError
from hub_support.errors import AttachmentRefused, TicketClosed, TooManyAttachments
from hub_support.events import TicketChangeKind
from hub_support.models.tickets import (
    Attachment,
    AttachmentUpload,
    AttachmentUploadForm,
    NewTicketAttachment,
    Ticket,
    TicketAttachment,
    TicketDetail,
    TicketStatus,
)
from hub_support.usecases.tickets import (
    Changed,
    TicketPolicy,
    Tickets,
    advanced,
    author_of,
    message_view,
    read_ticket,
    save_change,
    ticket_updated,
    ticket_view,
    visible_ticket,
)


class Files(Protocol):
    """The attachments bucket (`hub_support.integrations.files.S3Files`)."""

    def upload_form(self, key: str, *, content_type: str, size: int, expires_in: int) -> tuple[str, dict[str, str]]:
        """A pre-signed POST (its URL and fields) for exactly this key, type and at most `size` bytes."""
        ...

    def download_url(self, key: str, *, filename: str, expires_in: int) -> str: ...

    def exists(self, key: str) -> bool: ...


@dataclass(frozen=True)
class AttachmentPolicy:
    accepted_types: frozenset[str]
    max_bytes: int
    per_ticket: int
    upload_ttl: timedelta
    download_ttl: timedelta


def attachment_key(ticket_id: str, attachment_id: str) -> str:
    return f"tickets/{ticket_id}/{attachment_id}"


def _refusals(request: NewTicketAttachment, policy: AttachmentPolicy) -> list[FieldError]:
    refusals = []
    if request.content_type not in policy.accepted_types:
        accepted = ", ".join(sorted(policy.accepted_types))
        refusals.append(FieldError("body.content_type", f"{request.content_type} is not accepted; send {accepted}."))
    if request.size > policy.max_bytes:
        refusals.append(
            FieldError("body.size", f"At most {policy.max_bytes} bytes ({policy.max_bytes // 1048576} MB).")
        )
    return refusals


def request_upload(
    ticket_id: str,
    request: NewTicketAttachment,
    principal: Principal,
    *,
    tickets: Tickets,
    files: Files,
    policy: AttachmentPolicy,
    now: datetime,
    new_id: Callable[[str], str],
) -> AttachmentUpload:
    """Record the file on the ticket and answer the form its bytes are posted with."""
    visible_ticket(ticket_id, principal, tickets)  # 404 before a refusal of the file
    refusals = _refusals(request, policy)
    if refusals:
        raise AttachmentRefused("The hub does not take this file.", errors=refusals)
    attachment_id = new_id("att")

    def change(ticket: Ticket) -> Changed[Attachment]:
        if ticket.status is TicketStatus.CLOSED:
            raise TicketClosed()
        if ticket.attachments >= policy.per_ticket:
            raise TooManyAttachments(f"A ticket holds at most {policy.per_ticket} files.")
        attachment = Attachment(
            attachment_id=attachment_id,
            ticket_id=ticket_id,
            filename=request.filename,
            content_type=request.content_type,
            size=request.size,
            key=attachment_key(ticket_id, attachment_id),
            author=author_of(principal),
            at=max(now, ticket.updated_at),
        )
        after = advanced(ticket, now, attachments=ticket.attachments + 1)
        event = ticket_updated(
            ticket, after, TicketChangeKind.ATTACHMENT_ADDED, principal, now, excerpt=request.filename
        )
        return Changed(after, event, attachment)

    attachment = save_change(ticket_id, principal, tickets, change).added
    expires = int(policy.upload_ttl.total_seconds())
    url, fields = files.upload_form(
        attachment.key, content_type=request.content_type, size=request.size, expires_in=expires
    )
    return AttachmentUpload(
        attachment_id=attachment_id,
        upload=AttachmentUploadForm(url=url, fields=fields, expires_at=now + policy.upload_ttl),
    )


def attachment_views(
    attachments: list[Attachment], *, files: Files, policy: AttachmentPolicy, now: datetime
) -> list[TicketAttachment]:
    """The ticket's files, those uploaded with an address to download them for a few minutes."""
    expires = int(policy.download_ttl.total_seconds())
    views = []
    for attachment in attachments:
        uploaded = files.exists(attachment.key)
        views.append(
            TicketAttachment(
                attachment_id=attachment.attachment_id,
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=attachment.size,
                author=attachment.author,
                at=attachment.at,
                uploaded=uploaded,
                download_url=(
                    files.download_url(attachment.key, filename=attachment.filename, expires_in=expires)
                    if uploaded
                    else None
                ),
                download_expires_at=now + policy.download_ttl if uploaded else None,
            )
        )
    return views


def ticket_detail(
    ticket_id: str,
    principal: Principal,
    *,
    tickets: Tickets,
    files: Files,
    policy: TicketPolicy,
    attachments: AttachmentPolicy,
    now: datetime,
) -> TicketDetail:
    """The ticket, its thread as the caller may read it, and its files."""
    ticket, messages, files_of_ticket = read_ticket(ticket_id, principal, tickets=tickets)
    return TicketDetail(
        **ticket_view(ticket, principal, policy).model_dump(),
        description=ticket.description,
        context=ticket.context,
        thread=[message_view(message) for message in messages],
        attachments=attachment_views(files_of_ticket, files=files, policy=attachments, now=now),
    )
