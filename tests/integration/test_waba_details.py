"""GET /v1/wabas and GET /v1/wabas/{waba_id}: handler → use case → the waba table (moto) and Meta's sandbox, with the
details kept for the cache time (a warm page view asks Meta nothing), served stale when Meta is down, and updated by
Meta's account webhooks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from hub_waba.consumers.meta import handler as meta_events_handler
from tests.builders import (
    ACME_NUMBER,
    ACME_WABA,
    CLIENT_ACME,
    CLIENT_GLOBEX,
    GLOBEX_WABA,
    NOW,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    InProcessMeta,
    a_meta_change,
    context,
    eventbridge_event,
    waba_call,
    waba_world,
)

ROUTE_ONE = "/v1/wabas/{waba_id}"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def meta(aws: AwsWorld, clock: FrozenClock) -> Iterator[InProcessMeta]:
    with waba_world(aws, clock) as sandbox:
        yield sandbox


def get_waba(claims: dict[str, str] | None, waba_id: str, **query: str) -> tuple[int, dict[str, Any]]:
    return waba_call("GET", f"/v1/wabas/{waba_id}", claims, route=ROUTE_ONE, **query)


def list_wabas(claims: dict[str, str] | None, **query: str) -> tuple[int, dict[str, Any]]:
    return waba_call("GET", "/v1/wabas", claims, **query)


def graph_reads(meta: InProcessMeta) -> list[str]:
    return [path for method, path in meta.calls if method == "GET"]


def test_a_shared_wabas_details_come_from_meta_with_its_health_and_numbers(meta: InProcessMeta) -> None:
    status, body = get_waba(CLIENT_ACME, ACME_WABA)

    assert status == 200, body
    assert body | {"health": None, "numbers": None} == {
        "waba_id": ACME_WABA,
        "client_id": "acme",
        "name": "Acme Retail",
        "type": "SHARED",
        "message_on_behalf_status": None,
        "timezone_id": "42",
        "business_manager_id": "230934563399802",
        "namespace": "ba30dd89_2ebd_41e4_b805_f2c05ae04cc9",
        "account_review_status": "APPROVED",
        "business_verification_status": "VERIFIED",
        "currency": "EUR",
        "health": None,
        "numbers": None,
        "fetched_at": "2026-11-20T12:00:00.000000Z",
        "stale": False,
    }
    by_id = {entity["id"]: entity for entity in body["health"]["entities"]}
    assert body["health"]["can_send_message"] == "BLOCKED"  # one of Acme's story numbers is banned
    assert by_id[ACME_WABA] == {
        "entity_type": "WABA",
        "id": ACME_WABA,
        "can_send_message": "AVAILABLE",
        "additional_info": [],
        "errors": [],
    }
    banned = [e for e in body["health"]["entities"] if e["can_send_message"] == "BLOCKED"]
    assert banned and banned[0]["errors"][0]["possible_solution"]
    numbers = {n["number_id"]: n for n in body["numbers"]}
    assert numbers[ACME_NUMBER] == {
        "number_id": ACME_NUMBER,
        "phone_number": "+49 1511 2345001",
        "display_name": "Acme Retail",
        "quality_rating": "GREEN",
        "status": "CONNECTED",
    }


def test_an_obo_waba_is_the_bsps_on_behalf_of_the_client(meta: InProcessMeta) -> None:
    status, body = get_waba(CLIENT_GLOBEX, GLOBEX_WABA)

    assert status == 200, body
    assert (body["type"], body["message_on_behalf_status"], body["business_manager_id"]) == (
        "OBO",
        "APPROVED",
        "501238745563981",
    )


def test_a_warm_page_view_asks_meta_nothing_until_the_cache_time_passes(
    meta: InProcessMeta, clock: FrozenClock
) -> None:
    get_waba(CLIENT_ACME, ACME_WABA)
    cold = len(graph_reads(meta))

    clock.now = NOW + timedelta(seconds=299)
    warm = get_waba(CLIENT_ACME, ACME_WABA)[1]
    assert len(graph_reads(meta)) == cold == 2  # the WABA node and its phone numbers
    assert warm["fetched_at"] == "2026-11-20T12:00:00.000000Z"

    clock.now = NOW + timedelta(seconds=300)
    expired = get_waba(CLIENT_ACME, ACME_WABA)[1]
    assert len(graph_reads(meta)) == 2 * cold
    assert expired["fetched_at"] == "2026-11-20T12:05:00.000000Z"


def test_refresh_asks_meta_now_and_shows_what_changed(meta: InProcessMeta) -> None:
    get_waba(CLIENT_ACME, ACME_WABA)
    meta.state.wabas[ACME_WABA].account_review_status = "PENDING"

    assert get_waba(CLIENT_ACME, ACME_WABA)[1]["account_review_status"] == "APPROVED"  # kept
    assert get_waba(CLIENT_ACME, ACME_WABA, refresh="true")[1]["account_review_status"] == "PENDING"


@pytest.mark.parametrize("fault", [{"status": 500, "code": 2}, {"status": 429, "code": 80007}])
def test_when_meta_is_down_the_kept_copy_answers_stale(
    meta: InProcessMeta, clock: FrozenClock, fault: dict[str, int]
) -> None:
    get_waba(CLIENT_ACME, ACME_WABA)
    clock.now = NOW + timedelta(hours=2)
    meta.fault(**fault)

    status, body = get_waba(CLIENT_ACME, ACME_WABA)

    assert status == 200, body
    assert (body["stale"], body["fetched_at"], body["name"]) == (True, "2026-11-20T12:00:00.000000Z", "Acme Retail")


@pytest.mark.parametrize(
    ("fault", "answer"), [({"status": 500, "code": 2}, 503), ({"status": 429, "code": 80007}, 429)]
)
def test_when_meta_is_down_and_nothing_is_kept_the_problem_says_so(
    meta: InProcessMeta, aws: AwsWorld, fault: dict[str, int], answer: int
) -> None:
    meta.fault(**fault)

    status, body = get_waba(CLIENT_ACME, ACME_WABA)

    assert (status, body["status"]) == (answer, answer)
    assert aws.dynamodb.scan(TableName="hub-waba", ScanFilter=_details())["Count"] == 0


def _details() -> Any:
    return {"sk": {"AttributeValueList": [{"S": "DETAILS"}], "ComparisonOperator": "EQ"}}


def test_another_tenants_waba_is_not_found_like_an_unknown_one(meta: InProcessMeta) -> None:
    other = get_waba(CLIENT_ACME, GLOBEX_WABA)
    unknown = get_waba(CLIENT_ACME, "999999999999999")

    assert other[0] == unknown[0] == 404
    same = ("type", "title", "status")
    assert {k: other[1][k] for k in same} == {k: unknown[1][k] for k in same}
    assert graph_reads(meta) == []


def test_a_partner_needs_waba_read(meta: InProcessMeta, aws: AwsWorld) -> None:
    aws.grant("acme", "bluewave", "numbers:read")
    assert get_waba(PARTNER, ACME_WABA)[0] == 403
    aws.grant("acme", "bluewave", "numbers:read", "waba:read")
    assert get_waba(PARTNER, ACME_WABA)[0] == 200


def test_support_reads_any_waba(meta: InProcessMeta) -> None:
    assert get_waba(SUPPORT, GLOBEX_WABA)[0] == 200


@pytest.mark.parametrize("waba_id", ["abc", "1" * 21])
def test_a_malformed_waba_id_is_refused_before_anything_is_read(meta: InProcessMeta, waba_id: str) -> None:
    status, body = get_waba(CLIENT_ACME, waba_id)

    assert (status, body["errors"][0]["field"]) == (422, "path.waba_id")
    assert graph_reads(meta) == []


def test_the_list_shows_what_is_kept_without_asking_meta(meta: InProcessMeta) -> None:
    before = list_wabas(CLIENT_ACME)[1]
    get_waba(CLIENT_ACME, ACME_WABA)
    reads = len(graph_reads(meta))
    after = list_wabas(CLIENT_ACME)[1]

    assert before["items"] == [
        {"waba_id": ACME_WABA, "client_id": "acme", "name": None, "type": None, "numbers": None, "fetched_at": None}
    ]
    assert after["items"][0] | {"numbers": 0} == {
        "waba_id": ACME_WABA,
        "client_id": "acme",
        "name": "Acme Retail",
        "type": "SHARED",
        "numbers": 0,
        "fetched_at": "2026-11-20T12:00:00.000000Z",
    }
    assert after["items"][0]["numbers"] >= 1
    assert len(graph_reads(meta)) == reads


def test_who_lists_which_wabas(meta: InProcessMeta, aws: AwsWorld) -> None:
    aws.grant("acme", "bluewave", "waba:read")
    aws.grant("globex", "bluewave", "numbers:read")

    assert [w["waba_id"] for w in list_wabas(PARTNER)[1]["items"]] == [ACME_WABA]
    assert [w["waba_id"] for w in list_wabas(SUPPORT)[1]["items"]] == sorted([ACME_WABA, GLOBEX_WABA])
    assert [w["waba_id"] for w in list_wabas(SUPPORT, client_id="globex")[1]["items"]] == [GLOBEX_WABA]
    assert list_wabas(PARTNER, client_id="globex")[0] == 403  # it sees Globex's numbers, not its WABAs
    assert list_wabas(CLIENT_ACME, client_id="globex")[0] == 404


def test_support_pages_through_every_waba(meta: InProcessMeta) -> None:
    first = list_wabas(SUPPORT, limit="1")[1]
    second = list_wabas(SUPPORT, limit="1", cursor=first["next_cursor"])[1]

    assert [w["waba_id"] for w in first["items"] + second["items"]] == sorted([ACME_WABA, GLOBEX_WABA])
    assert second["next_cursor"] is None or list_wabas(SUPPORT, cursor=second["next_cursor"])[1]["items"] == []


def test_a_cursor_of_another_list_is_refused(meta: InProcessMeta) -> None:
    cursor = list_wabas(SUPPORT, limit="1")[1]["next_cursor"]

    status, body = list_wabas(SUPPORT, client_id="acme", cursor=cursor)

    assert (status, body["status"]) == (400, 400)


# ---------------------------------------------------------------- Meta's account webhooks


def webhook(field: str, value: dict[str, Any], waba_id: str = ACME_WABA) -> bool:
    event = eventbridge_event(a_meta_change(field, value, waba_id=waba_id), detail_type=f"meta.{field}")
    return bool(meta_events_handler(event, context("WabaMetaEventsFunction")))


def test_an_account_review_webhook_updates_the_kept_copy_and_the_next_view_asks_meta(
    meta: InProcessMeta, clock: FrozenClock
) -> None:
    get_waba(CLIENT_ACME, ACME_WABA)
    reads = len(graph_reads(meta))
    meta.state.wabas[ACME_WABA].account_review_status = "REJECTED"

    assert webhook("account_review_update", {"decision": "REJECTED"})
    meta.fault(status=500, code=2)
    down = get_waba(CLIENT_ACME, ACME_WABA)[1]  # Meta down: the kept copy, with what the webhook said
    after = get_waba(CLIENT_ACME, ACME_WABA)[1]

    assert (down["stale"], down["account_review_status"]) == (True, "REJECTED")
    assert (after["stale"], after["account_review_status"]) == (False, "REJECTED")
    assert after["health"]["can_send_message"] == "BLOCKED"  # read again from Meta
    assert len(graph_reads(meta)) > reads


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("account_update", {"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": "DISABLE"}}),
        ("business_capability_update", {"max_daily_conversation_per_phone": 100000}),
    ],
)
def test_other_account_webhooks_make_the_next_view_read_meta_again(
    meta: InProcessMeta, field: str, value: dict[str, Any]
) -> None:
    get_waba(CLIENT_ACME, ACME_WABA)
    reads = len(graph_reads(meta))

    assert webhook(field, value)
    get_waba(CLIENT_ACME, ACME_WABA)
    get_waba(CLIENT_ACME, ACME_WABA)

    assert len(graph_reads(meta)) == 2 * reads  # once again, then the fresh copy


def test_a_webhook_about_a_waba_never_read_writes_nothing(meta: InProcessMeta, aws: AwsWorld) -> None:
    before = aws.dynamodb.scan(TableName="hub-waba")["Items"]

    assert not webhook("account_review_update", {"decision": "APPROVED"}, waba_id="999999999999999")
    assert not webhook("account_review_update", {"decision": "APPROVED"})  # Acme's, before any view

    assert aws.dynamodb.scan(TableName="hub-waba")["Items"] == before
