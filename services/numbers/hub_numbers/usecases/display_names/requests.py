"""Display names: read a number's, and ask Meta for a new one (SPEC §3 Numbers; Meta facts §2).

Who: client users on their numbers, partners with `display_name:write` (or `numbers:read` to read only), support
agents read only. Another tenant's number is 404.

Request (`request_display_name`), in this order: the number is found and the caller may change it (404/403); the
name passes the hub's rules (`rules`, 422 on `body.display_name`); the number can take a new name (409: onboarding,
deleted, banned, disconnected) and has no request under way (409 "edit not available"); the number has changes
left in Meta's window (429 with `Retry-After`: 10 per 30 days, counting every request Meta received). Then the
request is recorded (`submitting`) with the number pointing at it — one conditional transaction, so of two
concurrent requests one wins — and sent to Meta (`POST /{phone_number_id}` with `new_display_name`) with a short
Graph budget so the caller hears back within Meta's 10 seconds:
- Meta accepted → `pending_review`, DisplayNameRequested, 201;
- Meta slow, down or throttling → the request stays `submitting`, 202: the polling job sends it again, so it is
  never lost;
- Meta refused it (its own checks) → `failed` with Meta's words, the number free again, 422 (403 when Meta says
  the hub may not change this number).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from hub_numbers.errors import (
    DisplayNameChangesUsed,
    DisplayNameEditNotAvailable,
    DisplayNameWriteNotGranted,
    MetaRefusedDisplayName,
    NumberNameNotChangeable,
    NumberNotFound,
)
from hub_numbers.models.display_names import (
    HISTORY_LIMIT,
    MAX_CHANGES_PER_WINDOW,
    WINDOW_DAYS,
    DecisionSource,
    DisplayNameChange,
    DisplayNameRequest,
    DisplayNameRequestView,
    DisplayNameView,
    EditAvailability,
    RequestDecision,
    RequestStatus,
)
from hub_numbers.models.numbers import Number
from hub_numbers.usecases.display_names.decisions import Outcome, effects
from hub_numbers.usecases.display_names.ports import NameRequests, NumberNames
from hub_numbers.usecases.display_names.rules import (
    FIELD,
    SEES_DISPLAY_NAMES,
    WINDOW_READ,
    changes_in_window,
    checked_display_name,
    not_granted,
    pending_refusal,
    request_id_at,
    state_refusal,
    window_used,
    write_refusal,
)
from hub_numbers.usecases.lookup import reread
from hub_shared.auth import Action, Principal, authorize
from hub_shared.deadline import DeadlineReached
from hub_shared.errors import FieldError, QuotaExceeded, StateConflict, UpstreamError, UpstreamUnavailable
from hub_shared.events import Actor
from hub_shared.graph import Graph, MetaCredentialsRejected, MetaForbidden, MetaRefused

logger = Logger(child=True)

MAX_ATTEMPTS = 3
"""Tries at recording a request while the number keeps changing under it."""
SUBMIT_GIVE_UP = timedelta(hours=24)
"""A request Meta could not be reached for during this long is failed (the client may ask again)."""


@dataclass(frozen=True)
class DisplayNameDeps:
    numbers: NumberNames
    requests: NameRequests
    graph: Graph
    """A Graph client whose timeouts and retries fit the 10-second answer."""


@dataclass(frozen=True)
class Submitted:
    request: DisplayNameRequestView
    status_code: int


# ---------------------------------------------------------------- read


def read_display_name(number_id: str, principal: Principal, deps: DisplayNameDeps, now: datetime) -> DisplayNameView:
    number = _visible(number_id, principal, deps.numbers)
    recent = deps.requests.history(number_id, limit=max(HISTORY_LIMIT, WINDOW_READ))
    history = recent[:HISTORY_LIMIT]
    pending = _pending_of(number, history, deps.requests)
    used, frees_at = changes_in_window(recent, now)
    edit = EditAvailability(available=True)
    reason = write_refusal(number, principal) or state_refusal(number) or pending_refusal(number, pending)
    if reason is not None:
        edit = EditAvailability(available=False, reason=reason)
    elif used >= MAX_CHANGES_PER_WINDOW:
        edit = EditAvailability(available=False, reason=window_used(frees_at), retry_after=frees_at)
    return DisplayNameView(
        number_id=number.number_id,
        display_name=number.display_name,
        name_status=number.display_name_status,
        pending=view_of(pending) if pending else None,
        history=[view_of(request) for request in history],
        changes_used=used,
        changes_remaining=max(0, MAX_CHANGES_PER_WINDOW - used),
        reregister_by=number.reregister_by if number.reregister_by and number.reregister_by > now else None,
        edit=edit,
    )


def view_of(request: DisplayNameRequest) -> DisplayNameRequestView:
    return DisplayNameRequestView.model_validate(request.model_dump())


def _pending_of(number: Number, history: list[DisplayNameRequest], requests: NameRequests) -> DisplayNameRequest | None:
    if number.display_name_request is None:
        return None
    for request in history:
        if request.request_id == number.display_name_request:
            return request
    return requests.get(number.number_id, number.display_name_request)


# ---------------------------------------------------------------- request


def request_display_name(
    number_id: str, change: DisplayNameChange, principal: Principal, deps: DisplayNameDeps, now: datetime
) -> Submitted:
    number = authorize(
        principal,
        deps.numbers.get(number_id, consistent=True),
        missing=NumberNotFound(number_id),
        via=SEES_DISPLAY_NAMES,
        action=Action.DISPLAY_NAME_WRITE,
        refused=lambda caller: DisplayNameWriteNotGranted(not_granted(caller)),
    )
    name = checked_display_name(change.display_name, number.display_name)
    for _ in range(MAX_ATTEMPTS):
        _check_can_open(number, deps.requests, now)
        request = DisplayNameRequest(
            request_id=request_id_at(now),
            number_id=number.number_id,
            client_id=number.client_id,
            display_name=name,
            previous_name=number.display_name,
            status=RequestStatus.SUBMITTING,
            submitted_at=now,
            submitted_by=principal.subject,
            requester=Actor.of(principal),
        )
        if deps.requests.open(number, request):
            logger.info("display-name request recorded", extra={"number_id": number_id, "request": request.request_id})
            send(request, deps.requests, deps.graph, now)
            current = deps.requests.get(request.number_id, request.request_id) or request
            code = 202 if current.status is RequestStatus.SUBMITTING else 201
            return Submitted(request=view_of(current), status_code=code)
        number = reread(deps.numbers, number_id)
    raise StateConflict("The number kept changing while the request was recorded; try again.")


def _check_can_open(number: Number, requests: NameRequests, now: datetime) -> None:
    if (reason := state_refusal(number)) is not None:
        raise NumberNameNotChangeable(reason)
    if number.display_name_request is not None:
        pending = requests.get(number.number_id, number.display_name_request)
        raise DisplayNameEditNotAvailable(str(pending_refusal(number, pending)))
    used, frees_at = changes_in_window(requests.history(number.number_id, limit=WINDOW_READ), now)
    if used >= MAX_CHANGES_PER_WINDOW:
        wait = int((frees_at - now).total_seconds()) + 1 if frees_at else WINDOW_DAYS * 86400
        raise DisplayNameChangesUsed(window_used(frees_at), retry_after=max(1, wait))


def send(request: DisplayNameRequest, requests: NameRequests, graph: Graph, now: datetime) -> Outcome:
    """Send `request` (submitting) to Meta and record what came of it: SENT when Meta took it, UNREACHABLE when
    Meta could not be reached (it stays `submitting`, to be sent again), FAILED when it could not be reached for
    SUBMIT_GIVE_UP, CHANGED when another writer got to it first. Meta refusing it fails the request and raises
    the caller's problem: MetaRefusedDisplayName (422), MetaForbidden (403) or MetaCredentialsRejected (502)."""
    if not requests.count_send(request):
        return Outcome.CHANGED
    sent = request.model_copy(update={"send_attempts": request.send_attempts + 1})
    try:
        graph.post(request.number_id, json={"new_display_name": request.display_name})
    except MetaCredentialsRejected:
        _fail(sent, requests, now, "Meta rejected the hub's credentials; support has been alerted.")
        raise
    except (MetaRefused, MetaForbidden) as error:
        detail = error.graph_error.user_detail
        _fail(sent, requests, now, f"Meta refused the request: {detail}")
        if isinstance(error, MetaForbidden):
            raise
        raise MetaRefusedDisplayName(
            f"Meta refused the display name: {detail}",
            upstream_code=error.graph_error.code,
            errors=[FieldError(FIELD, detail)],
        ) from error
    except (UpstreamUnavailable, QuotaExceeded, UpstreamError, DeadlineReached) as error:
        logger.warning(
            "display-name request not delivered to Meta yet",
            extra={"number_id": request.number_id, "request": request.request_id, "reason": error.detail},
        )
        if now - request.submitted_at >= SUBMIT_GIVE_UP:
            _fail(sent, requests, now, "Meta could not be reached for a day; ask for the name again.")
            return Outcome.FAILED
        return Outcome.UNREACHABLE
    accepted = RequestDecision(status=RequestStatus.PENDING_REVIEW, at=now, by=DecisionSource.HUB)
    _, event = effects(sent, accepted)
    requests.decide(sent, accepted, sent=True, event=event)
    return Outcome.SENT


def _fail(request: DisplayNameRequest, requests: NameRequests, now: datetime, why: str) -> None:
    requests.decide(request, RequestDecision(status=RequestStatus.FAILED, at=now, by=DecisionSource.HUB, failure=why))


def _visible(number_id: str, principal: Principal, numbers: NumberNames) -> Number:
    """The number, if the caller may know its display-name page (SEES_DISPLAY_NAMES)."""
    number = numbers.get(number_id, consistent=True)
    return authorize(principal, number, missing=NumberNotFound(number_id), via=SEES_DISPLAY_NAMES)
