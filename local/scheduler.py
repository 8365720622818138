"""The template's schedules, run on this machine.

Jobs come from SAM function events of type `ScheduleV2` (EventBridge Scheduler) and `Schedule` (an EventBridge
scheduled rule), and from `AWS::Scheduler::Schedule` resources whose target is a function; a job is named by the
event's (or resource's) logical id. `Scheduler.run_job(name)` runs one now; `start()` fires due jobs until `stop()`.

Expressions are AWS's `rate(N minute|minutes|hour|hours|day|days)` and six-field
`cron(minutes hours day-of-month month day-of-week year)`, iterated by croniter. Where this differs from AWS:
- `rate(...)` counts from the moment the scheduler starts (AWS: from the schedule's creation or StartDate);
  StartDate, EndDate and FlexibleTimeWindow are not used.
- years run to 2099 (croniter's range; AWS accepts up to 2199); `at(...)` one-time schedules are refused.
- a job that missed several runs (the machine slept) fires once, not once per missed run; a failed run is logged
  and kept in `Scheduler.runs`, not retried (AWS retries per the schedule's RetryPolicy).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, croniter

from local.functions import Invoker
from local.functions import invoke as invoke_locally
from local.loop import BackgroundLoop
from local.template import load_template, resources

logger = logging.getLogger(__name__)

ACCOUNT = "123456789012"
_RATE = re.compile(r"rate\((?P<value>\d+) (?P<unit>minutes?|hours?|days?)\)")
_CRON = re.compile(r"cron\((?P<fields>[^()]*)\)")
_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
# A day-of-week number not after `#` (nth weekday) or `/` (a step): AWS counts 1-7 = SUN-SAT, croniter 0-6.
_DOW_NUMBER = re.compile(r"(?<![#/\d])\d+")
_AWS_LAST_WEEKDAY = re.compile(r"(\d)L", re.IGNORECASE)  # `6L` = the last Friday (AWS) = `L5` (croniter)


class InvalidScheduleExpression(ValueError):
    """An expression AWS would refuse (or this scheduler cannot run); the message says why."""


class UnknownJob(KeyError):
    """No job of that name; the message lists the jobs there are."""

    def __init__(self, name: str, known: list[str]):
        super().__init__(name)
        self.message = f"no job named {name!r}; the template's jobs are: {', '.join(sorted(known)) or '(none)'}"

    def __str__(self) -> str:
        return self.message


@cache
def _parse(expression: str) -> timedelta | str:
    """A rate's interval, or a cron expression in croniter's seven-field form (with seconds and year)."""
    if rate := _RATE.fullmatch(expression):
        value, unit = int(rate["value"]), rate["unit"]
        if value < 1:
            raise InvalidScheduleExpression(f"{expression}: a rate must be at least 1")
        if (value == 1) != (not unit.endswith("s")):
            raise InvalidScheduleExpression(f"{expression}: the unit is singular for 1 and plural otherwise")
        return value * _UNITS[unit.rstrip("s")]
    if not (cron := _CRON.fullmatch(expression)):
        raise InvalidScheduleExpression(f"{expression}: expected rate(N minutes|hours|days) or cron(...)")
    fields = cron["fields"].split()
    if len(fields) != 6:
        raise InvalidScheduleExpression(
            f"{expression}: cron takes 6 fields (minutes hours day-of-month month day-of-week year), got {len(fields)}"
        )
    minutes, hours, day_of_month, month, day_of_week, year = fields
    if (day_of_month == "?") == (day_of_week == "?"):
        raise InvalidScheduleExpression(f"{expression}: exactly one of day-of-month and day-of-week must be ?")
    day_of_month = "*" if day_of_month == "?" else day_of_month
    converted = f"{minutes} {hours} {day_of_month} {month} {_croniter_day_of_week(expression, day_of_week)} 0 {year}"
    try:
        croniter(converted)
    except ValueError as error:
        raise InvalidScheduleExpression(f"{expression}: {error}") from error
    return converted


def _croniter_day_of_week(expression: str, field: str) -> str:
    if field == "?":
        return "*"

    def shift(number: re.Match[str]) -> str:
        if not 1 <= int(number[0]) <= 7:
            raise InvalidScheduleExpression(f"{expression}: day-of-week numbers are 1-7 (SUN-SAT)")
        return str(int(number[0]) - 1)

    items = []
    for item in field.split(","):
        if item.upper() == "L":  # the last day of the week
            items.append("6")
        else:
            items.append(_AWS_LAST_WEEKDAY.sub(r"L\1", _DOW_NUMBER.sub(shift, item)))
    return ",".join(items)


def validate(expression: str, timezone: str = "UTC") -> None:
    """Raise `InvalidScheduleExpression` when AWS would refuse the expression or the timezone."""
    _parse(expression)
    _zone(expression, timezone)


def _zone(expression: str, timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidScheduleExpression(f"{expression}: unknown timezone {timezone!r}") from error


def next_run(expression: str, after: datetime, timezone: str = "UTC") -> datetime | None:
    """The first run strictly after `after` (UTC), or None when the expression never fires again (a past year).

    A cron expression is read in `timezone` (ScheduleExpressionTimezone), daylight saving included.
    """
    if after.tzinfo is None:
        raise ValueError("`after` must be timezone-aware")
    parsed = _parse(expression)
    if isinstance(parsed, timedelta):
        return (after + parsed).astimezone(UTC)
    try:
        following: datetime = croniter(parsed, after.astimezone(_zone(expression, timezone))).get_next(datetime)
    except CroniterBadDateError:
        return None
    return following.astimezone(UTC)


@dataclass(frozen=True)
class Job:
    name: str  # the event's or resource's logical id
    function: str  # the target function's logical id
    expression: str
    kind: Literal["scheduler", "rule"]  # EventBridge Scheduler, or an EventBridge scheduled rule
    arn: str  # of the schedule or the rule
    timezone: str = "UTC"
    enabled: bool = True
    input: str | None = None  # the JSON text the target receives

    def __post_init__(self) -> None:
        validate(self.expression, self.timezone)

    def event(self, scheduled: datetime) -> dict[str, Any]:
        """What the function receives for the run scheduled at `scheduled`."""
        time = scheduled.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if self.kind == "scheduler":
            # EventBridge Scheduler passes Input as is, after replacing its context attributes.
            context = {
                "schedule-arn": self.arn,
                "scheduled-time": time,
                "execution-id": uuid.uuid4().hex,
                "attempt-number": "1",
            }
            text = self.input or "{}"
            for key, value in context.items():
                text = text.replace(f"<aws.scheduler.{key}>", value)
            loaded: dict[str, Any] = json.loads(text)
            return loaded
        if self.input is not None:
            constant: dict[str, Any] = json.loads(self.input)
            return constant
        region = self.arn.split(":")[3]
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": ACCOUNT,
            "time": time,
            "region": region,
            "resources": [self.arn],
            "detail": {},
        }


def _name(props: dict[str, Any], fallback: str) -> str:
    name = props.get("Name")
    return name if isinstance(name, str) else fallback


def _scheduler_job(name: str, function: str, props: dict[str, Any], default: str, region: str) -> Job:
    """A job of EventBridge Scheduler: a `ScheduleV2` event, or the properties of an `AWS::Scheduler::Schedule`."""
    schedule = f"{props.get('GroupName', 'default')}/{_name(props, default)}"
    return Job(
        name=name,
        function=function,
        expression=props["ScheduleExpression"],
        kind="scheduler",
        arn=f"arn:aws:scheduler:{region}:{ACCOUNT}:schedule/{schedule}",
        timezone=props.get("ScheduleExpressionTimezone", "UTC"),
        enabled=props.get("State", "ENABLED") == "ENABLED",
        input=props.get("Input", props.get("Target", {}).get("Input")),
    )


def template_jobs(template: dict[str, Any] | None = None, region: str = "eu-central-1") -> dict[str, Job]:
    """Every schedule of the template that runs a function, by job name."""
    template = template or load_template()
    functions = resources("AWS::Serverless::Function", template)
    found: list[Job] = []
    for function, resource in functions.items():
        for event_id, event in resource["Properties"].get("Events", {}).items():
            props = event.get("Properties", {})
            if event["Type"] == "ScheduleV2":
                found.append(_scheduler_job(event_id, function, props, function + event_id, region))
            elif event["Type"] == "Schedule":
                found.append(
                    Job(
                        name=event_id,
                        function=function,
                        expression=props["Schedule"],
                        kind="rule",
                        arn=f"arn:aws:events:{region}:{ACCOUNT}:rule/{_name(props, function + event_id)}",
                        enabled=bool(props.get("Enabled", True)) and props.get("State", "ENABLED") == "ENABLED",
                        input=props.get("Input"),
                    )
                )
    for logical_id, resource in resources("AWS::Scheduler::Schedule", template).items():
        props = resource["Properties"]
        target = props["Target"]["Arn"]
        target_function = target.get("Fn::GetAtt", [None])[0] if isinstance(target, dict) else None
        if target_function in functions:
            found.append(_scheduler_job(logical_id, target_function, props, logical_id, region))
    by_name = {job.name: job for job in found}
    if len(by_name) != len(found):
        names = [job.name for job in found]
        raise ValueError(f"two schedules share a job name: {sorted({n for n in names if names.count(n) > 1})}")
    return by_name


@dataclass(frozen=True)
class Run:
    job: str
    scheduled: datetime
    result: Any = None
    error: str | None = None  # the exception, when the function raised


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Scheduler:
    """Fires the template's enabled jobs when they are due (by `clock`); `run_job` runs any job now."""

    def __init__(
        self,
        template: dict[str, Any] | None = None,
        invoke: Invoker = invoke_locally,
        clock: Callable[[], datetime] = _utc_now,
        region: str = "eu-central-1",
        max_sleep: float = 30.0,
    ):
        self._jobs = template_jobs(template, region)
        self._invoke = invoke
        self._clock = clock
        self._max_sleep = max_sleep
        self._loop = BackgroundLoop("local-scheduler", self.run_due, lambda _: self.seconds_to_next_run())
        now = clock()
        self._due = {
            name: next_run(job.expression, now, job.timezone) for name, job in self._jobs.items() if job.enabled
        }
        self.runs: list[Run] = []  # every run the loop fired, in order

    def jobs(self) -> dict[str, Job]:
        return dict(self._jobs)

    def next_due(self) -> dict[str, datetime | None]:
        """When each enabled job fires next (None: never again)."""
        return dict(self._due)

    def run_job(self, name: str, extra: dict[str, Any] | None = None) -> Any:
        """Run the job `name` now (enabled or not) and answer what the function answered; its errors propagate.

        `extra` is merged into the event the schedule sends (for example a `now` the job should take as the time).
        """
        if name not in self._jobs:
            raise UnknownJob(name, list(self._jobs))
        job = self._jobs[name]
        event = job.event(self._clock())
        if extra:
            if not isinstance(event, dict):
                raise TypeError(f"{name}'s event is not a JSON object; nothing can be merged into it")
            event = {**event, **extra}
        return self._invoke(job.function, event)

    def run_due(self) -> list[Run]:
        """Fire every job that is due now, once each, and schedule its next run."""
        now = self._clock()
        fired: list[Run] = []
        for name, due in self._due.items():
            if due is None or due > now:
                continue
            job = self._jobs[name]
            try:
                fired.append(Run(name, due, result=self._invoke(job.function, job.event(due))))
            except Exception as error:
                logger.exception("scheduled job %s failed", name)
                fired.append(Run(name, due, error=repr(error)))
            following = next_run(job.expression, due, job.timezone)
            if following is not None and following <= now:  # runs were missed: skip to the next one from now
                following = next_run(job.expression, now, job.timezone)
            self._due[name] = following
        self.runs.extend(fired)
        return fired

    def start(self) -> None:
        """Fire due jobs in a background thread until `stop()`."""
        self._loop.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._loop.stop(timeout)

    def seconds_to_next_run(self) -> float:
        """How long the loop may sleep: until the next due job, at most `max_sleep`."""
        upcoming = [due for due in self._due.values() if due is not None]
        if not upcoming:
            return self._max_sleep
        return min(max((min(upcoming) - self._clock()).total_seconds(), 0.0), self._max_sleep)
