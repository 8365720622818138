"""The templates service's settings: the shared ones and its own table, languages and Meta's template limits."""

from __future__ import annotations

from pydantic import Field

from hub_shared.settings import Settings
from hub_shared.singletons import singleton


class TemplatesSettings(Settings):
    templates_table: str = Field(default="hub-templates", description="DynamoDB table owned by the templates service.")
    template_languages: str = Field(
        default="",
        description="The language codes templates may be written in, comma-separated (empty: Meta's whole list).",
    )
    templates_per_waba: int = Field(
        default=6000,
        ge=1,
        description="The most templates a WABA may have (Meta's limit for a verified business; 250 unverified).",
    )
    template_creations_per_hour: int = Field(
        default=100, ge=1, description="The most templates a WABA may create in an hour (Meta's limit)."
    )
    template_sync_page_size: int = Field(
        default=100, ge=1, le=100, description="Templates asked of Meta per page when a WABA's templates are synced."
    )

    template_sync_workers: int = Field(
        default=4, ge=1, le=32, description="WABAs synced at once by the scheduled sync of every WABA's templates."
    )


@singleton
def templates_settings() -> TemplatesSettings:
    """The templates service's settings, read once."""
    return TemplatesSettings()
