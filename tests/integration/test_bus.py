"""The local event router: the template's rules on a moto server, their events delivered to the functions."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from local.bus import EventRouter, Route, event_routes
from local.cloud import MotoHandle, aws_client, start_moto
from local.template import load_template

REGION = "eu-central-1"
BUS_TEMPLATE = Path(__file__).parents[1] / "fixtures" / "templates" / "bus.yaml"
ENVELOPE_KEYS = {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}


class Recorder:
    """A fake `invoke`: records every call; a function named in `failures` raises that many times first."""

    def __init__(self, failures: dict[str, int] | None = None):
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures = dict(failures or {})
        self.called = threading.Event()

    def __call__(self, function: str, event: dict[str, Any]) -> None:
        self.calls.append((function, event))
        self.called.set()
        if self.failures.get(function, 0) > 0:
            self.failures[function] -= 1
            raise RuntimeError(f"{function} is down")

    def functions(self) -> list[str]:
        return [function for function, _ in self.calls]


@pytest.fixture(scope="module")
def moto_server() -> Iterator[MotoHandle]:
    handle = start_moto()
    yield handle
    handle.stop()


@pytest.fixture
def endpoint(moto_server: MotoHandle) -> str:
    """A fresh moto with the bus `hub`."""
    httpx.post(f"{moto_server.endpoint}/moto-api/reset").raise_for_status()
    aws_client("events", moto_server.endpoint, REGION).create_event_bus(Name="hub")
    return moto_server.endpoint


def publish(endpoint: str, source: str, detail_type: str, detail: dict[str, Any]) -> None:
    answer = aws_client("events", endpoint, REGION).put_events(
        Entries=[{"EventBusName": "hub", "Source": source, "DetailType": detail_type, "Detail": json.dumps(detail)}]
    )
    assert answer["FailedEntryCount"] == 0


def one_rule_template(pattern: dict[str, Any]) -> dict[str, Any]:
    return {
        "Resources": {
            "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "hub"}},
            "ConsumerFunction": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Handler": "consumer.handler",
                    "Events": {
                        "Matched": {
                            "Type": "EventBridgeRule",
                            "Properties": {"EventBusName": "hub", "Pattern": pattern},
                        }
                    },
                },
            },
        }
    }


def test_routes_are_read_from_sam_events_and_plain_rules_with_function_targets() -> None:
    routes = event_routes(load_template(BUS_TEMPLATE))

    assert {(r.rule, r.function, r.bus, r.enabled, r.attempts) for r in routes} == {
        ("NumbersFunctionNumberDeleted", "NumbersFunction", "hub", True, 3),
        ("billing-number-lifecycle", "BillingFunction", "hub", True, 1),
        ("TemplatesFunctionPaused", "TemplatesFunction", "hub", False, 3),
        ("WebhookUpdatesRule", "SupportFunction", "hub", True, 3),
    }


def test_an_event_reaches_the_functions_whose_rules_match_and_no_other(endpoint: str) -> None:
    recorder = Recorder()
    router = EventRouter(endpoint, load_template(BUS_TEMPLATE), recorder)
    router.install()

    publish(endpoint, "hub.numbers", "NumberDeleted", {"number_id": "1"})
    publish(endpoint, "hub.numbers", "NumberCancelled", {"number_id": "2"})
    publish(endpoint, "hub.webhooks", "AccountUpdate", {"waba_id": "3"})
    publish(endpoint, "hub.billing", "FundsLow", {"client_id": "4"})

    assert router.deliver_now() == 4
    delivered = sorted((function, event["detail-type"]) for function, event in recorder.calls)
    assert delivered == [
        ("BillingFunction", "NumberCancelled"),
        ("BillingFunction", "NumberDeleted"),
        ("NumbersFunction", "NumberDeleted"),
        ("SupportFunction", "AccountUpdate"),
    ]


def test_the_function_receives_the_eventbridge_envelope(endpoint: str) -> None:
    recorder = Recorder()
    router = EventRouter(endpoint, load_template(BUS_TEMPLATE), recorder)
    router.install()

    publish(endpoint, "hub.webhooks", 'Quoted "type"', {"note": 'say "hi"', "count": 2})
    router.deliver_now()

    ((_, event),) = recorder.calls
    assert set(event) == ENVELOPE_KEYS
    assert (event["version"], event["source"], event["detail-type"]) == ("0", "hub.webhooks", 'Quoted "type"')
    assert (event["account"], event["region"], event["resources"]) == ("123456789012", REGION, [])
    assert event["detail"] == {"note": 'say "hi"', "count": 2}
    assert event["time"].endswith("Z")


@pytest.mark.parametrize(
    ("pattern", "matching", "other"),
    [
        pytest.param({"status": ["running", "onboarding"]}, {"status": "running"}, {"status": "Running"}, id="exact"),
        pytest.param({"count": [2]}, {"count": 2}, {"count": "2"}, id="exact-number"),
        pytest.param({"phone": [{"prefix": "+49"}]}, {"phone": "+4930123"}, {"phone": "+4430123"}, id="prefix"),
        pytest.param(
            {"status": [{"anything-but": ["deleted", "banned"]}]},
            {"status": "running"},
            {"status": "banned"},
            id="anything-but-values",
        ),
        pytest.param(
            {"status": [{"anything-but": {"prefix": "pending"}}]},
            {"status": "running"},
            {"status": "pending_deletion"},
            id="anything-but-prefix",
        ),
        pytest.param(
            {"deletion_at": [{"exists": True}]}, {"deletion_at": "2026-01-31"}, {"status": "x"}, id="exists-true"
        ),
        pytest.param(
            {"deletion_at": [{"exists": False}]}, {"status": "x"}, {"deletion_at": "2026-01-31"}, id="exists-false"
        ),
        pytest.param(
            {"balance": [{"numeric": [">", 0, "<=", 100]}]}, {"balance": 100}, {"balance": 0}, id="numeric-range"
        ),
        pytest.param({"balance": [{"numeric": ["<", 0]}]}, {"balance": -0.5}, {"balance": 0.5}, id="numeric-below"),
    ],
)
def test_each_pattern_operator_delivers_matching_events_only(
    endpoint: str, pattern: dict[str, Any], matching: dict[str, Any], other: dict[str, Any]
) -> None:
    recorder = Recorder()
    router = EventRouter(endpoint, one_rule_template({"source": ["hub.test"], "detail": pattern}), recorder)
    router.install()

    publish(endpoint, "hub.test", "Other", other)
    publish(endpoint, "hub.test", "Matching", matching)
    router.deliver_now()

    assert [event["detail"] for _, event in recorder.calls] == [matching]


def test_a_failing_handler_is_retried_and_succeeds_within_its_attempts(endpoint: str) -> None:
    recorder = Recorder(failures={"NumbersFunction": 2})
    router = EventRouter(endpoint, load_template(BUS_TEMPLATE), recorder, max_attempts=3)
    router.install()

    publish(endpoint, "hub.numbers", "NumberDeleted", {"number_id": "1"})
    router.deliver_now()

    assert recorder.functions().count("NumbersFunction") == 3
    assert router.dead_letters == []


def test_an_event_its_handler_keeps_refusing_becomes_a_dead_letter(endpoint: str) -> None:
    recorder = Recorder(failures={"NumbersFunction": 99, "BillingFunction": 99})
    router = EventRouter(endpoint, load_template(BUS_TEMPLATE), recorder, max_attempts=3)
    router.install()

    publish(endpoint, "hub.numbers", "NumberDeleted", {"number_id": "1"})
    router.deliver_now()

    # BillingFunction's EventInvokeConfig allows no retry; NumbersFunction gets Lambda's default of two.
    assert sorted(recorder.functions()) == ["BillingFunction"] + ["NumbersFunction"] * 3
    by_function = {letter.function: letter for letter in router.dead_letters}
    numbers, billing = by_function["NumbersFunction"], by_function["BillingFunction"]
    assert (numbers.rule, numbers.error, numbers.attempts) == (
        "NumbersFunctionNumberDeleted",
        "RuntimeError('NumbersFunction is down')",
        3,
    )
    assert numbers.event["detail"] == {"number_id": "1"}
    assert (billing.rule, billing.attempts) == ("billing-number-lifecycle", 1)
    assert router.deliver_now() == 0  # the dead letter left the queue


def test_a_disabled_rule_delivers_nothing(endpoint: str) -> None:
    recorder = Recorder()
    router = EventRouter(endpoint, load_template(BUS_TEMPLATE), recorder)
    router.install()

    publish(endpoint, "hub.numbers", "NumberActivated", {"number_id": "1"})
    router.deliver_now()

    assert "TemplatesFunction" not in recorder.functions()


def test_the_background_thread_delivers_until_stopped(endpoint: str) -> None:
    recorder = Recorder()
    router = EventRouter(endpoint, load_template(BUS_TEMPLATE), recorder, poll_interval=0.05)
    router.start()
    try:
        publish(endpoint, "hub.webhooks", "AccountUpdate", {"waba_id": "3"})
        assert recorder.called.wait(timeout=10)
    finally:
        router.stop()

    assert recorder.functions() == ["SupportFunction"]


def test_rules_that_reshape_the_event_are_refused() -> None:
    template = one_rule_template({"source": ["hub.test"]})
    template["Resources"]["ConsumerFunction"]["Properties"]["Events"]["Matched"]["Properties"]["Input"] = "{}"

    with pytest.raises(ValueError, match=r"ConsumerFunction\.Matched.*Input"):
        event_routes(template)


def test_queue_names_are_valid_sqs_names() -> None:
    route = Route(rule="a.rule-with.dots", function="F" * 90, bus="hub", pattern={}, enabled=True, attempts=3)

    assert route.queue.startswith("local-a_rule-with_dots-")
    assert len(route.queue) == 80
