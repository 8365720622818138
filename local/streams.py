"""Relays the tables' DynamoDB streams to the template's functions, as Lambda's event source mappings do.

Every function event of SAM type `DynamoDB` (`Stream: !GetAtt <Table>.StreamArn`) becomes a `StreamSource`.
`StreamRelay` reads each table's stream from moto (dynamodbstreams) from its StartingPosition and calls
`invoke(function, {"Records": [...]})` with Lambda's DynamoDB event records, in order, in batches of at most
BatchSize (moto answers at most 1,000 records a read, so larger batch sizes deliver 1,000). Records a
`FilterCriteria` pattern does not match are skipped, as Lambda does, using moto's EventBridge pattern matcher.

A batch whose handler raises is tried again; with `FunctionResponseTypes: [ReportBatchItemFailures]`, a handler
answering `batchItemFailures` has the batch tried again from the first failed record (an identifier that is not in
the batch fails the whole batch, as in AWS). After MaximumRetryAttempts retries the rest of the batch is kept in
`dead_letters` and the stream moves on. Where this differs from AWS:
- retries are immediate, and a batch tried again holds only the records still to process;
- MaximumRetryAttempts absent or -1 (AWS: retry until the records expire) means `default_retries` retries;
- BisectBatchOnFunctionError, ParallelizationFactor, batching windows, tumbling windows, MaximumRecordAgeInSeconds
  and DestinationConfig are not used.
moto 5.2.5 keeps every shard iterator it hands out (about 2 kB a read), so the relay reads each stream once per
`poll_interval` (1 s by default) while the stream is idle.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from moto.events.models import EventPattern

from local.cloud import aws_client
from local.functions import Invoker
from local.functions import invoke as invoke_locally
from local.loop import BackgroundLoop
from local.template import load_template, referenced_function, resources, table_name

if TYPE_CHECKING:
    from moto.events.utils import EventMessageType

logger = logging.getLogger(__name__)

LAMBDA_DEFAULT_BATCH_SIZE = 100
_MOTO_MAX_READ = 1000


@dataclass(frozen=True)
class StreamSource:
    name: str  # the event's logical id
    function: str  # logical id of the function
    table: str  # logical id of the table
    starting_position: str  # TRIM_HORIZON | LATEST
    batch_size: int
    max_retries: int
    report_item_failures: bool
    filters: tuple[str, ...] = ()  # FilterCriteria patterns (JSON); a record passes when any matches

    def passes(self, record: dict[str, Any]) -> bool:
        event = cast("EventMessageType", record)
        return not self.filters or any(EventPattern.load(pattern).matches_event(event) for pattern in self.filters)


@dataclass(frozen=True)
class StreamDeadLetter:
    function: str
    source: str  # the event's logical id
    records: list[dict[str, Any]]  # the records left unprocessed, in order
    error: str  # repr of the last exception, or which records the handler reported failed
    attempts: int


def stream_sources(
    template: dict[str, Any] | None = None, batch_size: int | None = None, default_retries: int = 2
) -> list[StreamSource]:
    """Every enabled DynamoDB stream consumer of the template — SAM `DynamoDB` events of functions, and
    `AWS::Lambda::EventSourceMapping` resources on a table's stream; `batch_size` overrides theirs."""
    template = template or load_template()
    declared: list[tuple[str, str, dict[str, Any], Any]] = []  # (name, function, properties, stream)
    for function, resource in resources("AWS::Serverless::Function", template).items():
        for event_id, event in resource["Properties"].get("Events", {}).items():
            if event["Type"] == "DynamoDB":
                declared.append((event_id, function, event.get("Properties", {}), event["Properties"]["Stream"]))
    for mapping_id, mapping in resources("AWS::Lambda::EventSourceMapping", template).items():
        props = mapping["Properties"]
        stream = props.get("EventSourceArn")
        if isinstance(stream, dict) and stream.get("Fn::GetAtt", [None, None])[1] == "StreamArn":
            declared.append((mapping_id, _function_of(mapping_id, props["FunctionName"]), props, stream))
    return [
        _source(name, function, props, stream, batch_size, default_retries)
        for name, function, props, stream in declared
        if props.get("Enabled", True)
    ]


def _function_of(mapping_id: str, name: Any) -> str:
    return referenced_function(name, mapping_id)


def _source(
    name: str, function: str, props: dict[str, Any], stream: Any, batch_size: int | None, default_retries: int
) -> StreamSource:
    if not (isinstance(stream, dict) and "Fn::GetAtt" in stream):
        raise ValueError(f"{function}.{name}: the stream must be !GetAtt <Table>.StreamArn locally")
    retries = int(props.get("MaximumRetryAttempts", -1))
    return StreamSource(
        name=name,
        function=function,
        table=stream["Fn::GetAtt"][0],
        starting_position=props["StartingPosition"],
        batch_size=batch_size or int(props.get("BatchSize", LAMBDA_DEFAULT_BATCH_SIZE)),
        max_retries=default_retries if retries < 0 else retries,
        report_item_failures="ReportBatchItemFailures" in props.get("FunctionResponseTypes", []),
        filters=tuple(_text(item["Pattern"]) for item in props.get("FilterCriteria", {}).get("Filters", [])),
    )


def _text(pattern: Any) -> str:
    return pattern if isinstance(pattern, str) else json.dumps(pattern)


def _plain(value: Any) -> Any:
    """boto3's parsed stream record → Lambda's JSON: binary attributes base64, times as epoch seconds."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime):
        return int(value.timestamp())
    return value


def _first_failure(records: list[dict[str, Any]], answer: Any) -> int | None:
    """Index of the first record the handler's `batchItemFailures` names; None when it names none."""
    failures = answer.get("batchItemFailures") if isinstance(answer, dict) else None
    if not failures:
        return None
    sequence_numbers = [record["dynamodb"]["SequenceNumber"] for record in records]
    named = [failure.get("itemIdentifier") for failure in failures]
    if any(identifier not in sequence_numbers for identifier in named):
        return 0
    return min(sequence_numbers.index(identifier) for identifier in named)


@dataclass
class _ShardReader:
    source: StreamSource
    arn: str  # the stream's
    iterator: str  # where the next read starts


class StreamRelay:
    """Reads the template's stream sources from moto and invokes their functions with the records."""

    def __init__(
        self,
        endpoint: str,
        template: dict[str, Any] | None = None,
        invoke: Invoker = invoke_locally,
        batch_size: int | None = None,
        default_retries: int = 2,
        poll_interval: float = 1.0,
        region: str = "eu-central-1",
    ):
        self.sources = stream_sources(template, batch_size, default_retries)
        self.dead_letters: list[StreamDeadLetter] = []
        self._invoke = invoke
        self._region = region
        self._poll_interval = poll_interval
        self._dynamodb = aws_client("dynamodb", endpoint, region)
        self._streams = aws_client("dynamodbstreams", endpoint, region)
        self._shards: list[_ShardReader] | None = None
        self._loop = BackgroundLoop(
            "local-stream-relay", self.poll_once, lambda read: 0 if read else self._poll_interval
        )

    def open(self) -> None:
        """Position every source at its StartingPosition (LATEST: now) in each shard of its table's stream."""
        shards = []
        for source in self.sources:
            table = self._dynamodb.describe_table(TableName=table_name(source.table))["Table"]
            if "LatestStreamArn" not in table:
                raise ValueError(f"{source.function}.{source.name}: table {table['TableName']} has no stream")
            arn = table["LatestStreamArn"]
            for shard in self._streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
                iterator = self._streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType=source.starting_position
                )["ShardIterator"]
                shards.append(_ShardReader(source, arn, iterator))
        self._shards = shards

    def poll_once(self) -> int:
        """Relay every record the streams hold now (opening them first if need be); answer how many were read."""
        if self._shards is None:
            self.open()
        read = 0
        for shard in self._shards or []:
            while True:
                limit = min(shard.source.batch_size, _MOTO_MAX_READ)
                answer = self._streams.get_records(ShardIterator=shard.iterator, Limit=limit)
                shard.iterator = answer["NextShardIterator"]
                if not answer["Records"]:
                    break
                read += len(answer["Records"])
                records = [
                    _plain({**record, "awsRegion": self._region, "eventSourceARN": shard.arn})
                    for record in answer["Records"]
                ]
                batch = [record for record in records if shard.source.passes(record)]
                if batch:
                    self._process(shard.source, batch)
        return read

    def _process(self, source: StreamSource, records: list[dict[str, Any]]) -> None:
        attempts = 0
        while True:
            attempts += 1
            try:
                answer = self._invoke(source.function, {"Records": records})
            except Exception as raised:
                failed_at, error = 0, repr(raised)
                logger.warning("%s failed on a batch of %s: %r", source.function, source.table, raised)
            else:
                failed = _first_failure(records, answer) if source.report_item_failures else None
                if failed is None:
                    return
                failed_at, error = failed, f"batchItemFailures from {records[failed]['dynamodb']['SequenceNumber']}"
            records = records[failed_at:]
            if attempts > source.max_retries:
                self.dead_letters.append(StreamDeadLetter(source.function, source.name, records, error, attempts))
                return

    def start(self) -> None:
        """Open the streams and relay in a background thread until `stop()`."""
        if self._shards is None:
            self.open()
        self._loop.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._loop.stop(timeout)
