"""What the benchmarks of the numbers jobs share: DynamoDB as moto in this process, the Meta sandbox in a child
process on loopback with latency added to every Graph call, and call timings.

moto 5.2.5 deep-copies every table a TransactWriteItems touches (for its rollback): O(table) per transaction,
which makes thousands of transactions on a table of thousands of items impossible. `cloud()` replaces that
snapshot with none (the jobs' transactions here never fail; each benchmark checks the table afterwards).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar
from unittest import mock

import boto3
import httpx
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table

from bench.harness import REGION, child_environment
from hub_shared.graph import GraphClient, JsonBody, Params
from hub_shared.settings import Settings
from local.moto_fixes import serialize_dynamodb
from local.template import create_tables, load_template

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from local.sandboxes.meta import MetaState

TABLE = "hub-numbers"
BUS = "hub"
TOKEN = "EAAbenchSystemUserToken"  # noqa: S105 - any bearer token will do for the sandbox
APP_SECRET = "bench-meta-app-secret"  # noqa: S105 - signs the sandbox's webhooks, which it sends nowhere here
SANDBOX_START_SECONDS = 120


@dataclass
class Calls:
    """Botocore or Graph calls: how many of each kind, and the wall time spent inside them (summed over threads)."""

    count: Counter[str] = field(default_factory=Counter)
    seconds: Counter[str] = field(default_factory=Counter)
    _started: threading.local = field(default_factory=threading.local)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self) -> None:
        self._started.at = time.perf_counter()

    def end(self, kind: str) -> None:
        elapsed = time.perf_counter() - self._started.at
        with self._lock:
            self.count[kind] += 1
            self.seconds[kind] += elapsed

    def snapshot(self) -> Calls:
        return Calls(Counter(self.count), Counter(self.seconds))

    def clear(self) -> None:
        self.count.clear()
        self.seconds.clear()


class TimedGraph:
    """A Graph client that times each call in `calls`, by method (`GET`, `POST`, `DELETE`)."""

    def __init__(self, graph: GraphClient, calls: Calls):
        self._graph, self._calls = graph, calls

    def get(self, path: str, params: Params | None = None, token: str | None = None) -> dict[str, Any]:
        return self._timed("GET", lambda: self._graph.get(path, params=params, token=token))

    def post(
        self,
        path: str,
        json: JsonBody | None = None,
        params: Params | None = None,
        data: JsonBody | None = None,
        token: str | None = None,
        *,
        idempotent: bool = False,
    ) -> dict[str, Any]:
        return self._timed(
            "POST",
            lambda: self._graph.post(path, json=json, params=params, data=data, token=token, idempotent=idempotent),
        )

    def delete(self, path: str, params: Params | None = None, token: str | None = None) -> dict[str, Any]:
        return self._timed("DELETE", lambda: self._graph.delete(path, params=params, token=token))

    def upload(self, session: str, content: bytes, *, offset: int = 0) -> dict[str, Any]:
        return self._timed("POST", lambda: self._graph.upload(session, content, offset=offset))

    def _timed(self, method: str, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        self._calls.begin()
        try:
            return call()
        finally:
            self._calls.end(method)


@dataclass(frozen=True)
class Cloud:
    dynamodb: DynamoDBClient
    graph: GraphClient
    dynamodb_calls: Calls
    """Every call of `dynamodb`, by operation."""


@contextlib.contextmanager
def cloud(module: str, first_id: int, count: int, latency_ms: int) -> Iterator[Cloud]:
    """moto in this process and the Meta sandbox `python -m <module> --serve-meta` (see `meta_sandbox`)."""
    with (
        mock.patch.dict(os.environ, child_environment()),
        meta_sandbox(module, first_id, count, latency_ms) as meta_url,
        mock_aws(),
        _no_table_snapshots(),
        _quiet(),
    ):
        serialize_dynamodb()
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        settings = Settings(graph_api_base_url=meta_url, graph_timeout_seconds=10.0)
        calls = Calls()
        dynamodb.meta.events.register("before-call.dynamodb", lambda **_: calls.begin())
        dynamodb.meta.events.register("after-call.dynamodb", lambda model, **_: calls.end(model.name))
        yield Cloud(dynamodb, GraphClient(settings=settings, token_provider=lambda: TOKEN), calls)


def create_numbers_table(dynamodb: DynamoDBClient) -> None:
    """The numbers table from the template, without its stream (the jobs do not read it)."""
    template = copy.deepcopy(load_template())
    table = template["Resources"]["NumbersTable"]
    table["Properties"].pop("StreamSpecification")
    create_tables(dynamodb, {"Resources": {"NumbersTable": table}})


def numbers_table() -> Table:
    """moto's numbers table, to seed and check it directly (botocore's round trip would only slow that down)."""
    return dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(TABLE)


@contextlib.contextmanager
def _no_table_snapshots() -> Iterator[None]:
    """moto's TransactWriteItems without its whole-table deep copy (see the module's doc)."""

    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    with mock.patch("moto.dynamodb.models.copy", SimpleNamespace(deepcopy=deepcopy)):
        yield


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """No INFO lines (the Graph client and the jobs log each call)."""
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


@contextlib.contextmanager
def meta_sandbox(module: str, first_id: int, count: int, latency_ms: int) -> Iterator[str]:
    """The Meta sandbox in a child process, `python -m <module> --serve-meta PORT --first-id F --count N` (which
    registers numbers F … F+N-1 and calls `serve_meta`), every call delayed `latency_ms`; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    child = subprocess.Popen(
        [sys.executable, "-m", module, "--serve-meta", str(port), "--first-id", str(first_id), "--count", str(count)],
        env=child_environment(),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _configure(url, child, latency_ms)
        yield url
    finally:
        child.terminate()
        child.wait(30)


def _configure(url: str, child: subprocess.Popen[bytes], latency_ms: int) -> None:
    deadline = time.monotonic() + SANDBOX_START_SECONDS
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit("benchmark: the Meta sandbox did not start")
        try:
            httpx.post(f"{url}/_sandbox/faults", json={"latency_ms": latency_ms}, timeout=5).raise_for_status()
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"benchmark: the Meta sandbox did not listen within {SANDBOX_START_SECONDS} s")


def serve_meta(state: MetaState, port: int) -> None:
    """The child: the sandbox over `state`, served on loopback until terminated (nothing decides its reviews)."""
    import uvicorn  # noqa: PLC0415 - the child's own imports

    from local.sandboxes.meta import MetaSandbox  # noqa: PLC0415

    sandbox = MetaSandbox(
        state,
        app_secret=APP_SECRET,
        webhook_url=None,
        review_delay_seconds=3600,
        clock=lambda: datetime.now(UTC),
    )
    uvicorn.run(sandbox.app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


Runs = TypeVar("Runs")


def run_bench(
    measure: Callable[[int, int, int], Runs],
    report: Callable[[Runs, int, int, int], None],
    defaults: tuple[int, int, int],
) -> None:
    """Measure and report a job benchmark at (numbers, sample, latency_ms), saying how long the whole run took."""
    started = time.perf_counter()
    report(measure(*defaults), *defaults)
    print(f"  (the whole benchmark, set-up and checks included, took {time.perf_counter() - started:,.0f} s)")


def cli(
    argv: list[str] | None,
    *,
    prog: str,
    doc: str,
    what: str,
    defaults: tuple[int, int, int],
    measure: Callable[[int, int, int], Runs],
    report: Callable[[Runs, int, int, int], None],
    serve_meta_numbers: Callable[[int, int, int], None],
) -> int:
    """The command line of a job benchmark: `--numbers`, `--sample`, `--latency-ms` (`defaults`, in that order) run
    `run_bench`; the hidden `--serve-meta PORT --first-id N --count N` is how `cloud` starts the child sandbox."""
    numbers, sample, latency_ms = defaults
    parser = argparse.ArgumentParser(prog=prog, description=doc.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--numbers", type=int, default=numbers, help=f"{what} (default {numbers:,})")
    parser.add_argument(
        "--sample", type=int, default=sample, help=f"the sequential baseline's sample (default {sample})"
    )
    parser.add_argument("--latency-ms", type=int, default=latency_ms, help=f"Meta's latency (default {latency_ms})")
    parser.add_argument("--serve-meta", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--first-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_meta is not None:
        serve_meta_numbers(args.serve_meta, args.first_id, args.count)
        return 0
    if args.numbers < 1 or args.sample < 1:
        parser.error("--numbers and --sample must be at least 1")
    run_bench(measure, report, (args.numbers, args.sample, args.latency_ms))
    return 0
