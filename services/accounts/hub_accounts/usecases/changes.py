"""Partner change requests.

A client asks to move to another partner (`request_change`): `pending` until the target partner decides
(`decide`: `accepted` or `declined`), or `accepted` at once when that partner has auto-approval on; the client may
withdraw it while it is pending (`cancel`: `cancelled`). An accepted request is completed by the accounts service
when its `PartnerChangeDecided` comes back from the bus (`complete`): the client, and with it every one of its
numbers, works with the new partner, and the old partner's grants are gone (`completed`). A client has at most one
open request; a request to its current partner is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from hub_accounts.events import (
    PartnerChangeCancelled,
    PartnerChangeCompleted,
    PartnerChangeDecided,
    PartnerChangeRequested,
)
from hub_accounts.models.changes import (
    ChangeRequest,
    ChangeRequestView,
    ChangeStatus,
    Decision,
    NewChangeRequest,
    change_view,
)
from hub_accounts.models.partners import Partner, PartnerLink
from hub_accounts.usecases.partners import ListQuery, client_for
from hub_shared.accounts import ClientAccount
from hub_shared.auth import Action, Principal, Role
from hub_shared.clock import to_rfc3339
from hub_shared.errors import FieldError, Forbidden, InvalidCursor, NotFound, StateConflict, ValidationFailed
from hub_shared.events import Actor, DomainEvent, EventMetadata
from hub_shared.pagination import CursorCodec, Page, fingerprint


class ChangeStore(Protocol):
    def profile(self, client_id: str) -> tuple[ClientAccount, int] | None: ...

    def partner(self, partner_id: str) -> Partner | None: ...

    def link(self, partner_id: str, client_id: str) -> PartnerLink | None: ...

    def change(self, client_id: str, request_id: str) -> ChangeRequest | None: ...

    def change_by_id(self, request_id: str) -> ChangeRequest | None: ...

    def changes_of_client(
        self, client_id: str, *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[ChangeRequest], dict[str, Any] | None]: ...

    def changes_for_partner(
        self, partner_id: str | None, *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[ChangeRequest], dict[str, Any] | None]: ...

    def open_change(self, request: ChangeRequest, events: tuple[DomainEvent, ...]) -> bool: ...

    def save_change(self, before: ChangeRequest, after: ChangeRequest, events: tuple[DomainEvent, ...]) -> bool: ...

    def complete_change(
        self,
        before: ChangeRequest,
        after: ChangeRequest,
        *,
        profile: ClientAccount,
        profile_version: int,
        old_link: PartnerLink | None,
        updated_at: str,
        events: tuple[DomainEvent, ...],
    ) -> bool: ...


def _event_fields(request: ChangeRequest, now: datetime, actor: Actor | None) -> dict[str, Any]:
    return {
        "metadata": EventMetadata.at(now),
        "request_id": request.request_id,
        "client_id": request.client_id,
        "from_partner_id": request.from_partner_id,
        "from_partner_name": request.from_partner_name,
        "target_partner_id": request.target_partner_id,
        "target_partner_name": request.target_partner_name,
        "status": request.status,
        "actor": actor,
    }


def _name_of(partner_id: str | None, store: ChangeStore) -> str | None:
    partner = store.partner(partner_id) if partner_id else None
    return partner.name if partner else None


def request_change(
    client_id: str,
    body: NewChangeRequest,
    principal: Principal,
    *,
    store: ChangeStore,
    now: datetime,
    new_id: Callable[[datetime], str],
) -> ChangeRequestView:
    """The client asks to move to `body.target_partner_id`; accepted at once when that partner auto-approves."""
    account = client_for(principal, client_id, Action.PARTNERS_MANAGE, store)
    if body.target_partner_id == account.partner_id:
        raise StateConflict(f"{body.target_partner_id} is the client's partner already.")
    target = store.partner(body.target_partner_id)
    if target is None:
        raise ValidationFailed(
            f"There is no partner {body.target_partner_id}.",
            errors=[FieldError("body.target_partner_id", "no such partner")],
        )
    actor = Actor.of(principal)
    request = ChangeRequest(
        request_id=new_id(now),
        client_id=client_id,
        client_name=account.name,
        from_partner_id=account.partner_id,
        from_partner_name=_name_of(account.partner_id, store),
        target_partner_id=target.partner_id,
        target_partner_name=target.name,
        reason=body.reason,
        status=ChangeStatus.ACCEPTED if target.auto_approve else ChangeStatus.PENDING,
        requested_by=actor,
        created_at=now,
        decided_at=now if target.auto_approve else None,
        auto_approved=target.auto_approve,
        updated_at=now,
    )
    events: list[DomainEvent] = [PartnerChangeRequested(**_event_fields(request, now, actor), reason=body.reason)]
    if target.auto_approve:
        events.append(PartnerChangeDecided(**_event_fields(request, now, None), auto_approved=True))
    if not store.open_change(request, tuple(events)):
        raise StateConflict("The client has an open partner change request already: withdraw it or wait for it.")
    return change_view(request)


def cancel(
    client_id: str, request_id: str, principal: Principal, *, store: ChangeStore, now: datetime
) -> ChangeRequestView:
    """The client withdraws its pending request."""
    client_for(principal, client_id, Action.PARTNERS_MANAGE, store)
    before = store.change(client_id, request_id)
    if before is None:
        raise NotFound(f"Partner change request {request_id} was not found.")
    if before.status is not ChangeStatus.PENDING:
        raise StateConflict(f"The request is {before.status.value}: only a pending request can be withdrawn.")
    after = before.model_copy(
        update={"status": ChangeStatus.CANCELLED, "updated_at": now, "version": before.version + 1}
    )
    event = PartnerChangeCancelled(**_event_fields(after, now, Actor.of(principal)))
    if not store.save_change(before, after, (event,)):
        raise StateConflict("The request changed meanwhile; read it again.")
    return change_view(after)


def decide(
    request_id: str, decision: Decision, principal: Principal, *, store: ChangeStore, now: datetime
) -> ChangeRequestView:
    """The target partner accepts or declines a pending request addressed to it. Anyone else: 404 for a request
    they may not know of, 403 for the client's own request (it cannot decide it) and for support agents."""
    before = store.change_by_id(request_id)
    missing = NotFound(f"Partner change request {request_id} was not found.")
    if principal.role is Role.PARTNER:
        if before is None or before.target_partner_id != principal.own_partner_id:
            raise missing
    else:
        if before is None or (principal.role is Role.CLIENT and before.client_id != principal.own_client_id):
            raise missing
        raise Forbidden(f"Only {before.target_partner_name}, the partner the request is addressed to, decides it.")
    if before.status is not ChangeStatus.PENDING:
        raise StateConflict(f"The request is {before.status.value} already.")
    accepted = decision.decision == "accept"
    after = before.model_copy(
        update={
            "status": ChangeStatus.ACCEPTED if accepted else ChangeStatus.DECLINED,
            "decided_at": now,
            "decided_by": Actor.of(principal),
            "decision_note": decision.note,
            "updated_at": now,
            "version": before.version + 1,
        }
    )
    event = PartnerChangeDecided(**_event_fields(after, now, Actor.of(principal)), note=decision.note)
    if not store.save_change(before, after, (event,)):
        raise StateConflict("The request changed meanwhile; read it again.")
    return change_view(after)


def complete(client_id: str, request_id: str, *, store: ChangeStore, now: datetime) -> ChangeRequest | None:
    """Move the client of an accepted request to its target partner, with every number (the numbers are the
    client's: they follow its partner), and clear the old partner's grants. Idempotent: a request completed or no
    longer accepted is left alone (None)."""
    for _ in range(3):
        before = store.change(client_id, request_id)
        found = store.profile(client_id)
        if before is None or found is None or before.status is not ChangeStatus.ACCEPTED:
            return None
        profile, version = found
        old_link = store.link(profile.partner_id, profile.client_id) if profile.partner_id else None
        moved = profile.partner_id != before.from_partner_id  # another change completed since it was asked
        after = before.model_copy(
            update={
                "status": ChangeStatus.COMPLETED,
                "from_partner_id": profile.partner_id,
                "from_partner_name": _name_of(profile.partner_id, store) if moved else before.from_partner_name,
                "completed_at": now,
                "updated_at": now,
                "version": before.version + 1,
            }
        )
        event = PartnerChangeCompleted(**_event_fields(after, now, None))
        if store.complete_change(
            before,
            after,
            profile=profile,
            profile_version=version,
            old_link=old_link,
            updated_at=to_rfc3339(now),
            events=(event,),
        ):
            return after
    raise StateConflict(f"The client {client_id} kept changing while request {request_id} completed.")


def _page(
    found: tuple[list[ChangeRequest], dict[str, Any] | None], query_id: str, cursors: CursorCodec
) -> Page[ChangeRequestView]:
    items, last = found
    return Page(
        items=[change_view(r) for r in items], next_cursor=cursors.encode({"k": last}, query_id) if last else None
    )


def _start(query: ListQuery, query_id: str, cursors: CursorCodec) -> dict[str, Any] | None:
    start = cursors.decode(query.cursor, query_id).get("k") if query.cursor else None
    if start is not None and not isinstance(start, dict):
        raise InvalidCursor("The cursor is not valid for this list; start again without it.")
    return start


def changes_of_client(
    client_id: str, principal: Principal, query: ListQuery, *, store: ChangeStore, cursors: CursorCodec
) -> Page[ChangeRequestView]:
    """The client's requests, newest first (the client, support agents)."""
    client_for(principal, client_id, Action.PARTNERS_READ, store)
    query_id = fingerprint(list="client-changes", client=client_id)
    found = store.changes_of_client(client_id, limit=query.limit, start_key=_start(query, query_id, cursors))
    return _page(found, query_id, cursors)


def partner_inbox(
    principal: Principal, query: ListQuery, *, store: ChangeStore, cursors: CursorCodec
) -> Page[ChangeRequestView]:
    """A partner's: the requests addressed to it; a support agent's: every request. Newest first."""
    partner_id = None if principal.role is Role.SUPPORT else principal.own_partner_id
    query_id = fingerprint(list="partner-changes", partner=partner_id)
    found = store.changes_for_partner(partner_id, limit=query.limit, start_key=_start(query, query_id, cursors))
    return _page(found, query_id, cursors)
