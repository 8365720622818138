"""A number's commerce settings: read and changed at Meta on a SHARED WABA; on an OBO WABA a 409 that sends the
client to support, and the support request published as CommerceSupportRequested — each change with who made it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from hub_waba.consumers.outbox import handler as outbox_handler
from hub_waba.store.wabas import WabaStore
from tests.builders import (
    ACME_NUMBER,
    CLIENT_ACME,
    CLIENT_GLOBEX,
    GLOBEX_NUMBER,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    InProcessMeta,
    claims_for,
    context,
    waba_call,
    waba_world,
)

ROUTE = "/v1/numbers/{number_id}/commerce-settings"
SUPPORT_ROUTE = ROUTE + "/support-request"


@pytest.fixture
def meta(aws: AwsWorld) -> Iterator[InProcessMeta]:
    with waba_world(aws, FrozenClock()) as sandbox:
        yield sandbox


def commerce(claims: dict[str, str] | None, number_id: str = ACME_NUMBER) -> tuple[int, dict[str, Any]]:
    return waba_call("GET", f"/v1/numbers/{number_id}/commerce-settings", claims, route=ROUTE)


def change(claims: dict[str, str] | None, body: Any, number_id: str = ACME_NUMBER) -> tuple[int, dict[str, Any]]:
    return waba_call("PUT", f"/v1/numbers/{number_id}/commerce-settings", claims, route=ROUTE, body=body)


def ask_support(claims: dict[str, str] | None, body: Any, number_id: str = GLOBEX_NUMBER) -> tuple[int, dict[str, Any]]:
    path = f"/v1/numbers/{number_id}/commerce-settings/support-request"
    return waba_call("POST", path, claims, route=SUPPORT_ROUTE, body=body)


def history(aws: AwsWorld, number_id: str) -> list[dict[str, Any]]:
    return WabaStore("hub-waba", aws.dynamodb).history(number_id)


def outbox(aws: AwsWorld) -> list[dict[str, Any]]:
    items = aws.dynamodb.scan(TableName="hub-waba")["Items"]
    return [item for item in items if item["pk"]["S"].startswith("OUTBOX#")]


BOTH_ON = {"is_catalog_visible": True, "is_cart_enabled": True}


def test_a_shared_numbers_settings_are_read_from_meta_and_editable(meta: InProcessMeta) -> None:
    meta.state.numbers[ACME_NUMBER].is_catalog_visible = True

    status, body = commerce(CLIENT_ACME)

    assert status == 200, body
    assert body | {"how_to_change": ""} == {
        "number_id": ACME_NUMBER,
        "waba_id": "102290129340398",
        "waba_type": "SHARED",
        "is_catalog_visible": True,
        "is_cart_enabled": False,
        "editable": True,
        "how_to_change": "",
        "fetched_at": "2026-11-20T12:00:00.000000Z",
        "stale": False,
    }


def test_changing_them_sets_them_at_meta_and_records_who_did_it_before_and_after(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    status, body = change(CLIENT_ACME, BOTH_ON)

    assert status == 200, body
    assert (body["is_catalog_visible"], body["is_cart_enabled"]) == (True, True)
    number = meta.state.numbers[ACME_NUMBER]
    assert (number.is_catalog_visible, number.is_cart_enabled) == (True, True)
    (event,) = history(aws, ACME_NUMBER)
    assert event["actor"] == {"user_id": "user-acme", "role": "client", "partner_id": None, "email": "user@example.com"}
    assert event["before"] == {"is_catalog_visible": False, "is_cart_enabled": False}
    assert event["after"] == BOTH_ON
    (entry,) = outbox(aws)
    assert entry["detail_type"]["S"] == "CommerceSettingsChanged"
    assert commerce(CLIENT_ACME)[1]["is_cart_enabled"] is True


def test_setting_what_is_already_set_changes_nothing_and_publishes_nothing(meta: InProcessMeta, aws: AwsWorld) -> None:
    change(CLIENT_ACME, BOTH_ON)
    posts = [call for call in meta.calls if call[0] == "POST"]

    assert change(CLIENT_ACME, BOTH_ON)[0] == 200
    assert [call for call in meta.calls if call[0] == "POST"] == posts
    assert len(history(aws, ACME_NUMBER)) == 1


def test_a_partner_with_commerce_write_changes_them_as_itself(meta: InProcessMeta, aws: AwsWorld) -> None:
    aws.grant("acme", "bluewave", "commerce:write")

    assert change(PARTNER, BOTH_ON)[0] == 200
    actor = history(aws, ACME_NUMBER)[0]["actor"]
    assert actor == {
        "user_id": "user-partner",
        "role": "partner",
        "partner_id": "bluewave",
        "email": "user@example.com",
    }


def test_on_an_obo_waba_the_change_is_refused_with_the_support_path_and_nothing_changes(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    shown = commerce(CLIENT_GLOBEX, GLOBEX_NUMBER)[1]
    status, body = change(CLIENT_GLOBEX, BOTH_ON, GLOBEX_NUMBER)

    assert (shown["waba_type"], shown["editable"]) == ("OBO", False)
    assert "support" in shown["how_to_change"]
    assert (status, body["type"].rsplit("/", 1)[1]) == (409, "commerce-managed-by-support")
    assert "support-request" in body["detail"]
    assert meta.state.numbers[GLOBEX_NUMBER].is_cart_enabled is False
    assert history(aws, GLOBEX_NUMBER) == [] and outbox(aws) == []


def test_the_support_request_is_published_with_what_is_wanted_and_the_note(meta: InProcessMeta, aws: AwsWorld) -> None:
    status, body = ask_support(CLIENT_GLOBEX, BOTH_ON | {"note": "Please show our catalog."})

    assert status == 202, body
    assert body["request_id"].startswith("csr_") and body["status"] == "requested"
    (event,) = history(aws, GLOBEX_NUMBER)
    assert event["request_id"] == body["request_id"]
    assert (event["wanted"], event["note"]) == (BOTH_ON, "Please show our catalog.")
    assert event["waba_id"] == "104996122399160"
    assert event["current"] == {"is_catalog_visible": False, "is_cart_enabled": False}
    assert outbox(aws)[0]["detail_type"]["S"] == "CommerceSupportRequested"


def test_a_shared_number_is_sent_to_change_its_settings_itself(meta: InProcessMeta, aws: AwsWorld) -> None:
    status, body = ask_support(CLIENT_ACME, BOTH_ON, ACME_NUMBER)

    assert (status, body["type"].rsplit("/", 1)[1]) == (409, "commerce-self-service")
    assert outbox(aws) == []


@pytest.mark.parametrize("fault", [{"status": 500, "code": 2}, {"status": 429, "code": 80007}])
def test_meta_failing_the_change_answers_its_problem_and_records_nothing(
    meta: InProcessMeta, aws: AwsWorld, fault: dict[str, int]
) -> None:
    commerce(CLIENT_ACME)  # the WABA's type is known and kept
    meta.fault(count=5, **fault)

    status, body = change(CLIENT_ACME, BOTH_ON)

    assert status in (429, 502, 503) and body["status"] == status
    assert meta.state.numbers[ACME_NUMBER].is_cart_enabled is False
    assert history(aws, ACME_NUMBER) == [] and outbox(aws) == []


@pytest.mark.parametrize(
    "body",
    [
        {"is_catalog_visible": True},
        {"is_catalog_visible": "yes please", "is_cart_enabled": True},
        BOTH_ON | {"is_shop_open": True},
        [],
    ],
)
def test_a_bad_body_is_refused_before_meta_is_asked(meta: InProcessMeta, aws: AwsWorld, body: Any) -> None:
    status, problem = change(CLIENT_ACME, body)

    assert (status, problem["status"]) == (422, 422)
    assert problem["errors"]
    assert meta.calls == [] and outbox(aws) == []


@pytest.mark.parametrize("note", ["", "x" * 1001])
def test_a_note_out_of_bounds_is_refused(meta: InProcessMeta, aws: AwsWorld, note: str) -> None:
    status, problem = ask_support(CLIENT_GLOBEX, BOTH_ON | {"note": note})

    assert (status, problem["errors"][0]["field"]) == (422, "body.note")
    assert outbox(aws) == []


def test_who_may_do_what(meta: InProcessMeta, aws: AwsWorld) -> None:
    aws.grant("acme", "bluewave", "numbers:read")
    assert commerce(PARTNER)[0] == 403  # it sees the number, may not read its settings
    assert change(PARTNER, BOTH_ON)[0] == 403
    assert commerce(SUPPORT)[0] == 200
    assert change(SUPPORT, BOTH_ON)[0] == 403
    assert commerce(CLIENT_GLOBEX)[0] == 404  # Acme's number
    assert change(claims_for(client_id="globex"), BOTH_ON)[0] == 404
    assert outbox(aws) == []


def test_a_deleted_number_is_not_found(meta: InProcessMeta, aws: AwsWorld) -> None:
    aws.register_number("acme", "102290129340398", ACME_NUMBER, deleted=True)

    assert commerce(CLIENT_ACME)[0] == 404


@pytest.mark.parametrize(("fault", "answer"), [({"status": 500, "code": 2}, 503), ({"status": 429, "code": 4}, 429)])
def test_meta_down_before_anything_is_known_answers_its_problem_on_every_route(
    meta: InProcessMeta, aws: AwsWorld, fault: dict[str, int], answer: int
) -> None:
    meta.fault(count=50, **fault)

    assert commerce(CLIENT_ACME)[0] == answer
    assert change(CLIENT_ACME, BOTH_ON)[0] == answer
    assert ask_support(CLIENT_GLOBEX, BOTH_ON)[0] == answer
    assert outbox(aws) == []


def test_the_waba_tables_relay_publishes_the_change_on_the_bus(meta: InProcessMeta, aws: AwsWorld) -> None:
    published = aws.observe("hub.waba")
    change(CLIENT_ACME, BOTH_ON)
    records = [
        {**record, "dynamodb": {**record["dynamodb"], "ApproximateCreationDateTime": 0}}
        for record in aws.stream_records("hub-waba")
    ]

    relay(records)

    sqs = boto3.client("sqs", region_name="eu-central-1")
    (message,) = sqs.receive_message(QueueUrl=published, MaxNumberOfMessages=10).get("Messages", [])
    event = json.loads(message["Body"])
    assert (event["source"], event["detail-type"]) == ("hub.waba", "CommerceSettingsChanged")
    assert event["detail"]["after"] == BOTH_ON and event["detail"]["actor"]["user_id"] == "user-acme"


def relay(records: list[dict[str, Any]]) -> None:
    outbox_handler({"Records": records}, context("WabaOutboxFunction"))
