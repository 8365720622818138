"""Delivers the events on the local buses to the template's functions, as EventBridge rules do.

Every rule of the template that targets a function — a SAM `EventBridgeRule` event, or an `AWS::Events::Rule` with
`Targets[].Arn: !GetAtt <Function>.Arn` — is created on the moto bus with its own name and pattern and, per
function, an SQS queue as its target. moto matches each PutEvents entry against the rules' patterns with its own
matcher (in moto 5.2.5: exact values, prefix, suffix, anything-but with values or a prefix, exists true/false,
numeric ranges, equals-ignore-case, wildcard, cidr, $or; tests/integration/test_bus.py pins the ones the hub uses)
and puts the EventBridge envelope into the queue of every rule that matches. `EventRouter` reads the queues and
calls `invoke(function, envelope)`: `deliver_now()` at once, or a background thread between `start()` and `stop()`.

A handler that raises is tried again at once, `max_attempts` times in all (Lambda's asynchronous invocation: one
try and two retries) or 1 + the function's `EventInvokeConfig.MaximumRetryAttempts`; then the event is kept in
`dead_letters`. Where this differs from AWS:
- retries do not wait (Lambda waits about a minute, then two);
- a rule's RetryPolicy and DeadLetterConfig cover EventBridge failing to reach the function, which cannot happen
  here, so they are not used;
- a DISABLED rule is created without a target (moto 5.2.5 would still deliver through it);
- rules with Input, InputPath or InputTransformer are refused: the router delivers the whole event.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from local.cloud import aws_client
from local.functions import Invoker
from local.functions import invoke as invoke_locally
from local.loop import BackgroundLoop
from local.template import load_template, resources

logger = logging.getLogger(__name__)

_UNSUPPORTED = ("Input", "InputPath", "InputTransformer")
_VISIBILITY_SECONDS = 300  # a message being handled stays hidden from a second reader this long


@dataclass(frozen=True)
class Route:
    rule: str  # the rule's name on the bus
    function: str  # logical id of the target function
    bus: str
    pattern: dict[str, Any]
    enabled: bool
    attempts: int  # tries before the event becomes a dead letter

    @property
    def queue(self) -> str:
        return re.sub(r"[^A-Za-z0-9_-]", "_", f"local-{self.rule}-{self.function}")[:80]


@dataclass(frozen=True)
class DeadLetter:
    function: str
    rule: str
    event: dict[str, Any]
    error: str  # repr of the last exception
    attempts: int


def _bus_name(value: Any, template: dict[str, Any]) -> str:
    """A rule's EventBusName: absent (the default bus), a name, or a Ref/GetAtt of a parameter or a bus."""
    if value is None:
        return "default"
    if isinstance(value, str):
        return value
    name = value.get("Ref") or value.get("Fn::GetAtt", [None])[0]
    if name in template.get("Parameters", {}):
        return str(template["Parameters"][name]["Default"])
    resource = template["Resources"].get(name, {})
    if resource.get("Type") == "AWS::Events::EventBus":
        return _bus_name(resource["Properties"]["Name"], template)
    raise ValueError(f"the local event router cannot resolve the bus {value!r}")


def _refuse_input_options(where: str, props: dict[str, Any]) -> None:
    options = [option for option in _UNSUPPORTED if option in props]
    if options:
        raise ValueError(f"{where}: the local event router delivers whole events; it does not support {options}")


def _pattern(value: Any) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(value) if isinstance(value, str) else value
    return loaded


def event_routes(template: dict[str, Any] | None = None, max_attempts: int = 3) -> list[Route]:
    """Every (rule, function) pair of the template that delivers bus events to a function."""
    template = template or load_template()
    functions = resources("AWS::Serverless::Function", template)
    invoke_config = template.get("Globals", {}).get("Function", {}).get("EventInvokeConfig", {})

    def attempts(function: str) -> int:
        config = functions[function]["Properties"].get("EventInvokeConfig", invoke_config)
        retries = config.get("MaximumRetryAttempts")
        return max_attempts if retries is None else 1 + int(retries)

    routes: list[Route] = []
    for function, resource in functions.items():
        for event_id, event in resource["Properties"].get("Events", {}).items():
            if event["Type"] != "EventBridgeRule":
                continue
            props = event["Properties"]
            _refuse_input_options(f"{function}.{event_id}", props)
            rule = props.get("RuleName")
            routes.append(
                Route(
                    rule=rule if isinstance(rule, str) else f"{function}{event_id}",
                    function=function,
                    bus=_bus_name(props.get("EventBusName"), template),
                    pattern=_pattern(props["Pattern"]),
                    enabled=props.get("State", "ENABLED") == "ENABLED",
                    attempts=attempts(function),
                )
            )
    for logical_id, resource in resources("AWS::Events::Rule", template).items():
        props = resource["Properties"]
        if "EventPattern" not in props:  # a scheduled rule: local.scheduler runs those
            continue
        name = props.get("Name")
        for target in props.get("Targets", []):
            arn = target["Arn"]
            target_function = arn.get("Fn::GetAtt", [None])[0] if isinstance(arn, dict) else None
            if target_function not in functions:
                continue
            _refuse_input_options(f"{logical_id}.{target['Id']}", target)
            routes.append(
                Route(
                    rule=name if isinstance(name, str) else logical_id,
                    function=target_function,
                    bus=_bus_name(props.get("EventBusName"), template),
                    pattern=_pattern(props["EventPattern"]),
                    enabled=props.get("State", "ENABLED") == "ENABLED",
                    attempts=attempts(target_function),
                )
            )
    return routes


class EventRouter:
    """Creates the template's rules on the moto bus and delivers what they match to the functions."""

    def __init__(
        self,
        endpoint: str,
        template: dict[str, Any] | None = None,
        invoke: Invoker = invoke_locally,
        max_attempts: int = 3,
        poll_interval: float = 0.2,
        region: str = "eu-central-1",
    ):
        self.routes = event_routes(template, max_attempts)
        self.dead_letters: list[DeadLetter] = []
        self._invoke = invoke
        self._poll_interval = poll_interval
        self._events = aws_client("events", endpoint, region)
        self._sqs = aws_client("sqs", endpoint, region)
        self._queues: dict[str, Route] = {}  # queue URL → its route
        self._loop = BackgroundLoop(
            "local-event-router", self.deliver_now, lambda handled: 0 if handled else self._poll_interval
        )

    def install(self) -> None:
        """Create each route's rule (with its pattern and state) and queue; enabled rules target their queue."""
        for route in self.routes:
            url: str = self._sqs.create_queue(
                QueueName=route.queue, Attributes={"VisibilityTimeout": str(_VISIBILITY_SECONDS)}
            )["QueueUrl"]
            arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            self._events.put_rule(
                Name=route.rule,
                EventBusName=route.bus,
                EventPattern=json.dumps(route.pattern),
                State="ENABLED" if route.enabled else "DISABLED",
            )
            if route.enabled:
                self._events.put_targets(Rule=route.rule, EventBusName=route.bus, Targets=[self._target(route, arn)])
            self._queues[url] = route

    @staticmethod
    def _target(route: Route, queue_arn: str) -> dict[str, Any]:
        # The whole event, by EventBridge's own variable: moto's default input leaves out `account` and does not
        # escape the strings it fills in.
        return {
            "Id": route.function,
            "Arn": queue_arn,
            "InputTransformer": {"InputPathsMap": {}, "InputTemplate": "<aws.events.event.json>"},
        }

    def deliver_now(self, limit: int = 1000) -> int:
        """Deliver every event waiting (and those the handlers publish meanwhile), up to `limit`; answer how many."""
        delivered = 0
        while delivered < limit:
            handled = self._poll_queues(limit - delivered)
            if not handled:
                return delivered
            delivered += handled
        return delivered

    def _poll_queues(self, limit: int) -> int:
        handled = 0
        for url, route in self._queues.items():
            if handled >= limit:
                break
            answer = self._sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=min(10, limit - handled), WaitTimeSeconds=0
            )
            for message in answer.get("Messages", []):
                self._deliver(route, json.loads(message["Body"]))
                self._sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                handled += 1
        return handled

    def _deliver(self, route: Route, envelope: dict[str, Any]) -> None:
        envelope.pop("ingestion-time", None)  # moto's own bookkeeping, not part of EventBridge's envelope
        error: Exception | None = None
        for _ in range(route.attempts):
            try:
                self._invoke(route.function, envelope)
                return
            except Exception as raised:
                error = raised
                logger.warning("%s failed on an event of rule %s: %r", route.function, route.rule, raised)
        self.dead_letters.append(DeadLetter(route.function, route.rule, envelope, repr(error), route.attempts))

    def start(self) -> None:
        """Install the routes and deliver in a background thread until `stop()`."""
        if not self._queues:
            self.install()
        self._loop.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._loop.stop(timeout)
