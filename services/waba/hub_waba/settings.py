"""The waba service's settings: the shared ones and its own table and cache."""

from __future__ import annotations

from pydantic import Field

from hub_shared.settings import Settings
from hub_shared.singletons import singleton


class WabaSettings(Settings):
    waba_cache_seconds: int = Field(
        default=300,
        ge=0,
        le=86_400,
        description="How long what Meta answered (a WABA's details, a number's profile and commerce settings) is "
        "served without asking Meta again.",
    )


@singleton
def waba_settings() -> WabaSettings:
    """The waba service's settings, read once."""
    return WabaSettings()
