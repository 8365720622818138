"""docs/reliability.md: what the generated test suites run — the tenant-isolation matrix, the schema fuzzing and the
forged webhooks — per suite and per operation; written by `make fuzz`, its structure checked by `make test`.

python -m tools.reliability --write [--examples N]   # run the suites (N fuzzing examples per operation), print the
                                                     # figures and write docs/reliability.md (what `make fuzz` does)
python -m tools.reliability --check                  # exit 1 when the committed structure is not the collected one

The document has two parts. The structure — the suites and how many cases each has, the operations fuzzed and by
whom, the settings of `make test`'s fuzzing — is what pytest collects: cheap (no test runs), deterministic, and
checked by `--check` (`make reliability-check`, part of `make test`), like `docs/openapi.json`. The figures — cases
run, failures, examples tried, inputs refused and accepted, the statuses answered — come from the last `make fuzz`;
they are not re-run by the check, which only asks that they were measured on the structure the document states
(its fingerprint), so a new operation, suite or setting fails `make test` until `make fuzz` is run again.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import hashlib
import io
import json
import os
import sys
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from local.template import ROOT

with warnings.catch_warnings():  # Starlette's TestClient asks for its httpx fork (pyproject's filterwarnings says why)
    warnings.simplefilter("ignore")
    from tests.builders import (
        FUZZ_CALLERS,
        FUZZ_EXAMPLES_VARIABLE,
        FUZZ_MODES,
        FUZZ_TEST_EXAMPLES,
        fuzz_checks,
        openapi_document,
    )

RELIABILITY_FILE = ROOT / "docs" / "reliability.md"
FUZZ_EXAMPLES = 200
"""Fuzzing examples per operation in `make fuzz` (EXAMPLES=…)."""
STRUCTURE_BEGIN = "<!-- structure: checked by make test -->"
STRUCTURE_END = "<!-- end of structure -->"
FINGERPRINT = "Measured on the structure fingerprinted "


@dataclass(frozen=True)
class Suite:
    name: str
    module: str
    test: str | None
    """The generated test of the module (None: every test of the module counts)."""
    about: str

    def counts(self, nodeid: str) -> bool:
        return nodeid.startswith(f"{self.module}::{self.test or ''}")


MATRIX = Suite(
    "tenant-isolation matrix",
    "tests/integration/test_access_matrix.py",
    "test_access[",
    "every operation × every kind of caller × every kind of id, the answer derived from its `x-hub-access` rule",
)
FUZZING = Suite(
    "schema fuzzing",
    "tests/integration/test_schema_fuzz.py",
    "test_fuzz[",
    "schemathesis's requests for every operation, by each of its callers, with valid and invalid input",
)
FORGED = Suite(
    "forged webhooks",
    "tests/integration/test_webhooks_forged.py",
    None,
    "Meta's and Stripe's webhooks forged, replayed and tampered with (every test of the module)",
)
SUITES = (MATRIX, FUZZING, FORGED)


# ---------------------------------------------------------------- what pytest collects and runs


@dataclass
class Outcome:
    nodeid: str
    passed: bool = True
    properties: dict[str, Any] = field(default_factory=dict)


class Collector:
    """A pytest plugin keeping the collected node ids and each test's outcome (xdist's workers' reports too)."""

    def __init__(self) -> None:
        self.collected: list[str] = []
        self.outcomes: dict[str, Outcome] = {}

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.collected = [item.nodeid for item in session.items]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        outcome = self.outcomes.setdefault(report.nodeid, Outcome(report.nodeid))
        outcome.passed = outcome.passed and not report.failed
        outcome.properties.update(dict(report.user_properties))


def pytest_run(arguments: Sequence[str], *, quiet: bool) -> Collector:
    """pytest in this process on the suites' modules, with `Collector` (pytest's own output kept back when
    `quiet`, and shown if it fails)."""
    collector = Collector()
    modules = [suite.module for suite in SUITES]
    # this process imported the hypothesis and schemathesis plugins already (tests.builders): pytest cannot rewrite them
    quiet_rewrite = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    options = ["-p", "no:cacheprovider", "--no-cov", "-q", *quiet_rewrite, *arguments]
    output = io.StringIO()
    with contextlib.redirect_stdout(output) if quiet else contextlib.nullcontext():
        status = pytest.main([*modules, *options], plugins=[collector])
    if status not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        print(output.getvalue(), file=sys.stderr)
        raise SystemExit(f"pytest could not run the suites ({status!r})")
    return collector


# ---------------------------------------------------------------- the structure (checked)


def fuzzed_operations(collected: Iterable[str]) -> dict[str, list[str]]:
    """Each fuzzed operation → its cases' callers and inputs (`client positive`), from the collected test ids."""
    operations: dict[str, list[str]] = {}
    for nodeid in collected:
        if FUZZING.counts(nodeid):
            operation, who, mode = nodeid.split("[", 1)[1].rstrip("]").split(" | ")
            operations.setdefault(operation, []).append(f"{who} {mode}")
    return operations


def render_structure(collected: Sequence[str]) -> str:
    lines = [
        "| suite | module | cases | what it is |",
        "| --- | --- | --- | --- |",
    ]
    for suite in SUITES:
        cases = sum(suite.counts(nodeid) for nodeid in collected)
        lines.append(f"| {suite.name} | `{suite.module}` | {cases} | {suite.about} |")
    checks = ", ".join(f"`{check.__name__}`" for check in fuzz_checks())
    lines += [
        "",
        f"Schema fuzzing in `make test`: {FUZZ_TEST_EXAMPLES} examples per operation (`{FUZZ_EXAMPLES_VARIABLE}`), "
        "shared out evenly over its cases and rounded up; `make fuzz`: "
        f"{FUZZ_EXAMPLES} per operation (`EXAMPLES=…`). Callers: {', '.join(w.value for w in FUZZ_CALLERS)} on "
        "every token-guarded operation, no token on a public one; inputs: "
        f"{' and '.join(m.value for m in FUZZ_MODES)}. Derandomized (the same examples on every run), no example "
        "database, nothing shrunk; every example starts from the seeded world. Checks on every answer: "
        f"{checks}.",
        "",
        "| fuzzed operation | cases |",
        "| --- | --- |",
    ]
    for operation, callers in sorted(fuzzed_operations(collected).items()):
        lines.append(f"| `{operation}` | {len(callers)}: {', '.join(sorted(callers))} |")
    return "\n".join(lines)


def fingerprint(structure: str) -> str:
    return hashlib.sha256(structure.encode()).hexdigest()[:12]


# ---------------------------------------------------------------- the figures (of the last make fuzz)


@dataclass
class Tally:
    cases: int = 0
    failed: int = 0
    examples: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: Outcome) -> None:
        self.cases += 1
        self.failed += not outcome.passed
        fuzzed = json.loads(outcome.properties.get("fuzz", "null")) or {}
        self.examples += fuzzed.get("examples", 0)
        for status, n in fuzzed.get("statuses", {}).items():
            self.statuses[status] = self.statuses.get(status, 0) + n

    def share(self, first: str) -> int:
        return sum(n for status, n in self.statuses.items() if status.startswith(first))

    @property
    def accepted(self) -> int:
        return self.share("2") + self.share("3")


def documented_statuses(operation: str) -> set[str]:
    method, path = operation.split(" ", 1)
    return set(openapi_document()["paths"][path][method.lower()]["responses"])


def render_figures(collector: Collector, examples: int, seconds: float) -> str:
    suites = {suite.name: Tally() for suite in SUITES}
    operations: dict[str, Tally] = {}
    for outcome in collector.outcomes.values():
        for suite in SUITES:
            if suite.counts(outcome.nodeid):
                suites[suite.name].add(outcome)
        if FUZZING.counts(outcome.nodeid):
            operation = outcome.nodeid.split("[", 1)[1].split(" | ", 1)[0]
            operations.setdefault(operation, Tally()).add(outcome)
    lines = [
        f"`make fuzz EXAMPLES={examples}`: {examples} fuzzing examples per operation, every suite run once, in "
        f"{seconds / 60:.1f} minutes.",
        "",
        "| suite | cases run | failed | examples tried | refused (4xx) | accepted (2xx) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for suite in SUITES:
        tally = suites[suite.name]
        if suite is FUZZING:
            row = f"{tally.examples} | {tally.share('4')} | {tally.accepted}"
            lines.append(f"| {suite.name} | {tally.cases} | {tally.failed} | {row} |")
        else:
            lines.append(f"| {suite.name} | {tally.cases} | {tally.failed} | one request each | | |")
    lines += [
        "",
        "| fuzzed operation | cases | failed | examples | refused (4xx) | accepted (2xx) | answered | documented, not "
        "answered |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for operation, tally in sorted(operations.items()):
        answered = ", ".join(f"{status} ×{n}" for status, n in sorted(tally.statuses.items()))
        unanswered = ", ".join(sorted(documented_statuses(operation) - tally.statuses.keys())) or "—"
        lines.append(
            f"| `{operation}` | {tally.cases} | {tally.failed} | {tally.examples} | {tally.share('4')} | "
            f"{tally.accepted} | {answered} | {unanswered} |"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------- the document


HEADER = """# Reliability: what the generated suites run

Written by `make fuzz` (`python -m tools.reliability --write`); do not edit by hand.

The **structure** below is what pytest collects — the suites and their case counts (the tenant-isolation matrix's is
exact), the operations fuzzed and by whom, and the settings of `make test`'s fuzzing. `make test` checks it
(`make reliability-check`, `python -m tools.reliability --check`): collecting is cheap and deterministic, so a new
operation, caller, suite or setting fails `make test` until `make fuzz` writes this file again. The **figures** are
those of the last `make fuzz`, which runs every suite with many more fuzzing examples; they are not re-run by the
check, which only asks that they were measured on this structure (its fingerprint).

A *case* is one test: one request of the matrix, or one fuzzed operation × caller × kind of input, which tries its
share of the operation's examples. *Refused* examples were answered 4xx (an invalid input must be; a valid one may
be, for a resource that does not exist or a rule of the hub), *accepted* ones 2xx; *documented, not answered* lists
the statuses the operation documents that no fuzzing example was answered (the matrix and the services' tests answer
the others: `tests/integration/test_documented_statuses.py` holds each to its witness).
"""


def render(structure: str, figures: str) -> str:
    return (
        f"{HEADER}\n## Structure\n\n{STRUCTURE_BEGIN}\n{structure}\n{STRUCTURE_END}\n\n"
        f"## Figures of the last `make fuzz`\n\n{FINGERPRINT}`{fingerprint(structure)}`.\n\n{figures}\n"
    )


def drift(committed: str, structure: str) -> list[str]:
    """What is wrong with the committed document for the collected structure (nothing: it is up to date)."""
    if STRUCTURE_BEGIN not in committed or STRUCTURE_END not in committed:
        return ["docs/reliability.md has no structure section"]
    stated = committed.split(STRUCTURE_BEGIN, 1)[1].split(STRUCTURE_END, 1)[0].strip("\n")
    problems = []
    if stated != structure:
        diff = difflib.unified_diff(stated.splitlines(), structure.splitlines(), "committed", "collected", lineterm="")
        problems.append("the structure differs from the collected one:\n" + "\n".join(diff))
    if f"{FINGERPRINT}`{fingerprint(stated)}`" not in committed:
        problems.append("the figures were not measured on the structure the document states")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="run the suites, print the figures, write the document")
    mode.add_argument("--check", action="store_true", help="fail when the committed structure is not the collected one")
    parser.add_argument("--examples", type=int, default=FUZZ_EXAMPLES, help="fuzzing examples per operation")
    parser.add_argument("--workers", default="auto", help="pytest-xdist workers (default: one per core, at most 4)")
    args = parser.parse_args(argv)
    structure = render_structure(pytest_run(["--collect-only", "-n", "0"], quiet=True).collected)
    if args.check:
        problems = drift(RELIABILITY_FILE.read_text() if RELIABILITY_FILE.exists() else "", structure)
        for problem in problems:
            print(f"docs/reliability.md: {problem}", file=sys.stderr)
        if problems:
            print("docs/reliability.md has drifted: run `make fuzz` and commit it.", file=sys.stderr)
            return 1
        print(f"{RELIABILITY_FILE.relative_to(ROOT)} is up to date")
        return 0
    os.environ[FUZZ_EXAMPLES_VARIABLE] = str(args.examples)
    started = time.monotonic()
    collector = pytest_run(["-n", args.workers, "--maxprocesses=4", "--dist=load"], quiet=False)
    figures = render_figures(collector, args.examples, time.monotonic() - started)
    print(f"\n{figures}\n")
    RELIABILITY_FILE.write_text(render(structure, figures))
    print(f"wrote {RELIABILITY_FILE.relative_to(ROOT)}")
    failed = sum(not outcome.passed for outcome in collector.outcomes.values())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
