"""The activity feed: every domain event on the bus that concerns a client becomes one readable entry (`record`),
and the client (or a support agent) reads them newest first, by area (`activity_page`).

The events are read as the bus delivers them (JSON), never through another service's models: each detail-type has a
renderer here that picks the fields it shows; a detail-type without one still shows, by its name. Internal notes of
support agents concern the agents only and are not recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from hub_accounts.models.activity import ActivityEntry, Area, FieldChange
from hub_shared.auth import Action, Principal, Role, Tenant, authorize
from hub_shared.errors import FieldError, Forbidden, InvalidCursor, NotFound, ValidationFailed
from hub_shared.events import Actor
from hub_shared.pagination import CursorCodec, Page, fingerprint


class ActivityLog(Protocol):
    def record_activity(self, entry: ActivityEntry, *, expires_at: int) -> bool: ...

    def activity(
        self, client_id: str, area: str | None, *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[ActivityEntry], dict[str, Any] | None]: ...


@dataclass(frozen=True)
class Rendered:
    summary: str
    subject: str | None = None
    changes: tuple[FieldChange, ...] = ()


Detail = Mapping[str, Any]
Renderer = Callable[[Detail], Rendered | None]
"""A detail → its entry's text (None: not for the client's feed)."""


def _money(minor: Any, currency: Any) -> str:
    return f"{int(minor) / 100:.2f} {currency}"


def _change(field: str, before: Any, after: Any) -> FieldChange:
    return FieldChange(
        field=field, before=None if before is None else str(before), after=None if after is None else str(after)
    )


def _template(detail: Detail) -> str:
    return f"{detail['name']} ({detail['language']})"


def _number(detail: Detail) -> str:
    return str(detail.get("phone_number") or detail["number_id"])


def _ticket_updated(detail: Detail) -> Rendered | None:
    if detail.get("internal"):
        return None
    subject = f"ticket “{detail['subject']}”"
    what = {
        "replied": f"Answered the {subject}",
        "attachment_added": f"Added a file to the {subject}",
        "assigned": f"Support assigned the {subject}",
        "priority_changed": f"Changed the priority of the {subject} to {detail.get('priority')}",
        "solved": f"Support solved the {subject}",
        "closed": f"Closed the {subject}",
        "reopened": f"Reopened the {subject}",
    }.get(str(detail["change"]), f"Changed the {subject}")
    changes: tuple[FieldChange, ...] = ()
    if detail.get("previous_status") != detail.get("status"):
        changes = (_change("status", detail.get("previous_status"), detail.get("status")),)
    return Rendered(what, str(detail["ticket_id"]), changes)


def _fields_changed(detail: Detail) -> tuple[FieldChange, ...]:
    before, after = detail.get("before") or {}, detail.get("after") or {}
    return tuple(_change(field, before.get(field), after.get(field)) for field in sorted(before.keys() | after.keys()))


def _permissions(detail: Detail) -> Rendered:
    granted, revoked = detail.get("granted") or [], detail.get("revoked") or []
    parts = ([f"granted {', '.join(granted)}"] if granted else []) + (
        [f"revoked {', '.join(revoked)}"] if revoked else []
    )
    text = "; ".join(parts) if parts else "left unchanged"
    changes = tuple(_change(scope, "granted", None) for scope in revoked) + tuple(
        _change(scope, None, "granted") for scope in granted
    )
    partner = detail.get("partner_name") or detail["partner_id"]
    return Rendered(f"Partner permissions of {partner}: {text}", str(detail["partner_id"]), changes)


def _partner_change(verb: str) -> Renderer:
    def render(detail: Detail) -> Rendered:
        target = detail.get("target_partner_name") or detail["target_partner_id"]
        change = (_change("status", None, detail.get("status")),)
        source = detail.get("from_partner_name") or detail.get("from_partner_id") or "no partner"
        return Rendered(verb.format(target=target, source=source), str(detail["target_partner_id"]), change)

    return render


def _partner_decided(detail: Detail) -> Rendered:
    accepted = detail.get("status") == "accepted"
    how = " (auto-approval)" if detail.get("auto_approved") else ""
    verdict = "accepted" if accepted else "declined"
    note = f": {detail['note']}" if detail.get("note") else ""
    target = detail.get("target_partner_name") or detail["target_partner_id"]
    text = f"{target} {verdict} the partner change request{how}{note}"
    return Rendered(text, str(detail["target_partner_id"]), (_change("status", "pending", detail.get("status")),))


RENDERERS: dict[str, Renderer] = {
    # numbers
    "NumberAdded": lambda d: Rendered(
        f"Added the number {_number(d)} ({d.get('how', 'signup').replace('_', ' ')})", _number(d)
    ),
    "NumberStatusChanged": lambda d: Rendered(
        f"The number {d['number_id']} is {d['status']} now",
        str(d["number_id"]),
        (_change("status", d.get("previous_status"), d.get("status")),),
    ),
    "NumberCancellationRequested": lambda d: Rendered(
        f"Cancelled the number {d['number_id']}: it is deleted at {d['deletion_at']}", str(d["number_id"])
    ),
    "NumberCancellationWithdrawn": lambda d: Rendered(
        f"Withdrew the cancellation of the number {d['number_id']}", str(d["number_id"])
    ),
    "NumberDeleted": lambda d: Rendered(f"The number {d['number_id']} was deleted", str(d["number_id"])),
    "DisplayNameRequested": lambda d: Rendered(
        f"Asked Meta to name the number {d['number_id']} “{d['display_name']}”",
        str(d["number_id"]),
        (_change("display_name", d.get("previous_name"), d.get("display_name")),),
    ),
    "DisplayNameApproved": lambda d: Rendered(
        f"Meta approved the display name “{d['display_name']}”",
        str(d["number_id"]),
        (_change("display_name", d.get("previous_name"), d.get("display_name")),),
    ),
    "DisplayNameRejected": lambda d: Rendered(
        f"Meta rejected the display name “{d['display_name']}”"
        + (f": {d['rejection_reason']}" if d.get("rejection_reason") else ""),
        str(d["number_id"]),
    ),
    # waba
    "BusinessProfileChanged": lambda d: Rendered(
        f"Changed the business profile of the number {d['number_id']}", str(d["number_id"]), _fields_changed(d)
    ),
    "CommerceSettingsChanged": lambda d: Rendered(
        f"Changed the commerce settings of the number {d['number_id']}", str(d["number_id"]), _fields_changed(d)
    ),
    "CommerceSupportRequested": lambda d: Rendered(
        f"Asked support to change the commerce settings of the number {d['number_id']}", str(d["number_id"])
    ),
    # templates
    "TemplateSubmitted": lambda d: Rendered(
        f"Submitted the template {_template(d)} ({str(d.get('how', 'created')).replace('_', ' ')})",
        _template(d),
        (_change("status", None, d.get("status")),),
    ),
    "TemplateStatusChanged": lambda d: Rendered(
        f"The template {_template(d)} is {d['status']}" + (f": {d['reason']}" if d.get("reason") else ""),
        _template(d),
        (_change("status", d.get("previous_status"), d.get("status")),),
    ),
    "TemplateCategoryChanged": lambda d: Rendered(
        f"Meta {'will change' if d.get('state') == 'impending' else 'changed'} the category of the template "
        f"{_template(d)} to {d['category']}",
        _template(d),
        (_change("category", d.get("previous_category"), d.get("category")),),
    ),
    "TemplateDeleted": lambda d: Rendered(f"Deleted the template {_template(d)}", _template(d)),
    # billing
    "FundsCredited": lambda d: Rendered(
        f"{_money(d['amount'], d['currency'])} added to the funds of the number {d['number_id']}"
        + (" (auto-renewal)" if d.get("kind") == "auto_renewal" else ""),
        str(d["number_id"]),
        (_change("balance", None, _money(d["balance"], d["currency"])),),
    ),
    "FundsLow": lambda d: Rendered(
        f"The funds of the number {d['number_id']} are low: {_money(d['balance'], d['currency'])}", str(d["number_id"])
    ),
    "FundsDepleted": lambda d: Rendered(
        f"The funds of the number {d['number_id']} are used up: outbound messaging is paused", str(d["number_id"])
    ),
    "AutoRenewalChanged": lambda d: Rendered(
        f"Turned auto-renewal of the number {d['number_id']} {'on' if d.get('enabled') else 'off'}",
        str(d["number_id"]),
        (_change("auto_renewal", None, "on" if d.get("enabled") else "off"),),
    ),
    "FundsRefundRequested": lambda d: Rendered(
        f"Asked for a refund of the funds of the number {d['number_id']}", str(d["number_id"])
    ),
    "PaymentFailed": lambda d: Rendered(
        f"A payment of {_money(d['amount'], d['currency'])} failed" + (f": {d['reason']}" if d.get("reason") else ""),
        d.get("number_id"),
    ),
    # support
    "TicketCreated": lambda d: Rendered(f"Opened the ticket “{d['subject']}”", str(d["ticket_id"])),
    "TicketUpdated": _ticket_updated,
    # accounts
    "PartnerPermissionsChanged": _permissions,
    "PartnerChangeRequested": _partner_change("Asked to move from {source} to {target}"),
    "PartnerChangeDecided": _partner_decided,
    "PartnerChangeCancelled": _partner_change("Withdrew the request to move to {target}"),
    "PartnerChangeCompleted": _partner_change("Moved from {source} to {target}, with every number"),
    "UsernameChanged": lambda d: Rendered(
        f"Changed a username to “{d['username']}”",
        str(d["user_id"]),
        (_change("username", d.get("previous"), d.get("username")),),
    ),
    "EmailChangeRequested": lambda d: Rendered(
        f"Asked to sign in with {d['email']} instead of {d['previous']} (waiting for the code sent to it)",
        str(d["user_id"]),
    ),
    "EmailChanged": lambda d: Rendered(
        f"Changed a sign-in address to {d['email']}; a password reset was sent to it",
        str(d["user_id"]),
        (_change("email", d.get("previous"), d.get("email")),),
    ),
}


#: Events of Meta's decisions (learnt from its webhooks or by asking it): no user made them.
BY_META = frozenset(
    {
        "NumberStatusChanged",
        "DisplayNameApproved",
        "DisplayNameRejected",
        "TemplateStatusChanged",
        "TemplateCategoryChanged",
    }
)


def who(actor: Actor | None, detail_type: str) -> str:
    """Who did it, in words: the user (and the partner they acted as), support, Meta, or the hub itself."""
    if actor is None:
        return "Meta" if detail_type in BY_META else "the hub"
    user = actor.email or actor.user_id
    if actor.role is Role.SUPPORT:
        return f"support ({user})"
    if actor.role is Role.PARTNER:
        return f"{user} for the partner {actor.partner_id}"
    return user


def entry_of(event: Mapping[str, Any]) -> ActivityEntry | None:
    """The feed's entry of an EventBridge event (None: it concerns no client, or is not for its feed)."""
    detail: Mapping[str, Any] = event.get("detail") or {}
    client_id, source, detail_type = detail.get("client_id"), str(event.get("source", "")), str(event["detail-type"])
    area = source.removeprefix("hub.")
    if not isinstance(client_id, str) or area not in {a.value for a in Area}:
        return None
    renderer = RENDERERS.get(detail_type)
    rendered = renderer(detail) if renderer is not None else Rendered(detail_type)
    if rendered is None:
        return None
    actor = Actor.model_validate(detail["actor"]) if detail.get("actor") else None
    metadata = detail.get("metadata") or {}
    return ActivityEntry(
        event_id=str(metadata.get("event_id") or event["id"]),
        client_id=client_id,
        area=Area(area),
        kind=detail_type,
        occurred_at=metadata.get("occurred_at") or event["time"],
        summary=rendered.summary,
        by=who(actor, detail_type),
        actor=actor,
        subject=rendered.subject,
        changes=list(rendered.changes),
    )


def record(event: Mapping[str, Any], *, log: ActivityLog, retention: timedelta) -> ActivityEntry | None:
    """Record the event in its client's feed, once (a redelivery is a no-op). Answers the entry, None when the event
    is not for a feed or was recorded before."""
    entry = entry_of(event)
    if entry is None:
        return None
    expires_at = int((entry.occurred_at + retention).timestamp())
    return entry if log.record_activity(entry, expires_at=expires_at) else None


@dataclass(frozen=True)
class ActivityQuery:
    client_id: str | None = None
    area: Area | None = None
    limit: int = 50
    cursor: str | None = None


def activity_page(
    principal: Principal, query: ActivityQuery, *, log: ActivityLog, cursors: CursorCodec
) -> Page[ActivityEntry]:
    """The client's feed, newest first: a client user's own (`client_id` may only name it), any client's for a
    support agent (who must name one); partners have no feed (403 on a client they see, else 404)."""
    client_id = _feed_of(principal, query.client_id)
    query_id = fingerprint(subject=principal.subject, client=client_id, area=query.area)
    start = cursors.decode(query.cursor, query_id).get("k") if query.cursor else None
    if start is not None and not isinstance(start, dict):
        raise InvalidCursor("The cursor is not valid for this list; start again without it.")
    items, last = log.activity(client_id, query.area, limit=query.limit, start_key=start)
    return Page(items=items, next_cursor=cursors.encode({"k": last}, query_id) if last else None)


def _feed_of(principal: Principal, client_id: str | None) -> str:
    if client_id is None:
        if principal.role is Role.CLIENT:
            return principal.own_client_id
        if principal.role is Role.SUPPORT:
            raise ValidationFailed(
                "Support agents name the client whose activity they read.",
                errors=[FieldError("query.client_id", "required for support agents")],
            )
        raise Forbidden("Partners have no activity feed; a client reads its own.")
    authorize(
        principal,
        Tenant(client_id),
        missing=NotFound(f"Client {client_id} was not found."),
        action=Action.ACTIVITY_READ,
    )
    return client_id
