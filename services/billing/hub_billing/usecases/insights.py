"""A number's insights: billable messages by category per day or month, approximate charges and the month's
forecast (`hub_billing.usecases.usage` computes them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from hub_billing.errors import NumberNotFound
from hub_billing.models.insights import CategoryCharges, CategoryCounts, ForecastView, InsightsPoint, InsightsView
from hub_billing.usecases.billable import NumberRecord
from hub_billing.usecases.usage import (
    AnalyticsCache,
    Granularity,
    Period,
    RateCard,
    forecast,
    periods,
    total,
    usage_days,
)
from hub_shared.auth import Action, Principal, authorize
from hub_shared.errors import FieldError, ValidationFailed
from hub_shared.graph import Graph

MAX_DAY_POINTS = 93
"""A daily series covers at most about three months; a longer period asks for months."""


class NumberLookup(Protocol):
    def number_record(self, number_id: str) -> NumberRecord | None: ...


@dataclass(frozen=True)
class InsightsQuery:
    number_id: str
    start: date
    end: date
    granularity: Granularity


def check_period(query: InsightsQuery, *, today: date, lookback_days: int) -> None:
    """Refuse periods Meta cannot answer, each refusal naming its field."""
    errors = []
    if query.end < query.start:
        errors.append(FieldError("query.end", "The end is before the start."))
    if query.end > today:
        errors.append(FieldError("query.end", f"The end is in the future; the latest day is today, {today}."))
    earliest = today - timedelta(days=lookback_days)
    if query.start < earliest:
        errors.append(
            FieldError(
                "query.start", f"Meta keeps pricing analytics for {lookback_days} days: start on {earliest} or later."
            )
        )
    if query.granularity is Granularity.DAY and (query.end - query.start).days + 1 > MAX_DAY_POINTS:
        errors.append(
            FieldError("query.granularity", f"A daily series covers at most {MAX_DAY_POINTS} days; ask for MONTH.")
        )
    if errors:
        raise ValidationFailed("The period cannot be shown.", errors=errors)


def number_insights(
    query: InsightsQuery,
    principal: Principal,
    *,
    numbers: NumberLookup,
    cache: AnalyticsCache,
    graph: Graph,
    card: RateCard,
    now: datetime,
    lookback_days: int,
) -> InsightsView:
    number = authorize(
        principal,
        numbers.number_record(query.number_id),
        missing=NumberNotFound(query.number_id),
        action=Action.INSIGHTS_READ,
        via=(Action.NUMBERS_READ, Action.INSIGHTS_READ),
    )
    today = now.date()
    check_period(query, today=today, lookback_days=lookback_days)
    first = min(query.start, today.replace(day=1))
    last = max(query.end, today)
    days = usage_days(number.waba_id, first, last, today=today, cache=cache, graph=graph, now=now)
    phone = number.phone_number.lstrip("+")
    series = periods(days.values(), phone, query.granularity, card, query.start, query.end)
    month = forecast(days.values(), phone, card, today)
    return InsightsView(
        number_id=number.number_id,
        client_id=number.client_id,
        currency=card.currency,
        granularity=query.granularity.value,
        start=query.start,
        end=query.end,
        series=[_point(period) for period in series],
        totals=_point(total(series, query.start, query.end)),
        forecast=ForecastView(**month.__dict__),
    )


def _point(period: Period) -> InsightsPoint:
    return InsightsPoint(
        period_start=period.start,
        period_end=period.end,
        messages=CategoryCounts(**period.messages),
        charges=CategoryCharges(**period.charges),
    )
