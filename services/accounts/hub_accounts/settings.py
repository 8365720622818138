"""The accounts service's settings: the shared ones (its table, the accounts table, is among them, since every
service reads it) and its own."""

from __future__ import annotations

from pydantic import Field

from hub_shared.settings import Settings
from hub_shared.singletons import singleton


class AccountsSettings(Settings):
    """What the accounts functions read."""

    docs_url: str = Field(
        default="https://docs.client-hub.example", description="The portal's Documentation link (`GET /v1/links`)."
    )
    roadmap_url: str = Field(
        default="https://roadmap.client-hub.example", description="The portal's Roadmap link (`GET /v1/links`)."
    )
    status_url: str = Field(
        default="https://status.client-hub.example", description="The portal's Status link (`GET /v1/links`)."
    )
    user_pool_id: str = Field(
        default="", description="The Cognito user pool whose users change their sign-in address (`POST /v1/me/email`)."
    )
    activity_retention_days: int = Field(
        default=400, ge=1, le=3650, description="How long an activity entry is kept (the table's TTL removes it)."
    )


@singleton
def accounts_settings() -> AccountsSettings:
    """The accounts service's settings, read once."""
    return AccountsSettings()
