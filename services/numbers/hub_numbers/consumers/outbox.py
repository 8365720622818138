"""The numbers table's outbox relay: its stream's outbox items → the hub bus (number items are skipped)."""

from __future__ import annotations

from hub_shared.outbox import outbox_relay_handler

handler = outbox_relay_handler("numbers")
