"""What the webhooks use cases need from the outside world (implemented by store.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from hub_webhooks.models import StoredChange


class ChangeRepository(Protocol):
    def add_all(self, changes: Sequence[StoredChange]) -> list[bool]:
        """Store each change unless its `change_id` is already stored; True where it was stored now."""
        ...
