"""What the job benchmarks share: AWS and Meta each in a child process of its own, reached over HTTP on loopback as
a Lambda reaches DynamoDB and Meta, the hub's own clients on them, call counts, and the command line.

- `AwsStandIn`: moto's application (served by uvicorn with keep-alive connections, as DynamoDB keeps them: moto's
  own server closes each after one answer) in a child process (multiprocessing, spawned), holding the
  tables the job uses (the template's, without their streams: the jobs read none) and the Meta token's secret. Its
  `call(function, *args)` runs a function of a bench module inside that child, on moto's own tables: that is how
  the benchmarks seed thousands of items in seconds and check every one afterwards, neither timed.
- `meta_sandbox`: the Meta sandbox (local/sandboxes/meta) in a child process, on the state a bench module builds,
  every Graph call delayed `latency_ms` (its fault API).
- `hub_cloud`: both, with the hub's settings pointing at them, so the job under test uses the very clients it has
  in Lambda (`hub_shared.aws.dynamodb()`, `graph_client()` with the token from Secrets Manager) with their
  deployed configuration (connection pools, retries, timeouts).

The job's process then does what it does in Lambda — its own code, botocore, httpx, waiting on sockets — while
DynamoDB and Meta run in processes of their own. The stand-ins still cost far more CPU than the services they stand
for, and they share this machine's two cores with the job, so the child changes moto where it spends CPU on work
that alters no answer the hub gets (`_patch_moto`, in the child only):
1. no copies: moto 5.2.5 deep-copies every table a TransactWriteItems touches (for its rollback: O(table) per
   transaction; the jobs' transactions here never fail, and each benchmark checks the table afterwards), an item
   before an update (for a stream: these tables have none) and a Query's answer (which nothing changes);
2. Queries over the partition: moto sorts and walks the whole table for every page; it is handed the items of the
   queried partition (of the table, or of the index, projected as the index holds them — so a KEYS_ONLY page is
   DynamoDB's 1 MB of keys rather than 1 MB of whole items), in the same order;
3. what moto works out again on every request is worked out once: the listing of its own folder, its handler's
   methods, the parse of an UpdateExpression (its validator works on a copy), the checks of an expression that read
   only the expression, its attribute names and the table's keys, and a condition expression with the same names
   and values;
4. answers as JSON: moto serialises a DynamoDB answer by walking botocore's model of it (~2 ms for an item of 30
   attributes); the answers to reads and writes are written with `json.dumps`. The first `VERIFIED_ANSWERS` answers
   of each operation (up to VERIFIED_SIZE bytes) are also serialised moto's way and compared — an operation whose
   answer differs goes back to moto's way for good, and the report says so;
5. DynamoDB calls are serialised (`local.moto_fixes.serialize_dynamodb`, as wherever moto runs).
The job's own process is left as it is in Lambda, but for the botocore and Graph hooks that count its calls.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import functools
import importlib
import json
import logging
import multiprocessing
import os
import pickle
import socket
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NoReturn, TypedDict, TypeVar, cast
from unittest import mock

import boto3
import httpx

from bench.harness import REGION, child_environment, rounded_down, row
from hub_shared import aws
from hub_shared.graph import GraphClient, JsonBody, Params, graph_client
from hub_shared.singletons import reset_all
from local.template import load_template, table_environment, table_name

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from local.sandboxes.meta import MetaState

BUS = "hub"
TOKEN = "EAAbenchSystemUserToken"  # noqa: S105 - any bearer token will do for the sandbox
APP_SECRET = "bench-meta-app-secret"  # noqa: S105 - signs the sandbox's webhooks, which it sends nowhere here
START_SECONDS = 120
"""How long a child may take to start (an import of moto or of the sandbox, on a busy machine)."""
CALL_SECONDS = 900
"""How long a function run in the AWS stand-in may take (seeding or checking 100,000 numbers)."""
VERIFIED_ANSWERS = 3
"""Answers of each DynamoDB operation serialised both ways in the stand-in and compared (see the module's doc)."""
VERIFIED_SIZE = 20_000
"""Only answers up to this many bytes of JSON are verified (moto's way takes ~1 s for a page of 2,000 items)."""
FAST_OPERATIONS = frozenset(
    {
        "GetItem",
        "BatchGetItem",
        "Query",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "BatchWriteItem",
        "TransactWriteItems",
    }
)
LAMBDA_FULL_VCPU_MB = 1769
"""Lambda's memory size at which a function has one vCPU's worth of CPU; less memory, proportionally less CPU."""


# ---------------------------------------------------------------- call counts


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

    def total(self) -> int:
        return sum(self.count.values())


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


def cpu_seconds(pid: int | None = None) -> float | None:
    """CPU time (user + system) of process `pid` so far (None: this process); None where /proc cannot tell."""
    if pid is None:
        return time.process_time()
    try:
        with open(f"/proc/{pid}/stat") as stat:  # noqa: PTH123 - a Linux process's own counters
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- the AWS stand-in: moto's server in a child


def _reference(function: Callable[..., Any]) -> tuple[str, str]:
    """(module, name) of a module-level function, importable in a child (`python -m bench.x` runs it as __main__)."""
    module = function.__module__
    if module == "__main__":
        spec = getattr(sys.modules["__main__"], "__spec__", None)
        if spec is None:
            raise ValueError(f"{function.__qualname__} is defined in a script, which a child cannot import")
        module = spec.name
    return module, function.__qualname__


Result = TypeVar("Result")


class AwsStandIn:
    """moto's server in a child process, on 127.0.0.1 (see the module's doc); `stop()` ends it."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._commands, child_end = context.Pipe()
        self._process = context.Process(target=_serve_aws, args=(child_end,), name="aws-stand-in", daemon=True)
        self._process.start()
        child_end.close()
        self._lock = threading.Lock()
        self.endpoint: str = self._answer(START_SECONDS, "start")

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def call(self, function: Callable[..., Result], *args: Any) -> Result:
        """`function(*args)` run in the child (a module-level function of an importable module), its result."""
        with self._lock:
            self._commands.send(("call", *_reference(function), args))
            result: Result = self._answer(CALL_SECONDS, function.__qualname__)
            return result

    def fast_answers(self) -> dict[str, Any]:
        """Per DynamoDB operation: answers written directly (`written`), checked against moto's serialiser
        (`checked`), and sent back to it because they differed (`differed`)."""
        return self.call(_fast_answer_counts)

    def stop(self) -> None:
        with contextlib.suppress(OSError, EOFError), self._lock:
            self._commands.send(("stop",))
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(10)

    def _answer(self, seconds: float, what: str) -> Any:
        if not self._commands.poll(seconds):
            raise SystemExit(f"benchmark: the AWS stand-in did not answer {what} within {seconds:.0f} s")
        try:
            status, value = self._commands.recv()
        except EOFError:
            raise SystemExit(f"benchmark: the AWS stand-in ended during {what}") from None
        if status != "ok":
            raise SystemExit(f"benchmark: the AWS stand-in failed in {what}:\n{value}")
        return value


@contextlib.contextmanager
def aws_stand_in() -> Iterator[AwsStandIn]:
    stand_in = AwsStandIn()
    try:
        yield stand_in
    finally:
        stand_in.stop()


def _serve_aws(commands: Connection) -> None:
    """The child: moto's server, patched (`_patch_moto`), then the parent's calls until it says stop."""
    try:
        _patch_moto()
        server = _MotoServer()
        commands.send(("ok", server.start()))
    except BaseException:  # whatever it is, the parent reports it
        commands.send(("error", traceback.format_exc()))
        return
    while True:
        try:
            command = commands.recv()
        except EOFError:  # the parent is gone
            break
        if command[0] == "stop":
            break
        _, module, name, args = command
        try:
            commands.send(("ok", getattr(importlib.import_module(module), name)(*args)))
        except BaseException:  # reported to the parent, which exits
            commands.send(("error", traceback.format_exc()))
    server.stop()


class _MotoServer:
    """moto's application served with keep-alive connections, as DynamoDB serves them: moto's own server (werkzeug's)
    closes every connection after one answer, so each request would cost the job a connect and the stand-in a
    thread, neither of which a Lambda pays against DynamoDB."""

    def start(self) -> str:
        """Serve on a port of 127.0.0.1 the system picks, in a thread; answers the endpoint."""
        import uvicorn  # noqa: PLC0415 - the child's own imports
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app  # noqa: PLC0415

        config = uvicorn.Config(
            DomainDispatcherApplication(create_backend_app),
            host="127.0.0.1",
            port=0,
            interface="wsgi",
            log_level="warning",
            access_log=False,
            timeout_keep_alive=60,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="moto-server", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + START_SECONDS
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("moto's server did not start")
            time.sleep(0.05)
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


_fast: dict[str, Counter[str]] = {"written": Counter(), "checked": Counter(), "differed": Counter()}


def _fast_answer_counts() -> dict[str, Any]:
    return {kind: dict(counts) for kind, counts in _fast.items()}


def _patch_moto() -> None:
    """The child's changes of moto (see the module's doc): none changes an answer, each saves CPU."""
    from local.moto_fixes import serialize_dynamodb  # noqa: PLC0415 - the child's own imports

    serialize_dynamodb()
    _no_item_copies()
    _partition_queries()
    _lean_projections()
    _cached_lookups()
    _cached_conditions()
    _direct_answers()


def _no_item_copies() -> None:
    """No copy of a table for TransactWriteItems' rollback, of an item for a stream, or of a Query's answer."""
    from moto.dynamodb import models  # noqa: PLC0415 - the child's own imports
    from moto.dynamodb.models import table  # noqa: PLC0415
    from moto.dynamodb.models.dynamo_type import Item  # noqa: PLC0415
    from moto.dynamodb.models.table import Table  # noqa: PLC0415

    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if isinstance(value, Table | Item) or (isinstance(value, list) and all(isinstance(v, Item) for v in value)):
            return value
        return copy.deepcopy(value, memo)

    no_copies = SimpleNamespace(**{**vars(copy), "deepcopy": deepcopy})  # the `copy` module, but for deepcopy
    models.copy = no_copies  # type: ignore[attr-defined,assignment]
    table.copy = no_copies  # type: ignore[attr-defined,assignment]


def _partition_queries() -> None:
    """moto's Query sorts the whole table and walks it for every page. Here it is handed, in the same order, only the
    items that can match: the partition's (a table's Query), those with the index's partition key (an index's),
    projected as the index holds them (moto would fill its 1 MB page with whole items: 3 to 6 times as many pages as
    DynamoDB for a KEYS_ONLY index)."""
    from moto.dynamodb.models.table import Table  # noqa: PLC0415 - the child's own imports

    query = Table.query

    def partition_query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        conditions = kwargs.get("hash_key_conditions") or []
        if index_name and conditions:
            candidates = [item for item in _every_item(self) if _matches(item, conditions)]
            index = self.get_index(index_name)
            if (index.projection or {}).get("ProjectionType") in ("KEYS_ONLY", "INCLUDE"):
                # As DynamoDB does, its 1 MB page counts what the index holds, not the whole items.
                candidates = [index.project(item) for item in candidates]
        elif not index_name and hash_key is not None:
            partition = self.items.get(hash_key)
            candidates = [] if partition is None else [*partition.values()] if self.range_key_attr else [partition]
        else:
            return query(self, hash_key, *args, **kwargs)
        ordered = sorted(candidates, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)
        self.all_items = lambda: ordered  # what Table.all_items answers: every item, sorted by key
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    Table.query = partition_query  # type: ignore[method-assign]


def _every_item(table: Any) -> Iterator[Any]:
    for partition in table.items.values():
        if table.range_key_attr:
            yield from partition.values()
        else:
            yield partition


def _matches(item: Any, conditions: list[tuple[str, Any]]) -> bool:
    """moto's own test of an index's partition key conditions."""
    for name, expected in conditions:
        value = item.attrs.get(name)
        if not value or value != expected:
            return False
    return True


def _lean_projections() -> None:
    """KEYS_ONLY and INCLUDE indexes project the top-level attributes they name, without moto's round trip through
    JSON and boto3's deserialiser."""
    from moto.dynamodb.models.dynamo_type import Item  # noqa: PLC0415 - the child's own imports
    from moto.dynamodb.models.table import SecondaryIndex  # noqa: PLC0415

    project = SecondaryIndex.project

    def project_keys(self: Any, item: Any) -> Any:
        kind = (self.projection or {}).get("ProjectionType")
        if kind not in ("KEYS_ONLY", "INCLUDE"):
            return project(self, item)
        names = [*self.table_key_attrs, *(key["AttributeName"] for key in self.schema)]
        if kind == "INCLUDE":
            names += self.projection.get("NonKeyAttributes", [])
        attrs = {name: item.attrs[name].to_json() for name in dict.fromkeys(names) if name in item.attrs}
        return Item(hash_key=item.hash_key, range_key=item.range_key, attrs=attrs)

    SecondaryIndex.project = project_keys  # type: ignore[method-assign]


def _cached_lookups() -> None:
    """What moto works out again on every request: its own modules (a listing of its folder), its handler's methods,
    the parse of an UpdateExpression (its validator works on a copy), the checks of an expression's structure."""
    from moto import backends  # noqa: PLC0415 - the child's own imports
    from moto.core import responses  # noqa: PLC0415
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]  # noqa: PLC0415
    from moto.dynamodb.parsing.validators import UpdateExpressionValidator  # noqa: PLC0415

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    responses.method_names_from_class = functools.cache(responses.method_names_from_class)  # type: ignore[attr-defined]
    UpdateExpressionParser.make = functools.cache(UpdateExpressionParser.make)
    _validate_structure_once(UpdateExpressionValidator)


CONDITIONS_KEPT = 20_000
"""Parsed condition expressions kept (the same expression with the same names and values parses the same)."""


def _cached_conditions() -> None:
    """A condition expression parsed once per expression, names and values: moto parses each of a transaction's up
    to six times (its tree is only read afterwards, as are the names and values it found)."""
    from moto.dynamodb.comparisons import ConditionExpressionParser  # noqa: PLC0415 - the child's own imports

    parse = ConditionExpressionParser.parse
    parsed: dict[tuple[str, str, str], tuple[Any, list[str], list[str]]] = {}

    def parse_once(self: Any) -> Any:
        if not self.condition_expression:
            return parse(self)
        key = (
            self.condition_expression,
            json.dumps(self.expression_attribute_names, sort_keys=True),
            json.dumps(self.expression_attribute_values, sort_keys=True),
        )
        if key not in parsed:
            tree = parse(self)
            if len(parsed) >= CONDITIONS_KEPT:
                parsed.clear()
            parsed[key] = tree, list(self.expr_attr_names_found), list(self.expr_attr_values_found)
        tree, names, values = parsed[key]
        self.expr_attr_names_found, self.expr_attr_values_found = list(names), list(values)
        return tree

    ConditionExpressionParser.parse = parse_once  # type: ignore[method-assign]


def _direct_answers() -> None:
    """DynamoDB's answers to reads and writes written as JSON directly (see the module's doc)."""
    from moto.dynamodb.responses import DynamoHandler  # noqa: PLC0415 - the child's own imports

    serialized = DynamoHandler.serialized
    lock = threading.Lock()

    def answered(self: Any, action_result: Any) -> Any:
        operation = self._get_action()
        result = action_result.result
        if operation not in FAST_OPERATIONS or not isinstance(result, dict) or operation in _fast["differed"]:
            return serialized(self, action_result)
        try:
            body = json.dumps(result)
        except (TypeError, ValueError):
            return serialized(self, action_result)
        with lock:  # a small answer: a large one, serialised twice, would weigh on the time measured
            check = _fast["checked"][operation] < VERIFIED_ANSWERS and len(body) <= VERIFIED_SIZE
            _fast["checked"][operation] += check
        if check:
            status, headers, expected = serialized(self, action_result)
            if status != 200 or json.loads(expected) != json.loads(body):
                with lock:
                    _fast["differed"][operation] += 1
                return status, headers, expected
        with lock:
            _fast["written"][operation] += 1
        return 200, {"Content-Type": "application/x-amz-json-1.0", **self.response_headers}, body

    DynamoHandler.serialized = answered  # type: ignore[method-assign]


STRUCTURE_VALIDATORS = frozenset({"ActionCountValidator", "OverlappingPathsValidator", "UpdateHashRangeKeyValidator"})
"""moto's checks of an UpdateExpression that read only the expression, its attribute names and the table's keys."""


def _validate_structure_once(validator: Any) -> None:
    """moto's UpdateExpression validator, running the checks of STRUCTURE_VALIDATORS once per expression, attribute
    names and table (their verdict can differ in nothing else), and copying the expression's tree with pickle
    rather than deepcopy (the same tree, in a third of the time)."""
    processors = validator.get_ast_processors
    init = validator.__init__
    passed: set[tuple[Any, ...]] = set()

    def __init__(  # noqa: N807 - the validator's own
        self: Any,
        expression: Any,
        expression_attribute_names: Any,
        expression_attribute_values: Any,
        item: Any,
        table: Any,
    ) -> None:
        names = tuple(sorted((expression_attribute_names or {}).items()))
        self._structure = (id(expression), names, table.name)
        init(self, expression, expression_attribute_names, expression_attribute_values, item, table)

    def get_ast_processors(self: Any) -> list[Any]:
        every: list[Any] = processors(self)
        if getattr(self, "_structure", None) not in passed:
            return every
        return [p for p in every if type(p).__name__ not in STRUCTURE_VALIDATORS]

    validate = validator.validate

    def validated(self: Any) -> Any:
        tree = validate(self)
        passed.add(self._structure)
        return tree

    validator.__init__ = __init__
    validator.get_ast_processors = get_ast_processors
    validator.validate = validated
    sys.modules[validator.__module__].deepcopy = _pickled  # type: ignore[attr-defined]  # the validators' only copies: of trees and values


def _pickled(tree: Any) -> Any:
    try:
        return pickle.loads(pickle.dumps(tree, pickle.HIGHEST_PROTOCOL))  # noqa: S301 - a tree made in this process
    except (pickle.PicklingError, TypeError, AttributeError):
        return copy.deepcopy(tree)


def moto_table(name: str) -> Any:
    """moto's table `name` (in the AWS stand-in's child only: the functions `AwsStandIn.call` runs)."""
    from moto.core.models import DEFAULT_ACCOUNT_ID  # noqa: PLC0415 - the child's own imports
    from moto.dynamodb.models import dynamodb_backends  # noqa: PLC0415

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(name)


def put_items(name: str, items: list[dict[str, Any]]) -> None:
    """Items (DynamoDB JSON) put straight into moto's table `name` (in the child)."""
    table = moto_table(name)
    for item in items:
        table.put_item(item)


def stored_items(name: str) -> Iterator[dict[str, Any]]:
    """Every item of moto's table `name` as DynamoDB JSON (in the child)."""
    for item in moto_table(name).all_items():
        yield item.to_json()["Attributes"]


def create_tables(dynamodb: DynamoDBClient, logical_ids: list[str]) -> dict[str, str]:
    """The template's tables `logical_ids` (keys, indexes, TTL) without their streams, which the jobs do not read
    (and which moto's patched UpdateItem would not feed); answers logical id → name."""
    resources = load_template()["Resources"]
    names = {}
    for logical_id in logical_ids:
        props = copy.deepcopy(resources[logical_id]["Properties"])
        kwargs: dict[str, Any] = {
            "TableName": table_name(logical_id),
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if "GlobalSecondaryIndexes" in props:
            kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        dynamodb.create_table(**kwargs)
        names[logical_id] = kwargs["TableName"]
    return names


# ---------------------------------------------------------------- the Meta sandbox in a child


@dataclass
class MetaSandbox:
    url: str
    pid: int | None


@contextlib.contextmanager
def meta_sandbox(state: Callable[..., MetaState], args: tuple[Any, ...], latency_ms: int) -> Iterator[MetaSandbox]:
    """The Meta sandbox over `state(*args)` (a module-level function, run in the child) in a child process on
    loopback, every Graph call delayed `latency_ms`; nothing decides its reviews."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    context = multiprocessing.get_context("spawn")
    child = context.Process(target=_serve_meta, args=(*_reference(state), args, port), name="meta-sandbox", daemon=True)
    child.start()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if not child.is_alive():
                raise SystemExit("benchmark: the Meta sandbox did not start")
            try:
                httpx.post(f"{url}/_sandbox/faults", json={"latency_ms": latency_ms}, timeout=5).raise_for_status()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"benchmark: the Meta sandbox did not listen within {START_SECONDS} s") from None
                time.sleep(0.2)
        yield MetaSandbox(url, child.pid)
    finally:
        child.terminate()
        child.join(30)


def _serve_meta(module: str, name: str, args: tuple[Any, ...], port: int) -> None:
    """The child: the sandbox over the state `module.name(*args)` builds, served on loopback until terminated."""
    import uvicorn  # noqa: PLC0415 - the child's own imports

    from local.sandboxes.meta import MetaSandbox as Sandbox  # noqa: PLC0415

    sandbox = Sandbox(
        getattr(importlib.import_module(module), name)(*args),
        app_secret=APP_SECRET,
        webhook_url=None,
        review_delay_seconds=3600,
        clock=lambda: datetime.now(UTC),
    )
    uvicorn.run(sandbox.app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# ---------------------------------------------------------------- both, and the hub's settings on them


class LogWatch(logging.Handler):
    """What the job's process logged at WARNING and above: how often botocore's connection pool overflowed (urllib3
    then opens a connection for the request and drops it afterwards), and the last few other lines, with the
    reasons the hub's loggers give (so that a failed check can say why)."""

    KEPT = 20

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.pool_full = 0
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Connection pool is full"):
            self.pool_full += 1
            return
        extra = {
            key: record.__dict__[key] for key in ("reason", "number_id", "error", "path") if key in record.__dict__
        }
        self.lines = [*self.lines[-self.KEPT + 1 :], f"{record.levelname} {message} {extra if extra else ''}".strip()]

    def clear(self) -> None:
        self.pool_full = 0
        self.lines = []


@contextlib.contextmanager
def watched_logs() -> Iterator[LogWatch]:
    """A LogWatch on the root logger (urllib3's lines) and as `logging.lastResort`: the hub's Powertools loggers do
    not propagate to the root, and have no handler outside Lambda."""
    watch = LogWatch()
    root, last_resort = logging.getLogger(), logging.lastResort
    root.addHandler(watch)
    logging.lastResort = watch
    try:
        yield watch
    finally:
        root.removeHandler(watch)
        logging.lastResort = last_resort


@dataclass(frozen=True)
class Cloud:
    aws: AwsStandIn
    meta: MetaSandbox
    dynamodb: DynamoDBClient
    """The hub's own client (`hub_shared.aws.dynamodb()`), on the stand-in."""
    dynamodb_calls: Calls
    """Every call of `dynamodb`, by operation."""
    logs: LogWatch

    def fail(self, what: str) -> NoReturn:
        """Exit non-zero: the work is wrong (`what`), with the job's last warnings and errors."""
        lines = "".join(f"\n    {line}" for line in self.logs.lines)
        raise SystemExit(f"{what}{chr(10) + '  the job logged:' + lines if lines else ''}")

    def graph(self, calls: Calls) -> TimedGraph:
        """The hub's own Graph client (`graph_client()`: settings and token as deployed), timed in `calls`."""
        return TimedGraph(graph_client(), calls)

    def processes(self) -> Processes:
        return Processes(cpu_seconds(), cpu_seconds(self.aws.pid), cpu_seconds(self.meta.pid))


@dataclass(frozen=True)
class Processes:
    """CPU seconds so far of the job's process, the AWS stand-in's and the Meta sandbox's (None: unknown)."""

    job: float | None
    aws: float | None
    meta: float | None

    def since(self, before: Processes) -> Processes:
        def spent(now: float | None, then: float | None) -> float | None:
            return None if now is None or then is None else now - then

        return Processes(spent(self.job, before.job), spent(self.aws, before.aws), spent(self.meta, before.meta))


def hub_environment(endpoint: str, meta_url: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a hub function on the stand-ins: the template's table names, the endpoint, dummy
    credentials, Meta's address, Powertools quiet (no traces, no metrics, warnings only)."""
    return {
        **child_environment(),
        **table_environment(),
        "STAGE": "bench",
        "AWS_ENDPOINT_URL": endpoint,
        "GRAPH_API_BASE_URL": meta_url,
        "EVENT_BUS_NAME": BUS,
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_DEV": "false",
        **(extra or {}),
    }


@contextlib.contextmanager
def hub_settings(environment: Mapping[str, str]) -> Iterator[None]:
    """`environment` for the hub's settings and clients (every singleton forgotten on the way in and out)."""
    with mock.patch.dict(os.environ, environment):
        reset_all()
        try:
            yield
        finally:
            reset_all()


@contextlib.contextmanager
def hub_cloud(
    tables: list[str],
    meta_state: Callable[..., MetaState],
    meta_args: tuple[Any, ...],
    latency_ms: int,
    environment: Mapping[str, str] | None = None,
) -> Iterator[Cloud]:
    """The AWS stand-in holding the template's `tables` (logical ids) and the Meta token's secret, the Meta sandbox
    over `meta_state(*meta_args)` with `latency_ms`, and the hub's settings on both (plus `environment`)."""
    with (
        aws_stand_in() as stand_in,
        meta_sandbox(meta_state, meta_args, latency_ms) as meta,
        hub_settings(hub_environment(stand_in.endpoint, meta.url, environment)),
        _quiet(),
        watched_logs() as logs,
    ):
        dynamodb = aws.dynamodb()
        create_tables(dynamodb, tables)
        secret = os.environ.get("GRAPH_TOKEN_SECRET", "hub/meta/system-user-token")
        boto3.client("secretsmanager", endpoint_url=stand_in.endpoint).create_secret(Name=secret, SecretString=TOKEN)
        calls = Calls()
        dynamodb.meta.events.register("before-call.dynamodb", lambda **_: calls.begin())
        dynamodb.meta.events.register("after-call.dynamodb", lambda model, **_: calls.end(model.name))
        yield Cloud(stand_in, meta, dynamodb, calls, logs)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """No INFO lines (the Graph client and the jobs log each call)."""
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


# ---------------------------------------------------------------- a job's measured run, result and report


@dataclass(frozen=True)
class Run:
    """One measured run of a job: how many items, how long, the CPU of each process, the calls it made, and how
    often botocore's connection pool overflowed meanwhile."""

    workers: int
    items: int
    seconds: float
    cpu: Processes
    dynamodb: Calls
    meta: Calls
    pool_overflows: int = 0


def measured(hub: Cloud, workers: int, items: int, meta: Calls, job: Callable[[], Result]) -> tuple[Run, Result]:
    """`job()` timed, with the CPU of every process, the DynamoDB calls and the pool's overflows it caused."""
    hub.dynamodb_calls.clear()
    hub.logs.clear()
    before, started = hub.processes(), time.perf_counter()
    answer = job()
    seconds, cpu = time.perf_counter() - started, hub.processes().since(before)
    run = Run(workers, items, seconds, cpu, hub.dynamodb_calls.snapshot(), meta.snapshot(), hub.logs.pool_full)
    return run, answer


class JobResult(TypedDict):
    """What a job benchmark answers (`<name>(runs)`), for bench/report.json and `make bench`'s table (`rows`)."""

    name: str
    items: int
    """What the subject ran over."""
    item: str
    """What an item is, singular: "due number", "pending request", "number", "template"."""
    workers: int
    """The subject's workers."""
    deployed_workers: int
    """The job's workers as deployed (the subject's unless `--workers` said otherwise)."""
    baseline_items: int
    """What the baseline (the same job with one worker: a sequential loop) ran over: a sample when `extrapolated`."""
    baseline_seconds: float
    """The baseline's time for `items` (scaled linearly from the sample when `extrapolated`)."""
    extrapolated: bool
    seconds: float
    """The subject's measured time for `items`."""
    ratio: float
    """baseline_seconds / seconds: how many times faster the job is with its workers than with one."""
    target: float | None
    met: bool | None
    """ratio ≥ target (None: no target)."""
    items_per_second: float
    dynamodb_requests_per_item: float
    graph_calls_per_item: float
    latency_ms: int
    """Meta's added latency of every Graph call."""
    cpu_ms_per_item: dict[str, float | None]
    """CPU per item of the job's process (`job`: its own code, botocore, httpx), the AWS stand-in's and the Meta
    sandbox's (None: not known on this system)."""
    lambda_memory_mb: int | None
    """The least Lambda memory whose CPU (proportional to it) covers the job's own CPU for `items` in 15 minutes."""
    pool_overflows: int
    """Requests for which botocore's connection pool (max_pool_connections) had no room: a connection opened and
    dropped."""
    wall_seconds: float
    """The whole benchmark, set-up and checks included."""
    rows: list[dict[str, Any]]
    """Its lines of `make bench`'s table (bench.harness.row)."""


def as_dict(result: JobResult) -> dict[str, Any]:
    """`result` as the plain dict bench/__main__.py collects."""
    return cast("dict[str, Any]", result)


@dataclass(frozen=True)
class JobBenchmark:
    """A job benchmark's fixed terms: its key in the report, what one item of the job is (singular), the job's
    workers as deployed, and the ratio it must reach (None: reported only)."""

    name: str
    item: str
    deployed: int
    target: float | None


def compare(
    benchmark: JobBenchmark,
    baseline: Callable[[], Run],
    subject: Callable[[], Run],
    *,
    latency_ms: int,
    started: float,
) -> tuple[JobResult, Run, Run]:
    """`baseline()` — the job with one worker — then `subject()` — the job as measured against it —, each seeding
    and checking its own items; answers their result (ratio, CPU per item, rows) and both runs, for the report."""
    first = baseline()
    print(f"  baseline done: {first.seconds:,.1f} s", flush=True)
    second = subject()
    return _job_result(benchmark, first, second, latency_ms, started), first, second


def _job_result(benchmark: JobBenchmark, baseline: Run, subject: Run, latency_ms: int, started: float) -> JobResult:
    name, item, deployed, target = benchmark.name, benchmark.item, benchmark.deployed, benchmark.target
    scaled = baseline.seconds / baseline.items * subject.items
    ratio = scaled / subject.seconds
    cpu = {
        process: None if spent is None else round(spent / subject.items * 1000, 3)
        for process, spent in (("job", subject.cpu.job), ("aws", subject.cpu.aws), ("meta", subject.cpu.meta))
    }
    job_cpu = cpu["job"]
    workers = f"{subject.workers} workers" + ("" if subject.workers == deployed else f" (deployed: {deployed})")
    sample = f"; one worker measured on {baseline.items:,}, scaled" if baseline.items != subject.items else ""
    rows = [
        row(
            name,
            f"{subject.items:,} {item}s, {workers} vs one (Meta +{latency_ms} ms{sample})",
            f"{rounded_down(ratio):.2f}× ({subject.seconds:,.0f} s vs {scaled:,.0f} s)",
            "" if target is None else f"≥ {target:g}×",
            None if target is None else ratio >= target,
        ),
        row(name, f"DynamoDB requests per {item}", f"{subject.dynamodb.total() / subject.items:.3f}"),
    ]
    return JobResult(
        name=name,
        items=subject.items,
        item=item,
        workers=subject.workers,
        deployed_workers=deployed,
        baseline_items=baseline.items,
        baseline_seconds=round(scaled, 2),
        extrapolated=baseline.items != subject.items,
        seconds=round(subject.seconds, 2),
        ratio=rounded_down(ratio),
        target=target,
        met=None if target is None else ratio >= target,
        items_per_second=round(subject.items / subject.seconds, 1),
        dynamodb_requests_per_item=round(subject.dynamodb.total() / subject.items, 4),
        graph_calls_per_item=round(subject.meta.total() / subject.items, 4),
        latency_ms=latency_ms,
        cpu_ms_per_item=cpu,
        lambda_memory_mb=None if job_cpu is None else lambda_memory_for(job_cpu, subject.items, LAMBDA_SECONDS),
        pool_overflows=subject.pool_overflows,
        wall_seconds=round(time.perf_counter() - started, 1),
        rows=rows,
    )


LAMBDA_SECONDS = 900
"""A Lambda run's longest time."""


def lambda_memory_for(cpu_ms_per_item: float, items: int, seconds: float) -> int:
    """The least Lambda memory (MB, rounded up to 64) whose CPU does `items` within `seconds`, each costing
    `cpu_ms_per_item` of one of this machine's cores (Lambda's CPU share grows with its memory: a full vCPU at
    LAMBDA_FULL_VCPU_MB)."""
    needed = items * cpu_ms_per_item / 1000 / seconds * LAMBDA_FULL_VCPU_MB
    return max(128, int(-(-needed // 64) * 64))


LINE = "  {:<68}{:>16}"


def print_run_report(result: JobResult, baseline: Run, subject: Run, *, what: str, stand_in: AwsStandIn) -> None:
    """The part of a job's report every job benchmark prints: the two sides, the ratio, requests, and the CPU."""
    item, items, latency_ms = result["item"], result["items"], result["latency_ms"]
    print(LINE.format("baseline  the same job with one worker (a sequential loop)", f"{baseline.items:,} {item}s"))
    print(LINE.format(f"          per {item}", f"{baseline.seconds / baseline.items * 1000:,.1f} ms"))
    if result["extrapolated"]:
        print(
            LINE.format(
                f"          scaled linearly to {items:,} (extrapolated)", f"{result['baseline_seconds']:,.0f} s"
            )
        )
    deployed = (
        "as deployed" if subject.workers == result["deployed_workers"] else f"deployed: {result['deployed_workers']}"
    )
    print(LINE.format(f"subject   {subject.workers} workers ({deployed}), measured", f"{subject.seconds:,.1f} s"))
    print(LINE.format(f"          {what} per second", f"{result['items_per_second']:,.0f}"))
    met = (
        ""
        if result["target"] is None
        else f" (target ≥ {result['target']:g}×: {'met' if result['met'] else 'NOT met'})"
    )
    print(LINE.format(f"time ratio  baseline / subject{met}", f"{result['ratio']:,.2f} ×"))
    print(LINE.format(f"DynamoDB requests per {item}", f"{result['dynamodb_requests_per_item']:,.3f}"))
    for operation, count in sorted(subject.dynamodb.count.items()):
        print(LINE.format(f"          {operation}", f"{count:,}"))
    print(LINE.format(f"Graph calls per {item}", f"{result['graph_calls_per_item']:,.3f}"))
    print(f"  where the time goes, per {item}")
    print(
        LINE.format("  sequential: inside DynamoDB calls", _ms(sum(baseline.dynamodb.seconds.values()), baseline.items))
    )
    graph = sum(baseline.meta.seconds.values())
    print(LINE.format(f"  sequential: inside Graph calls ({latency_ms} ms latency each)", _ms(graph, baseline.items)))
    print(LINE.format(f"  subject: wall time ({subject.workers} workers)", _ms(subject.seconds, items)))
    floor = latency_ms * subject.meta.total() / items / subject.workers
    print(LINE.format(f"  subject: Meta's latency / {subject.workers} workers", f"{floor:,.2f} ms"))
    cpu = result["cpu_ms_per_item"]
    for process, label in (
        ("job", "the job's process (the job, botocore, httpx)"),
        ("aws", "the AWS stand-in's process (moto)"),
        ("meta", "the Meta sandbox's process"),
    ):
        spent = cpu[process]
        print(LINE.format(f"  subject: CPU of {label}", "?" if spent is None else f"{spent:,.2f} ms"))
    known = [spent for spent in cpu.values() if spent is not None]
    cores = _cores()
    if len(known) == len(cpu):
        print(
            LINE.format(
                f"  subject: CPU of all three / {cores} cores (this machine's floor)", f"{sum(known) / cores:,.2f} ms"
            )
        )
    if subject.pool_overflows:
        pool = stand_in_pool_size()
        print(
            f"  botocore's connection pool ({pool} connections) was full for {subject.pool_overflows:,} requests: each"
            f" opened a connection and dropped it (max_pool_connections < {subject.workers} workers)"
        )
    differed = sorted(stand_in.fast_answers()["differed"])
    if differed:
        print(f"  note: the stand-in answered {', '.join(differed)} moto's slow way (its JSON differed)")
    if cpu["job"] is not None:
        share = 512 / LAMBDA_FULL_VCPU_MB
        print(
            f"  in Lambda: the job's own CPU ({cpu['job']:.2f} ms per {item} here) caps a function of 512 MB"
            f" (≈ {share:.2f} vCPU) at ≈ {1000 / cpu['job'] * share:,.0f} {item}s/s;"
            f" {items:,} within 15 minutes take ≥ {result['lambda_memory_mb']:,} MB"
        )


def stand_in_pool_size() -> int:
    """botocore's connection pool of the hub's DynamoDB client (max_pool_connections)."""
    return int(aws.dynamodb().meta.config.max_pool_connections)  # type: ignore[attr-defined]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _ms(seconds: float, items: int) -> str:
    return f"{seconds / items * 1000:,.2f} ms"


# ---------------------------------------------------------------- the command line


def cli(
    argv: list[str] | None,
    *,
    prog: str,
    doc: str,
    what: str,
    defaults: tuple[int, int, int],
    workers: int,
    run: Callable[[int, int, int, int], Any],
) -> int:
    """The command line of a job benchmark: `--numbers`, `--sample`, `--latency-ms` (`defaults`, in that order) and
    `--workers` (the subject's; default `workers`, as deployed), then `run(numbers, sample, latency_ms, workers)`."""
    numbers, sample, latency_ms = defaults
    parser = argparse.ArgumentParser(
        prog=prog, description=doc.split("\n\n", maxsplit=1)[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--numbers", type=int, default=numbers, help=f"{what} (default {numbers:,})")
    parser.add_argument(
        "--sample", type=int, default=sample, help=f"the sequential baseline's sample (default {sample:,})"
    )
    parser.add_argument("--latency-ms", type=int, default=latency_ms, help=f"Meta's latency (default {latency_ms})")
    parser.add_argument(
        "--workers", type=int, default=workers, help=f"the subject's workers (default {workers}, as deployed)"
    )
    parser.add_argument("--json", action="store_true", help="print the result's dict as JSON at the end")
    args = parser.parse_args(argv)
    if min(args.numbers, args.sample, args.workers) < 1 or args.latency_ms < 0:
        parser.error("--numbers, --sample and --workers must be at least 1, --latency-ms at least 0")
    result = run(args.numbers, args.sample, args.latency_ms, args.workers)
    if args.json:
        print(json.dumps(result, indent=2))
    return 0
