"""The webhooks service's settings: the shared ones and its own table and Meta's webhook secrets."""

from __future__ import annotations

from pydantic import Field

from hub_shared.settings import Settings
from hub_shared.singletons import singleton


class WebhooksSettings(Settings):
    webhook_changes_table: str = Field(
        default="hub-webhook-changes", description="DynamoDB table of Meta's webhook changes (webhooks service)."
    )
    meta_app_secret: str = Field(
        default="hub/meta/app-secret",
        description="Secrets Manager name of the Meta app secret (signs Meta's webhooks, X-Hub-Signature-256).",
    )
    meta_verify_token_secret: str = Field(
        default="hub/meta/verify-token", description="Secrets Manager name of the webhook verification token."
    )


@singleton
def webhooks_settings() -> WebhooksSettings:
    """The webhooks service's settings, read once."""
    return WebhooksSettings()
