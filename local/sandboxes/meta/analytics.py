"""The WABA's analytics fields, in Meta's shapes, with made-up but deterministic numbers.

`analytics.start(..).end(..).granularity(HALF_HOUR|DAY|MONTH)[.phone_numbers([..])]` →
`{phone_numbers, granularity, data_points: [{start, end, sent, delivered}]}`.
`conversation_analytics` / `pricing_analytics` `.start(..).end(..).granularity(HALF_HOUR|DAILY|MONTHLY)`
`[.phone_numbers(..)][.metric_types(..)][.dimensions(..)][.conversation_categories(..) | .pricing_categories(..)]`
→ `{data: [{data_points: [{start, end, conversation|volume, cost, phone_number?, country?, <category>?}]}]}`; of
the dimensions PHONE, COUNTRY and the category one split the points (recipients are in COUNTRIES; `country_codes`
narrows them). Every count comes from a hash of the WABA, number, interval, category and country, so the same
question always gets the same answer.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from local.sandboxes.meta.call import Json
from local.sandboxes.meta.errors import invalid_parameter
from local.sandboxes.meta.state import MetaState

MESSAGES = "analytics"
RATES = {"MARKETING": 0.0860, "UTILITY": 0.0400, "AUTHENTICATION": 0.0520, "SERVICE": 0.0}
"""The sandbox's price per message by category, in the WABA's currency."""
COUNTRIES = ("DE", "AT", "GB", "US")
"""Where the sandbox's recipients are (ISO 3166 alpha-2, as Meta names countries in analytics)."""
MAX_INTERVALS = 1000
HALF_HOUR_SECONDS = 1800
DAY_SECONDS = 86400


@dataclass(frozen=True)
class _Charges:
    count_key: str
    count_metric: str
    category_key: str
    category_dimension: str
    categories_modifier: str


_CHARGES = {
    "conversation_analytics": _Charges(
        "conversation", "CONVERSATION", "conversation_category", "CONVERSATION_CATEGORY", "conversation_categories"
    ),
    "pricing_analytics": _Charges("volume", "VOLUME", "pricing_category", "PRICING_CATEGORY", "pricing_categories"),
}
_GRANULARITIES = {MESSAGES: ("HALF_HOUR", "DAY", "MONTH"), **dict.fromkeys(_CHARGES, ("HALF_HOUR", "DAILY", "MONTHLY"))}
_SPEC = re.compile(r"(\w+)((?:\.\w+\([^()]*\))*)")
_MODIFIER = re.compile(r"\.(\w+)\(([^()]*)\)")


def field_name(spec: str) -> str:
    return spec.split(".", 1)[0]


def is_analytics(spec: str) -> bool:
    return field_name(spec) in _GRANULARITIES


def _modifiers(spec: str) -> dict[str, str]:
    match = _SPEC.fullmatch(spec)
    if not match:
        raise invalid_parameter(f"Cannot read the field {spec!r}")
    return dict(_MODIFIER.findall(match.group(2)))


def _items(value: str | None) -> list[str]:
    """`["a","b"]`, `[A,B]` or `A,B` → the items."""
    return [item.strip().strip("'\"") for item in (value or "").strip("[]").split(",") if item.strip()]


def _timestamp(modifiers: dict[str, str], name: str) -> int:
    value = modifiers.get(name, "")
    if not value.isdigit():
        raise invalid_parameter(f"{name} must be a Unix timestamp")
    return int(value)


def _intervals(start: int, end: int, granularity: str) -> list[tuple[int, int]]:
    if granularity in ("MONTH", "MONTHLY"):
        month = datetime.fromtimestamp(start, UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        intervals: list[tuple[int, int]] = []
        while month.timestamp() < end and len(intervals) <= MAX_INTERVALS:
            following = (month + timedelta(days=32)).replace(day=1)
            intervals.append((int(month.timestamp()), int(following.timestamp())))
            month = following
    else:
        step = HALF_HOUR_SECONDS if granularity == "HALF_HOUR" else DAY_SECONDS
        starts = range(start - start % step, end, step)
        intervals = [(first, first + step) for first in starts[: MAX_INTERVALS + 1]]
    if len(intervals) > MAX_INTERVALS:
        raise invalid_parameter(f"The period holds more than {MAX_INTERVALS} data points; ask for a shorter one")
    return intervals


def _amount(*parts: object, high: int) -> int:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") % high


def compute(state: MetaState, waba_id: str, spec: str) -> Json:
    """The value of one analytics field `spec` (name plus modifiers) of the WABA."""
    name, modifiers = field_name(spec), _modifiers(spec)
    start, end = _timestamp(modifiers, "start"), _timestamp(modifiers, "end")
    if end <= start:
        raise invalid_parameter("end must be after start")
    granularity = modifiers.get("granularity", "").upper()
    if granularity not in _GRANULARITIES[name]:
        raise invalid_parameter(f"granularity must be one of {', '.join(_GRANULARITIES[name])}")
    phones = _items(modifiers.get("phone_numbers")) or [
        number.phone_digits for number in state.numbers.values() if number.waba_id == waba_id
    ]
    intervals = _intervals(start, end, granularity)
    if name == MESSAGES:
        return _messages(waba_id, phones, granularity, intervals)
    return _charges(_CHARGES[name], modifiers, waba_id, phones, intervals)


def _messages(waba_id: str, phones: list[str], granularity: str, intervals: list[tuple[int, int]]) -> Json:
    points = []
    for start, end in intervals:
        sent = sum(_amount(waba_id, phone, start, "sent", high=200) for phone in phones)
        delivered = sent * (90 + _amount(waba_id, start, "delivered", high=11)) // 100
        points.append({"start": start, "end": end, "sent": sent, "delivered": delivered})
    return {"phone_numbers": phones, "granularity": granularity, "data_points": points}


def _charges(
    kind: _Charges, modifiers: dict[str, str], waba_id: str, phones: list[str], intervals: list[tuple[int, int]]
) -> Json:
    dimensions = {item.upper() for item in _items(modifiers.get("dimensions"))}
    metrics = {item.upper() for item in _items(modifiers.get("metric_types"))} or {kind.count_metric, "COST"}
    categories = [c.upper() for c in _items(modifiers.get(kind.categories_modifier)) if c.upper() in RATES] or list(
        RATES
    )
    countries = [c.upper() for c in _items(modifiers.get("country_codes")) if c.upper() in COUNTRIES] or list(COUNTRIES)
    phone_groups = [[phone] for phone in phones] if "PHONE" in dimensions else [phones]
    country_groups = [[country] for country in countries] if "COUNTRY" in dimensions else [countries]
    split_categories = kind.category_dimension in dimensions
    category_groups = [[category] for category in categories] if split_categories else [categories]
    points = []
    for start, end in intervals:
        for phone_group in phone_groups:
            for country_group in country_groups:
                for category_group in category_groups:
                    counts = {
                        category: sum(
                            _amount(waba_id, phone, start, category, country, high=16)
                            for phone in phone_group
                            for country in country_group
                        )
                        for category in category_group
                    }
                    point: Json = {"start": start, "end": end}
                    if kind.count_metric in metrics:
                        point[kind.count_key] = sum(counts.values())
                    if "COST" in metrics:
                        point["cost"] = round(sum(count * RATES[category] for category, count in counts.items()), 4)
                    if "PHONE" in dimensions:
                        point["phone_number"] = phone_group[0]
                    if "COUNTRY" in dimensions:
                        point["country"] = country_group[0]
                    if split_categories:
                        point[kind.category_key] = category_group[0]
                    points.append(point)
    return {"data": [{"data_points": points}]}
