"""Display names: the polling job (`DisplayNamePolling`, every 15 minutes), which finds the decisions a lost webhook
missed. Every open request, read through the sparse `PendingDisplayName` index, is compared with what Meta shows
(`new_display_name`, `new_name_status`, `verified_name`, `name_status`) — see `poll_request`. A lost webhook delays a
decision by at most one period; requests Meta did not answer for stay open for the next run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from aws_lambda_powertools import Logger

from hub_numbers.models.display_names import DecisionSource, DisplayNameRequest, RequestDecision, RequestStatus
from hub_numbers.usecases.display_names.decisions import Outcome, decide
from hub_numbers.usecases.display_names.ports import NameRequests
from hub_numbers.usecases.display_names.requests import send
from hub_shared.errors import HubError, UpstreamError
from hub_shared.fan_out import fan_out
from hub_shared.graph import Graph, MetaForbidden, MetaRefused

logger = Logger(child=True)

DEFAULT_CONCURRENCY = 64
"""Graph calls in flight at once in a polling run: 10,000 requests × ~100 ms / 64 ≈ 16 s (bench/display_names.py);
the DynamoDB client's connection pool must hold as many connections."""
META_NAME_FIELDS = "verified_name,name_status,new_display_name,new_name_status"


def poll_request(request: DisplayNameRequest, graph: Graph, requests: NameRequests, now: datetime) -> Outcome:
    """Compare an open request with what Meta shows, and apply what the webhook may have missed:
    - Meta's `new_display_name` is the request's name: `new_name_status` APPROVED → approved; DECLINED → rejected
      (the reason only comes with the webhook); PENDING_REVIEW → pending (a `submitting` one is now known to have
      reached Meta); EXPIRED or NONE → expired (Meta dropped it);
    - Meta's `verified_name` is the request's name with `name_status` APPROVED → approved;
    - otherwise a `submitting` request is sent (again), and one Meta had accepted is expired: Meta dropped it.
    Meta unreachable leaves the request for the next run."""
    if request.status.is_final:
        return Outcome.UNCHANGED
    try:
        shown = graph.get(request.number_id, params={"fields": META_NAME_FIELDS})
    except (MetaRefused, MetaForbidden) as error:
        why = f"Meta no longer shows the number: {error.graph_error.user_detail}"
        return decide(request, _polled(RequestStatus.EXPIRED, now, failure=why), requests)
    except UpstreamError:
        return Outcome.UNREACHABLE
    if shown.get("new_display_name") == request.display_name:
        new_status = str(shown.get("new_name_status") or "NONE")
        if new_status == "APPROVED":
            return decide(request, _polled(RequestStatus.APPROVED, now), requests)
        if new_status == "DECLINED":
            return decide(request, _polled(RequestStatus.REJECTED, now), requests)
        if new_status == "PENDING_REVIEW":
            if request.status is RequestStatus.SUBMITTING:
                return decide(request, _polled(RequestStatus.PENDING_REVIEW, now), requests)
            return Outcome.UNCHANGED
        if new_status in ("EXPIRED", "NONE"):
            why = f"Meta dropped the request (new_name_status {new_status})."
            return decide(request, _polled(RequestStatus.EXPIRED, now, failure=why), requests)
        logger.warning("unknown new_name_status; left pending", extra={"new_name_status": new_status})
        return Outcome.UNCHANGED
    if shown.get("verified_name") == request.display_name and shown.get("name_status") == "APPROVED":
        return decide(request, _polled(RequestStatus.APPROVED, now), requests)
    if request.status is RequestStatus.SUBMITTING:
        try:
            return send(request, requests, graph, now)
        except HubError:  # Meta refused it: the request failed (recorded by `send`)
            return Outcome.FAILED
    why = "Meta no longer has this request (it shows another or no pending name)."
    return decide(request, _polled(RequestStatus.EXPIRED, now, failure=why), requests)


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

    def run(self, now: datetime) -> Counter[Outcome]:
        """The pages of every shard in one fan-out, so the pool stays busy however the requests are spread."""
        pages = (self._requests.get_many(keys) for shard in self._shards for keys in self._requests.pending(shard))
        with ThreadPoolExecutor(max_workers=self._concurrency, thread_name_prefix="dn-poll") as pool:
            return Counter(fan_out(pages, self._one(now), pool, self._concurrency))

    def _one(self, now: datetime) -> Callable[[DisplayNameRequest], Outcome]:
        def poll(request: DisplayNameRequest) -> Outcome:
            try:
                return poll_request(request, self._graph, self._requests, now)
            except Exception:
                logger.exception("polling a display-name request failed", extra={"request": request.request_id})
                return Outcome.UNREACHABLE

        return poll
