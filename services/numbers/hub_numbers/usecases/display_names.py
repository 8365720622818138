"""Display names: read, request a change, and apply Meta's decisions (SPEC §3 Numbers; Meta facts §2).

Who: client users on their numbers, partners with `display_name:write` (or `numbers:read` to read only), support
agents read only. Another tenant's number is 404.

Request (`request_display_name`), in this order: the number is found and the caller may change it (404/403); the
name passes the hub's rules (`display_name_rules`, 422 on `body.display_name`); the number can take a new name
(409: onboarding, deleted, banned, disconnected) and has no request under way (409 "edit not available"); the
number has changes left in Meta's window (429 with `Retry-After`: 10 per 30 days, counting every request Meta
received). Then the request is recorded (`submitting`) with the number pointing at it — one conditional
transaction, so of two concurrent requests one wins — and sent to Meta (`POST /{phone_number_id}` with
`new_display_name`) with a short Graph budget so the caller hears back within Meta's 10 seconds:
- Meta accepted → `pending_review`, DisplayNameRequested, 201;
- Meta slow, down or throttling → the request stays `submitting`, 202: the polling job sends it again, so it is
  never lost;
- Meta refused it (its own checks) → `failed` with Meta's words, the number free again, 422 (403 when Meta says
  the hub may not change this number).

Decisions: `phone_number_name_update` (`apply_name_update`) names the number by its digits and the name by its
text. It applies to the number's open request when that request asked for that name (and Meta's time is not
before it was submitted, give or take MAX_CLOCK_SKEW): APPROVED → approved, the number takes the name (status
APPROVED) and must be registered again within 14 days; REJECTED → rejected with Meta's reason, the old name stays;
DEFERRED → deferred and PENDING → pending_review (both still open). A final request never changes again, and an
open one takes only a decision newer than the last it took, so repeated and out-of-order webhooks cannot regress
it. A decision on the number's current name with no request open (a new number's first review) sets its
`display_name_status`.

Polling (`DisplayNamePolling`): every open request, read through the sparse index, is compared with what Meta
shows (`new_display_name`, `new_name_status`, `verified_name`, `name_status`) — see `poll_request`.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from aws_lambda_powertools import Logger

from hub_numbers.display_name_models import (
    EDITABLE,
    HISTORY_LIMIT,
    MAX_CHANGES_PER_WINDOW,
    REREGISTER_WITHIN_DAYS,
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
from hub_numbers.events import DisplayNameApproved, DisplayNameRejected, DisplayNameRequested
from hub_numbers.models import AccountStatus, Number
from hub_numbers.usecases.display_name_rules import FIELD, checked_display_name
from hub_numbers.usecases.fan_out import fan_out
from hub_shared.auth import Action, Principal, Role
from hub_shared.clock import to_rfc3339
from hub_shared.errors import (
    FieldError,
    Forbidden,
    NotFound,
    QuotaExceeded,
    StateConflict,
    UpstreamError,
    UpstreamRejected,
    UpstreamUnavailable,
)
from hub_shared.events import DomainEvent
from hub_shared.graph import MetaCredentialsRejected, MetaForbidden, MetaRefused
from hub_shared.meta_events import MetaChange, PhoneNumberNameUpdate

logger = Logger(child=True)

MAX_ATTEMPTS = 3
WINDOW_READ = 4 * MAX_CHANGES_PER_WINDOW
"""The most recent requests read to count Meta's window (failed ones do not count, so more than 10 are read)."""
MAX_CLOCK_SKEW = timedelta(minutes=1)
"""How far before a request's submission a decision on its name may be timed and still be about it."""
SUBMIT_GIVE_UP = timedelta(hours=24)
"""A request Meta could not be reached for during this long is failed (the client may ask again)."""
DEFAULT_CONCURRENCY = 16
"""Graph calls in flight at once in a polling run: 10,000 requests × ~100 ms / 16 ≈ 1 minute."""
META_NAME_FIELDS = "verified_name,name_status,new_display_name,new_name_status"
WEBHOOK_DECISIONS = {
    "APPROVED": RequestStatus.APPROVED,
    "REJECTED": RequestStatus.REJECTED,
    "DEFERRED": RequestStatus.DEFERRED,
    "PENDING": RequestStatus.PENDING_REVIEW,
}
NAME_STATUS_OF = {"APPROVED": "APPROVED", "REJECTED": "DECLINED"}
"""A webhook decision on a number's current name → its `name_status` (Meta's field vocabulary)."""


class DisplayNameWriteNotGranted(Forbidden):
    slug = "display-name-write-not-granted"
    title = "You may not change this number's display name"


class DisplayNameEditNotAvailable(StateConflict):
    slug = "display-name-edit-not-available"
    title = "Edit not available"


class NumberNameNotChangeable(StateConflict):
    slug = "display-name-not-changeable"
    title = "The number's display name cannot be changed now"


class DisplayNameChangesUsed(QuotaExceeded):
    slug = "display-name-changes-used"
    title = "No display-name changes left"


class MetaRefusedDisplayName(UpstreamRejected):
    slug = "display-name-refused-by-meta"
    title = "Meta refused the display name"


class NumberNames(Protocol):
    def get(self, number_id: str, *, consistent: bool = ...) -> Number | None: ...

    def with_phone_digits(self, digits: str) -> list[Number]: ...


class NameRequests(Protocol):
    def get(self, number_id: str, request_id: str) -> DisplayNameRequest | None: ...

    def history(self, number_id: str, *, limit: int) -> list[DisplayNameRequest]: ...

    def open(self, number: Number, request: DisplayNameRequest) -> bool: ...

    def decide(
        self,
        read: DisplayNameRequest,
        decision: RequestDecision,
        *,
        number_sets: dict[str, Any] | None = ...,
        sent: bool = ...,
        event: DomainEvent | None = ...,
    ) -> bool: ...

    def count_send(self, read: DisplayNameRequest) -> bool: ...

    def name_decided(self, number: Number, *, name_status: str, time: int, at: datetime) -> bool: ...

    def pending(self, shard: str) -> Iterator[list[tuple[str, str]]]: ...

    def get_many(self, keys: Iterable[tuple[str, str]]) -> list[DisplayNameRequest]: ...


class Graph(Protocol):
    def get(self, path: str, params: Any = ..., token: str | None = ...) -> dict[str, Any]: ...

    def post(
        self, path: str, json: Any = ..., params: Any = ..., data: Any = ..., token: str | None = ...
    ) -> dict[str, Any]: ...


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


# ---------------------------------------------------------------- who may, and what is available


def request_id_at(moment: datetime) -> str:
    """A new request id: its time prefix and 12 random hex digits."""
    return f"{_time_prefix(moment)}{secrets.token_hex(6)}"


def _time_prefix(moment: datetime) -> str:
    """The time in milliseconds, 12 hex digits: request ids sort by it, and compare with it."""
    return f"{int(moment.timestamp() * 1000):012x}"


def write_refusal(number: Number, principal: Principal) -> str | None:
    """Why `principal` may not change `number`'s name (None: may)."""
    if principal.can(Action.DISPLAY_NAME_WRITE, number.client_id):
        return None
    if principal.role is Role.PARTNER:
        return "The client has not granted your partner account `display_name:write`."
    return "Only the client, or a partner it granted `display_name:write`, can change the display name."


def state_refusal(number: Number) -> str | None:
    """Why `number`'s name cannot change in its status (None: it can)."""
    status = number.account_status
    if status in EDITABLE:
        return None
    if status is AccountStatus.ONBOARDING:
        return "The number is still being set up (onboarding)."
    if status is AccountStatus.DELETED:
        return "The number was deleted."
    if status is AccountStatus.BANNED:
        return "Meta has banned the number."
    return f"The hub has no access to the number at Meta ({status.value})."


def pending_refusal(number: Number, pending: DisplayNameRequest | None) -> str | None:
    if number.display_name_request is None:
        return None
    what = f"“{pending.display_name}”" if pending else "another name"
    return f"Edit not available: {what} is under review at Meta; a new name can be asked for once it is decided."


def edit_action_refusal(number: Number, principal: Principal) -> str | None:
    """The Numbers list's `edit_display_name` action (without the 30-day window, which needs a query)."""
    return write_refusal(number, principal) or state_refusal(number) or pending_refusal(number, None)


# ---------------------------------------------------------------- read


def read_display_name(number_id: str, principal: Principal, deps: DisplayNameDeps, now: datetime) -> DisplayNameView:
    number = _visible(number_id, principal, deps.numbers)
    recent = deps.requests.history(number_id, limit=max(HISTORY_LIMIT, WINDOW_READ))
    history = recent[:HISTORY_LIMIT]
    pending = _pending_of(number, history, deps.requests)
    used, frees_at = _window(recent, now)
    edit = EditAvailability(available=True)
    reason = write_refusal(number, principal) or state_refusal(number) or pending_refusal(number, pending)
    if reason is not None:
        edit = EditAvailability(available=False, reason=reason)
    elif used >= MAX_CHANGES_PER_WINDOW:
        edit = EditAvailability(available=False, reason=_window_used(frees_at), retry_after=frees_at)
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


def _window(recent: list[DisplayNameRequest], now: datetime) -> tuple[int, datetime | None]:
    """Changes counted in Meta's window (every request but the failed) among the WINDOW_READ most `recent`, and
    when the oldest of them leaves it."""
    start = _time_prefix(now - timedelta(days=WINDOW_DAYS))
    counted = sorted(r.submitted_at for r in recent if r.request_id >= start and r.status is not RequestStatus.FAILED)
    full = len(counted) >= MAX_CHANGES_PER_WINDOW
    frees_at = counted[-MAX_CHANGES_PER_WINDOW] + timedelta(days=WINDOW_DAYS) if full else None
    return len(counted), frees_at


def _window_used(frees_at: datetime | None) -> str:
    when = f"; the next frees up at {to_rfc3339(frees_at)}" if frees_at else ""
    return f"All {MAX_CHANGES_PER_WINDOW} display-name changes of the last {WINDOW_DAYS} days are used{when}."


# ---------------------------------------------------------------- request


def request_display_name(
    number_id: str, change: DisplayNameChange, principal: Principal, deps: DisplayNameDeps, now: datetime
) -> Submitted:
    number = _visible(number_id, principal, deps.numbers)
    if (reason := write_refusal(number, principal)) is not None:
        raise DisplayNameWriteNotGranted(reason)
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
        )
        if deps.requests.open(number, request):
            logger.info("display-name request recorded", extra={"number_id": number_id, "request": request.request_id})
            return _send_first(request, deps, now)
        number = _reread(deps.numbers, number_id)
    raise StateConflict("The number kept changing while the request was recorded; try again.")


def _check_can_open(number: Number, requests: NameRequests, now: datetime) -> None:
    if (reason := state_refusal(number)) is not None:
        raise NumberNameNotChangeable(reason)
    if number.display_name_request is not None:
        pending = requests.get(number.number_id, number.display_name_request)
        raise DisplayNameEditNotAvailable(str(pending_refusal(number, pending)))
    used, frees_at = _window(requests.history(number.number_id, limit=WINDOW_READ), now)
    if used >= MAX_CHANGES_PER_WINDOW:
        wait = int((frees_at - now).total_seconds()) + 1 if frees_at else WINDOW_DAYS * 86400
        raise DisplayNameChangesUsed(_window_used(frees_at), retry_after=max(1, wait))


def _send_first(request: DisplayNameRequest, deps: DisplayNameDeps, now: datetime) -> Submitted:
    """Send a just-recorded request to Meta: 201 accepted, 202 still to be sent (Meta slow or down)."""
    outcome = _send(request, deps.requests, deps.graph, now)
    if isinstance(outcome, Exception):
        raise outcome
    current = deps.requests.get(request.number_id, request.request_id) or request
    code = 202 if current.status is RequestStatus.SUBMITTING else 201
    return Submitted(request=view_of(current), status_code=code)


def _send(request: DisplayNameRequest, requests: NameRequests, graph: Graph, now: datetime) -> PollOutcome | Exception:
    """Send `request` (submitting) to Meta and record what came of it; a refusal is answered as the error to raise."""
    if not requests.count_send(request):
        return PollOutcome.CHANGED
    sent = request.model_copy(update={"send_attempts": request.send_attempts + 1})
    try:
        graph.post(request.number_id, json={"new_display_name": request.display_name})
    except MetaCredentialsRejected as error:
        _fail(sent, requests, now, "Meta rejected the hub's credentials; support has been alerted.")
        return error
    except (MetaRefused, MetaForbidden) as error:
        detail = error.graph_error.user_detail
        _fail(sent, requests, now, f"Meta refused the request: {detail}")
        if isinstance(error, MetaForbidden):
            return error
        return MetaRefusedDisplayName(
            f"Meta refused the display name: {detail}",
            upstream_code=error.graph_error.code,
            errors=[FieldError(FIELD, detail)],
        )
    except (UpstreamUnavailable, QuotaExceeded, UpstreamError) as error:
        logger.warning(
            "display-name request not delivered to Meta yet",
            extra={"number_id": request.number_id, "request": request.request_id, "reason": error.detail},
        )
        if now - request.submitted_at >= SUBMIT_GIVE_UP:
            _fail(sent, requests, now, "Meta could not be reached for a day; ask for the name again.")
            return PollOutcome.FAILED
        return PollOutcome.UNREACHABLE
    accepted = RequestDecision(status=RequestStatus.PENDING_REVIEW, at=now, by=DecisionSource.HUB)
    _, event = _effects(sent, accepted)
    requests.decide(sent, accepted, sent=True, event=event)
    return PollOutcome.SENT


def _fail(request: DisplayNameRequest, requests: NameRequests, now: datetime, why: str) -> None:
    requests.decide(request, RequestDecision(status=RequestStatus.FAILED, at=now, by=DecisionSource.HUB, failure=why))


# ---------------------------------------------------------------- decisions


def apply_name_update(
    change: MetaChange, update: PhoneNumberNameUpdate, *, numbers: NumberNames, requests: NameRequests, now: datetime
) -> int:
    """Apply a `phone_number_name_update` webhook; answers how many requests it decided (made final)."""
    digits = "".join(char for char in update.display_phone_number if char.isdigit())
    found = numbers.with_phone_digits(digits)
    if not found:
        logger.warning("name update for a number the hub does not know; ignored", extra={"waba_id": change.waba_id})
        return 0
    return sum(_name_update_of(number, change, update, numbers, requests, now) for number in found)


def _name_update_of(
    number: Number,
    change: MetaChange,
    update: PhoneNumberNameUpdate,
    numbers: NumberNames,
    requests: NameRequests,
    now: datetime,
) -> int:
    status = WEBHOOK_DECISIONS.get(update.decision.upper())
    if status is None:
        logger.warning("unknown display-name decision; ignored", extra={"decision": update.decision})
        return 0
    current = _reread(numbers, number.number_id)
    request = requests.get(current.number_id, current.display_name_request) if current.display_name_request else None
    if request is not None and _is_about(request, update, change.time):
        decision = RequestDecision(
            status=status,
            at=now,
            by=DecisionSource.WEBHOOK,
            meta_decision=update.decision.upper(),
            decision_time=change.time,
            rejection_reason=update.rejection_reason if status is RequestStatus.REJECTED else None,
        )
        return int(_decide(request, decision, requests) is PollOutcome.DECIDED)
    name_status = NAME_STATUS_OF.get(update.decision.upper())
    if request is None and name_status and update.requested_verified_name == current.display_name:
        requests.name_decided(current, name_status=name_status, time=change.time, at=now)
        return 0
    logger.info(
        "name update about no open request of the number; ignored",
        extra={"number_id": current.number_id, "decision": update.decision},
    )
    return 0


def _is_about(request: DisplayNameRequest, update: PhoneNumberNameUpdate, time: int) -> bool:
    named = update.requested_verified_name is None or update.requested_verified_name == request.display_name
    return named and time >= (request.submitted_at - MAX_CLOCK_SKEW).timestamp()


class PollOutcome(StrEnum):
    DECIDED = "decided"
    """The request became final (approved, rejected or expired)."""
    UPDATED = "updated"
    """Still open, with Meta's newer word recorded (pending_review ↔ deferred)."""
    SENT = "sent"
    """Meta accepted a request that had not reached it."""
    UNCHANGED = "unchanged"
    UNREACHABLE = "unreachable"
    """Meta did not answer; the next run tries again."""
    FAILED = "failed"
    CHANGED = "changed"
    """Someone else (the webhook, another run) changed the request meanwhile."""


def _decide(read: DisplayNameRequest, decision: RequestDecision, requests: NameRequests) -> PollOutcome:
    """Write `decision` on the request, again from a fresh read while another writer got there first."""
    current: DisplayNameRequest | None = read
    for _ in range(MAX_ATTEMPTS):
        if current is None or current.status.is_final:
            return PollOutcome.UNCHANGED
        if not decision.status.is_final and (
            (decision.decision_time is None and decision.status is current.status)
            or (decision.decision_time is not None and (current.decision_time or 0) >= decision.decision_time)
        ):  # a newer decision of Meta's is recorded even when it repeats the status, so that no older one wins
            return PollOutcome.UNCHANGED
        number_sets, event = _effects(current, decision)
        sent = current.status is RequestStatus.SUBMITTING and decision.status is not RequestStatus.FAILED
        if requests.decide(current, decision, number_sets=number_sets, sent=sent, event=event):
            logger.info(
                "display-name request decided",
                extra={"number_id": current.number_id, "request": current.request_id, "status": decision.status},
            )
            return PollOutcome.DECIDED if decision.status.is_final else PollOutcome.UPDATED
        current = requests.get(read.number_id, read.request_id)
    return PollOutcome.CHANGED


def _effects(request: DisplayNameRequest, decision: RequestDecision) -> tuple[dict[str, Any], DomainEvent | None]:
    """What a decision does to the number, and the event it announces."""
    if decision.status is RequestStatus.APPROVED:
        reregister_by = decision.at + timedelta(days=REREGISTER_WITHIN_DAYS)
        sets: dict[str, Any] = {
            "display_name": request.display_name,
            "display_name_status": "APPROVED",
            "reregister_by": to_rfc3339(reregister_by),
        }
        if decision.decision_time is not None:
            sets["name_decision_time"] = decision.decision_time
        approved = DisplayNameApproved(
            number_id=request.number_id,
            client_id=request.client_id,
            request_id=request.request_id,
            display_name=request.display_name,
            previous_name=request.previous_name,
            reregister_by=reregister_by,
            decided_by=decision.by.value,
        )
        return sets, approved
    if decision.status is RequestStatus.REJECTED:
        rejected = DisplayNameRejected(
            number_id=request.number_id,
            client_id=request.client_id,
            request_id=request.request_id,
            display_name=request.display_name,
            rejection_reason=decision.rejection_reason,
            decided_by=decision.by.value,
        )
        return {}, rejected
    if request.status is RequestStatus.SUBMITTING and not decision.status.is_final:
        requested = DisplayNameRequested(
            number_id=request.number_id,
            client_id=request.client_id,
            request_id=request.request_id,
            display_name=request.display_name,
            previous_name=request.previous_name,
        )
        return {}, requested
    return {}, None


# ---------------------------------------------------------------- polling


def poll_request(request: DisplayNameRequest, graph: Graph, requests: NameRequests, now: datetime) -> PollOutcome:
    """Compare an open request with what Meta shows, and apply what the webhook may have missed:
    - Meta's `new_display_name` is the request's name: `new_name_status` APPROVED → approved; DECLINED → rejected
      (the reason only comes with the webhook); PENDING_REVIEW → pending (a `submitting` one is now known to have
      reached Meta); EXPIRED or NONE → expired (Meta dropped it);
    - Meta's `verified_name` is the request's name with `name_status` APPROVED → approved;
    - otherwise a `submitting` request is sent (again), and one Meta had accepted is expired: Meta dropped it.
    Meta unreachable leaves the request for the next run."""
    if request.status.is_final:
        return PollOutcome.UNCHANGED
    try:
        shown = graph.get(request.number_id, params={"fields": META_NAME_FIELDS})
    except (MetaRefused, MetaForbidden) as error:
        why = f"Meta no longer shows the number: {error.graph_error.user_detail}"
        return _decide(request, _polled(RequestStatus.EXPIRED, now, failure=why), requests)
    except UpstreamError:
        return PollOutcome.UNREACHABLE
    if shown.get("new_display_name") == request.display_name:
        new_status = str(shown.get("new_name_status") or "NONE")
        if new_status == "APPROVED":
            return _decide(request, _polled(RequestStatus.APPROVED, now), requests)
        if new_status == "DECLINED":
            return _decide(request, _polled(RequestStatus.REJECTED, now), requests)
        if new_status == "PENDING_REVIEW":
            if request.status is RequestStatus.SUBMITTING:
                return _decide(request, _polled(RequestStatus.PENDING_REVIEW, now), requests)
            return PollOutcome.UNCHANGED
        if new_status in ("EXPIRED", "NONE"):
            why = f"Meta dropped the request (new_name_status {new_status})."
            return _decide(request, _polled(RequestStatus.EXPIRED, now, failure=why), requests)
        logger.warning("unknown new_name_status; left pending", extra={"new_name_status": new_status})
        return PollOutcome.UNCHANGED
    if shown.get("verified_name") == request.display_name and shown.get("name_status") == "APPROVED":
        return _decide(request, _polled(RequestStatus.APPROVED, now), requests)
    if request.status is RequestStatus.SUBMITTING:
        outcome = _send(request, requests, graph, now)
        return PollOutcome.FAILED if isinstance(outcome, Exception) else outcome
    why = "Meta no longer has this request (it shows another or no pending name)."
    return _decide(request, _polled(RequestStatus.EXPIRED, now, failure=why), requests)


def _polled(status: RequestStatus, now: datetime, *, failure: str | None = None) -> RequestDecision:
    return RequestDecision(status=status, at=now, by=DecisionSource.POLLING, failure=failure)


class DisplayNamePolling:
    """One polling run: every open request (the `PendingDisplayName` index, shard by shard, read back in batches)
    compared with Meta on a pool of `concurrency` threads; answers the count of each outcome."""

    def __init__(
        self,
        requests: NameRequests,
        graph: Graph,
        *,
        shards: Iterable[str],
        concurrency: int = DEFAULT_CONCURRENCY,
    ):
        self._requests = requests
        self._graph = graph
        self._shards = list(shards)
        self._concurrency = concurrency

    def run(self, now: datetime) -> Counter[PollOutcome]:
        """The pages of every shard in one fan-out, so the pool stays busy however the requests are spread."""
        pages = (self._requests.get_many(keys) for shard in self._shards for keys in self._requests.pending(shard))
        with ThreadPoolExecutor(max_workers=self._concurrency, thread_name_prefix="dn-poll") as pool:
            return Counter(fan_out(pages, self._one(now), pool, self._concurrency))

    def _one(self, now: datetime) -> Callable[[DisplayNameRequest], PollOutcome]:
        def poll(request: DisplayNameRequest) -> PollOutcome:
            try:
                return poll_request(request, self._graph, self._requests, now)
            except Exception:
                logger.exception("polling a display-name request failed", extra={"request": request.request_id})
                return PollOutcome.UNREACHABLE

        return poll


# ---------------------------------------------------------------- helpers


def _visible(number_id: str, principal: Principal, numbers: NumberNames) -> Number:
    """The number, if the caller may know it: whoever sees the client's numbers, or a partner the client granted
    `display_name:write` alone (the scope of this page)."""
    number = numbers.get(number_id, consistent=True)
    if number is None or not (
        principal.sees(number.client_id) or principal.can(Action.DISPLAY_NAME_WRITE, number.client_id)
    ):
        raise NotFound(f"Number {number_id} was not found.")
    return number


def _reread(numbers: NumberNames, number_id: str) -> Number:
    number = numbers.get(number_id, consistent=True)
    if number is None:
        raise NotFound(f"Number {number_id} was not found.")
    return number
