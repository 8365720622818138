"""Billable messages and their approximate charges (SPEC §3 Billing, seed "Insights": the "Approximate charges"
graph).

Meta's `pricing_analytics` counts a WABA's billable messages per day, phone number, recipient country and pricing
category. A closed day never changes, so it is kept in the billing table (fetched once: by the daily job, or by the
first page view that needs it); only the current day is asked of Meta on each view. Charges are approximate: the
messages times the rate card's rate of their category in their market, in the card's currency — labelled as
estimates everywhere, since Meta's invoice is the truth. The forecast carries the month-to-date run rate to the end
of the month.
"""

from __future__ import annotations

import calendar
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from importlib import resources
from typing import Any, Protocol

from aws_lambda_powertools import Logger
from pydantic import ConfigDict, Field

from hub_shared.graph import Graph
from hub_shared.model import HubModel

CATEGORIES = ("marketing", "utility", "authentication", "service")
FALLBACK_MARKET = "*"
DIMENSIONS = "[PHONE,COUNTRY,PRICING_CATEGORY]"

logger = Logger(child=True)


class Granularity(StrEnum):
    DAY = "DAY"
    MONTH = "MONTH"


def category_of(meta_category: str) -> str | None:
    """Meta's pricing category as one of the four the portal shows (international authentication is
    authentication, marketing lite is marketing); None for what none of them is."""
    name = meta_category.upper()
    for category in ("AUTHENTICATION", "MARKETING", "UTILITY", "SERVICE"):
        if category in name:
            return category.lower()
    return None


Key = tuple[str, str, str]
"""(phone digits, recipient country, category)."""


@dataclass(frozen=True)
class DayUsage:
    """One day of a WABA's billable messages."""

    day: date
    volumes: Mapping[Key, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {"|".join(key): volume for key, volume in sorted(self.volumes.items())}

    @classmethod
    def from_counts(cls, day: date, counts: Mapping[str, Any]) -> DayUsage:
        volumes: dict[Key, int] = {}
        for text, volume in counts.items():
            phone, country, category = text.split("|")
            volumes[(phone, country, category)] = int(volume)
        return cls(day=day, volumes=volumes)

    def of_phone(self, phone_digits: str) -> Counter[tuple[str, str]]:
        """(country, category) → messages of one number."""
        found: Counter[tuple[str, str]] = Counter()
        for (phone, country, category), volume in self.volumes.items():
            if phone == phone_digits:
                found[(country, category)] += volume
        return found


class RateCard(HubModel):
    """Per-message rates by market and category, in `currency` (major units, as decimal strings)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    currency: str = Field(pattern="^[a-z]{3}$")
    markets: dict[str, dict[str, Decimal]]

    def rate(self, country: str, category: str) -> Decimal:
        market = self.markets.get(country) or self.markets.get(FALLBACK_MARKET) or {}
        return market.get(category, Decimal(0))

    def charge(self, messages: Mapping[tuple[str, str], int]) -> Decimal:
        """The charge of (country, category) → messages, in major units (unrounded)."""
        return sum(
            (self.rate(country, category) * count for (country, category), count in messages.items()), Decimal(0)
        )


def load_rate_card(text: str) -> RateCard:
    """The rate card of `text` (JSON), or the packaged one when empty."""
    raw = text or resources.files("hub_billing").joinpath("rate_card.json").read_text()
    return RateCard.model_validate(json.loads(raw))


def minor_units(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


TODAY_KEPT_SECONDS = 300
"""How long the current day's analytics, still changing, are served from the cache before Meta is asked again:
Meta's analytics lag by hours, so a page opened twice within minutes gains nothing from asking twice."""


@dataclass(frozen=True)
class KeptDay:
    """A day of the analytics cache: a closed day (final), or the current day as Meta answered at `fetched_at`."""

    usage: DayUsage
    fetched_at: datetime
    closed: bool


class AnalyticsCache(Protocol):
    def analytics_days(self, waba_id: str, first: date, last: date) -> dict[date, KeptDay]: ...

    def keep_analytics(self, waba_id: str, days: list[DayUsage], now: datetime, *, closed: bool = True) -> None: ...


def _unix(day: date) -> int:
    return int(datetime.combine(day, time(), UTC).timestamp())


def fetch_days(graph: Graph, waba_id: str, first: date, last: date) -> list[DayUsage]:
    """Meta's pricing analytics of the WABA, every day from `first` to `last` (inclusive), in one Graph call."""
    spec = (
        f"pricing_analytics.start({_unix(first)}).end({_unix(last + timedelta(days=1))}).granularity(DAILY)"
        f".dimensions({DIMENSIONS}).metric_types([VOLUME])"
    )
    answer = graph.get(waba_id, params={"fields": spec})
    volumes: dict[date, Counter[Key]] = {first + timedelta(days=n): Counter() for n in range((last - first).days + 1)}
    for block in (answer.get("pricing_analytics") or {}).get("data") or []:
        for point in block.get("data_points") or []:
            day = datetime.fromtimestamp(int(point["start"]), UTC).date()
            category = category_of(str(point.get("pricing_category", "")))
            if day not in volumes or category is None:
                continue
            key = (str(point.get("phone_number", "")), str(point.get("country", FALLBACK_MARKET)), category)
            volumes[day][key] += int(point.get("volume", 0))
    return [DayUsage(day=day, volumes=dict(counts)) for day, counts in sorted(volumes.items())]


def usage_days(
    waba_id: str, first: date, last: date, *, today: date, cache: AnalyticsCache, graph: Graph, now: datetime
) -> dict[date, DayUsage]:
    """Every day from `first` to `last`, read from the cache in one request: closed days from it (the missing ones
    fetched in one call and kept), the current day from it when Meta answered it less than TODAY_KEPT_SECONDS ago,
    otherwise from Meta (and kept as the current day: a closed day is never taken from it)."""
    closed_last = min(last, today - timedelta(days=1))
    kept = cache.analytics_days(waba_id, first, min(last, today)) if first <= min(last, today) else {}
    days = {day: one.usage for day, one in kept.items() if one.closed and day <= closed_last}
    if first <= closed_last:
        missing = [first + timedelta(days=n) for n in range((closed_last - first).days + 1)]
        missing = [day for day in missing if day not in days]
        if missing:
            fetched = fetch_days(graph, waba_id, missing[0], missing[-1])
            cache.keep_analytics(waba_id, [day for day in fetched if day.day in set(missing)], now)
            days |= {day.day: day for day in fetched}
    if first <= today <= last:
        current = kept.get(today)
        if current is not None and now - current.fetched_at < timedelta(seconds=TODAY_KEPT_SECONDS):
            days[today] = current.usage
        else:
            days[today] = fetch_days(graph, waba_id, today, today)[0]
            cache.keep_analytics(waba_id, [days[today]], now, closed=False)
    return days


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    messages: Counter[str]
    """category → messages."""
    charges: dict[str, int]
    """category → approximate charge in minor units, and `total`."""


def periods(
    days: Iterable[DayUsage], phone_digits: str, granularity: Granularity, card: RateCard, first: date, last: date
) -> list[Period]:
    """The number's messages and charges per day or month from `first` to `last` (a month clipped to them). Each
    day's charge is rounded once; a month adds its days up, so every total is the sum of what it is made of."""
    usage = {day.day: day for day in days if first <= day.day <= last}
    daily = [
        _period(day, day, usage[day].of_phone(phone_digits) if day in usage else Counter(), card)
        for day in _period_starts(first, last, Granularity.DAY)
    ]
    if granularity is Granularity.DAY:
        return daily
    months = []
    for start in _period_starts(first, last, Granularity.MONTH):
        inside = [day for day in daily if day.start.replace(day=1) == start]
        months.append(total(inside, max(start, first), min(last, _month_end(start))))
    return months


def total(parts: list[Period], start: date, end: date) -> Period:
    messages: Counter[str] = Counter()
    charges: Counter[str] = Counter()
    for part in parts:
        messages.update(part.messages)
        charges.update(part.charges)
    return Period(
        start=start, end=end, messages=messages, charges={key: charges[key] for key in (*CATEGORIES, "total")}
    )


def _period(start: date, end: date, messages: Counter[tuple[str, str]], card: RateCard) -> Period:
    per_category: Counter[str] = Counter()
    charges: dict[str, int] = {}
    for category in CATEGORIES:
        of_category = {key: count for key, count in messages.items() if key[1] == category}
        per_category[category] = sum(of_category.values())
        charges[category] = minor_units(card.charge(of_category))
    charges["total"] = sum(charges[category] for category in CATEGORIES)
    return Period(start=start, end=end, messages=per_category, charges=charges)


def _period_starts(first: date, last: date, granularity: Granularity) -> list[date]:
    if granularity is Granularity.DAY:
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]
    starts, month = [], first.replace(day=1)
    while month <= last:
        starts.append(month)
        month = _month_end(month) + timedelta(days=1)
    return starts


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Forecast:
    month_start: date
    month_end: date
    month_to_date: int
    projected: int
    days_elapsed: int
    days_in_month: int


def forecast(month_days: Iterable[DayUsage], phone_digits: str, card: RateCard, today: date) -> Forecast:
    """The month's charges so far (the current day included; the sum of its days' charges, as a daily series adds
    them up), carried at that daily rate to the month's end."""
    start, end = today.replace(day=1), _month_end(today)
    so_far = total(periods(month_days, phone_digits, Granularity.DAY, card, start, today), start, today).charges[
        "total"
    ]
    elapsed, days = today.day, end.day
    projected = int((Decimal(so_far) * days / elapsed).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return Forecast(start, end, so_far, projected, elapsed, days)
