"""Polls the template's SQS queues for the functions that consume them, as Lambda's event source mappings do.

Every `AWS::Lambda::EventSourceMapping` whose `EventSourceArn` is `!GetAtt <Queue>.Arn` of an `AWS::SQS::Queue`
(and every SAM `SQS` function event, `Queue: !GetAtt <Queue>.Arn`) becomes a `QueueSource`. `QueuePoller` receives
up to BatchSize messages from each queue on the local cloud (moto), calls `invoke(function, {"Records": [...]})`
with Lambda's SQS event records, and deletes what the function handled:
- the handler returns: every message is deleted — except, with `FunctionResponseTypes: [ReportBatchItemFailures]`,
  those its `batchItemFailures` name (an `itemIdentifier` that is not a message of the batch, or an empty one,
  fails the whole batch, as in AWS);
- the handler raises: no message is deleted.
Messages left undeleted come back when the queue's VisibilityTimeout has passed, and the queue's RedrivePolicy
(moto applies it on receive) moves a message to its dead-letter queue after maxReceiveCount receives.

Queues are found by the names local.cloud gives them (`<stack>-<kebab-case logical id>`, or their QueueName).
Where this differs from AWS: MaximumBatchingWindowInSeconds, ScalingConfig, FilterCriteria and MaximumConcurrency
are not used; one batch per queue is handled at a time, in order.
"""

from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass
from typing import Any

from local.cloud import aws_client
from local.functions import Invoker
from local.functions import invoke as invoke_locally
from local.loop import BackgroundLoop
from local.template import load_template, referenced_function, resources

logger = logging.getLogger(__name__)

LAMBDA_DEFAULT_BATCH_SIZE = 10
_SQS_MAX_RECEIVE = 10


@dataclass(frozen=True)
class QueueSource:
    name: str  # the mapping's (or the SAM event's) logical id
    function: str  # logical id of the function
    queue: str  # logical id of the queue
    batch_size: int
    report_item_failures: bool


def queue_sources(template: dict[str, Any] | None = None) -> list[QueueSource]:
    """Every enabled SQS consumer of the template: EventSourceMappings on a queue, and SAM `SQS` events."""
    template = template or load_template()
    queues = resources("AWS::SQS::Queue", template)
    declared: list[tuple[str, str, dict[str, Any], Any]] = []  # (name, function, properties, queue ARN)
    for function, resource in resources("AWS::Serverless::Function", template).items():
        for event_id, event in resource["Properties"].get("Events", {}).items():
            if event["Type"] == "SQS":
                declared.append((event_id, function, event["Properties"], event["Properties"]["Queue"]))
    for mapping_id, mapping in resources("AWS::Lambda::EventSourceMapping", template).items():
        props = mapping["Properties"]
        if _get_att(props.get("EventSourceArn")) in queues:
            declared.append(
                (mapping_id, _function_of(mapping_id, props["FunctionName"]), props, props["EventSourceArn"])
            )
    sources = []
    for name, function, props, arn in declared:
        queue = _get_att(arn)
        if queue not in queues:
            raise ValueError(f"{function}.{name}: the queue must be !GetAtt <Queue>.Arn of a queue of the template")
        if props.get("Enabled", True):
            sources.append(
                QueueSource(
                    name=name,
                    function=function,
                    queue=queue,
                    batch_size=int(props.get("BatchSize", LAMBDA_DEFAULT_BATCH_SIZE)),
                    report_item_failures="ReportBatchItemFailures" in props.get("FunctionResponseTypes", []),
                )
            )
    return sources


def _get_att(value: Any) -> str | None:
    """`!GetAtt Queue.Arn` → `Queue`; None for anything else."""
    if isinstance(value, dict) and isinstance(value.get("Fn::GetAtt"), list) and value["Fn::GetAtt"][1:] == ["Arn"]:
        return str(value["Fn::GetAtt"][0])
    return None


def _function_of(mapping_id: str, name: Any) -> str:
    return referenced_function(name, mapping_id)


def queue_name(logical_id: str, template: dict[str, Any], stack: str = "hub") -> str:
    """The name local.cloud gives a queue of the template: its QueueName, else `<stack>-<kebab-case logical id>`."""
    explicit = resources("AWS::SQS::Queue", template)[logical_id].get("Properties", {}).get("QueueName")
    return str(explicit) if explicit else f"{stack}-" + re.sub(r"(?<!^)(?=[A-Z])", "-", logical_id).lower()


def lambda_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """A message as SQS's ReceiveMessage answers it (boto3) → the record Lambda hands the function."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: _message_attribute(value) for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def _message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
    if "StringValue" in value:
        out["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        out["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
    return out


def failed_message_ids(records: list[dict[str, Any]], answer: Any) -> set[str]:
    """The messages a handler's answer reports failed (ReportBatchItemFailures); every one when it names one that
    is not in the batch, or names none by an empty identifier."""
    failures = answer.get("batchItemFailures") if isinstance(answer, dict) else None
    if not failures:
        return set()
    batch = {record["messageId"] for record in records}
    named = {failure.get("itemIdentifier") if isinstance(failure, dict) else None for failure in failures}
    return batch if not named <= batch else {str(identifier) for identifier in named}


@dataclass
class _Queue:
    source: QueueSource
    url: str
    arn: str


class QueuePoller:
    """Receives the template's queue sources from moto and invokes their functions with the messages."""

    def __init__(
        self,
        endpoint: str,
        template: dict[str, Any] | None = None,
        invoke: Invoker = invoke_locally,
        poll_interval: float = 1.0,
        region: str = "eu-central-1",
        stack: str = "hub",
    ):
        self._template = template or load_template()
        self.sources = queue_sources(self._template)
        self._invoke = invoke
        self._region = region
        self._stack = stack
        self._sqs = aws_client("sqs", endpoint, region)
        self._queues: list[_Queue] | None = None
        self._loop = BackgroundLoop(
            "local-queue-poller", self.poll_once, lambda delivered: 0 if delivered else poll_interval
        )

    def open(self) -> None:
        """Find each source's queue on the local cloud (its URL and ARN)."""
        queues = []
        for source in self.sources:
            url = self._sqs.get_queue_url(QueueName=queue_name(source.queue, self._template, self._stack))["QueueUrl"]
            arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            queues.append(_Queue(source, url, arn))
        self._queues = queues

    def poll_once(self) -> int:
        """Hand one batch of each queue's visible messages to its function; answer how many messages were handed."""
        if self._queues is None:
            self.open()
        delivered = 0
        for queue in self._queues or []:
            messages = self._receive(queue)
            if messages:
                delivered += len(messages)
                self._process(queue, messages)
        return delivered

    def _receive(self, queue: _Queue) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while len(messages) < queue.source.batch_size:
            answer = self._sqs.receive_message(
                QueueUrl=queue.url,
                MaxNumberOfMessages=min(_SQS_MAX_RECEIVE, queue.source.batch_size - len(messages)),
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            )
            received = answer.get("Messages", [])
            if not received:
                break
            messages.extend(received)
        return messages

    def _process(self, queue: _Queue, messages: list[dict[str, Any]]) -> None:
        records = [lambda_record(message, queue.arn, self._region) for message in messages]
        try:
            answer = self._invoke(queue.source.function, {"Records": records})
        except Exception as raised:
            logger.warning("%s failed on a batch of %s: %r", queue.source.function, queue.source.queue, raised)
            return
        failed = failed_message_ids(records, answer) if queue.source.report_item_failures else set()
        if failed:
            logger.warning("%s reported %d of %d messages failed", queue.source.function, len(failed), len(records))
        done = [record for record in records if record["messageId"] not in failed]
        for start in range(0, len(done), _SQS_MAX_RECEIVE):
            self._sqs.delete_message_batch(
                QueueUrl=queue.url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": record["receiptHandle"]}
                    for i, record in enumerate(done[start : start + _SQS_MAX_RECEIVE])
                ],
            )

    def start(self) -> None:
        """Find the queues and poll them in a background thread until `stop()`."""
        if self._queues is None:
            self.open()
        self._loop.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._loop.stop(timeout)
