"""The daily usage job (billing's usage and funds) over 10,000 numbers, against the Meta sandbox with 50 ms latency.

    python -m bench usage                                  # as `make bench` runs it
    python -m bench.usage --numbers 2000 --sample 200      # smaller, faster

The job (`hub_billing.jobs.usage.handler`, through its Lambda handler) walks the WABA registry, and for each WABA,
`USAGE_WORKERS` at a time: the day's pricing analytics (the billing table's copy, else one Graph call, then kept),
the WABA's numbers, their clients, and for each prepaid number of a direct client that was with the hub on the day,
its approximate charge debited from its funds — the funds, a ledger entry, the once-marker of the day's debit and
any FundsLow / FundsDepleted event, in one transaction.

Set-up (not timed; see bench/jobs.py): DynamoDB (the billing, accounts and waba tables, without streams) is moto's
server in a child process, seeded there directly; the Meta sandbox runs in another, knowing the WABAs and their
numbers (its analytics are made up but deterministic), every Graph call delayed `--latency-ms`. The job talks to both
over HTTP on loopback with the hub's own clients, as in Lambda. `--numbers` numbers, NUMBERS_PER_WABA to a WABA,
one client to a WABA: 1 WABA in 10 is a partner's client's and 1 in 10 a direct client's that does not prepay
(neither debited), 1 number in 25 was added after the day (not debited); most funds hold €50, 1 in 7 €8 (crosses the
€10 low-balance threshold: FundsLow), 1 in 13 €3 (runs out: FundsDepleted), 1 in 11 has no funds yet (the debit makes
them); no auto-renewal (the run checks no renewal started).

Two sides, the same job code:
- baseline: the job with one worker (`USAGE_WORKERS=1`: a sequential loop over the WABAs) over the first
  `--sample` numbers' WABAs, registered alone, for one day. A sequential pass over 10,000 numbers would take
  minutes, so it is measured on the sample and scaled linearly (per number) to `--numbers` (said so in the report);
- subject: the job as deployed (`USAGE_WORKERS` at its default) over every WABA, for the next day.
Both runs are checked in moto's tables (exit 1 otherwise): every number due a debit debited exactly once for the
day, by the charge its WABA's kept analytics and the rate card give; its funds' balance the seeded one less its
debits; its once-marker written; FundsLow / FundsDepleted in the outbox exactly for the crossings; nothing for the
others; the analytics of every WABA kept for the day.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NoReturn, cast
from unittest import mock

from bench.jobs import (
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
)
from hub_billing.jobs import usage as job
from hub_billing.settings import billing_settings
from hub_billing.usecases.funds import EntryKind
from hub_billing.usecases.usage import DayUsage, load_rate_card, minor_units
from hub_shared import aws
from hub_shared.accounts import BillingModel, ClientAccount, client_profile_item
from hub_shared.clock import to_rfc3339
from hub_shared.wabas import RegisteredWaba, registry_item
from local.functions import LocalLambdaContext
from local.sandboxes.meta import MetaState

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

NUMBERS = 10_000
SAMPLE = 300
LATENCY_MS = 50
NUMBERS_PER_WABA = 5
FIRST_WABA = 3_100_000_000_000_000
FIRST_NUMBER = 3_200_000_000_000_000
BILLING, ACCOUNTS, WABAS = "hub-billing", "hub-accounts", "hub-waba"
ADDED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
LATE_ADDED_AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
"""When the numbers added "after the day" were added: after both days debited."""
BASELINE_DAY, SUBJECT_DAY = date(2026, 11, 18), date(2026, 11, 19)
THRESHOLD = 10_00
CURRENCY = "eur"


# ---------------------------------------------------------------- who is what (the same in every process)


def waba_id(w: int) -> str:
    return str(FIRST_WABA + w)


def number_id(k: int) -> str:
    return str(FIRST_NUMBER + k)


def phone(k: int) -> str:
    return f"+49151{k:08d}"


def client_id(w: int) -> str:
    return f"client-usage-{w:05d}"


def client_kind(w: int) -> str:
    """`partner` (billed through a partner), `postpaid` (direct, not prepaid) or `prepaid`."""
    return {0: "partner", 1: "postpaid"}.get(w % 10, "prepaid")


def late(k: int) -> bool:
    """Number k was added after the days debited."""
    return k % 25 == 24


def opening_balance(k: int) -> int | None:
    """Number k's funds before the runs (minor units; None: no funds yet)."""
    if k % 11 == 0:
        return None
    if k % 13 == 0:
        return 3_00
    if k % 7 == 0:
        return 8_00
    return 50_00


def debited(k: int) -> bool:
    """Is number k due a debit each day?"""
    return client_kind(k // NUMBERS_PER_WABA) == "prepaid" and not late(k)


# ---------------------------------------------------------------- the benchmark


class NoPayments:
    """No auto-renewal is seeded: a renewal's charge would be a defect of the job (or of the seeding)."""

    def __getattr__(self, name: str) -> NoReturn:
        raise SystemExit(f"usage benchmark: the job asked Stripe for {name}, but no renewal was due")


def usage(runs: int) -> dict[str, Any]:
    """`make bench`'s run (`python -m bench usage`), at the defaults: prints the report, answers the result (a
    `bench.jobs.JobResult`). The job over 10,000 numbers is itself the repetition: `runs` is not used."""
    return as_dict(run(NUMBERS, SAMPLE, LATENCY_MS))


def run(numbers: int, sample: int, latency_ms: int, workers: int | None = None) -> JobResult:
    """Baseline over the first `sample` numbers' WABAs, subject over `numbers` with `workers` (None: the job's
    default); checked, reported, answered."""
    started = time.perf_counter()
    wabas = -(-numbers // NUMBERS_PER_WABA)
    sample_wabas = min(-(-sample // NUMBERS_PER_WABA), wabas)
    with hub_cloud(["BillingTable", "AccountsTable", "WabaTable"], meta_state, (wabas,), latency_ms) as hub:
        deployed = billing_settings().usage_workers

        def baseline() -> Run:
            print(f"  seeding {sample_wabas * NUMBERS_PER_WABA:,} sample numbers …", flush=True)
            hub.aws.call(seed, 0, sample_wabas)
            return _run(hub, 1, BASELINE_DAY, sample_wabas)

        def subject() -> Run:
            print(f"  seeding {numbers:,} numbers …", flush=True)
            hub.aws.call(seed, sample_wabas, wabas)
            return _run(hub, workers or deployed, SUBJECT_DAY, wabas)

        benchmark = JobBenchmark("usage", "number", deployed, target=None)
        result, first, second = compare(benchmark, baseline, subject, latency_ms=latency_ms, started=started)
        _report(result, first, second, hub, latency_ms, deployed)
    print(f"  (the whole benchmark, set-up and checks included, took {time.perf_counter() - started:,.0f} s)")
    return result


def _run(hub: Cloud, workers: int, day: date, wabas: int) -> Run:
    """The job's handler with `workers` for `day` over WABAs 0 … wabas-1 (the registry holds no others), checked."""
    meta = Calls()
    settings = billing_settings().model_copy(update={"usage_workers": workers})
    event = {"job": job.JOB, "now": to_rfc3339(datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC))}
    with (
        mock.patch.object(job, "meta_graph", lambda: hub.graph(meta)),
        mock.patch.object(job, "payments", NoPayments),
        mock.patch.object(job, "billing_settings", lambda: settings),
    ):
        numbers = wabas * NUMBERS_PER_WABA
        run, answer = measured(
            hub,
            workers,
            numbers,
            meta,
            lambda: job.handler(event, cast("LambdaContext", LocalLambdaContext("BillingUsageJobFunction"))),
        )
    due = [k for k in range(numbers) if debited(k)]
    expected = {"wabas": wabas, "failed": 0, "debited": len(due), "renewals": 0}
    if {key: answer[key] for key in expected} != expected or meta.count != Counter({"GET": wabas}):
        hub.fail(f"usage benchmark: expected {expected} and {wabas} Graph GETs, got {answer}, {meta.count}")
    if problems := hub.aws.call(check_day, day, wabas, answer["amount"]):
        hub.fail("usage benchmark: " + "; ".join(problems))
    return run


def _report(result: JobResult, baseline: Run, subject: Run, hub: Cloud, latency_ms: int, deployed: int) -> None:
    numbers = result["items"]
    wabas = numbers // NUMBERS_PER_WABA
    due = sum(debited(k) for k in range(numbers))
    print(
        f"usage — the daily usage job over {numbers:,} numbers ({wabas:,} WABAs of {NUMBERS_PER_WABA}), Meta sandbox"
        f" with {latency_ms} ms latency; USAGE_WORKERS as deployed: {deployed}"
    )
    print(f"  {due:,} numbers debited (a transaction each, checked), {numbers - due:,} not due; one Graph call a WABA")
    print_run_report(result, baseline, subject, what="numbers", stand_in=hub.aws)


# ---------------------------------------------------------------- in the stand-in's process (hub.aws.call)


def seed(first_waba: int, end_waba: int) -> None:
    """WABAs first_waba … end_waba-1 with their clients, numbers and funds, put straight into moto's tables."""
    billing, accounts, wabas = moto_table(BILLING), moto_table(ACCOUNTS), moto_table(WABAS)
    for w in range(first_waba, end_waba):
        kind = client_kind(w)
        account = ClientAccount(
            client_id=client_id(w),
            name=f"Usage Client {w:05d}",
            billing_model=BillingModel.PARTNER if kind == "partner" else BillingModel.DIRECT,
            partner_id="partner-usage" if kind == "partner" else None,
            prepaid=kind == "prepaid",
        )
        accounts.put_item(aws.to_item(client_profile_item(account)))
        registered = RegisteredWaba(waba_id=waba_id(w), client_id=client_id(w))
        wabas.put_item(aws.to_item(registry_item(registered, event_at=to_rfc3339(ADDED_AT))))
        for k in range(w * NUMBERS_PER_WABA, (w + 1) * NUMBERS_PER_WABA):
            for item in _number_items(w, k):
                billing.put_item(aws.to_item(item))


def _number_items(w: int, k: int) -> list[dict[str, Any]]:
    owner: dict[str, Any] = {
        "number_id": number_id(k),
        "client_id": client_id(w),
        "waba_id": waba_id(w),
        "phone_number": phone(k),
    }
    items = [
        {"pk": f"WABA#{waba_id(w)}", "sk": f"NUMBER#{number_id(k)}", **owner},
        {"pk": f"NUMBER#{number_id(k)}", "sk": "NUMBER", **owner},
        {
            "pk": f"CLIENT#{client_id(w)}",
            "sk": f"NUMBER#{number_id(k)}",
            **owner,
            "added_at": to_rfc3339(LATE_ADDED_AT if late(k) else ADDED_AT),
            "version": 1,
        },
    ]
    balance = opening_balance(k)
    if balance is not None:
        items.append(
            {
                "pk": f"CLIENT#{client_id(w)}",
                "sk": f"FUNDS#{number_id(k)}",
                "client_id": client_id(w),
                "number_id": number_id(k),
                "currency": CURRENCY,
                "balance": balance,
                "threshold": THRESHOLD,
                "auto_renewal": False,
                "renewal_amount": 0,
                "version": 1,
            }
        )
    return items


def check_day(day: date, wabas: int, amount: int) -> list[str]:
    """What is wrong with the billing table after the debits of `day` over WABAs 0 … wabas-1 (nothing: [])."""
    card = load_rate_card("")
    items = [item.to_json()["Attributes"] for item in moto_table(BILLING).all_items()]
    plain = [aws.from_item(item) for item in items]
    analytics = {v["pk"].removeprefix("ANALYTICS#"): v for v in plain if v["sk"] == f"DAY#{day.isoformat()}"}
    funds = {v["number_id"]: v for v in plain if v["sk"].startswith("FUNDS#")}
    entries: dict[str, list[dict[str, Any]]] = {}
    for v in plain:
        if v["pk"].startswith("LEDGER#"):
            entries.setdefault(v["pk"].rsplit("#", 1)[1], []).append(v)
    once = {v["pk"].removeprefix("ONCE#") for v in plain if v["pk"].startswith("ONCE#")}
    events = Counter(
        (v["detail_type"], json.loads(v["detail"])["number_id"]) for v in plain if v["pk"].startswith("OUTBOX#")
    )
    problems: list[str] = []
    if len(analytics) < wabas or any(waba_id(w) not in analytics for w in range(wabas)):
        problems.append(f"the analytics of {day} kept for {len(analytics)} WABAs, not {wabas}")
    total = 0
    for k in range(wabas * NUMBERS_PER_WABA):
        number = number_id(k)
        of_day = [e for e in entries.get(number, []) if e["reference"] == f"usage:{day.isoformat()}"]
        if not debited(k):
            if entries.get(number) or (number in funds and int(funds[number]["balance"]) != opening_balance(k)):
                problems.append(f"number {number} was debited, though not due")
            continue
        usage = DayUsage.from_counts(day, analytics.get(waba_id(k // NUMBERS_PER_WABA), {}).get("counts", {}))
        charge = minor_units(card.charge(usage.of_phone(phone(k).lstrip("+"))))
        total += charge
        if charge <= 0:  # the sandbox's analytics give every number messages on every day
            kept = waba_id(k // NUMBERS_PER_WABA) in analytics
            problems.append(f"number {number}: no charge on {day} (its WABA's analytics kept: {kept})")
        if len(of_day) != 1 or int(of_day[0]["amount"]) != -charge or of_day[0]["kind"] != EntryKind.USAGE.value:
            problems.append(f"number {number}: {len(of_day)} debits of {day}, not one of {charge}")
        if f"usage:{number}:{day.isoformat()}" not in once:
            problems.append(f"number {number}: no once-marker of its debit of {day}")
        debits = sum(int(e["amount"]) for e in entries.get(number, []))
        if int(funds.get(number, {}).get("balance", -1)) != (opening_balance(k) or 0) + debits:
            problems.append(f"number {number}: its balance is not its opening balance less its debits")
        before = (opening_balance(k) or 0) + debits + charge
        after = before - charge
        crossings = {"FundsLow": before > THRESHOLD >= after, "FundsDepleted": before > 0 >= after}
        for kind, crossed in crossings.items():
            if crossed and events[kind, number] < 1:
                problems.append(f"number {number}: no {kind} for crossing on {day}")
        if len(problems) > 10:
            return problems
    if total != amount:
        problems.append(f"the job debited {amount} in all; its numbers' charges add up to {total}")
    return problems


# ---------------------------------------------------------------- in the Meta sandbox's process


def meta_state(wabas: int) -> MetaState:
    """The sandbox's story plus `wabas` WABAs, each with its NUMBERS_PER_WABA numbers."""
    state = MetaState.from_story()
    waba_model = next(iter(state.wabas.values()))
    number_model = state.numbers["106540352242922"]
    for w in range(wabas):
        state.wabas[waba_id(w)] = dataclasses.replace(waba_model, id=waba_id(w), name=f"Usage WABA {w:05d}")
        for k in range(w * NUMBERS_PER_WABA, (w + 1) * NUMBERS_PER_WABA):
            state.numbers[number_id(k)] = dataclasses.replace(
                number_model,
                id=number_id(k),
                waba_id=waba_id(w),
                phone_digits=phone(k).lstrip("+"),
                display_phone_number=phone(k),
                registration_calls=[],
            )
    return state


def main(argv: list[str] | None = None) -> int:
    return cli(
        argv,
        prog="python -m bench.usage",
        doc=__doc__ or "",
        what="numbers",
        defaults=(NUMBERS, SAMPLE, LATENCY_MS),
        workers=billing_settings().usage_workers,
        run=run,
    )


if __name__ == "__main__":
    raise SystemExit(main())
