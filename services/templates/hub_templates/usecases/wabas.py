"""Whose a WABA is, asked of the waba service's registry (`hub_shared.wabas`), before anything of its templates."""

from __future__ import annotations

from typing import Protocol

from hub_shared.auth import Action, Principal, authorize
from hub_shared.errors import WabaNotFound
from hub_shared.wabas import RegisteredWaba

SEES = (Action.NUMBERS_READ, Action.WABA_READ, Action.TEMPLATES_READ, Action.TEMPLATES_WRITE)
"""What lets a partner know a client's WABA exists."""


class Registry(Protocol):
    def waba(self, waba_id: str) -> RegisteredWaba | None: ...


def managed_waba(waba_id: str, principal: Principal, registry: Registry, *, action: Action) -> RegisteredWaba:
    """The WABA, when the caller may take `action` on its templates: 404 when it is unknown or another tenant's,
    403 when the caller sees it but lacks the permission."""
    return authorize(principal, registry.waba(waba_id), missing=WabaNotFound(waba_id), via=SEES, action=action)
