"""The deletion job's Lambda handler: EventBridge Scheduler's runs, and the retry queue's batches.

- Scheduler input `{"job": "end-of-month-deletion"}`, optionally with `"now": "<RFC 3339>"` (the time the run takes
  as now; locally `make job NAME=DeletionJobDaily NOW=2099-01-01T00:00:00Z` shows a month's end): one run of
  `NumberDeletion` over every due number, answering its counts per outcome. A `now` later than the clock would
  delete numbers before their time, so it is refused outside the local and test stages.
- SQS `{"Records": [{"eventSource": "aws:sqs", "body": "{\"number_id\": ..., \"attempt\": ...}"}]}` from the retry
  queue: each number is tried again; the ones that fail again are answered as `batchItemFailures`, so SQS
  delivers them again after the visibility timeout and its redrive policy moves them to the dead-letter queue
  after maxReceiveCount receives.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ConfigDict

from hub_numbers.deps import numbers_store
from hub_numbers.settings import numbers_settings
from hub_numbers.usecases.deletion import MAX_QUEUE_DELAY_SECONDS, Failure, NumberDeletion, Outcome, RetryMessage
from hub_shared import aws
from hub_shared.clock import UtcDateTime, to_rfc3339, utc_now
from hub_shared.graph import graph_client
from hub_shared.model import HubModel
from hub_shared.observability import observability
from hub_shared.singletons import singleton

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

JOB = "end-of-month-deletion"
CLOCK_STAGES = frozenset({"local", "test"})
"""Stages where the input's `now` may be later than the clock."""

obs = observability("numbers")


class JobInput(HubModel):
    """What the schedules send (their `Input`), plus an optional `now` for a run by hand."""

    model_config = ConfigDict(extra="forbid")

    job: Literal["end-of-month-deletion"]
    now: UtcDateTime | None = None


class DeletionFailed(Exception):
    """A retried number failed again (its message is reported as a batch item failure)."""


class SqsRetryQueue:
    def __init__(self, queue_url: str, client: SQSClient):
        self._url = queue_url
        self._client = client

    def send(self, message: RetryMessage, delay_seconds: int) -> None:
        self._client.send_message(
            QueueUrl=self._url,
            MessageBody=message.model_dump_json(),
            DelaySeconds=min(delay_seconds, MAX_QUEUE_DELAY_SECONDS),
        )


@singleton
def number_deletion() -> NumberDeletion:
    retries = SqsRetryQueue(numbers_settings().deletion_retry_queue_url, aws.sqs())
    return NumberDeletion(numbers_store(), graph_client(), retries)


@singleton
def retry_processor() -> BatchProcessor:
    return BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@obs.handler()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" in event:
        answer: dict[str, Any] = dict(
            process_partial_response(
                event=event, record_handler=_retry_record, processor=retry_processor(), context=context
            )
        )
        return answer
    job = JobInput.model_validate(event)
    now = _now(job)
    counts = number_deletion().run(now)
    summary = {outcome.value: counts[outcome] for outcome in Outcome}
    obs.logger.info("deletion job finished", extra={"now": to_rfc3339(now), **summary})
    for outcome in Outcome:
        _metric(outcome, counts[outcome])
    return {"job": JOB, "now": to_rfc3339(now), "outcomes": summary}


def _now(job: JobInput) -> datetime:
    clock = utc_now()
    if job.now is None:
        return clock
    if job.now > clock and numbers_settings().stage not in CLOCK_STAGES:
        raise ValueError(f"a `now` in the future deletes numbers early; refused in stage {numbers_settings().stage}")
    return job.now


def _retry_record(record: SQSRecord) -> None:
    message = RetryMessage.model_validate_json(record.body)
    attempt = message.attempt + int(record.attributes.approximate_receive_count)
    outcome = number_deletion().retry(message, utc_now())
    obs.logger.info(
        "deletion retried",
        extra={"number_id": message.number_id, "attempt": attempt, "outcome": _name(outcome)},
    )
    if isinstance(outcome, Failure):
        _metric(Outcome.RETRIED, 1)
        raise DeletionFailed(f"number {message.number_id}: {outcome.reason}")
    _metric(outcome, 1)


def _name(outcome: Outcome | Failure) -> str:
    return outcome.value if isinstance(outcome, Outcome) else f"failed again: {outcome.reason}"


def _metric(outcome: Outcome, value: int) -> None:
    """NumbersDeletionDeleted, NumbersDeletionAlreadyDeleted, ... (a count of numbers)."""
    name = "NumbersDeletion" + outcome.value.title().replace("_", "")
    obs.metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
