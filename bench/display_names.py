"""The display-name polling job over 10,000 pending requests, against the Meta sandbox with 50 ms injected latency.

    python -m bench display_names                                  # as `make bench` runs it
    python -m bench.display_names --numbers 2000 --sample 200      # smaller, faster

Set-up (not timed): DynamoDB is moto in this process (`mock_aws`; the numbers table from the template, without its
stream); each number has one open request (`pending_review`) and points at it. The Meta sandbox runs in a child
process on loopback and knows each number with the requested name under review; its fault API adds `--latency-ms`
to every Graph call. Meta's word repeats every 20 numbers: 3 APPROVED (the job approves the request, names the
number and writes DisplayNameApproved, in one transaction), 1 EXPIRED (the request expires) and 16 still
PENDING_REVIEW (left as they are), the same mix on both sides.

Two sides, the same job code (`DisplayNamePolling`: the PendingDisplayName index shard by shard → BatchGetItem →
GET the number at Meta → a conditional transaction for a decision):
- baseline: the job with one worker — a sequential loop — over the first `--sample` numbers, on a table holding
  only them. A sequential pass over 10,000 × 50 ms would take about 9 minutes, so it is measured on the sample
  and scaled linearly to `--numbers` (an extrapolation, and said so in the report);
- subject: the job as deployed (PENDING_SHARDS shards, DEFAULT_CONCURRENCY workers) over `--numbers` numbers, on
  a fresh table.
The report gives the time ratio, requests polled per second, DynamoDB requests per polled request (botocore calls,
counted with an event hook) and what the time went to: the time inside DynamoDB and Graph calls, and the latency
floor (requests × latency / workers) against this process's CPU time (the job, httpx, botocore and moto share one
GIL), of which the page reads (index Query, BatchGetItem; read while the workers poll, and moto's Query walks the
whole table). The sample's table is smaller than the
subject's, so its reads are cheaper: if anything, the scaled baseline is too short.
Afterwards each side's table is checked against the mix (exit 1 otherwise): every approved request approved, its
number named and announced exactly once; every expired one expired; every other request and number untouched.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.jobs import (
    BUS,
    TABLE,
    Calls,
    Cloud,
    TimedGraph,
    cli,
    cloud,
    create_numbers_table,
    numbers_table,
    run_bench,
    serve_meta,
)
from hub_numbers.models.display_names import DecisionSource, DisplayNameRequest, RequestStatus
from hub_numbers.models.numbers import AccountStatus, Number, RegistrationStatus
from hub_numbers.store.display_names import PENDING_SHARDS, DisplayNamesStore, request_item
from hub_numbers.store.numbers import number_item
from hub_numbers.usecases.display_names.decisions import Outcome as PollOutcome
from hub_numbers.usecases.display_names.polling import DEFAULT_CONCURRENCY, DisplayNamePolling
from hub_numbers.usecases.display_names.rules import request_id_at

NUMBERS = 10_000
SAMPLE = 500
LATENCY_MS = 50
FIRST_ID = 1_800_000_000_000_000
WABA_ID = "102290129340398"
SUBMITTED_AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
POLLED_AT = SUBMITTED_AT + timedelta(hours=6)
META_WORD = ("APPROVED",) * 3 + ("EXPIRED",) + ("PENDING_REVIEW",) * 16
"""Meta's `new_name_status` of number n is META_WORD[n % 20]."""
EXPECTED = {"APPROVED": PollOutcome.DECIDED, "EXPIRED": PollOutcome.DECIDED, "PENDING_REVIEW": PollOutcome.UNCHANGED}


def meta_word(number_id: str) -> str:
    return META_WORD[int(number_id) % len(META_WORD)]


def old_name(number_id: str) -> str:
    return f"Lucky Shrub {number_id[-6:]}"


def new_name(number_id: str) -> str:
    return f"Lucky Shrub Garden {number_id[-6:]}"


@dataclass(frozen=True)
class Run:
    requests: int
    seconds: float
    cpu_seconds: float
    dynamodb: Calls
    meta: Calls


def display_names(runs: int) -> None:
    """`python -m bench` entry: one run at the defaults (the job over 10,000 requests is itself the repetition)."""
    run_bench(measure, report, (NUMBERS, SAMPLE, LATENCY_MS))


def measure(numbers: int, sample: int, latency_ms: int) -> tuple[Run, Run]:
    """(baseline over the first `sample` numbers, subject over `numbers`)."""
    ids = [str(FIRST_ID + n) for n in range(max(numbers, sample))]
    with cloud("bench.display_names", FIRST_ID, len(ids), latency_ms) as hub:
        print(f"  seeding {sample:,} sample requests …", flush=True)
        baseline = _run(hub, ids[:sample], 1)
        print(f"  baseline done: {baseline.seconds:,.1f} s; seeding {numbers:,} requests …", flush=True)
        subject = _run(hub, ids[:numbers], DEFAULT_CONCURRENCY)
    return baseline, subject


def _run(hub: Cloud, ids: list[str], workers: int) -> Run:
    """The job with `workers` over a fresh table holding the open requests of `ids`, checked afterwards."""
    create_numbers_table(hub.dynamodb)
    seeded = _seed(ids)
    meta = Calls()
    store = DisplayNamesStore(TABLE, hub.dynamodb, BUS)
    shards = [str(shard) for shard in range(PENDING_SHARDS)]
    job = DisplayNamePolling(store, TimedGraph(hub.graph, meta), shards=shards, concurrency=workers)
    hub.dynamodb_calls.clear()
    cpu, started = time.process_time(), time.perf_counter()
    outcomes = job.run(POLLED_AT)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    dynamodb = hub.dynamodb_calls.snapshot()
    expected = Counter(EXPECTED[meta_word(number_id)] for number_id in ids)
    if outcomes != expected:
        raise SystemExit(f"display-name benchmark: expected {dict(expected)}, got {dict(outcomes)}")
    if meta.count["POST"]:  # every polled request is known to Meta: none may be sent again
        raise SystemExit(f"display-name benchmark: the job sent {meta.count['POST']} requests to Meta again")
    _check(seeded)
    hub.dynamodb.delete_table(TableName=TABLE)
    return Run(len(ids), seconds, cpu, dynamodb, meta)


def report(runs: tuple[Run, Run], numbers: int, sample: int, latency_ms: int) -> None:
    baseline, subject = runs
    per_request = baseline.seconds / baseline.requests
    scaled = per_request * numbers
    calls = sum(subject.dynamodb.count.values())
    # One worker, DynamoDB in this process: time inside a call is the call's own cost (botocore + moto).
    dynamodb_ms = sum(baseline.dynamodb.seconds.values()) / baseline.requests * 1000
    graph_ms = baseline.meta.seconds["GET"] / baseline.requests * 1000
    wall_ms, cpu_ms = subject.seconds / numbers * 1000, subject.cpu_seconds / numbers * 1000
    floor_ms = latency_ms / DEFAULT_CONCURRENCY
    # The job reads the next pages while its workers poll; in process, those reads are CPU under the same GIL.
    reads_ms = (subject.dynamodb.seconds["Query"] + subject.dynamodb.seconds["BatchGetItem"]) / numbers * 1000
    mix = Counter(meta_word(str(FIRST_ID + n)) for n in range(numbers))
    line = "  {:<62}{:>14}"
    print(
        f"display_names — the polling job over {numbers:,} pending requests, Meta sandbox with {latency_ms} ms latency"
    )
    print(line.format("baseline  one worker (a sequential loop), measured on a sample", f"{sample:,} requests"))
    print(line.format("          per request", f"{per_request * 1000:,.1f} ms"))
    print(line.format(f"          scaled linearly to {numbers:,} requests (extrapolated)", f"{scaled:,.0f} s"))
    print(line.format(f"subject   {DEFAULT_CONCURRENCY} workers (as deployed), measured", f"{subject.seconds:,.1f} s"))
    print(line.format("          requests polled per second", f"{numbers / subject.seconds:,.0f}"))
    print(line.format("time ratio  baseline (scaled) / subject", f"{scaled / subject.seconds:,.1f} ×"))
    print("  outcomes, as seeded (checked in the table)")
    print(line.format("          approved (decided, one transaction each)", f"{mix['APPROVED']:,}"))
    print(line.format("          expired (decided, one transaction each)", f"{mix['EXPIRED']:,}"))
    print(line.format("          still pending review (unchanged)", f"{mix['PENDING_REVIEW']:,}"))
    print(line.format("DynamoDB requests per polled request", f"{calls / numbers:,.3f}"))
    for operation, count in sorted(subject.dynamodb.count.items()):
        inside = subject.dynamodb.seconds[operation]
        print(line.format(f"          {operation} ({inside:,.1f} s inside the calls)", f"{count:,}"))
    print("  where the time goes, per request")
    print(line.format("  sequential: inside DynamoDB calls (botocore + moto, in process)", f"{dynamodb_ms:,.2f} ms"))
    print(line.format(f"  sequential: inside the Graph call ({latency_ms} ms of it latency)", f"{graph_ms:,.2f} ms"))
    print(line.format(f"  subject: wall time ({DEFAULT_CONCURRENCY} workers)", f"{wall_ms:,.2f} ms"))
    print(
        line.format(
            f"  subject: latency floor ({latency_ms} ms / {DEFAULT_CONCURRENCY} workers)", f"{floor_ms:,.2f} ms"
        )
    )
    print(line.format("  subject: CPU time of this process (one GIL for all)", f"{cpu_ms:,.2f} ms"))
    print(line.format("    of it, page reads (Query, BatchGetItem: botocore + moto)", f"{reads_ms:,.2f} ms"))
    if cpu_ms > floor_ms:
        dominant = (
            "CPU in this process, not Meta's latency: the workers wait for the GIL (the job, httpx, botocore and moto"
            " share it; real DynamoDB would cost this process only botocore's part)"
        )
    else:
        dominant = "Meta's latency (the workers are busy waiting on Meta)"
    print(f"  dominates: {dominant}")


Seeded = dict[str, tuple[dict[str, Any], dict[str, Any]]]
"""number id → (its number's item, its request's item), as seeded."""


def _seed(ids: list[str]) -> Seeded:
    """Each number pointing at its open request, put straight into moto's table (not timed)."""
    table = numbers_table()
    seeded: Seeded = {}
    for number_id in ids:
        request = _request(number_id)
        seeded[number_id] = number_item(_number(number_id, request.request_id)), request_item(request)
        for item in seeded[number_id]:
            table.put_item(item)
    return seeded


def _number(number_id: str, request_id: str) -> Number:
    return Number(
        number_id=number_id,
        client_id=f"client-{int(number_id) % 1000}",
        waba_id=WABA_ID,
        phone_e164=f"+{number_id}",
        display_phone_number=f"+{number_id}",
        account_status=AccountStatus.RUNNING,
        display_name=old_name(number_id),
        display_name_status="APPROVED",
        display_name_request=request_id,
        display_name_requests=1,
        registration_status=RegistrationStatus.REGISTERED,
        created_at=SUBMITTED_AT - timedelta(days=90),
        updated_at=SUBMITTED_AT,
    )


def _request(number_id: str) -> DisplayNameRequest:
    return DisplayNameRequest(
        request_id=request_id_at(SUBMITTED_AT),
        number_id=number_id,
        client_id=f"client-{int(number_id) % 1000}",
        display_name=new_name(number_id),
        previous_name=old_name(number_id),
        status=RequestStatus.PENDING_REVIEW,
        submitted_at=SUBMITTED_AT,
        submitted_by="bench-user",
        sent_to_meta_at=SUBMITTED_AT,
        send_attempts=1,
    )


def _check(seeded: Seeded) -> None:
    """The table holds what Meta's word says (read in moto's table, not timed); exit 1 otherwise."""
    stored: dict[tuple[str, str], dict[str, Any]] = {}
    announced: Counter[tuple[str, str]] = Counter()
    for item in numbers_table().all_items():
        attributes = item.to_json()["Attributes"]
        if attributes["pk"]["S"].startswith("OUTBOX#"):
            announced[attributes["detail_type"]["S"], json.loads(attributes["detail"]["S"])["number_id"]] += 1
        else:
            stored[_key(attributes)] = attributes
    if announced != Counter({("DisplayNameApproved", n): 1 for n in seeded if meta_word(n) == "APPROVED"}):
        raise SystemExit(
            "display-name benchmark: the outbox does not hold exactly one DisplayNameApproved per approval"
        )
    for number_id, items in seeded.items():
        number, request = (stored.get(_key(item), {}) for item in items)
        if not _as_polled(number_id, number, request, items):
            raise SystemExit(f"display-name benchmark: number {number_id} or its request is not as Meta's word says")


def _key(item: dict[str, Any]) -> tuple[str, str]:
    return item["pk"]["S"], item["sk"]["S"]


def _as_polled(
    number_id: str, number: dict[str, Any], request: dict[str, Any], seeded: tuple[dict[str, Any], dict[str, Any]]
) -> bool:
    word = meta_word(number_id)
    if word == "PENDING_REVIEW":
        return (number, request) == seeded
    released = "display_name_request" not in number and "dn_pending_shard" not in request
    decided = request.get("decided_by") == {"S": DecisionSource.POLLING.value}
    if word == "APPROVED":
        named = number.get("display_name") == {"S": new_name(number_id)}
        return released and decided and named and request.get("status") == {"S": RequestStatus.APPROVED.value}
    kept = number.get("display_name") == {"S": old_name(number_id)}
    return released and decided and kept and request.get("status") == {"S": RequestStatus.EXPIRED.value}


def serve_meta_numbers(port: int, first_id: int, count: int) -> None:
    """The child: the sandbox's story plus `count` numbers from `first_id`, each with its requested name under
    Meta's word (`meta_word`), served until terminated."""
    from local.sandboxes.meta import MetaState  # noqa: PLC0415 - the child's own import

    state = MetaState.from_story()
    model = state.numbers["106540352242922"]
    for n in range(first_id, first_id + count):
        number_id, word = str(n), meta_word(str(n))
        approved = word == "APPROVED"
        state.numbers[number_id] = dataclasses.replace(
            model,
            id=number_id,
            verified_name=new_name(number_id) if approved else old_name(number_id),
            name_status="APPROVED",
            new_display_name=new_name(number_id),
            new_name_status=word,
            registration_calls=[],
        )
    serve_meta(state, port)


def main(argv: list[str] | None = None) -> int:
    return cli(
        argv,
        prog="python -m bench.display_names",
        doc=__doc__,
        what="pending requests",
        defaults=(NUMBERS, SAMPLE, LATENCY_MS),
        measure=measure,
        report=report,
        serve_meta_numbers=serve_meta_numbers,
    )


if __name__ == "__main__":
    raise SystemExit(main())
