"""local.functions.invoke runs one event at a time per service, as a Lambda container does, and services side by
side: two events of one service at once can no longer see each other's state (Powertools keeps log keys on the
service's logger). HTTP API events take turns across services too: Powertools' resolvers share the event being
resolved on their base class."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from local import functions
from local.template import HttpRoute

HANDLERS = {
    "FirstFunction": "svc_a.app.handler",
    "SecondFunction": "svc_a.jobs.handler",
    "OtherFunction": "svc_b.app",
    "OtherApiFunction": "svc_b.api.handler",
}
HTTP_FUNCTIONS = ("FirstFunction", "OtherApiFunction")


class Overlap:
    """Handlers that record how many of them run at once, per service."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: dict[str, int] = {}
        self.most: dict[str, int] = {}
        self.most_at_once = 0  # of every service
        self.together = threading.Barrier(2, timeout=2)

    def handler(self, dotted: str) -> Callable[[dict[str, Any], Any], Any]:
        service = dotted.split(".", 1)[0]

        def handle(event: dict[str, Any], context: Any) -> str:
            with self.lock:
                self.running[service] = self.running.get(service, 0) + 1
                self.most[service] = max(self.most.get(service, 0), self.running[service])
                self.most_at_once = max(self.most_at_once, sum(self.running.values()))
            if event.get("meet"):
                self.together.wait()  # only functions of two services can both get here at once
            time.sleep(0.05)
            with self.lock:
                self.running[service] -= 1
            return str(context.function_name)

        return handle


@pytest.fixture
def overlap(monkeypatch: pytest.MonkeyPatch) -> Iterator[Overlap]:
    seen = Overlap()
    monkeypatch.setattr(functions, "function_handlers", lambda _template: HANDLERS)
    monkeypatch.setattr(functions, "load_template", dict)
    monkeypatch.setattr(functions, "_handler", seen.handler)
    routes = [HttpRoute(name, HANDLERS[name], "GET", f"/{name}", authorized=True) for name in HTTP_FUNCTIONS]
    monkeypatch.setattr(functions, "http_routes", lambda _template: routes)
    yield seen


def run_together(*calls: tuple[str, dict[str, Any]]) -> list[Any]:
    answers: list[Any] = [None] * len(calls)

    def call(index: int, function: str, event: dict[str, Any]) -> None:
        answers[index] = functions.invoke(function, event)

    threads = [threading.Thread(target=call, args=(i, *c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    return answers


def test_events_of_one_service_run_one_at_a_time(overlap: Overlap) -> None:
    answers = run_together(*[("FirstFunction", {}), ("SecondFunction", {}), ("FirstFunction", {})] * 3)

    assert overlap.most == {"svc_a": 1}
    assert sorted(set(answers)) == ["FirstFunction", "SecondFunction"]


def test_functions_of_two_services_run_side_by_side(overlap: Overlap) -> None:
    run_together(("FirstFunction", {"meet": True}), ("OtherFunction", {"meet": True}))

    assert overlap.most == {"svc_a": 1, "svc_b": 1}
    assert not overlap.together.broken  # both were inside their handlers at the same moment


def test_http_api_events_of_two_services_take_turns(overlap: Overlap) -> None:
    answers = run_together(*[("FirstFunction", {}), ("OtherApiFunction", {})] * 3)

    assert overlap.most_at_once == 1  # Powertools' resolvers share BaseRouter.current_event in one process
    assert sorted(set(answers)) == ["FirstFunction", "OtherApiFunction"]


def test_an_http_api_event_runs_beside_another_services_consumer(overlap: Overlap) -> None:
    run_together(("FirstFunction", {"meet": True}), ("OtherFunction", {"meet": True}))

    assert overlap.most_at_once == 2
    assert not overlap.together.broken  # both were inside their handlers at the same moment
