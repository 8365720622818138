"""The support service's settings: the shared ones and its own table, attachments bucket, windows and mail."""

from __future__ import annotations

from pydantic import Field

from hub_shared.settings import Settings
from hub_shared.singletons import singleton

DEFAULT_ATTACHMENT_TYPES = (
    "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,application/zip,"
    "application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)


class SupportSettings(Settings):
    support_table: str = Field(default="hub-support", description="DynamoDB table owned by the support service.")
    attachments_bucket: str = Field(
        default="hub-support-attachments", description="The private S3 bucket of tickets' attachments."
    )
    reopen_window_days: int = Field(
        default=14, ge=0, le=365, description="Days after solving or closing during which a ticket may be reopened."
    )
    attachment_max_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1, description="The largest attachment, in bytes (S3's upload policy holds it)."
    )
    attachment_types: str = Field(
        default=DEFAULT_ATTACHMENT_TYPES, description="The attachments' accepted content types, comma-separated."
    )
    attachments_per_ticket: int = Field(default=20, ge=1, description="Files one ticket may hold.")
    upload_url_seconds: int = Field(
        default=600, ge=60, le=3600, description="How long an attachment's upload form stays valid."
    )
    download_url_seconds: int = Field(
        default=300, ge=30, le=3600, description="How long an attachment's download address stays valid."
    )
    support_email: str = Field(
        default="support@hub.example.com", description="The support team's address: customers' messages reach it."
    )
    mail_from: str = Field(
        default="Client Hub Support <support@hub.example.com>",
        description="The sender of ticket notifications (an SES-verified identity).",
    )
    portal_url: str = Field(
        default="https://hub.example.com", description="The portal's address, for links in notifications."
    )
    first_response_window_days: int = Field(
        default=30, ge=1, le=365, description="The window of the agents' first-response figure."
    )

    @property
    def accepted_types(self) -> frozenset[str]:
        return frozenset(kind.strip() for kind in self.attachment_types.split(",") if kind.strip())


@singleton
def support_settings() -> SupportSettings:
    """The support service's settings, read once."""
    return SupportSettings()
