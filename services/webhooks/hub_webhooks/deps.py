"""The webhooks service's adapters and secrets, each built once per process, injected into routes with Depends()."""

from __future__ import annotations

from hub_shared.secrets import get_secret
from hub_shared.singletons import singleton
from hub_webhooks.settings import webhooks_settings
from hub_webhooks.store.changes import ChangesStore


@singleton
def changes_store() -> ChangesStore:
    return ChangesStore()


def app_secret() -> str:
    """The Meta app secret that signs every notification (cached by Powertools Parameters)."""
    return get_secret(webhooks_settings().meta_app_secret)


def verify_token() -> str:
    """The token Meta echoes in its verification handshake."""
    return get_secret(webhooks_settings().meta_verify_token_secret)
