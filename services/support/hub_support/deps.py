"""The support service's adapters, each built once per process, and what its routes inject with Depends(). Tests
override the clock (`hub_shared.api.request_time`)."""

from __future__ import annotations

from datetime import timedelta

from hub_shared import aws
from hub_shared.accounts import accounts_reader
from hub_shared.pagination import CursorCodec
from hub_shared.secrets import get_secret
from hub_shared.singletons import singleton
from hub_shared.wabas import WabaRegistry
from hub_support.integrations.files import S3Files
from hub_support.integrations.mail import SesMailer
from hub_support.settings import support_settings
from hub_support.store.tickets import SupportStore
from hub_support.usecases.attachments import AttachmentPolicy
from hub_support.usecases.notifications import MailPolicy
from hub_support.usecases.tickets import TicketPolicy

__all__ = [
    "accounts_reader",
    "attachment_policy",
    "cursor_codec",
    "files",
    "mail_policy",
    "mailer",
    "support_store",
    "ticket_policy",
    "waba_registry",
]


@singleton
def support_store() -> SupportStore:
    return SupportStore()


@singleton
def waba_registry() -> WabaRegistry:
    return WabaRegistry()


@singleton
def cursor_codec() -> CursorCodec:
    return CursorCodec(key=lambda: get_secret(support_settings().cursor_secret))


@singleton
def files() -> S3Files:
    return S3Files(aws.s3(), support_settings().attachments_bucket)


@singleton
def mailer() -> SesMailer:
    return SesMailer(aws.sesv2(), support_settings().mail_from)


def ticket_policy() -> TicketPolicy:
    settings = support_settings()
    return TicketPolicy(
        reopen_window=timedelta(days=settings.reopen_window_days),
        first_response_window=timedelta(days=settings.first_response_window_days),
    )


def attachment_policy() -> AttachmentPolicy:
    settings = support_settings()
    return AttachmentPolicy(
        accepted_types=settings.accepted_types,
        max_bytes=settings.attachment_max_bytes,
        per_ticket=settings.attachments_per_ticket,
        upload_ttl=timedelta(seconds=settings.upload_url_seconds),
        download_ttl=timedelta(seconds=settings.download_url_seconds),
    )


def mail_policy() -> MailPolicy:
    settings = support_settings()
    return MailPolicy(support_email=settings.support_email, portal_url=settings.portal_url)
