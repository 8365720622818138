"""The end-of-month deletion job over 100,000 due numbers, against the Meta sandbox with 50 ms injected latency.

    python -m bench deletion                                  # as `make bench` runs it
    python -m bench.deletion --numbers 20000 --sample 300     # smaller, faster

Set-up (not timed): DynamoDB is moto in this process (`mock_aws`; the numbers table from the template, without its
stream, which the job does not read); the Meta sandbox (local/sandboxes/meta) runs in a child process on loopback
with the numbers registered, and its fault API adds `--latency-ms` to every Graph call.

Two sides, the same job code (`NumberDeletion`: index pages → BatchGetItem → deregister at Meta → conditional
transaction with the outbox event):
- baseline: the job with one worker — a sequential loop — over a sample of `--sample` numbers, run first, on a
  table holding only them. A sequential pass over 100,000 × 50 ms would take over 80 minutes, so it is measured on
  the sample and scaled linearly to `--numbers` (an extrapolation, and said so in the report);
- subject: the job as deployed (DEFAULT_CONCURRENCY workers) over `--numbers` numbers.
The report gives the time ratio, DynamoDB requests per deleted number (botocore calls, counted with an event hook),
and what the time went to: the latency floor (numbers × latency / workers), this process's CPU time (the job,
botocore and moto share one GIL), and the time inside DynamoDB and Graph calls.

moto's TransactWriteItems runs without its whole-table snapshot (see bench/jobs.py; the bench checks every number
ends deleted with one event); moto's Query also walks the whole table for each page of an index, which the report
shows as its share of the run.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

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
from hub_numbers.models.numbers import AccountStatus, Number, RegistrationStatus
from hub_numbers.store.numbers import NumbersStore, number_item
from hub_numbers.usecases.deletion import DEFAULT_CONCURRENCY, NumberDeletion, Outcome, RetryMessage

NUMBERS = 100_000
SAMPLE = 500
LATENCY_MS = 50
FIRST_ID = 1_900_000_000_000_000
WABA_ID = "102290129340398"
SAMPLE_DUE = datetime(2026, 10, 31, 23, 59, 59, 999999, tzinfo=UTC)
NUMBERS_DUE = datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC)
AFTER_SAMPLE, AFTER_ALL = datetime(2026, 11, 1, 0, 15, tzinfo=UTC), datetime(2026, 12, 1, 0, 15, tzinfo=UTC)


class NoRetries:
    def send(self, message: RetryMessage, delay_seconds: int) -> None:
        raise SystemExit(f"deletion benchmark: number {message.number_id} failed and would be retried")


@dataclass(frozen=True)
class Run:
    numbers: int
    seconds: float
    cpu_seconds: float
    outcomes: Counter[Outcome]
    dynamodb: Calls
    meta: Calls


def deletion(runs: int) -> None:
    """`python -m bench` entry: one run at the defaults (the job over 100,000 numbers is itself the repetition)."""
    run_bench(measure, report, (NUMBERS, SAMPLE, LATENCY_MS))


def measure(numbers: int, sample: int, latency_ms: int) -> tuple[Run, Run]:
    """(baseline over the sample, subject over `numbers`)."""
    ids = [str(FIRST_ID + n) for n in range(sample + numbers)]
    with cloud("bench.deletion", FIRST_ID, len(ids), latency_ms) as hub:
        create_numbers_table(hub.dynamodb)
        print(f"  seeding {sample:,} sample numbers …", flush=True)
        _seed(ids[:sample], SAMPLE_DUE)
        baseline = _run(hub, 1, AFTER_SAMPLE, sample)
        print(f"  baseline done: {baseline.seconds:,.1f} s; seeding {numbers:,} numbers …", flush=True)
        _seed(ids[sample:], NUMBERS_DUE)
        print(f"  the job over {numbers:,} numbers …", flush=True)
        subject = _run(hub, DEFAULT_CONCURRENCY, AFTER_ALL, numbers)
        _check_deleted_once(ids[sample:])
    return baseline, subject


def _run(hub: Cloud, workers: int, now: datetime, numbers: int) -> Run:
    meta = Calls()
    store = NumbersStore(TABLE, hub.dynamodb, BUS)
    job = NumberDeletion(store, TimedGraph(hub.graph, meta), NoRetries(), concurrency=workers)
    hub.dynamodb_calls.clear()
    cpu, started = time.process_time(), time.perf_counter()
    outcomes = job.run(now)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if outcomes != Counter({Outcome.DELETED: numbers}):
        raise SystemExit(f"deletion benchmark: expected {numbers} deleted, got {dict(outcomes)}")
    return Run(numbers, seconds, cpu, outcomes, hub.dynamodb_calls.snapshot(), meta)


def report(runs: tuple[Run, Run], numbers: int, sample: int, latency_ms: int) -> None:
    baseline, subject = runs
    per_number = baseline.seconds / baseline.numbers
    scaled = per_number * numbers
    requests = sum(subject.dynamodb.count.values())
    # One worker, DynamoDB in this process: time inside a call is the call's own cost (botocore + moto).
    dynamodb_ms = sum(baseline.dynamodb.seconds.values()) / baseline.numbers * 1000
    graph_ms = baseline.meta.seconds["POST"] / baseline.numbers * 1000
    wall_ms, cpu_ms = subject.seconds / numbers * 1000, subject.cpu_seconds / numbers * 1000
    floor_ms = latency_ms / DEFAULT_CONCURRENCY
    line = "  {:<62}{:>12}"
    print(f"deletion — the end-of-month job over {numbers:,} due numbers, Meta sandbox with {latency_ms} ms latency")
    print(line.format("baseline  one worker (a sequential loop), measured on a sample", f"{sample:,} numbers"))
    print(line.format("          per number", f"{per_number * 1000:,.1f} ms"))
    print(line.format(f"          scaled linearly to {numbers:,} numbers (extrapolated)", f"{scaled:,.0f} s"))
    print(line.format(f"subject   {DEFAULT_CONCURRENCY} workers (as deployed), measured", f"{subject.seconds:,.1f} s"))
    print(line.format("          numbers deleted per second", f"{numbers / subject.seconds:,.0f}"))
    print(line.format("time ratio  baseline (scaled) / subject", f"{scaled / subject.seconds:,.1f} ×"))
    print(line.format("DynamoDB requests per deleted number", f"{requests / numbers:,.3f}"))
    for operation, count in sorted(subject.dynamodb.count.items()):
        print(line.format(f"          {operation}", f"{count:,}"))
    print("  where the time goes, per number")
    print(line.format("  sequential: inside DynamoDB calls (botocore + moto, in process)", f"{dynamodb_ms:,.2f} ms"))
    print(line.format(f"  sequential: inside the Graph call ({latency_ms} ms of it latency)", f"{graph_ms:,.2f} ms"))
    print(line.format(f"  subject: wall time ({DEFAULT_CONCURRENCY} workers)", f"{wall_ms:,.2f} ms"))
    print(
        line.format(
            f"  subject: latency floor ({latency_ms} ms / {DEFAULT_CONCURRENCY} workers)", f"{floor_ms:,.2f} ms"
        )
    )
    print(line.format("  subject: CPU time of this process (one GIL for all)", f"{cpu_ms:,.2f} ms"))
    query_s = subject.dynamodb.seconds["Query"]
    print(line.format("  subject: index Queries in all (moto walks the whole table)", f"{query_s:,.1f} s"))
    if cpu_ms > floor_ms:
        share = min(dynamodb_ms / cpu_ms, 1.0)
        print(
            f"  dominates: CPU in this process, not Meta's latency: the workers wait for the GIL; about {share:.0%} of"
            " that CPU is DynamoDB through botocore and moto (real DynamoDB costs this process only botocore's part)"
        )
    else:
        print("  dominates: Meta's latency (the workers are busy waiting on Meta)")


def _seed(ids: list[str], deletion_at: datetime) -> None:
    """Put the cancelled numbers straight into moto's table (not timed; botocore's round trip would only slow it)."""
    table = numbers_table()
    for number_id in ids:
        table.put_item(number_item(_cancelled(number_id, deletion_at)))


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


def _check_deleted_once(ids: list[str]) -> None:
    """Every number deleted, with exactly one NumberDeleted in the outbox (read in moto's table, not timed)."""
    status: dict[str, str] = {}
    events: Counter[str] = Counter()
    for item in numbers_table().all_items():
        attrs = {name: value.value for name, value in item.attrs.items()}
        if attrs["pk"].startswith("NUMBER#"):
            status[attrs["number_id"]] = attrs["account_status"]
        elif attrs.get("detail_type") == "NumberDeleted":
            events[json.loads(attrs["detail"])["number_id"]] += 1
    if any(status.get(number_id) != AccountStatus.DELETED.value or events[number_id] != 1 for number_id in ids):
        raise SystemExit("deletion benchmark: a number is not deleted, or has not exactly one NumberDeleted")


def serve_meta_numbers(port: int, first_id: int, count: int) -> None:
    """The child: the sandbox's story plus `count` registered numbers from `first_id`, served until terminated."""
    from local.sandboxes.meta import MetaState  # noqa: PLC0415 - the child's own import

    state = MetaState.from_story()
    model = state.numbers["106540352242922"]
    for number_id in range(first_id, first_id + count):
        state.numbers[str(number_id)] = dataclasses.replace(model, id=str(number_id), registration_calls=[])
    serve_meta(state, port)


def main(argv: list[str] | None = None) -> int:
    return cli(
        argv,
        prog="python -m bench.deletion",
        doc=__doc__,
        what="due numbers",
        defaults=(NUMBERS, SAMPLE, LATENCY_MS),
        measure=measure,
        report=report,
        serve_meta_numbers=serve_meta_numbers,
    )


if __name__ == "__main__":
    raise SystemExit(main())
