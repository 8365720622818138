"""What every benchmark shares: fresh interpreters, samples and their medians."""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

with warnings.catch_warnings():  # Starlette's TestClient asks for its httpx fork; the hub's httpx is pinned (pyproject)
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

from hub_shared.graph import GraphClient
from hub_shared.settings import Settings
from local.sandboxes.meta import MetaSandbox, MetaState

REGION = "eu-central-1"
CHILD_TIMEOUT_SECONDS = 120

# Each side runs in a fresh interpreter; the child prints how long its own code took.
CHILD = "import time\nstarted = time.perf_counter()\n{code}\nprint(time.perf_counter() - started)"


@dataclass
class Samples:
    """Seconds per run: inside the child (imports and building) and the whole process (interpreter start too)."""

    code: list[float] = field(default_factory=list)
    process: list[float] = field(default_factory=list)

    def median_ms(self) -> tuple[float, float]:
        return statistics.median(self.code) * 1000, statistics.median(self.process) * 1000


def rounded_down(ratio: float) -> float:
    """`ratio` rounded down to two decimals, so that a ratio that misses its target never reads as the target."""
    return math.floor(ratio * 100 + 1e-9) / 100  # + 1e-9: 0.29 * 100 is 28.999…


def row(benchmark: str, measure: str, result: str, target: str = "", met: bool | None = None) -> dict[str, Any]:
    """One line of `make bench`'s table (bench/__main__.py): what was measured, its result, the target and whether
    it was met (None: no target)."""
    return {"benchmark": benchmark, "measure": measure, "result": result, "target": target, "met": met}


def child_environment() -> dict[str, str]:
    """This environment with dummy AWS credentials and region, so nothing is looked up (no network)."""
    return {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def run_child(code: str, env: dict[str, str], samples: Samples | None = None) -> None:
    """Run `code` in a fresh interpreter; record its timings in `samples` (None: a warm-up)."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", CHILD.format(code=code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"benchmark child failed ({result.returncode}): {code}\n{result.stderr}")
    if samples is not None:
        samples.code.append(float(result.stdout.split()[-1]))
        samples.process.append(elapsed)


class CountingMeta:
    """Meta's sandbox in this process (holding `state`), behind the hub's own Graph client on an httpx transport that
    counts the calls and the time they take, answering each after `latency_ms` (Meta's answer time from a Lambda)."""

    def __init__(self, state: MetaState, clock: Callable[[], datetime], *, latency_ms: int) -> None:
        sandbox = MetaSandbox(
            state,
            app_secret="bench",  # noqa: S106 - the sandbox's made-up app secret
            webhook_url=None,
            review_delay_seconds=3600,
            clock=clock,
        )
        self.state = sandbox.state
        self._http = TestClient(sandbox.app)
        self._latency = latency_ms / 1000
        self.calls = 0
        self.seconds = 0.0
        self.graph = GraphClient(
            settings=Settings(graph_api_base_url="http://meta.sandbox", graph_max_retries=0),
            client=httpx.Client(transport=httpx.MockTransport(self._reply)),
            token_provider=lambda: "EAAbenchToken",
        )

    def _reply(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        self.calls += 1
        if self._latency:
            time.sleep(self._latency)
        answer = self._http.request(request.method, str(request.url), content=request.content, headers=request.headers)
        self.seconds += time.perf_counter() - started
        return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)
