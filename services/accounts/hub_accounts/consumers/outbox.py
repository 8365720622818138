"""The accounts table's outbox relay: its stream's outbox items → the hub bus (other items are skipped)."""

from __future__ import annotations

from hub_shared.outbox import outbox_relay_handler

handler = outbox_relay_handler("accounts")
