"""The accounts service's settings: the shared ones (its table, the accounts table, is among them, since every
service reads it) and, as its routes come, its own."""

from __future__ import annotations

from hub_shared.settings import Settings
from hub_shared.singletons import singleton


class AccountsSettings(Settings):
    """What the accounts functions read."""


@singleton
def accounts_settings() -> AccountsSettings:
    """The accounts service's settings, read once."""
    return AccountsSettings()
