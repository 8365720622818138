"""A number's business profile: read at Meta; changed at Meta (fields checked against Meta's limits first, by the
API's model), each change published with who made it and the fields before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hub_shared.auth import Action, Principal
from hub_shared.errors import FieldError, ValidationFailed
from hub_shared.events import Actor, EventMetadata
from hub_shared.graph import Graph
from hub_waba.events import BusinessProfileChanged
from hub_waba.models.profile import VERTICAL_NAMES, BusinessProfile, ProfileChange, Vertical
from hub_waba.models.wabas import RegisteredNumber
from hub_waba.usecases.commerce import CommerceRepository
from hub_waba.usecases.numbers import registered_number

FIELDS = "about,address,description,email,profile_picture_url,websites,vertical"
SEES = (Action.NUMBERS_READ, Action.WABA_READ, Action.PROFILE_WRITE)


def get_profile(number_id: str, principal: Principal, *, wabas: CommerceRepository, graph: Graph) -> BusinessProfile:
    number = registered_number(number_id, principal, wabas, sees=SEES, reads=(Action.WABA_READ, Action.PROFILE_WRITE))
    return _read(number, graph)


def change_profile(
    number_id: str,
    change: ProfileChange,
    principal: Principal,
    *,
    wabas: CommerceRepository,
    graph: Graph,
    now: datetime,
) -> BusinessProfile:
    # ownership and role first, then the body (another tenant's number is a 404 whatever was sent)
    number = registered_number(number_id, principal, wabas, sees=SEES, action=Action.PROFILE_WRITE)
    changes = change.changes()
    if not changes:
        raise ValidationFailed(
            "Send at least one field of the profile to change.", errors=[FieldError("body", "Nothing to change.")]
        )
    before = _read(number, graph)
    shown = before.model_dump()
    changed = {name: value for name, value in changes.items() if shown.get(name) != _as_shown(name, value)}
    if not changed:
        return before
    graph.post(
        f"{number_id}/whatsapp_business_profile", json={"messaging_product": "whatsapp", **changed}, idempotent=True
    )
    event = BusinessProfileChanged(
        metadata=EventMetadata.at(now),
        number_id=number_id,
        waba_id=number.waba_id,
        client_id=number.client_id,
        actor=Actor.of(principal),
        before={name: shown.get(name) for name in changed},
        after={name: _as_shown(name, value) for name, value in changed.items()},
    )
    wabas.record(event, number_id=number_id)
    return _read(number, graph)  # Meta's own answer: what it keeps (a picture's URL, the vertical's name)


def _as_shown(name: str, value: Any) -> Any:
    """A sent value as `BusinessProfile` shows it: a cleared text is None, cleared websites an empty list."""
    if name == "websites":
        return list(value)
    return value or None


def _read(number: RegisteredNumber, graph: Graph) -> BusinessProfile:
    answer = graph.get(f"{number.number_id}/whatsapp_business_profile", params={"fields": FIELDS})
    data = answer.get("data") or [{}]
    found: dict[str, Any] = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    vertical = found.get("vertical")
    known = Vertical(vertical) if isinstance(vertical, str) and vertical in Vertical.__members__ else None
    websites = found.get("websites")
    return BusinessProfile(
        number_id=number.number_id,
        about=found.get("about"),
        address=found.get("address"),
        description=found.get("description"),
        email=found.get("email"),
        websites=[str(w) for w in websites] if isinstance(websites, list) else [],
        vertical=known,
        vertical_name=VERTICAL_NAMES[known] if known else None,
        profile_picture_url=found.get("profile_picture_url"),
    )
