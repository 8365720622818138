"""The WABA Manager's page of a number — the WABA's details, the number's commerce settings and business profile —
read from Meta once and kept: a page view with a warm cache asks Meta nothing; `refresh=true` asks it at once; a
change made through the hub is kept as Meta took it; when Meta is down the kept copies answer, marked stale."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from tests.builders import (
    ACME_NUMBER,
    ACME_WABA,
    CLIENT_ACME,
    NOW,
    AwsWorld,
    FrozenClock,
    InProcessMeta,
    a_png,
    waba_call,
    waba_upload,
    waba_world,
)

NUMBER = f"/v1/numbers/{ACME_NUMBER}"
PAGE = (
    ("/v1/wabas/{waba_id}", f"/v1/wabas/{ACME_WABA}"),
    ("/v1/numbers/{number_id}/commerce-settings", f"{NUMBER}/commerce-settings"),
    ("/v1/numbers/{number_id}/profile", f"{NUMBER}/profile"),
)
"""What the portal's WABA Manager asks the hub for when a number's page opens."""
COMMERCE, PROFILE = PAGE[1], PAGE[2]


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def meta(aws: AwsWorld, clock: FrozenClock) -> Iterator[InProcessMeta]:
    with waba_world(aws, clock) as sandbox:
        yield sandbox


def view(route: str, path: str, **query: str) -> dict[str, Any]:
    status, body = waba_call("GET", path, CLIENT_ACME, route=route, **query)
    assert status == 200, body
    return body


def page_view() -> list[dict[str, Any]]:
    return [view(route, path) for route, path in PAGE]


def graph_calls(meta: InProcessMeta) -> int:
    return len(meta.calls)


def test_a_warm_page_view_asks_meta_nothing_until_the_cache_time_passes(
    meta: InProcessMeta, clock: FrozenClock
) -> None:
    page_view()
    cold = graph_calls(meta)

    clock.now = NOW + timedelta(seconds=299)
    warm = page_view()
    assert graph_calls(meta) == cold == 4  # the WABA and its numbers, commerce settings, profile
    assert {body["fetched_at"] for body in warm} == {"2026-11-20T12:00:00.000000Z"}

    clock.now = NOW + timedelta(seconds=300)
    expired = page_view()
    assert graph_calls(meta) == 2 * cold
    assert {body["fetched_at"] for body in expired} == {"2026-11-20T12:05:00.000000Z"}


@pytest.mark.parametrize("part", [COMMERCE, PROFILE], ids=["commerce", "profile"])
def test_refresh_asks_meta_now_and_shows_what_changed_there(meta: InProcessMeta, part: tuple[str, str]) -> None:
    view(*part)
    meta.state.numbers[ACME_NUMBER].is_catalog_visible = True
    meta.state.numbers[ACME_NUMBER].profile["about"] = "Changed in WhatsApp Manager"

    kept, fresh, then = view(*part), view(*part, refresh="true"), view(*part)

    assert (kept.get("is_catalog_visible"), kept.get("about")) in {(False, None), (None, "Acme Retail on WhatsApp")}
    assert (fresh.get("is_catalog_visible"), fresh.get("about")) in {
        (True, None),
        (None, "Changed in WhatsApp Manager"),
    }
    assert then == fresh  # what Meta answered is the copy kept now


def test_changes_made_through_the_hub_are_kept_as_meta_took_them(meta: InProcessMeta) -> None:
    page_view()

    put = waba_call(
        "PUT", COMMERCE[1], CLIENT_ACME, route=COMMERCE[0], body={"is_catalog_visible": True, "is_cart_enabled": True}
    )
    patch = waba_call("PATCH", PROFILE[1], CLIENT_ACME, route=PROFILE[0], body={"about": "New about"})
    picture = waba_upload(
        f"{PROFILE[1]}/picture",
        CLIENT_ACME,
        route=f"{PROFILE[0]}/picture",
        files={"picture": ("logo.png", a_png(256, 256), "image/png")},
    )
    calls = graph_calls(meta)

    assert (put[0], patch[0], picture[0]) == (200, 200, 200)
    commerce, profile = view(*COMMERCE), view(*PROFILE)
    assert graph_calls(meta) == calls  # read from the kept copies
    assert (commerce["is_catalog_visible"], commerce["is_cart_enabled"]) == (True, True)
    assert profile["about"] == "New about"
    assert profile["profile_picture_url"] == picture[1]["profile_picture_url"] is not None


@pytest.mark.parametrize("fault", [{"status": 500, "code": 2}, {"status": 429, "code": 80008}])
def test_when_meta_is_down_the_kept_copies_answer_stale(
    meta: InProcessMeta, clock: FrozenClock, fault: dict[str, int]
) -> None:
    before = page_view()
    clock.now = NOW + timedelta(hours=2)
    meta.fault(count=50, **fault)

    after = page_view()

    assert [body["stale"] for body in after] == [True, True, True]
    assert [body["fetched_at"] for body in after] == ["2026-11-20T12:00:00.000000Z"] * 3
    assert [{**body, "stale": False} for body in after] == before


@pytest.mark.parametrize("part", [COMMERCE, PROFILE], ids=["commerce", "profile"])
def test_when_meta_is_down_and_nothing_is_kept_the_problem_says_so(
    meta: InProcessMeta, aws: AwsWorld, part: tuple[str, str]
) -> None:
    view(*PAGE[0])  # the WABA's details are kept; the number's settings are not
    meta.fault(count=50, status=500, code=2)

    status, problem = waba_call("GET", part[1], CLIENT_ACME, route=part[0])

    assert (status, problem["status"]) == (503, 503)
    kept = [item for item in aws.table_items("hub-waba") if item["sk"]["S"].startswith("KEPT#")]
    assert kept == []
