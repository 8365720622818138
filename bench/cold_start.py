"""Cold start of every function of the template, as Lambda makes it, against the floor measured in the same run.

A side is a fresh interpreter (`python -S`: no site-packages, only the package's own paths) with the variables
Lambda sets (tools.lambda_env) and sys.path as Lambda orders it — the function's package, then the layer's python/ —
over the packages `sam build` would deploy (tools.package, built for this machine's Python, with their bytecode).
It times, inside the child, the function's handler import and its first DynamoDB client; the floor is `import
boto3` and one DynamoDB client from the same layer. The sides run in turn, `runs` times each (7 at least), after one
warm-up each; the report gives medians and each function's ratio to the floor against its target.

Bytecode: the numbers function and the floor are measured once more from packages built without bytecode and with
writing it disabled (Lambda's file system is read-only), which is what shipping no .pyc costs each cold start.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import rounded_down, row
from tools.lambda_env import FLOOR, LambdaFunction, lambda_environment, lambda_functions
from tools.package import BUILD, Packages, build

TARGET = 1.6
BILLING_TARGET = 1.9
"""The billing service's functions (Stripe's SDK) may take longer."""
MIN_RUNS = 7
CHILD_TIMEOUT_SECONDS = 120
CHILD = "import time\nstarted = time.perf_counter()\n{code}\nprint(time.perf_counter() - started)"
WITHOUT_BYTECODE = "NumbersFunction"


@dataclass
class Side:
    name: str
    code: str
    path: list[Path]
    function: str = "floor"
    write_bytecode: bool = True
    target: float | None = None
    seconds: list[float] = field(default_factory=list)

    def run(self) -> float:
        environment = lambda_environment(self.function, [str(path) for path in self.path])
        if not self.write_bytecode:
            environment["PYTHONDONTWRITEBYTECODE"] = "1"
        done = subprocess.run(
            [sys.executable, "-S", "-c", CHILD.format(code=self.code)],
            env=environment,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"cold start of {self.name} failed ({done.returncode}):\n{done.stderr}")
        return float(done.stdout.split()[-1])

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000


def _target(function: LambdaFunction) -> float:
    return BILLING_TARGET if function.service == "billing" else TARGET


def sides(packages: Packages, plain: Packages, functions: list[LambdaFunction]) -> list[Side]:
    """The floor, every function, and the floor and WITHOUT_BYTECODE from packages without bytecode."""
    floor = Side("floor", FLOOR, [packages.layer.import_root])
    measured = [
        Side(f.name, f.cold_start, packages.sys_path(f.service), function=f.name, target=_target(f)) for f in functions
    ]
    subject = next(f for f in functions if f.name == WITHOUT_BYTECODE)
    return [
        floor,
        *measured,
        Side("floor, no bytecode", FLOOR, [plain.layer.import_root], write_bytecode=False),
        Side(
            f"{subject.name}, no bytecode",
            subject.cold_start,
            plain.sys_path(subject.service),
            function=subject.name,
            write_bytecode=False,
        ),
    ]


def cold_start(runs: int) -> dict[str, Any]:
    runs = max(runs, MIN_RUNS)
    started = time.perf_counter()
    functions = lambda_functions()
    packages = build(BUILD / "bench" / "bytecode", platform="local", bytecode=True)
    subject = next(f for f in functions if f.name == WITHOUT_BYTECODE)
    plain = build(BUILD / "bench" / "source", platform="local", bytecode=False, only=[subject.service])
    every = sides(packages, plain, functions)
    for side in every:  # warm-up: the file cache holds every package alike
        side.run()
    for _ in range(runs):
        for side in every:
            side.seconds.append(side.run())
    floor, *measured, plain_floor, plain_subject = every
    results: list[dict[str, Any]] = [
        {
            "function": side.name,
            "ms": round(side.median_ms, 1),
            "ratio": rounded_down(side.median_ms / floor.median_ms),
            "target": side.target,
            "met": side.median_ms / floor.median_ms <= (side.target or 0),
        }
        for side in measured
    ]
    with_bytecode = next(side for side in measured if side.name == WITHOUT_BYTECODE)
    report: dict[str, Any] = {
        "runs": runs,
        "floor_ms": round(floor.median_ms, 1),
        "functions": results,
        "met": all(result["met"] for result in results),
        "worst": max(results, key=lambda result: result["ratio"]),
        "bytecode": {
            "floor_ms": round(floor.median_ms, 1),
            "floor_without_ms": round(plain_floor.median_ms, 1),
            "function": WITHOUT_BYTECODE,
            "function_ms": round(with_bytecode.median_ms, 1),
            "function_without_ms": round(plain_subject.median_ms, 1),
        },
        "interpreter": f"CPython {sys.version.split()[0]}",
        "rows": [
            row("cold_start", "floor: import boto3 + a DynamoDB client", f"{floor.median_ms:.0f} ms"),
            *(
                row(
                    "cold_start",
                    result["function"],
                    f"{result['ms']:.0f} ms, {result['ratio']:.2f}×",
                    f"≤ {result['target']}×",
                    result["met"],
                )
                for result in results
            ),
            row(
                "cold_start",
                "bytecode: floor / NumbersFunction without it",
                f"{plain_floor.median_ms:.0f} / {plain_subject.median_ms:.0f} ms",
                f"with: {floor.median_ms:.0f} / {with_bytecode.median_ms:.0f} ms",
            ),
        ],
        "seconds": round(time.perf_counter() - started, 1),
    }
    _print(report)
    return report


def _print(report: dict[str, Any]) -> None:
    print(
        f"cold_start — every function's handler import + first DynamoDB client, as Lambda makes it; medians of "
        f"{report['runs']} fresh interpreters per side, in turn ({report['interpreter']})"
    )
    print(f"  {'floor: import boto3 + a DynamoDB client':<44}{report['floor_ms']:>9.1f} ms")
    for result in report["functions"]:
        verdict = "PASS" if result["met"] else "OVER"
        print(
            f"  {result['function']:<44}{result['ms']:>9.1f} ms {result['ratio']:>6.2f}× "
            f"(≤ {result['target']}×) {verdict}"
        )
    bytecode = report["bytecode"]
    print(
        f"  without bytecode: floor {bytecode['floor_without_ms']:.0f} ms (with {bytecode['floor_ms']:.0f}), "
        f"{bytecode['function']} {bytecode['function_without_ms']:.0f} ms (with {bytecode['function_ms']:.0f})"
    )
