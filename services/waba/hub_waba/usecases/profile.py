"""A number's business profile: read at Meta; changed at Meta (fields checked against Meta's limits first, by the
API's model), each change published with who made it and the fields before and after. A new profile picture is
checked here (a JPEG or PNG by its own bytes, its size, its sides), sent through Meta's Resumable Upload API (a
session on the BSP's app, the bytes, the file handle Meta answers) and set by its handle."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hub_shared.auth import Action, Principal
from hub_shared.errors import FieldError, PayloadTooLarge, UpstreamError, ValidationFailed
from hub_shared.events import Actor, EventMetadata
from hub_shared.graph import Graph
from hub_waba.events import BusinessProfileChanged
from hub_waba.models.profile import (
    MAX_PICTURE_BYTES,
    MIN_PICTURE_SIDE,
    PICTURE_TYPES,
    PNG,
    VERTICAL_NAMES,
    BusinessProfile,
    Picture,
    ProfileChange,
    Vertical,
    picture_of,
)
from hub_waba.models.wabas import Freshness, RegisteredNumber
from hub_waba.usecases.commerce import CommerceRepository
from hub_waba.usecases.kept import kept, read_through
from hub_waba.usecases.numbers import registered_number

FIELDS = "about,address,description,email,profile_picture_url,websites,vertical"
SEES = (Action.NUMBERS_READ, Action.WABA_READ, Action.PROFILE_WRITE)


KIND = "PROFILE"
FRESHNESS = frozenset(Freshness.model_fields)


def get_profile(
    number_id: str,
    principal: Principal,
    *,
    wabas: CommerceRepository,
    graph: Graph,
    now: datetime,
    cache: timedelta,
    refresh: bool = False,
) -> BusinessProfile:
    """The profile: the kept copy while it is fresh, else Meta's (kept), else the kept copy stale."""
    number = registered_number(number_id, principal, wabas, sees=SEES, reads=(Action.WABA_READ, Action.PROFILE_WRITE))
    data, freshness = read_through(
        number_id,
        KIND,
        lambda: _data(_read(number, graph)),
        found=wabas.kept(number_id, KIND),
        copies=wabas,
        now=now,
        cache=cache,
        refresh=refresh,
    )
    return BusinessProfile.model_validate({**data, **freshness.model_dump()})


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
        return _kept(before, wabas, now)
    graph.post(
        f"{number_id}/whatsapp_business_profile", json={"messaging_product": "whatsapp", **changed}, idempotent=True
    )
    before_fields = {name: shown.get(name) for name in changed}
    after_fields = {name: _as_shown(name, value) for name, value in changed.items()}
    _publish(number, principal, before_fields, after_fields, wabas=wabas, now=now)
    return _kept(_read(number, graph), wabas, now)  # Meta's own answer: what it keeps (a picture's URL, a vertical)


def change_picture(
    number_id: str,
    content: bytes,
    principal: Principal,
    *,
    wabas: CommerceRepository,
    graph: Graph,
    app_id: str,
    now: datetime,
) -> BusinessProfile:
    number = registered_number(number_id, principal, wabas, sees=SEES, action=Action.PROFILE_WRITE)
    picture = _checked_picture(content)
    before = _read(number, graph)
    handle = _uploaded(content, picture, graph=graph, app_id=app_id)
    graph.post(
        f"{number_id}/whatsapp_business_profile",
        json={"messaging_product": "whatsapp", "profile_picture_handle": handle},
        idempotent=True,
    )
    after = _read(number, graph)
    picture_urls = [{"profile_picture_url": profile.profile_picture_url} for profile in (before, after)]
    _publish(number, principal, *picture_urls, wabas=wabas, now=now)
    return _kept(after, wabas, now)


def _uploaded(content: bytes, picture: Picture, *, graph: Graph, app_id: str) -> str:
    """The file handle Meta answers for `content` sent through its Resumable Upload API."""
    extension = "png" if picture.media_type == PNG else "jpg"
    session = graph.post(
        f"{app_id}/uploads",
        params={
            "file_name": f"profile-picture.{extension}",
            "file_length": len(content),
            "file_type": picture.media_type,
        },
        idempotent=True,  # a second session is only an unused one, which Meta lets expire
    ).get("id")
    if not isinstance(session, str) or not session.startswith("upload:"):
        raise UpstreamError("Meta did not answer an upload session for the picture.")
    handle = graph.upload(session, content).get("h")
    if not isinstance(handle, str) or not handle:
        raise UpstreamError("Meta did not answer a file handle for the uploaded picture.")
    return handle


def _publish(
    number: RegisteredNumber,
    principal: Principal,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    wabas: CommerceRepository,
    now: datetime,
) -> None:
    """`BusinessProfileChanged` (who, the changed fields before and after) into the number's history and the outbox."""
    event = BusinessProfileChanged(
        metadata=EventMetadata.at(now),
        number_id=number.number_id,
        waba_id=number.waba_id,
        client_id=number.client_id,
        actor=Actor.of(principal),
        before=before,
        after=after,
    )
    wabas.record(event, number_id=number.number_id)


def _checked_picture(content: bytes) -> Picture:
    """The picture, when Meta would take it: a JPEG or PNG (by its bytes) of at most MAX_PICTURE_BYTES whose sides
    are at least MIN_PICTURE_SIDE pixels."""
    if len(content) > MAX_PICTURE_BYTES:
        raise PayloadTooLarge(
            f"The picture is {len(content):,} bytes; the most a profile picture may be is {MAX_PICTURE_BYTES:,} bytes.",
            errors=[FieldError("picture", f"At most {MAX_PICTURE_BYTES // (1024 * 1024)} MB.")],
        )
    picture = picture_of(content)
    if picture is None or picture.media_type not in PICTURE_TYPES:
        raise ValidationFailed(
            "A profile picture must be a JPEG or PNG image.", errors=[FieldError("picture", "Not a JPEG or PNG image.")]
        )
    if min(picture.width, picture.height) < MIN_PICTURE_SIDE:
        raise ValidationFailed(
            f"The picture is {picture.width} × {picture.height} pixels; Meta needs at least "
            f"{MIN_PICTURE_SIDE} × {MIN_PICTURE_SIDE}.",
            errors=[FieldError("picture", f"At least {MIN_PICTURE_SIDE} × {MIN_PICTURE_SIDE} pixels.")],
        )
    return picture


def _data(profile: BusinessProfile) -> dict[str, Any]:
    return profile.model_dump(mode="json", exclude=set(FRESHNESS))


def _kept(profile: BusinessProfile, wabas: CommerceRepository, now: datetime) -> BusinessProfile:
    """Meta's profile as just read, kept as the copy of `now`."""
    freshness = kept(profile.number_id, KIND, _data(profile), copies=wabas, now=now)
    return profile.model_copy(update=freshness.model_dump())


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
