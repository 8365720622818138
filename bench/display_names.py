"""The display-name polling job over 10,000 pending requests, against the Meta sandbox with 50 ms injected latency.

    python -m bench display_names                                  # as `make bench` runs it
    python -m bench.display_names --numbers 2000 --sample 200      # smaller, faster

Set-up (not timed; see bench/jobs.py): DynamoDB is moto's server in a child process (the numbers table from the
template, without its stream); each number has one open request (`pending_review`) and points at it. The Meta
sandbox runs in another child process and knows each number with the requested name under review; its fault API
adds `--latency-ms` to every Graph call. The job talks to both over HTTP on loopback with the hub's own clients, as
in Lambda. Meta's word repeats every 20 numbers: 3 APPROVED (the job approves the request, names the number and
writes DisplayNameApproved, in one transaction), 1 EXPIRED (the request expires) and 16 still PENDING_REVIEW (left
as they are), the same mix on both sides.

Two sides, the same job code (`DisplayNamePolling`: the PendingDisplayName index shard by shard → BatchGetItem →
GET the number at Meta → a conditional transaction for a decision):
- baseline: the job with one worker — a sequential loop — over the first `--sample` numbers, on a table holding
  only them. A sequential pass over 10,000 × 50 ms would take about 9 minutes, so it is measured on the sample
  and scaled linearly to `--numbers` (an extrapolation, and said so in the report; the sample's table is smaller,
  so its reads are cheaper: if anything, the scaled baseline is too short);
- subject: the job as deployed (PENDING_SHARDS shards, DEFAULT_CONCURRENCY workers) over `--numbers` numbers, on
  a fresh table.
The report gives the time ratio, requests polled per second, DynamoDB requests per polled request (botocore calls,
counted with an event hook on the job's client) and what the time went to (the latency floor, the CPU of each
process). Afterwards each side's table is checked against the mix (exit 1 otherwise): every approved request
approved, its number named and announced exactly once; every expired one expired; every other request and number
untouched.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.jobs import (
    Calls,
    Cloud,
    JobBenchmark,
    JobResult,
    Run,
    as_dict,
    cli,
    compare,
    create_tables,
    hub_cloud,
    measured,
    moto_table,
    print_run_report,
)
from hub_numbers.deps import display_names_store
from hub_numbers.models.display_names import DecisionSource, DisplayNameRequest, RequestStatus
from hub_numbers.models.numbers import AccountStatus, Number, RegistrationStatus
from hub_numbers.store.display_names import PENDING_SHARDS, request_item
from hub_numbers.store.numbers import number_item
from hub_numbers.usecases.display_names.decisions import Outcome as PollOutcome
from hub_numbers.usecases.display_names.polling import DEFAULT_CONCURRENCY, DisplayNamePolling
from hub_numbers.usecases.display_names.rules import request_id_at
from local.sandboxes.meta import MetaState

NUMBERS = 10_000
SAMPLE = 300
LATENCY_MS = 50
TARGET = 20.0
BENCHMARK = JobBenchmark("display_names", "pending request", DEFAULT_CONCURRENCY, TARGET)
TABLE = "hub-numbers"
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


def display_names(runs: int) -> dict[str, Any]:
    """`make bench`'s run (`python -m bench display_names`), at the defaults: prints the report, answers the result (a
    `bench.jobs.JobResult`). The job over 10,000 requests is itself the repetition: `runs` is not used."""
    return as_dict(run(NUMBERS, SAMPLE, LATENCY_MS))


def run(numbers: int, sample: int, latency_ms: int, workers: int = DEFAULT_CONCURRENCY) -> JobResult:
    """Baseline over the first `sample` numbers, subject over `numbers` with `workers`; checked, reported, answered."""
    started = time.perf_counter()
    with hub_cloud(["NumbersTable"], meta_state, (FIRST_ID, max(numbers, sample)), latency_ms) as hub:

        def baseline() -> Run:
            print(f"  seeding {sample:,} sample requests …", flush=True)
            return _run(hub, sample, 1)

        def subject() -> Run:
            print(f"  seeding {numbers:,} requests …", flush=True)
            return _run(hub, numbers, workers)

        result, first, second = compare(BENCHMARK, baseline, subject, latency_ms=latency_ms, started=started)
        _report(result, first, second, hub, latency_ms)
    print(f"  (the whole benchmark, set-up and checks included, took {time.perf_counter() - started:,.0f} s)")
    return result


def _run(hub: Cloud, count: int, workers: int) -> Run:
    """The job with `workers` over a fresh table holding the open requests of the first `count` numbers, checked."""
    hub.dynamodb.delete_table(TableName=TABLE)
    create_tables(hub.dynamodb, ["NumbersTable"])
    hub.aws.call(seed_requests, FIRST_ID, count)
    meta = Calls()
    shards = [str(shard) for shard in range(PENDING_SHARDS)]
    job = DisplayNamePolling(display_names_store(), hub.graph(meta), shards=shards, concurrency=workers)
    run, outcomes = measured(hub, workers, count, meta, lambda: job.run(POLLED_AT))
    expected = Counter(EXPECTED[meta_word(str(FIRST_ID + n))] for n in range(count))
    if outcomes != expected:
        hub.fail(f"display-name benchmark: expected {dict(expected)}, got {dict(outcomes)}")
    if meta.count != Counter({"GET": count}):  # every request polled once; none sent to Meta again
        hub.fail(f"display-name benchmark: expected {count} GETs at Meta, made {dict(meta.count)}")
    if problems := hub.aws.call(check_polled):
        hub.fail("display-name benchmark: " + "; ".join(problems))
    return run


def _report(result: JobResult, baseline: Run, subject: Run, hub: Cloud, latency_ms: int) -> None:
    numbers = result["items"]
    mix = Counter(meta_word(str(FIRST_ID + n)) for n in range(numbers))
    print(
        f"display_names — the polling job over {numbers:,} pending requests, Meta sandbox with {latency_ms} ms latency"
    )
    print(
        f"  outcomes, as seeded and checked in the table: {mix['APPROVED']:,} approved and {mix['EXPIRED']:,} expired"
        f" (a transaction each), {mix['PENDING_REVIEW']:,} still under review (unchanged)"
    )
    print_run_report(result, baseline, subject, what="requests polled", stand_in=hub.aws)


# ---------------------------------------------------------------- in the stand-in's process (hub.aws.call)

Seeded = dict[str, tuple[dict[str, Any], dict[str, Any]]]
"""number id → (its number's item, its request's item), as seeded."""
_seeded: Seeded = {}


def seed_requests(first_id: int, count: int) -> None:
    """Numbers first_id … first_id+count-1, each pointing at its open request, put straight into moto's table (and
    kept here, to check the table against them)."""
    table = moto_table(TABLE)
    _seeded.clear()
    for n in range(first_id, first_id + count):
        number_id = str(n)
        request = _request(number_id)
        _seeded[number_id] = number_item(_number(number_id, request.request_id)), request_item(request)
        for item in _seeded[number_id]:
            table.put_item(item)


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


def check_polled() -> list[str]:
    """What is wrong with the table against the seeded requests and Meta's word (nothing: [])."""
    stored: dict[tuple[str, str], dict[str, Any]] = {}
    announced: Counter[tuple[str, str]] = Counter()
    for item in moto_table(TABLE).all_items():
        attributes = item.to_json()["Attributes"]
        if attributes["pk"]["S"].startswith("OUTBOX#"):
            announced[attributes["detail_type"]["S"], json.loads(attributes["detail"]["S"])["number_id"]] += 1
        else:
            stored[_key(attributes)] = attributes
    problems = []
    if announced != Counter({("DisplayNameApproved", n): 1 for n in _seeded if meta_word(n) == "APPROVED"}):
        problems.append("the outbox does not hold exactly one DisplayNameApproved per approval")
    for number_id, items in _seeded.items():
        number, request = (stored.get(_key(item), {}) for item in items)
        if not _as_polled(number_id, number, request, items):
            problems.append(f"number {number_id} or its request is not as Meta's word says")
            if len(problems) > 10:
                break
    return problems


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


# ---------------------------------------------------------------- in the Meta sandbox's process


def meta_state(first_id: int, count: int) -> MetaState:
    """The sandbox's story plus `count` numbers from `first_id`, each with its requested name under Meta's word
    (`meta_word`)."""
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
    return state


def main(argv: list[str] | None = None) -> int:
    return cli(
        argv,
        prog="python -m bench.display_names",
        doc=__doc__ or "",
        what="pending requests",
        defaults=(NUMBERS, SAMPLE, LATENCY_MS),
        workers=DEFAULT_CONCURRENCY,
        run=run,
    )


if __name__ == "__main__":
    raise SystemExit(main())
