"""The hub's benchmarks, each reported against a baseline measured in the same run (never a timing assertion;
a benchmark exits non-zero only when its own check of the work fails).

    python -m bench                       # every benchmark: bench/report.json and one table
    python -m bench cold_start            # some, by name (the report holds those)
    python -m bench --runs 21             # more runs per side
    python -m bench.deletion --help       # the deletion job's own options (a smaller --numbers runs faster)
    python -m bench.display_names --help  # the display-name polling job's own options (likewise)

A benchmark is a function `(runs) -> dict` that prints its own report and answers its results, with `rows`: the
lines of the table (bench.harness.row); add one as a module in bench/ and register it in BENCHMARKS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.cold_start import cold_start
from bench.deletion import deletion
from bench.display_names import display_names
from bench.ingress import ingress
from bench.packages import packages
from bench.templates import templates
from bench.usage import usage
from bench.waba_page import waba_page

REPORT = Path(__file__).resolve().parent / "report.json"

Benchmark = Callable[[int], dict[str, Any]]
BENCHMARKS: dict[str, Benchmark] = {
    "cold_start": cold_start,
    "packages": packages,
    "ingress": ingress,
    "waba_page": waba_page,
    "deletion": deletion,
    "display_names": display_names,
    "templates": templates,
    "usage": usage,
}


def table(results: dict[str, dict[str, Any]]) -> str:
    """Every benchmark's rows as one Markdown table (what the README's Performance section shows)."""
    lines = ["| benchmark | measure | result | target | met |", "| --- | --- | --- | --- | --- |"]
    for result in results.values():
        for line in result["rows"]:
            met = {True: "yes", False: "**no**", None: ""}[line["met"]]
            lines.append(f"| {line['benchmark']} | {line['measure']} | {line['result']} | {line['target']} | {met} |")
    return "\n".join(lines)


def _commit() -> str | None:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)  # noqa: S607 - git of the checkout
    return done.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run: {', '.join(BENCHMARKS)}")
    parser.add_argument("--runs", type=int, default=7, help="measured runs per side (default 7)")
    parser.add_argument("--report", type=Path, default=REPORT, help=f"where to write the results (default {REPORT})")
    args = parser.parse_args(argv)
    if unknown := sorted(set(args.names) - set(BENCHMARKS)):
        parser.error(f"no benchmark named {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    started = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    for name in args.names or BENCHMARKS:
        results[name] = BENCHMARKS[name](args.runs)
        print()
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "machine": {"cpus": _cpus(), "python": platform.python_version(), "system": platform.platform()},
        "seconds": round(time.perf_counter() - started, 1),
        "benchmarks": results,
    }
    args.report.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(table(results))
    print(f"\n{len(results)} benchmarks in {report['seconds']:.0f} s on {_cpus()} CPUs; results in {args.report}")
    return 0


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    raise SystemExit(main())
