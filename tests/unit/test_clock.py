"""hub_shared.clock: instants in UTC, written so that they sort, and an `updated_at` that always moves forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hub_shared.clock import advanced, to_rfc3339

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_an_item_written_twice_in_one_request_gets_a_later_updated_at_each_time() -> None:
    first = advanced(NOW - timedelta(days=1), NOW)
    second = advanced(first, NOW)
    third = advanced(second, NOW)

    assert first == NOW
    assert first < second < third
    assert len({to_rfc3339(t) for t in (first, second, third)}) == 3  # distinct as stored


def test_a_later_now_is_taken_as_it_is() -> None:
    assert advanced(NOW, NOW + timedelta(seconds=5)) == NOW + timedelta(seconds=5)


def test_rfc3339_is_fixed_width_utc() -> None:
    cest = timezone(timedelta(hours=2))
    assert to_rfc3339(datetime(2026, 6, 1, 14, 0, tzinfo=cest)) == "2026-06-01T12:00:00.000000Z"
