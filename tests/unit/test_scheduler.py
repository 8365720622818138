"""The local scheduler: AWS schedule expressions, the template's jobs, and firing them on a fake clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from local.scheduler import InvalidScheduleExpression, Scheduler, UnknownJob, next_run, template_jobs
from local.template import load_template

TEMPLATE = load_template(Path(__file__).parents[1] / "fixtures" / "templates" / "schedules.yaml")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Recorder:
    """A fake `invoke`: records calls; raises for the functions in `failing`."""

    def __init__(self, failing: frozenset[str] = frozenset()):
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failing = failing
        self.called = threading.Event()

    def __call__(self, function: str, event: dict[str, Any]) -> str:
        self.calls.append((function, event))
        self.called.set()
        if function in self.failing:
            raise RuntimeError(f"{function} failed")
        return f"{function} done"


# ---------------------------------------------------------------- expressions


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        pytest.param(at(2024, 2, 1), at(2024, 2, 29, 12), id="february-leap-year"),
        pytest.param(at(2023, 2, 1), at(2023, 2, 28, 12), id="february-common-year"),
        pytest.param(at(2000, 2, 1), at(2000, 2, 29, 12), id="february-leap-century"),
        pytest.param(at(2024, 4, 2), at(2024, 4, 30, 12), id="thirty-day-month"),
        pytest.param(at(2024, 1, 31, 12), at(2024, 2, 29, 12), id="strictly-after-a-run"),
        pytest.param(at(2024, 12, 31, 13), at(2025, 1, 31, 12), id="into-next-year"),
    ],
)
def test_l_is_the_last_day_of_the_month(after: datetime, expected: datetime) -> None:
    assert next_run("cron(0 12 L * ? *)", after) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param("rate(1 minute)", at(2024, 5, 1, 10, 1), id="minute"),
        pytest.param("rate(15 minutes)", at(2024, 5, 1, 10, 15), id="minutes"),
        pytest.param("rate(1 hour)", at(2024, 5, 1, 11), id="hour"),
        pytest.param("rate(6 hours)", at(2024, 5, 1, 16), id="hours"),
        pytest.param("rate(1 day)", at(2024, 5, 2, 10), id="day"),
        pytest.param("rate(7 days)", at(2024, 5, 8, 10), id="days"),
    ],
)
def test_a_rate_counts_from_the_given_time(expression: str, expected: datetime) -> None:
    assert next_run(expression, at(2024, 5, 1, 10)) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param("cron(0 9 ? * 2#1 *)", at(2024, 5, 6, 9), id="first-monday"),
        pytest.param("cron(0 9 ? * 6#3 *)", at(2024, 5, 17, 9), id="third-friday"),
        pytest.param("cron(0 9 ? * FRI#3 *)", at(2024, 5, 17, 9), id="third-friday-by-name"),
        pytest.param("cron(0 9 ? * 1 *)", at(2024, 5, 5, 9), id="1-is-sunday"),
        pytest.param("cron(0 9 ? * 7 *)", at(2024, 5, 4, 9), id="7-is-saturday"),
        pytest.param("cron(0 9 ? * 2-6 *)", at(2024, 5, 2, 9), id="range-monday-to-friday"),
        pytest.param("cron(0 9 ? * MON-FRI *)", at(2024, 5, 2, 9), id="names"),
        pytest.param("cron(0 9 ? * SAT,SUN *)", at(2024, 5, 4, 9), id="list-of-names"),
        pytest.param("cron(0 9 ? * 6L *)", at(2024, 5, 31, 9), id="last-friday"),
        pytest.param("cron(0 9 ? * L *)", at(2024, 5, 4, 9), id="l-is-the-last-day-of-the-week"),
        pytest.param("cron(0 9 ? * */2 *)", at(2024, 5, 2, 9), id="every-second-day-of-the-week"),
        pytest.param("cron(0 9 4W * ? *)", at(2024, 5, 3, 9), id="weekday-nearest-a-saturday"),
        pytest.param("cron(0/20 * * * ? *)", at(2024, 5, 1, 10, 20), id="every-20-minutes"),
        pytest.param("cron(*/20 * * * ? *)", at(2024, 5, 1, 10, 20), id="star-slash"),
        pytest.param("cron(30 8-17 * * ? *)", at(2024, 5, 1, 10, 30), id="hour-range"),
        pytest.param("cron(0 0 1 JAN,JUL ? *)", at(2024, 7, 1), id="month-names"),
        pytest.param("cron(0 0 1 1 ? 2026)", at(2026, 1, 1), id="a-given-year"),
    ],
)
def test_aws_cron_fields(expression: str, expected: datetime) -> None:
    # 2024-05-01 is a Wednesday.
    assert next_run(expression, at(2024, 5, 1, 10, 5)) == expected


def test_a_cron_in_a_timezone_follows_its_daylight_saving_time() -> None:
    winter = next_run("cron(0 9 * * ? *)", at(2024, 1, 10), timezone="Europe/Berlin")
    summer = next_run("cron(0 9 * * ? *)", at(2024, 7, 10), timezone="Europe/Berlin")

    assert (winter, summer) == (at(2024, 1, 10, 8), at(2024, 7, 10, 7))
    assert winter is not None
    assert winter.tzinfo == UTC


def test_a_cron_whose_years_are_past_never_runs_again() -> None:
    assert next_run("cron(0 0 1 1 ? 2020)", at(2024, 5, 1)) is None


def test_the_time_to_count_from_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_run("rate(1 hour)", datetime(2024, 5, 1))  # naive on purpose


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("rate(1 minutes)", "singular for 1 and plural otherwise"),
        ("rate(5 hour)", "singular for 1 and plural otherwise"),
        ("rate(0 minutes)", "at least 1"),
        ("rate(5 weeks)", r"expected rate\(N minutes\|hours\|days\) or cron"),
        ("every 5 minutes", r"expected rate\(N minutes\|hours\|days\) or cron"),
        ("at(2024-05-01T10:00:00)", r"expected rate\(N minutes\|hours\|days\) or cron"),
        ("cron(0 9 * * *)", "cron takes 6 fields .* got 5"),
        ("cron(0 9 * * ? * *)", "cron takes 6 fields .* got 7"),
        ("cron(0 9 * * * *)", "exactly one of day-of-month and day-of-week must be ?"),
        ("cron(0 9 ? * ? *)", "exactly one of day-of-month and day-of-week must be ?"),
        ("cron(0 9 ? * 0 *)", r"day-of-week numbers are 1-7 \(SUN-SAT\)"),
        ("cron(0 9 ? * 8 *)", r"day-of-week numbers are 1-7 \(SUN-SAT\)"),
        ("cron(60 9 * * ? *)", "out of range"),
        ("cron(0 24 * * ? *)", "out of range"),
        ("cron(0 9 32 * ? *)", "out of range"),
        ("cron(0 9 ? * FUNDAY *)", "not acceptable"),
    ],
)
def test_expressions_aws_would_refuse_are_refused_with_the_reason(expression: str, reason: str) -> None:
    with pytest.raises(InvalidScheduleExpression, match=reason) as refused:
        next_run(expression, at(2024, 5, 1))

    assert str(refused.value).startswith(expression)


def test_an_unknown_timezone_is_refused() -> None:
    with pytest.raises(InvalidScheduleExpression, match="unknown timezone 'Mars/Olympus'"):
        next_run("cron(0 9 * * ? *)", at(2024, 5, 1), timezone="Mars/Olympus")


# ---------------------------------------------------------------- the template's jobs


def test_jobs_are_the_templates_schedules_that_run_a_function_named_by_logical_id() -> None:
    jobs = template_jobs(TEMPLATE)

    assert {name: (job.function, job.kind, job.enabled) for name, job in jobs.items()} == {
        "DeletionJobDaily": ("NumbersFunction", "scheduler", True),
        "DisplayNamePolling": ("NumbersFunction", "scheduler", False),
        "TemplateSync": ("TemplatesFunction", "rule", True),
        "TemplateSyncWithInput": ("TemplatesFunction", "rule", False),
        "UsageReportSchedule": ("BillingFunction", "scheduler", True),
    }
    assert jobs["UsageReportSchedule"].timezone == "Europe/Berlin"
    assert jobs["DisplayNamePolling"].arn == (
        "arn:aws:scheduler:eu-central-1:123456789012:schedule/default/display-name-polling"
    )


def test_a_template_with_an_invalid_schedule_is_refused_at_load() -> None:
    template = {
        "Resources": {
            "JobFunction": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Handler": "job.handler",
                    "Events": {"Nightly": {"Type": "ScheduleV2", "Properties": {"ScheduleExpression": "cron(0 2 *)"}}},
                },
            }
        }
    }

    with pytest.raises(InvalidScheduleExpression, match="cron takes 6 fields"):
        template_jobs(template)


def test_running_a_scheduler_job_passes_its_input_with_the_context_attributes() -> None:
    recorder = Recorder()
    scheduler = Scheduler(TEMPLATE, recorder, clock=FakeClock(at(2026, 1, 31, 0, 5)))

    assert scheduler.run_job("DeletionJobDaily") == "NumbersFunction done"
    assert recorder.calls == [("NumbersFunction", {"job": "end_of_month_deletion", "at": "2026-01-31T00:05:00Z"})]


def test_running_a_job_merges_extra_input_into_its_event() -> None:
    recorder = Recorder()
    scheduler = Scheduler(TEMPLATE, recorder, clock=FakeClock(at(2026, 1, 31, 0, 5)))

    scheduler.run_job("DeletionJobDaily", {"now": "2026-02-01T00:00:00Z"})

    assert recorder.calls == [
        (
            "NumbersFunction",
            {"job": "end_of_month_deletion", "at": "2026-01-31T00:05:00Z", "now": "2026-02-01T00:00:00Z"},
        )
    ]


def test_a_scheduler_job_without_input_receives_an_empty_object() -> None:
    recorder = Recorder()
    Scheduler(TEMPLATE, recorder).run_job("DisplayNamePolling")

    assert recorder.calls == [("NumbersFunction", {})]


def test_a_scheduled_rule_job_receives_the_scheduled_event() -> None:
    recorder = Recorder()
    Scheduler(TEMPLATE, recorder, clock=FakeClock(at(2026, 1, 5, 9))).run_job("TemplateSync")

    ((function, event),) = recorder.calls
    assert function == "TemplatesFunction"
    assert {k: v for k, v in event.items() if k != "id"} == {
        "version": "0",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-01-05T09:00:00Z",
        "region": "eu-central-1",
        "resources": ["arn:aws:events:eu-central-1:123456789012:rule/TemplatesFunctionTemplateSync"],
        "detail": {},
    }


def test_a_scheduled_rule_job_with_input_receives_the_input() -> None:
    recorder = Recorder()
    Scheduler(TEMPLATE, recorder).run_job("TemplateSyncWithInput")

    assert recorder.calls == [("TemplatesFunction", {"full": True})]


def test_an_unknown_job_is_refused_with_the_list_of_jobs() -> None:
    scheduler = Scheduler(TEMPLATE, Recorder())

    with pytest.raises(UnknownJob) as refused:
        scheduler.run_job("Nope")

    assert isinstance(refused.value, KeyError)
    assert str(refused.value) == (
        "no job named 'Nope'; the template's jobs are: DeletionJobDaily, DisplayNamePolling, TemplateSync, "
        "TemplateSyncWithInput, UsageReportSchedule"
    )


# ---------------------------------------------------------------- firing due jobs


def test_due_jobs_fire_once_when_their_time_comes_and_disabled_ones_never() -> None:
    clock = FakeClock(at(2026, 1, 31, 0, 0))
    recorder = Recorder()
    scheduler = Scheduler(TEMPLATE, recorder, clock=clock)

    assert scheduler.run_due() == []
    clock.now = at(2026, 1, 31, 0, 5)
    fired = scheduler.run_due()
    assert [(run.job, run.scheduled, run.result) for run in fired] == [
        ("DeletionJobDaily", at(2026, 1, 31, 0, 5), "NumbersFunction done")
    ]
    assert scheduler.run_due() == []  # once

    clock.now = at(2026, 1, 31, 1, 0)  # an hour after the start: the hourly rate
    assert [run.job for run in scheduler.run_due()] == ["TemplateSync"]
    clock.now = at(2026, 1, 31, 5, 0)  # UsageReportSchedule: 06:00 Berlin on the last day of the month
    assert [run.job for run in scheduler.run_due()] == ["TemplateSync", "UsageReportSchedule"]
    assert {function for function, _ in recorder.calls} == {"NumbersFunction", "TemplatesFunction", "BillingFunction"}
    assert "DisplayNamePolling" not in scheduler.next_due()


def test_a_job_that_missed_runs_fires_once_and_counts_on_from_now() -> None:
    clock = FakeClock(at(2026, 3, 1, 0, 10))
    scheduler = Scheduler(TEMPLATE, Recorder(), clock=clock)

    clock.now = at(2026, 3, 1, 5, 40)  # five hourly runs missed (the machine slept)
    assert [(run.job, run.scheduled) for run in scheduler.run_due()] == [("TemplateSync", at(2026, 3, 1, 1, 10))]
    assert scheduler.next_due()["TemplateSync"] == at(2026, 3, 1, 6, 40)


def test_a_failing_job_is_recorded_and_does_not_stop_the_others() -> None:
    clock = FakeClock(at(2026, 1, 30, 0, 0))
    scheduler = Scheduler(TEMPLATE, Recorder(failing=frozenset({"NumbersFunction"})), clock=clock)

    clock.now = at(2026, 1, 31, 5, 0)
    fired = {run.job: run for run in scheduler.run_due()}

    assert fired["DeletionJobDaily"].error == "RuntimeError('NumbersFunction failed')"
    assert fired["UsageReportSchedule"].result == "BillingFunction done"
    assert scheduler.runs == list(fired.values())


def test_the_loop_sleeps_until_the_next_due_job_at_most_max_sleep() -> None:
    clock = FakeClock(at(2026, 1, 31, 0, 0))
    scheduler = Scheduler(TEMPLATE, Recorder(), clock=clock, max_sleep=3600)

    assert scheduler.seconds_to_next_run() == 300  # DeletionJobDaily at 00:05
    assert Scheduler(TEMPLATE, Recorder(), clock=clock, max_sleep=60).seconds_to_next_run() == 60


def test_the_background_loop_fires_due_jobs_until_stopped() -> None:
    clock = FakeClock(at(2026, 1, 31, 0, 0))
    recorder = Recorder()
    scheduler = Scheduler(TEMPLATE, recorder, clock=clock, max_sleep=0.01)
    scheduler.start()
    try:
        clock.now = at(2026, 1, 31, 0, 5)
        assert recorder.called.wait(timeout=5)
    finally:
        scheduler.stop()

    assert [run.job for run in scheduler.runs] == ["DeletionJobDaily"]
    assert scheduler.next_due()["DeletionJobDaily"] == at(2026, 2, 1, 0, 5)
