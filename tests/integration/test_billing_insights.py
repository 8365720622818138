"""A number's insights: billable messages by category from Meta's pricing analytics (the Meta sandbox through the
hub's Graph client), approximate charges from the rate card, the month's forecast; closed days kept, and the current
day for a few minutes, so a second view asks Meta nothing; periods Meta cannot answer refused, each naming its
field."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from hub_billing.store.billing import BillingStore
from hub_billing.usecases.billable import BillableNumber
from hub_billing.usecases.usage import TODAY_KEPT_SECONDS, load_rate_card
from tests.builders import (
    CLIENT_ACME,
    CLIENT_GLOBEX,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    InProcessMeta,
    assert_problem,
    billing_call,
    billing_world,
)

WABA = "102290129340398"
NUMBER = "106540352242922"
PHONE = "+4915112345001"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def meta(aws: AwsWorld, clock: FrozenClock) -> Iterator[InProcessMeta]:
    aws.add_client("acme", partner_id="bluewave")
    aws.add_client("globex", billing_model="partner", partner_id="bluewave")
    sandbox = InProcessMeta(clock)
    store = BillingStore("hub-billing", aws.dynamodb)
    number = BillableNumber("acme", NUMBER, waba_id=WABA, phone_number=PHONE, added_at=clock(), version=1)
    store.record("seed", None, number, clock())
    with billing_world(aws, clock, meta=sandbox):
        yield sandbox


def insights(claims: dict[str, str] | None = CLIENT_ACME, **query: str) -> tuple[int, Any]:
    return billing_call("GET", "/v1/insights", claims, query={"number_id": NUMBER, **query})


def analytics_calls(meta: InProcessMeta) -> int:
    return sum(1 for method, path in meta.calls if method == "GET" and path == WABA)


def test_a_daily_series_counts_messages_by_category_and_prices_them(meta: InProcessMeta, clock: FrozenClock) -> None:
    today = clock().date()
    start = today - timedelta(days=6)

    status, view = insights(start=start.isoformat(), end=today.isoformat(), granularity="DAY")

    assert status == 200
    assert (view["currency"], view["is_estimate"], view["forecast"]["is_estimate"]) == ("eur", True, True)
    assert [point["period_start"] for point in view["series"]] == [
        (start + timedelta(days=n)).isoformat() for n in range(7)
    ]
    assert sum(point["messages"]["marketing"] for point in view["series"]) == view["totals"]["messages"]["marketing"]
    for point in view["series"]:
        charges = point["charges"]
        assert charges["total"] == sum(charges[c] for c in ("marketing", "utility", "authentication", "service"))
        assert charges["service"] == 0  # service conversations are free
    assert view["totals"]["messages"]["marketing"] > 0
    assert view["totals"]["charges"]["total"] > 0


def test_charges_follow_the_rate_card_of_each_market(meta: InProcessMeta, clock: FrozenClock) -> None:
    day = clock().date() - timedelta(days=1)
    fields = (
        f"pricing_analytics.start({_unix(day)}).end({_unix(day + timedelta(days=1))}).granularity(DAILY)"
        ".dimensions([PHONE,COUNTRY,PRICING_CATEGORY]).metric_types([VOLUME])"
    )
    points = meta.graph.get(WABA, params={"fields": fields})["pricing_analytics"]["data"][0]["data_points"]
    card = load_rate_card("")
    expected = {
        category: sum(
            card.rate(p["country"], category) * p["volume"]
            for p in points
            if p["phone_number"] == PHONE[1:] and p["pricing_category"].lower() == category
        )
        for category in ("marketing", "utility", "authentication")
    }

    _, view = insights(start=day.isoformat(), end=day.isoformat())

    charges = view["series"][0]["charges"]
    for category, amount in expected.items():
        assert charges[category] == int((Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_closed_days_are_kept_and_today_for_minutes_so_a_second_view_asks_meta_nothing(
    meta: InProcessMeta, clock: FrozenClock
) -> None:
    today = clock().date()
    start = (today - timedelta(days=40)).isoformat()

    first_status, first_view = insights(start=start, end=today.isoformat(), granularity="MONTH")
    first = analytics_calls(meta)
    clock.advance(TODAY_KEPT_SECONDS - 1)
    again_status, again_view = insights(start=start, end=today.isoformat(), granularity="MONTH")

    assert (first_status, again_status) == (200, 200)
    assert first == 2  # the closed days at once, then today
    assert analytics_calls(meta) == first
    assert again_view["series"] == first_view["series"]

    clock.advance(1)  # today's answer is TODAY_KEPT_SECONDS old: Meta is asked for today again, for today only
    insights(start=start, end=today.isoformat(), granularity="MONTH")
    assert analytics_calls(meta) == first + 1


def test_a_day_kept_while_it_was_current_is_asked_again_once_it_is_closed(
    meta: InProcessMeta, clock: FrozenClock, aws: AwsWorld
) -> None:
    today = clock().date()
    insights(start=today.isoformat(), end=today.isoformat())  # the month to date too (the forecast), then today
    before = analytics_calls(meta)
    kept = BillingStore("hub-billing", aws.dynamodb).analytics_days(WABA, today, today)
    assert [(day, one.closed) for day, one in kept.items()] == [(today, False)]

    clock.advance(24 * 3600)  # the day is closed: what Meta said while it was open is not its final word
    insights(start=today.isoformat(), end=today.isoformat())

    assert analytics_calls(meta) - before == 2  # the day that closed (all other closed days are kept), the new today
    kept = BillingStore("hub-billing", aws.dynamodb).analytics_days(WABA, today, today)
    assert [(day, one.closed) for day, one in kept.items()] == [(today, True)]


def test_the_forecast_carries_the_month_to_date_to_its_end(meta: InProcessMeta, clock: FrozenClock) -> None:
    today = clock().date()

    _, view = insights(start=today.replace(day=1).isoformat(), end=today.isoformat())

    forecast = view["forecast"]
    assert forecast["month_to_date"] == view["totals"]["charges"]["total"]
    assert (forecast["days_elapsed"], forecast["days_in_month"]) == (today.day, 30)
    projected = Decimal(forecast["month_to_date"] * 30) / today.day
    assert forecast["projected"] == int(projected.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize(
    ("start", "end", "granularity", "field"),
    [
        (0, -1, "DAY", "query.end"),
        (-400, 0, "MONTH", "query.start"),
        (0, 1, "DAY", "query.end"),
        (-120, 0, "DAY", "query.granularity"),
    ],
    ids=["end-before-start", "beyond-meta-look-back", "end-in-the-future", "too-many-days"],
)
def test_periods_meta_cannot_answer_are_refused_without_asking_it(
    meta: InProcessMeta, clock: FrozenClock, start: int, end: int, granularity: str, field: str
) -> None:
    today = clock().date()
    _status, problem = insights(
        start=(today + timedelta(days=start)).isoformat(),
        end=(today + timedelta(days=end)).isoformat(),
        granularity=granularity,
    )

    assert_problem(problem, 422, "validation-failed")
    assert field in {error["field"] for error in problem["errors"]}
    assert analytics_calls(meta) == 0


def test_meta_down_is_an_upstream_error_and_nothing_is_kept(
    meta: InProcessMeta, clock: FrozenClock, aws: AwsWorld
) -> None:
    meta.fault(status=503, count=5)
    today = clock().date()

    status, _problem = insights(start=(today - timedelta(days=3)).isoformat(), end=today.isoformat())

    assert status in (502, 503)
    items = aws.dynamodb.scan(TableName="hub-billing")["Items"]
    assert not [item for item in items if item["pk"]["S"].startswith("ANALYTICS#")]


@pytest.mark.parametrize(
    ("claims", "status"),
    [(PARTNER, 200), (SUPPORT, 200), (CLIENT_GLOBEX, 404)],
    ids=["partner-with-insights-read", "support", "another-client"],
)
def test_who_reads_a_numbers_insights(
    meta: InProcessMeta, aws: AwsWorld, clock: FrozenClock, claims: dict[str, str], status: int
) -> None:
    aws.grant("acme", "bluewave", "insights:read")
    today = clock().date().isoformat()

    answered, _ = insights(claims, start=today, end=today)

    assert answered == status


def test_a_partner_without_insights_read_is_refused(meta: InProcessMeta, aws: AwsWorld, clock: FrozenClock) -> None:
    aws.grant("acme", "bluewave", "numbers:read")
    today = clock().date().isoformat()

    _status, problem = insights(PARTNER, start=today, end=today)

    assert_problem(problem, 403, "forbidden")
    assert analytics_calls(meta) == 0


def _unix(day: date) -> int:
    return int(datetime.combine(day, time(), UTC).timestamp())
