"""The webhooks service's adapters and secrets, injected into routes with Depends()."""

from __future__ import annotations

from hub_shared.secrets import get_secret
from hub_shared.settings import get_settings
from hub_shared.singletons import singleton
from hub_webhooks.store import ChangesStore


@singleton
def changes_store() -> ChangesStore:
    return ChangesStore()


def app_secret() -> str:
    """The Meta app secret that signs every notification (cached by Powertools Parameters)."""
    return get_secret(get_settings().meta_app_secret)


def verify_token() -> str:
    """The token Meta echoes in its verification handshake."""
    return get_secret(get_settings().meta_verify_token_secret)
