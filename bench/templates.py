"""A WABA with 6,000 templates: its sync with Meta, and its list by status, in DynamoDB requests and time; and the
scheduled sync of every WABA's templates, 6,000 in all, with its workers against one — in one run.

DynamoDB is moto's server in a child process (bench/jobs.py: the templates, waba and accounts tables without their
streams), reached with the hub's own client over HTTP on loopback; DynamoDB requests (and the time spent in them:
moto's, botocore's, the socket's) are counted on that client with botocore event hooks.

1. and 2. go through the templates function's handler as API Gateway hands it over, on the demo story's Acme WABA;
the Meta sandbox (in this process, behind the hub's own Graph client; its story's templates of that WABA replaced)
holds 6,000 templates of distinct names — 60% APPROVED, 20% PENDING, 10% REJECTED, 10% PAUSED; en_US and de; a BODY
with a variable and its example, a FOOTER. Graph calls (and the sandbox's time) are counted on the Graph client's
transport. Meta answers at once (`LATENCY_MS` 0): a time is CPU, of this process and the stand-in's, so only ratios
mean anything; the report gives each time without the DynamoDB calls' and the sandbox's share too (the hub's own).

1. Sync (`POST /v1/wabas/{waba_id}/templates/sync`): the first sync (6,000 added) is the baseline; against it, a
   sync with nothing changed at Meta (no template written: checked) and a sync after 1% of the templates changed
   status at Meta (60 PENDING ones approved; exactly those written: checked). Each reports Meta's pages (60 at the
   default page size of 100: checked), DynamoDB reads, write requests and items written, per template too.
2. List by status: every page of `GET /v1/wabas/{waba_id}/templates?status=APPROVED&limit=100`, following
   `next_cursor` to the end — each page must cost exactly one DynamoDB Query (on the index `ByStatus`), and all 3,600
   APPROVED templates must come back (both checked); the route's fixed reads (the WABA registry's GetItem) are
   reported apart. Baseline: as many pages of the same list without the filter (the base table's key order). The
   report gives the median time of a page of each and the ratio by-status / unfiltered.
3. The scheduled sync (`sync_every_waba`, the templates-sync job's use case) of SCHEDULED_WABAS WABAs of
   SCHEDULED_TEMPLATES templates each (6,000 in all; the same mix), against the Meta sandbox in a child process with
   `SCHEDULED_LATENCY_MS` added to every Graph call: with TEMPLATE_SYNC_WORKERS (as deployed) against one worker (a
   sequential loop over the WABAs), each side on WABAs of its own, first (every template added: checked) and then
   again with nothing changed (nothing written: checked). A WABA's pages are read one after another, so the workers
   only help across WABAs: one WABA of 6,000 templates takes as long with any number of them.

The route's 25 s deadline is lifted (`deadline`). `runs` would be how many times each list side is walked and the
unchanged and 1% syncs made, but it is capped at `LIST_RUNS` and `SYNC_RUNS`, both 1: a walk is 36 requests (each
page's time is a sample: the medians are of 36 pages a side), and each sync but the first reads the whole mirror.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from bench.harness import CountingMeta, row
from bench.jobs import LINE, Calls, Cloud, Run, hub_cloud, measured, moto_table
from hub_shared import aws
from hub_shared.api import request_deadline, request_time
from hub_shared.deadline import Deadline
from hub_shared.wabas import RegisteredWaba, registry_item
from hub_templates import deps
from hub_templates.app import app, handler
from hub_templates.settings import templates_settings
from hub_templates.usecases.sync import SyncRun, sync_every_waba
from local.functions import LocalLambdaContext
from local.sandboxes.meta import MetaState
from local.sandboxes.meta.state import TemplateRecord

CLIENT_ID = "acme"
WABA_ID = "102290129340398"  # the demo story's Acme WABA, as the sandbox knows it
TEMPLATES = 6000
STATUSES = ("APPROVED",) * 6 + ("PENDING",) * 2 + ("REJECTED", "PAUSED")
"""A template's status by its index modulo 10: 60% APPROVED, 20% PENDING, 10% REJECTED, 10% PAUSED."""
LISTED_STATUS = "APPROVED"
CHANGED = TEMPLATES // 100
"""Templates whose status changes at Meta before the 1% sync (PENDING ones approved)."""
META_PAGE_SIZE = 100  # the templates service's default TEMPLATE_SYNC_PAGE_SIZE
LIST_LIMIT = 100
LATENCY_MS = 0
LIST_RUNS = 1
SYNC_RUNS = 1
CURSOR_SECRET = "hub/cursor-signing-key"  # noqa: S105 - the Secrets Manager name the settings default to
LIST_ROUTE = "/v1/wabas/{waba_id}/templates"
SYNC_ROUTE = "/v1/wabas/{waba_id}/templates/sync"
CLAIMS = {"sub": "bench-user", "email": "anna@acme.example", "token_use": "id", "custom:client_id": CLIENT_ID}
ENVIRONMENT = {
    "STAGE": "bench",
    "POWERTOOLS_SERVICE_NAME": "templates",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
}
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")
TABLES = ["TemplatesTable", "WabaTable", "AccountsTable", "IdempotencyTable"]
"""The template's tables the templates function reads or writes."""
SCHEDULED_WABAS = 60
SCHEDULED_TEMPLATES = TEMPLATES // SCHEDULED_WABAS
"""The scheduled sync's WABAs, each with this many templates (one page of Meta's): 6,000 in all."""
SCHEDULED_LATENCY_MS = 50
FIRST_SCHEDULED_WABA = 3_300_000_000_000_000

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def meta_templates(
    waba_id: str = WABA_ID, count: int = TEMPLATES, first_id: int = 1_800_000_000_000_000
) -> list[TemplateRecord]:
    """A WABA's templates at Meta (6,000 of the Acme WABA): distinct names, the status mix of `STATUSES`, two
    languages, ids from `first_id`."""
    topics = ("order_update", "delivery_notice", "spring_offer", "login_code", "appointment_reminder")
    categories = {"order_update": "UTILITY", "delivery_notice": "UTILITY", "login_code": "AUTHENTICATION"}
    records = []
    for index in range(count):
        topic = topics[index % len(topics)]
        status = STATUSES[index % len(STATUSES)]
        german = index % 3 == 2
        body = "Hallo {{1}}, eine Nachricht von Acme Retail." if german else "Hi {{1}}, a message from Acme Retail."
        records.append(
            TemplateRecord(
                id=str(first_id + index),
                waba_id=waba_id,
                name=f"{topic}_{index:05d}",
                language="de" if german else "en_US",
                category=categories.get(topic, "MARKETING"),
                status=status,
                components=[
                    {"type": "BODY", "text": body, "example": {"body_text": [["Anna"]]}},
                    {"type": "FOOTER", "text": "Acme Retail GmbH"},
                ],
                rejected_reason="INVALID_FORMAT" if status == "REJECTED" else "NONE",
                quality_score="GREEN" if status == "APPROVED" else "UNKNOWN",
            )
        )
    return records


def sandbox_meta(clock: Callable[[], datetime]) -> CountingMeta:
    """Meta's sandbox holding the WABA's 6,000 templates (in place of the story's) and no review under way: statuses
    change only when the benchmark changes them."""
    state = MetaState.from_story()
    for template_id in [t.id for t in state.templates.values() if t.waba_id == WABA_ID]:
        del state.templates[template_id]
    state.templates.update((t.id, t) for t in meta_templates())
    meta = CountingMeta(state, clock, latency_ms=LATENCY_MS)
    meta.state.reviews.clear()
    return meta


def pending(meta: CountingMeta) -> list[TemplateRecord]:
    return [t for t in meta.state.templates.values() if t.waba_id == WABA_ID and t.status == "PENDING"]


@dataclass
class Requests:
    """The DynamoDB requests of the hub's client by operation, the items its writes wrote (`batched`: by
    BatchWriteItem) and the seconds spent in them (moto's and botocore's work)."""

    operations: Counter[str] = field(default_factory=Counter)
    written: int = 0
    batched: int = 0
    seconds: float = 0.0
    _started: float = field(default=0.0, init=False, repr=False)

    def watch(self, client: Any) -> None:
        client.meta.events.register("before-parameter-build.dynamodb", self._count)
        client.meta.events.register("before-call.dynamodb", self._start)
        client.meta.events.register("after-call.dynamodb", self._stop)

    def _count(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        self.operations[model.name] += 1
        if model.name == "BatchWriteItem":
            items = sum(len(writes) for writes in params["RequestItems"].values())
            self.written += items
            self.batched += items
        elif model.name == "TransactWriteItems":
            self.written += len(params["TransactItems"])
        elif model.name in WRITES:
            self.written += 1

    def _start(self, **_: Any) -> None:
        self._started = time.perf_counter()

    def _stop(self, **_: Any) -> None:
        self.seconds += time.perf_counter() - self._started

    def copy(self) -> Requests:
        return Requests(Counter(self.operations), self.written, self.batched, self.seconds)

    def since(self, before: Requests) -> Requests:
        return Requests(
            self.operations - before.operations,
            self.written - before.written,
            self.batched - before.batched,
            self.seconds - before.seconds,
        )

    @property
    def writes(self) -> int:
        return sum(self.operations[name] for name in WRITES)

    @property
    def reads(self) -> int:
        return sum(self.operations.values()) - self.writes


@dataclass
class Timed:
    """One request's (or walk's) seconds: in all, in DynamoDB (moto) and in Meta (the sandbox)."""

    total: float
    dynamodb: float
    meta: float = 0.0

    @property
    def hub(self) -> float:
        return self.total - self.dynamodb - self.meta


@dataclass
class Sync:
    counts: dict[str, Any]
    graph_calls: int
    requests: Requests
    time: Timed


@dataclass
class Walk:
    """A walk through the pages of a list: what came back, each page's requests and time."""

    items: list[dict[str, Any]] = field(default_factory=list)
    pages: list[Requests] = field(default_factory=list)
    times: list[Timed] = field(default_factory=list)


def api_event(method: str, route: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    """The API Gateway HTTP API (payload 2.0) event of the portal's request, as the JWT authorizer forwards it."""
    path = route.replace("{waba_id}", WABA_ID)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {route}",
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "headers": {"accept": "application/json", "content-type": "application/json"},
        "pathParameters": {"waba_id": WABA_ID},
        "requestContext": {
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": "b"},
            "requestId": str(uuid.uuid4()),
            "routeKey": f"{method} {route}",
            "stage": "$default",
            "authorizer": {"jwt": {"claims": CLAIMS, "scopes": None}},
        },
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    return event


def clock() -> datetime:
    return datetime(2026, 11, 20, 12, tzinfo=UTC)


def deadline() -> Deadline:
    """Far off: under moto, a read of the mirror's 6,000 templates takes tens of seconds of this process's CPU
    (DynamoDB answers it in 3 Query pages), past the 25 s the route gives Meta's pages."""
    return Deadline.after(3600)


def templates(runs: int) -> dict[str, Any]:
    """`make bench`'s run (`python -m bench templates`): prints the report, answers the result (see `_result`)."""
    started = time.perf_counter()
    with hub_cloud(TABLES, scheduled_meta_state, (), SCHEDULED_LATENCY_MS, environment=ENVIRONMENT) as hub:
        _seed()
        syncs, walks = _measure(min(runs, SYNC_RUNS), min(runs, LIST_RUNS))
        print(f"  the scheduled sync of {SCHEDULED_WABAS} WABAs of {SCHEDULED_TEMPLATES} templates …", flush=True)
        scheduled = _scheduled(hub)
    print(f"templates — a WABA with {TEMPLATES:,} templates at Meta, synced and listed through the templates function")
    print("  Meta answers at once; times are CPU (this process's, the AWS stand-in's, the sandbox's): read the ratios")
    _report_syncs(syncs)
    _report_walks(walks)
    _report_scheduled(scheduled)
    _check(syncs, walks)
    print(f"  (the whole benchmark, set-up and checks included, took {time.perf_counter() - started:,.0f} s)")
    return _result(syncs, walks, scheduled, time.perf_counter() - started)


def _measure(sync_runs: int, list_runs: int) -> tuple[dict[str, list[Sync]], dict[str, list[Walk]]]:
    syncs: dict[str, list[Sync]] = {"first": [], "unchanged": [], "changed": []}
    walks: dict[str, list[Walk]] = {"unfiltered": [], "status": []}
    meta = sandbox_meta(clock)
    requests = Requests()
    requests.watch(aws.dynamodb())  # the client of every store of the function
    app.dependency_overrides.update(
        {deps.meta_graph: lambda: meta.graph, request_time: clock, request_deadline: deadline}
    )
    try:
        _walk(handler, requests, {})  # clients, the cursor key: the empty mirror's one page
        syncs["first"].append(_sync(handler, meta, requests))
        for _ in range(sync_runs):
            syncs["unchanged"].append(_sync(handler, meta, requests))
        for _ in range(list_runs):
            walks["status"].append(_walk(handler, requests, {"status": LISTED_STATUS}))
            pages = len(walks["status"][-1].pages)
            walks["unfiltered"].append(_walk(handler, requests, {}, pages=pages))
        for _ in range(sync_runs):
            for template in pending(meta)[:CHANGED]:
                template.status, template.quality_score = "APPROVED", "GREEN"
            syncs["changed"].append(_sync(handler, meta, requests))
    finally:
        app.dependency_overrides.clear()
    return syncs, walks


def _sync(handler: Handler, meta: CountingMeta, requests: Requests) -> Sync:
    before, calls, in_meta = requests.copy(), meta.calls, meta.seconds
    started = time.perf_counter()
    counts = _answer(handler(api_event("POST", SYNC_ROUTE), LocalLambdaContext("TemplatesFunction")))
    seconds = time.perf_counter() - started
    made = requests.since(before)
    return Sync(counts, meta.calls - calls, made, Timed(seconds, made.seconds, meta.seconds - in_meta))


def _walk(handler: Handler, requests: Requests, query: dict[str, str], *, pages: int | None = None) -> Walk:
    """The pages of the list asked with `query`, following `next_cursor` to the end (or `pages` of them)."""
    walk = Walk()
    cursor: str | None = None
    while True:
        before = requests.copy()
        asked = {**query, "limit": str(LIST_LIMIT), **({"cursor": cursor} if cursor else {})}
        started = time.perf_counter()
        page = _answer(handler(api_event("GET", LIST_ROUTE, asked), LocalLambdaContext("TemplatesFunction")))
        seconds = time.perf_counter() - started
        made = requests.since(before)
        walk.pages.append(made)
        walk.times.append(Timed(seconds, made.seconds))
        walk.items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None or len(walk.pages) == pages:
            return walk


def _answer(answer: dict[str, Any]) -> dict[str, Any]:
    if answer["statusCode"] != 200:
        raise SystemExit(f"the templates function answered {answer['statusCode']}: {answer['body']}")
    body: dict[str, Any] = json.loads(answer["body"])
    return body


def _seed() -> None:
    """The WABA in the waba table's registry (whose it is), and the key that signs list cursors (the tables are the
    stand-in's)."""
    item = registry_item(RegisteredWaba(waba_id=WABA_ID, client_id=CLIENT_ID), event_at="2026-11-20T00:00:00.000000Z")
    aws.dynamodb().put_item(TableName=deps.waba_registry().table, Item=aws.to_item(item))
    aws.secretsmanager().create_secret(Name=CURSOR_SECRET, SecretString="bench-key")


def _median(times: list[Timed]) -> Timed:
    return Timed(*(statistics.median(getattr(t, part) for t in times) for part in ("total", "dynamodb", "meta")))


SYNCS = (
    ("baseline  first sync: 6,000 added", "first"),
    ("subject   nothing changed at Meta", "unchanged"),
    (f"subject   {CHANGED} (1%) changed status at Meta", "changed"),
)


def _report_syncs(syncs: dict[str, list[Sync]]) -> None:
    print(f"  sync: POST …/templates/sync, Meta's page size {META_PAGE_SIZE}")
    print(f"  {'':<42}{'Graph pages':>12}{'reads':>7}{'writes':>8}{'per template':>13}{'items':>7}{'per template':>13}")
    for label, side in SYNCS:
        made = syncs[side][-1].requests
        print(
            f"  {label:<42}{syncs[side][-1].graph_calls:>12}{made.reads:>7}{made.writes:>8}"
            f"{made.writes / TEMPLATES:>13.4f}{made.written:>7,}{made.written / TEMPLATES:>13.4f}"
        )
    for _, side in SYNCS:
        operations = ", ".join(f"{count} {name}" for name, count in sorted(syncs[side][-1].requests.operations.items()))
        print(f"    {side:<10} DynamoDB requests: {operations}")
    print("    (a PutItem sets the WABA's template count when it changed; 25 templates to a BatchWriteItem)")
    print(f"  {'time, ms':<42}{'total':>9}{'in DDB':>9}{'in Meta':>9}{'the hub':>9}{'ratio':>8}{'hub ratio':>11}")
    first = _median([s.time for s in syncs["first"]])
    for label, side in SYNCS:
        median = _median([s.time for s in syncs[side]])
        print(
            f"  {label:<42}{median.total * 1000:>9,.0f}{median.dynamodb * 1000:>9,.0f}{median.meta * 1000:>9,.0f}"
            f"{median.hub * 1000:>9,.0f}{median.total / first.total:>8.3f}{median.hub / first.hub:>11.3f}"
        )


def _report_walks(walks: dict[str, list[Walk]]) -> None:
    runs = len(walks["status"])
    print(f"  list: GET …/templates?limit={LIST_LIMIT}, page by page; medians of the pages of {runs} walk(s) a side")
    print(f"  {'':<42}{'templates':>10}{'pages':>6}{'queries/page':>13}{'ms/page':>9}{'in DDB':>9}{'the hub':>9}")
    medians = {}
    for label, side in (
        ("baseline  unfiltered (base table, by name)", "unfiltered"),
        (f"subject   status={LISTED_STATUS} (index ByStatus)", "status"),
    ):
        walk = walks[side][-1]
        medians[side] = median = _median([t for w in walks[side] for t in w.times])
        queries = "/".join(str(q) for q in sorted({p.operations["Query"] for p in walk.pages}))
        print(
            f"  {label:<42}{len(walk.items):>10,}{len(walk.pages):>6}{queries:>13}{median.total * 1000:>9,.1f}"
            f"{median.dynamodb * 1000:>9,.1f}{median.hub * 1000:>9,.1f}"
        )
        fixed = Counter[str]()
        for page in walk.pages:
            fixed.update({name: count for name, count in page.operations.items() if name != "Query"})
        other = ", ".join(f"{count / len(walk.pages):g} {name}" for name, count in sorted(fixed.items())) or "none"
        print(f"    other DynamoDB requests per page: {other}")
    status, unfiltered = medians["status"], medians["unfiltered"]
    print(f"  {'subject / baseline (time per page)':<42}{status.total / unfiltered.total:>47.3f}", end="")
    print(f"{status.hub / unfiltered.hub:>18.3f}")


def _check(syncs: dict[str, list[Sync]], walks: dict[str, list[Walk]]) -> None:
    failures: list[str] = []
    pages = -(-TEMPLATES // META_PAGE_SIZE)
    expected = {"first": (TEMPLATES, 0, TEMPLATES), "unchanged": (0, 0, 0), "changed": (0, CHANGED, CHANGED)}
    for side, made in syncs.items():
        added, updated, written = expected[side]
        for sync in made:
            counts = sync.counts
            if (counts["added"], counts["updated"], counts["removed"]) != (added, updated, 0):
                failures.append(f"{side} sync: {counts}, expected {added} added, {updated} updated, none removed")
            if sync.graph_calls != pages or counts["pages"] != pages:
                failures.append(f"{side} sync: {sync.graph_calls} Graph calls, {counts['pages']} pages; not {pages}")
            if sync.requests.batched != written:
                failures.append(f"{side} sync wrote {sync.requests.batched} templates, not {written}")
            if side == "unchanged" and sync.requests.writes:
                failures.append(f"a sync that changed nothing made {sync.requests.writes} DynamoDB writes, not 0")
    listed = TEMPLATES * STATUSES.count(LISTED_STATUS) // len(STATUSES)
    for side, walked in walks.items():
        for walk in walked:
            wanted = listed if side == "status" else min(TEMPLATES, len(walk.pages) * LIST_LIMIT)
            keys = {(item["name"], item["language"]) for item in walk.items}
            if len(walk.items) != wanted or len(keys) != wanted:
                failures.append(f"{side} list: {len(walk.items)} templates ({len(keys)} distinct), not {wanted}")
            if side == "status" and any(item["status"] != LISTED_STATUS for item in walk.items):
                failures.append(f"{side} list: templates of another status than {LISTED_STATUS}")
            if bad := [p.operations["Query"] for p in walk.pages if p.operations["Query"] != 1]:
                failures.append(f"{side} list: pages with {bad} DynamoDB queries; each must make exactly 1")
    if failures:
        raise SystemExit("templates benchmark failed:\n  " + "\n  ".join(sorted(set(failures))))


# ---------------------------------------------------------------- 3. the scheduled sync, its workers against one


@dataclass(frozen=True)
class ScheduledSide:
    """One side of the scheduled sync: its workers, its first sync (everything added) and its unchanged one."""

    workers: int
    first: Run
    unchanged: Run


def scheduled_waba(side: int, index: int) -> str:
    return str(FIRST_SCHEDULED_WABA + side * 1000 + index)


def _scheduled(hub: Cloud) -> list[ScheduledSide]:
    """One worker, then the deployed workers, each over WABAs of its own: a first sync, then an unchanged one."""
    sides = []
    for side, workers in enumerate((1, deps.sync_workers())):
        wabas = [RegisteredWaba(waba_id=scheduled_waba(side, w), client_id=CLIENT_ID) for w in range(SCHEDULED_WABAS)]
        first = _scheduled_sync(hub, wabas, workers, added=TEMPLATES)
        unchanged = _scheduled_sync(hub, wabas, workers, added=0)
        if writes := sum(unchanged.dynamodb.count[name] for name in WRITES):
            hub.fail(f"templates benchmark: a scheduled sync that changed nothing made {writes} DynamoDB writes")
        mirrored = hub.aws.call(mirrored_templates, [waba.waba_id for waba in wabas])
        if mirrored != dict.fromkeys((waba.waba_id for waba in wabas), SCHEDULED_TEMPLATES):
            hub.fail(f"templates benchmark: the scheduled sync's mirror holds {mirrored}")
        sides.append(ScheduledSide(workers, first, unchanged))
    return sides


def _scheduled_sync(hub: Cloud, wabas: list[RegisteredWaba], workers: int, *, added: int) -> Run:
    meta = Calls()

    def sync() -> SyncRun:
        return sync_every_waba(
            wabas,
            mirror=deps.templates_store(),
            graph=hub.graph(meta),
            now=clock(),
            page_size=deps.sync_page_size(),
            workers=workers,
        )

    run, done = measured(hub, workers, TEMPLATES, meta, sync)
    pages = len(wabas) * -(-SCHEDULED_TEMPLATES // deps.sync_page_size())
    expected = SyncRun(wabas=len(wabas), failed=0, added=added, updated=0, removed=0, pages=pages)
    if done != expected or meta.count != Counter({"GET": pages}):
        hub.fail(f"templates benchmark: the scheduled sync did {done} with {dict(meta.count)} Graph calls")
    return run


def _report_scheduled(sides: list[ScheduledSide]) -> None:
    baseline, subject = sides
    print(
        f"  the scheduled sync (sync_every_waba) of {SCHEDULED_WABAS} WABAs × {SCHEDULED_TEMPLATES} templates,"
        f" Meta sandbox with {SCHEDULED_LATENCY_MS} ms latency, in a child process"
    )
    print(LINE.format(f"  {'':<36}{'1 worker':>14}", f"{subject.workers} workers"))
    for kind in ("first", "unchanged"):
        one, many = getattr(baseline, kind), getattr(subject, kind)
        label = "first (every template added)" if kind == "first" else "again, nothing changed"
        print(LINE.format(f"  {label:<36}{one.seconds:>12,.2f} s", f"{many.seconds:,.2f} s"))
        print(LINE.format(f"    ratio one / {subject.workers} workers", f"{one.seconds / many.seconds:,.1f} ×"))
        requests = many.dynamodb.total() / many.items
        print(LINE.format("    DynamoDB requests per template", f"{requests:,.4f}"))
        for label, cpu in (("one worker", one.cpu), (f"{many.workers} workers", many.cpu)):
            spent = ", ".join(
                f"{name} {seconds:,.1f} s"
                for name, seconds in (("the job", cpu.job), ("moto", cpu.aws), ("Meta", cpu.meta))
                if seconds is not None
            )
            print(f"    CPU with {label}: {spent}")


def _result(
    syncs: dict[str, list[Sync]], walks: dict[str, list[Walk]], scheduled: list[ScheduledSide], seconds: float
) -> dict[str, Any]:
    """The results: the single WABA's syncs and lists, and the scheduled sync's ratios, with `make bench`'s rows."""
    baseline, subject = scheduled
    first, unchanged = (_median([s.time for s in syncs[side]]) for side in ("first", "unchanged"))
    status, unfiltered = (_median([t for w in walks[side] for t in w.times]) for side in ("status", "unfiltered"))
    ratios = {kind: getattr(baseline, kind).seconds / getattr(subject, kind).seconds for kind in ("first", "unchanged")}
    per_template = {side: syncs[side][-1].requests.writes / TEMPLATES for side in ("first", "unchanged", "changed")}
    workers = f"{subject.workers} workers vs one"
    return {
        "name": "templates",
        "templates": TEMPLATES,
        "scheduled": {
            "wabas": SCHEDULED_WABAS,
            "templates_per_waba": SCHEDULED_TEMPLATES,
            "workers": subject.workers,
            "latency_ms": SCHEDULED_LATENCY_MS,
            "first": {"seconds": subject.first.seconds, "one_worker_seconds": baseline.first.seconds},
            "unchanged": {"seconds": subject.unchanged.seconds, "one_worker_seconds": baseline.unchanged.seconds},
            "ratio_first": round(ratios["first"], 2),
            "ratio_unchanged": round(ratios["unchanged"], 2),
            "dynamodb_requests_per_template": {
                "first": round(subject.first.dynamodb.total() / TEMPLATES, 4),
                "unchanged": round(subject.unchanged.dynamodb.total() / TEMPLATES, 4),
            },
        },
        "sync": {
            side: {
                "seconds": round(statistics.median(s.time.total for s in syncs[side]), 3),
                "graph_pages": syncs[side][-1].graph_calls,
                "dynamodb_writes_per_template": round(per_template[side], 4),
                "items_written": syncs[side][-1].requests.written,
            }
            for side in ("first", "unchanged", "changed")
        },
        "unchanged_vs_first": round(unchanged.total / first.total, 3),
        "unchanged_vs_first_hub": round(unchanged.hub / first.hub, 3),
        "list_page_ratio": round(status.total / unfiltered.total, 3),
        "list_queries_per_page": 1,
        "wall_seconds": round(seconds, 1),
        "rows": [
            row(
                "templates",
                f"scheduled sync of {TEMPLATES:,} templates ({SCHEDULED_WABAS} WABAs), {workers} (Meta +50 ms)",
                f"{ratios['first']:.1f}× first, {ratios['unchanged']:.1f}× unchanged",
            ),
            row("templates", "a WABA's 6,000 synced again, nothing changed: items written", "0", "0", True),
            row("templates", "list by status: DynamoDB Queries per page", "1", "1", True),
        ],
    }


def mirrored_templates(waba_ids: list[str]) -> dict[str, int]:
    """In the stand-in: how many templates the templates table mirrors of each of `waba_ids`."""
    wanted = {f"WABA#{waba_id}": waba_id for waba_id in waba_ids}
    counts = dict.fromkeys(waba_ids, 0)
    for item in moto_table(templates_settings().templates_table).all_items():
        waba_id = wanted.get(item.attrs["pk"].value)
        if waba_id is not None and item.attrs["sk"].value.startswith("T#"):
            counts[waba_id] += 1
    return counts


def scheduled_meta_state() -> MetaState:
    """In the Meta sandbox's process: the story plus the scheduled sync's WABAs, both sides', with their
    templates (the same mix as the single WABA's)."""
    state = MetaState.from_story()
    model = state.wabas[WABA_ID]
    for side in (0, 1):
        for index in range(SCHEDULED_WABAS):
            waba_id = scheduled_waba(side, index)
            state.wabas[waba_id] = dataclasses.replace(model, id=waba_id, name=f"Scheduled WABA {side}-{index}")
            first_id = 1_900_000_000_000_000 + (side * SCHEDULED_WABAS + index) * SCHEDULED_TEMPLATES
            state.templates.update((t.id, t) for t in meta_templates(waba_id, SCHEDULED_TEMPLATES, first_id))
    state.reviews.clear()
    return state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.templates", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the result's dict as JSON at the end")
    args = parser.parse_args(argv)
    result = templates(1)
    if args.json:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
