"""Runs the template's functions in this process, as Lambda would: a handler by its dotted name, an event, a context."""

from __future__ import annotations

import importlib
import threading
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from local.template import function_handlers, http_routes, load_template

Invoker = Callable[[str, dict[str, Any]], Any]
"""(function logical id, event) → the handler's answer."""


@dataclass
class LocalLambdaContext:
    """The attributes of a Lambda context that Powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "local"
    invoked_function_arn: str = ""

    def __post_init__(self) -> None:
        self.invoked_function_arn = f"arn:aws:lambda:eu-central-1:123456789012:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 15_000


@cache
def _handler(dotted: str) -> Callable[[dict[str, Any], Any], Any]:
    module, name = dotted.rsplit(".", 1)
    handler: Callable[[dict[str, Any], Any], Any] = getattr(importlib.import_module(module), name)
    return handler


def invoke(function: str, event: dict[str, Any]) -> Any:
    """Call the handler of the template's function `function` (logical id) with `event`, one event at a time per
    service (`_container_of`), and one HTTP API event at a time in the process (`_RESOLVING`)."""
    template = load_template()
    dotted = function_handlers(template)[function]
    resolving = _RESOLVING if any(route.function == function for route in http_routes(template)) else nullcontext()
    with _container_of(dotted), resolving:
        return _handler(dotted)(event, LocalLambdaContext(function_name=function))


_RESOLVING = threading.RLock()
"""Held while a function with HttpApi events handles one: Powertools' HTTP resolvers keep the event being resolved
and its Lambda context on their common base class (`BaseRouter.current_event`, `BaseRouter.lambda_context`), so in
one process two of them at once — of two services — would each validate and route the other's request (a query
read from another request's event: a 422 for parameters the caller sent). In Lambda each function has a process of
its own; here the gateway's requests take turns, while consumers and jobs, which use no resolver, run beside them."""


_containers_lock = threading.Lock()
_containers: dict[str, threading.RLock] = {}


def _container_of(dotted: str) -> threading.RLock:
    """The lock of the service a handler belongs to (`hub_numbers` for `hub_numbers.app.handler`).

    A Lambda container handles one event at a time, and its module state is its own. Here every function of a
    service shares its modules in one process, and the local gateway, bus and pollers call them from several
    threads: Powertools keeps the log keys of the invocation on the service's logger, so two events of one service
    at once could log under another function's name.
    Serializing each service's events keeps what Lambda guarantees; services still run side by side, as separate
    functions do, but for their HTTP API events (`_RESOLVING`)."""
    service = dotted.split(".", 1)[0]
    with _containers_lock:
        return _containers.setdefault(service, threading.RLock())
