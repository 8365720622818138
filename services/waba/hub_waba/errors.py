"""The waba service's errors: what its routes can answer besides the hub's common problems (`hub_shared.errors`)."""

from __future__ import annotations

from hub_shared.errors import NotFound


class WabaNotFound(NotFound):
    def __init__(self, waba_id: str):
        super().__init__(f"WhatsApp Business Account {waba_id} was not found.")
