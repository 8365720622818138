"""The templates service's errors: what its routes can answer besides the hub's common problems."""

from __future__ import annotations

from hub_shared.errors import NotFound


class WabaNotFound(NotFound):
    def __init__(self, waba_id: str):
        super().__init__(f"WhatsApp Business Account {waba_id} was not found.")


class TemplateNotFound(NotFound):
    def __init__(self, waba_id: str, name: str, language: str | None = None):
        which = f"{name} ({language})" if language else name
        super().__init__(f"WhatsApp Business Account {waba_id} has no template {which}.")
