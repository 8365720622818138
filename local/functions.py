"""Runs the template's functions in this process, as Lambda would: a handler by its dotted name, an event, a context."""

from __future__ import annotations

import importlib
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from local.template import function_handlers, load_template

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
    service (`_container_of`)."""
    dotted = function_handlers(load_template())[function]
    with _container_of(dotted):
        return _handler(dotted)(event, LocalLambdaContext(function_name=function))


_containers_lock = threading.Lock()
_containers: dict[str, threading.RLock] = {}


def _container_of(dotted: str) -> threading.RLock:
    """The lock of the service a handler belongs to (`hub_numbers` for `hub_numbers.app.handler`).

    A Lambda container handles one event at a time, and its module state is its own. Here every function of a
    service shares its modules in one process, and the local gateway, bus and pollers call them from several
    threads: Powertools keeps the request being resolved on the resolver (`app.current_event`) and the log keys of
    the invocation on the service's logger, so two events of one service at once could answer one caller with
    another's request or log under another function's name. Serializing each service's events keeps what Lambda
    guarantees; services still run side by side, as separate functions do."""
    service = dotted.split(".", 1)[0]
    with _containers_lock:
        return _containers.setdefault(service, threading.RLock())
