"""The end-of-month deletion job over 100,000 due numbers, against the Meta sandbox with 50 ms injected latency.

    python -m bench deletion                                  # as `make bench` runs it
    python -m bench.deletion --numbers 20000 --sample 200     # smaller, faster

Set-up (not timed; see bench/jobs.py): DynamoDB is moto's server in a child process (the numbers table from the
template, without its stream, which the job does not read); the Meta sandbox (local/sandboxes/meta) runs in another,
with the numbers registered, and adds `--latency-ms` to every Graph call. The job talks to both over HTTP on
loopback with the hub's own clients, as in Lambda, so its workers wait on sockets rather than on moto's CPU.

Two sides, the same job code (`NumberDeletion`: index pages → BatchGetItem → deregister at Meta → conditional
transaction with the outbox event):
- baseline: the job with one worker — a sequential loop — over a sample of `--sample` numbers, run first, on a
  table holding only them. A sequential pass over 100,000 × 50 ms would take over 90 minutes, so it is measured on
  the sample and scaled linearly to `--numbers` (an extrapolation, and said so in the report);
- subject: the job as deployed (DEFAULT_CONCURRENCY workers) over `--numbers` numbers.
The report gives the time ratio, DynamoDB requests per deleted number (botocore calls, counted with an event hook on
the job's client), and what the time went to: the latency floor, the CPU of each of the three processes (the job's
is what a Lambda's CPU must cover: the report says which memory size that takes).
Afterwards every number of both sides must be deleted and deregistered, with exactly one NumberDeleted in the outbox
(checked in moto's table; exit 1 otherwise).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from bench.jobs import (
    LINE,
    Calls,
    Cloud,
    JobBenchmark,
    JobResult,
    Run,
    as_dict,
    cli,
    compare,
    hub_cloud,
    measured,
    moto_table,
    print_run_report,
    put_items,
)
from hub_numbers.deps import numbers_store
from hub_numbers.models.numbers import AccountStatus, Number, RegistrationStatus
from hub_numbers.store.numbers import number_item
from hub_numbers.usecases.deletion import DEFAULT_CONCURRENCY, Failure, NumberDeletion, Outcome, RetryMessage
from local.sandboxes.meta import MetaState

NUMBERS = 100_000
SAMPLE = 300
LATENCY_MS = 50
TARGET = 20.0
BENCHMARK = JobBenchmark("deletion", "due number", DEFAULT_CONCURRENCY, TARGET)
FIRST_ID = 1_900_000_000_000_000
WABA_ID = "102290129340398"
SAMPLE_DUE = datetime(2026, 10, 31, 23, 59, 59, 999999, tzinfo=UTC)
NUMBERS_DUE = datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC)
AFTER_SAMPLE, AFTER_ALL = datetime(2026, 11, 1, 0, 15, tzinfo=UTC), datetime(2026, 12, 1, 0, 15, tzinfo=UTC)
SEED_BATCH = 10_000
"""Numbers seeded per call into the stand-in."""


class Retries:
    """The retry queue: what the run hands it is retried at once after the run (as the queue's consumer would, by
    `NumberDeletion.retry`), within the time measured."""

    def __init__(self) -> None:
        self.sent: list[RetryMessage] = []

    def send(self, message: RetryMessage, delay_seconds: int) -> None:
        self.sent.append(message)


def deletion(runs: int) -> dict[str, Any]:
    """`make bench`'s run (`python -m bench deletion`), at the defaults: prints the report, answers the result (a
    `bench.jobs.JobResult`). The job over 100,000 numbers is itself the repetition: `runs` is not used."""
    return as_dict(run(NUMBERS, SAMPLE, LATENCY_MS))


def run(numbers: int, sample: int, latency_ms: int, workers: int = DEFAULT_CONCURRENCY) -> JobResult:
    """Baseline over `sample` numbers, subject over `numbers` with `workers`; both checked, reported, answered."""
    started = time.perf_counter()
    with hub_cloud(["NumbersTable"], meta_state, (FIRST_ID, sample + numbers), latency_ms) as hub:

        def baseline() -> Run:
            print(f"  seeding {sample:,} sample numbers …", flush=True)
            _seed(hub, FIRST_ID, sample, SAMPLE_DUE)
            return _run(hub, 1, AFTER_SAMPLE, sample)

        def subject() -> Run:
            print(f"  seeding {numbers:,} numbers …", flush=True)
            _seed(hub, FIRST_ID + sample, numbers, NUMBERS_DUE)
            print(f"  the job over {numbers:,} numbers with {workers} workers …", flush=True)
            measured_run = _run(hub, workers, AFTER_ALL, numbers)
            if problems := hub.aws.call(check_deleted, FIRST_ID, sample + numbers):
                hub.fail("deletion benchmark: " + "; ".join(problems))
            return measured_run

        result, first, second = compare(BENCHMARK, baseline, subject, latency_ms=latency_ms, started=started)
        _report(result, first, second, hub, latency_ms)
    print(f"  (the whole benchmark, set-up and checks included, took {time.perf_counter() - started:,.0f} s)")
    return result


def _seed(hub: Cloud, first_id: int, count: int, deletion_at: datetime) -> None:
    for start in range(first_id, first_id + count, SEED_BATCH):
        hub.aws.call(seed_cancelled, start, min(SEED_BATCH, first_id + count - start), deletion_at)


def _run(hub: Cloud, workers: int, now: datetime, numbers: int) -> Run:
    meta = Calls()
    retries = Retries()
    job = NumberDeletion(numbers_store(), hub.graph(meta), retries, concurrency=workers)

    def deletion() -> Counter[Outcome | Failure]:
        outcomes: Counter[Outcome | Failure] = Counter(job.run(now))
        for message in retries.sent:  # the retry queue's consumer, at once
            outcomes[Outcome.RETRIED] -= 1
            outcomes[job.retry(message, now)] += 1
        return +outcomes

    run, outcomes = measured(hub, workers, numbers, meta, deletion)
    if outcomes != Counter({Outcome.DELETED: numbers}):
        hub.fail(f"deletion benchmark: expected {numbers} deleted, got {dict(outcomes)}")
    if meta.count["POST"] < numbers or set(meta.count) != {"POST"}:
        hub.fail(f"deletion benchmark: expected {numbers} deregistrations at Meta, made {dict(meta.count)}")
    if retries.sent:
        reasons = "; ".join(line for line in hub.logs.lines if "deregistered" in line or "Graph" in line)
        print(f"  {len(retries.sent)} numbers went through the retry queue: {reasons[:300]}")
    return run


def _report(result: JobResult, baseline: Run, subject: Run, hub: Cloud, latency_ms: int) -> None:
    numbers = result["items"]
    print(f"deletion — the end-of-month job over {numbers:,} due numbers, Meta sandbox with {latency_ms} ms latency")
    print_run_report(result, baseline, subject, what="numbers deleted", stand_in=hub.aws)
    pages = subject.dynamodb.count["Query"]
    print(LINE.format("  DueForDeletion index pages (1 MB of keys each, as DynamoDB's)", f"{pages:,}"))


# ---------------------------------------------------------------- in the stand-in's process (hub.aws.call)


def seed_cancelled(first_id: int, count: int, deletion_at: datetime) -> None:
    """Numbers first_id … first_id+count-1 cancelled, due at `deletion_at`, put straight into moto's table."""
    put_items("hub-numbers", [number_item(_cancelled(str(first_id + n), deletion_at)) for n in range(count)])


def _cancelled(number_id: str, deletion_at: datetime) -> Number:
    return Number(
        number_id=number_id,
        client_id=f"client-{int(number_id) % 1000}",
        waba_id=WABA_ID,
        phone_e164=f"+{number_id}",
        display_phone_number=f"+{number_id}",
        account_status=AccountStatus.PENDING_DELETION,
        status_before_cancellation=AccountStatus.RUNNING,
        registration_status=RegistrationStatus.REGISTERED,
        deletion_at=deletion_at,
        cancelled_at=deletion_at.replace(day=1),
        created_at=deletion_at.replace(day=1),
        updated_at=deletion_at.replace(day=1),
    )


def check_deleted(first_id: int, count: int) -> list[str]:
    """What is wrong with numbers first_id … first_id+count-1 (nothing: []): each must be deleted, deregistered and
    out of the index, with exactly one NumberDeleted in the outbox naming it."""
    numbers: dict[str, dict[str, Any]] = {}
    events: Counter[str] = Counter()
    for item in moto_table("hub-numbers").all_items():
        attributes = {name: value.value for name, value in item.attrs.items()}
        if attributes["pk"].startswith("NUMBER#"):
            numbers[attributes["number_id"]] = attributes
        elif attributes.get("detail_type") == "NumberDeleted":
            events[json.loads(attributes["detail"])["number_id"]] += 1
    wanted = {str(first_id + n) for n in range(count)}
    problems = []
    if set(numbers) != wanted:
        problems.append(f"{len(set(numbers) ^ wanted)} numbers missing or unexpected in the table")
    for number_id, number in numbers.items():
        deleted = number["account_status"] == AccountStatus.DELETED.value
        deregistered = number["registration_status"] == RegistrationStatus.DEREGISTERED.value
        if not deleted or not deregistered or "deletion_shard" in number or "deleted_at" not in number:
            problems.append(f"number {number_id} is not deleted and deregistered, out of the index")
        if events[number_id] != 1:
            problems.append(f"number {number_id} has {events[number_id]} NumberDeleted events, not 1")
        if len(problems) > 10:
            break
    if sum(events.values()) != count:
        problems.append(f"{sum(events.values())} NumberDeleted events for {count} numbers")
    return problems


# ---------------------------------------------------------------- in the Meta sandbox's process


def meta_state(first_id: int, count: int) -> MetaState:
    """The sandbox's story plus `count` registered numbers from `first_id`."""
    state = MetaState.from_story()
    model = state.numbers["106540352242922"]
    for number_id in range(first_id, first_id + count):
        state.numbers[str(number_id)] = dataclasses.replace(model, id=str(number_id), registration_calls=[])
    return state


def main(argv: list[str] | None = None) -> int:
    return cli(
        argv,
        prog="python -m bench.deletion",
        doc=__doc__ or "",
        what="due numbers",
        defaults=(NUMBERS, SAMPLE, LATENCY_MS),
        workers=DEFAULT_CONCURRENCY,
        run=run,
    )


if __name__ == "__main__":
    raise SystemExit(main())
