"""GET and POST /webhooks/meta: handler → use case → the webhook changes table (moto, from the template)."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from hub_webhooks.app import handler
from tests.builders import (
    META_WEBHOOK_SAMPLES,
    REGION,
    WEBHOOK_APP_SECRET,
    WEBHOOK_VERIFY_TOKEN,
    Answer,
    AwsWorld,
    context,
    encode_json,
    http_event,
    post_signed_webhook,
    post_webhook,
    quality_webhook,
    stored_changes_of,
    webhook_entry,
    webhook_notification,
    webhook_signature,
)

PATH = "/webhooks/meta"
SAMPLES = sorted(META_WEBHOOK_SAMPLES.glob("*.json"))
PROBLEM_JSON = "application/problem+json"


@pytest.fixture
def world(aws: AwsWorld) -> AwsWorld:
    """The moto account with Meta's app secret and verify token."""
    secrets = boto3.client("secretsmanager", region_name=REGION)
    secrets.create_secret(Name="hub/meta/app-secret", SecretString=WEBHOOK_APP_SECRET)
    secrets.create_secret(Name="hub/meta/verify-token", SecretString=WEBHOOK_VERIFY_TOKEN)
    return aws


def handshake(query: dict[str, str]) -> dict[str, Any]:
    answer: dict[str, Any] = handler(http_event("GET", PATH, query=query), context("WebhooksFunction"))
    return answer


def sample(path: Path) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(path.read_text())
    return body


def expected_change_id(waba_id: str, field: str, time: int, value: dict[str, Any]) -> str:
    head = json.dumps([waba_id, field, time], separators=(",", ":"))
    return hashlib.sha256((head + json.dumps(value, sort_keys=True, separators=(",", ":"))).encode()).hexdigest()


def assert_refused(world: AwsWorld, answer: Answer, status: int) -> dict[str, Any]:
    code, body, headers = answer
    assert (code, headers.get("Content-Type")) == (status, PROBLEM_JSON), body
    assert body["status"] == status
    assert stored_changes_of(world) == []
    return body


# ---------------------------------------------------------------- the verification handshake


def test_handshake_with_the_verify_token_echoes_the_challenge_as_plain_text(world: AwsWorld) -> None:
    answer = handshake(
        {"hub.mode": "subscribe", "hub.verify_token": WEBHOOK_VERIFY_TOKEN, "hub.challenge": "1158201444"}
    )

    assert (answer["statusCode"], answer["body"]) == (200, "1158201444")
    assert answer["headers"]["Content-Type"] == "text/plain"


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "not-the-token", "hub.challenge": "1158201444"},
        {"hub.mode": "subscribe", "hub.verify_token": WEBHOOK_VERIFY_TOKEN[:-1], "hub.challenge": "1158201444"},
        {"hub.mode": "unsubscribe", "hub.verify_token": WEBHOOK_VERIFY_TOKEN, "hub.challenge": "1158201444"},
        {"hub.verify_token": WEBHOOK_VERIFY_TOKEN, "hub.challenge": "1158201444"},
        {"hub.mode": "subscribe", "hub.challenge": "1158201444"},
        {"hub.mode": "subscribe", "hub.verify_token": WEBHOOK_VERIFY_TOKEN},
        {},
    ],
    ids=["wrong-token", "token-prefix", "wrong-mode", "no-mode", "no-token", "no-challenge", "nothing"],
)
def test_handshake_is_forbidden_unless_meta_subscribes_with_our_token(world: AwsWorld, query: dict[str, str]) -> None:
    answer = handshake(query)

    assert (answer["statusCode"], answer["headers"]["Content-Type"]) == (403, PROBLEM_JSON)
    assert "1158201444" not in answer["body"]


def test_a_repeated_handshake_parameter_is_refused_with_422(world: AwsWorld) -> None:
    """`?hub.verify_token=a&hub.verify_token=b` is two values, not the one a handshake parameter is (the 422 the
    operation documents; schema fuzzing sent it). API Gateway joins them in `queryStringParameters`; the raw query
    string keeps both."""
    event = http_event("GET", PATH, query={"hub.mode": "subscribe", "hub.verify_token": f"{WEBHOOK_VERIFY_TOKEN},x"})
    event["rawQueryString"] = f"hub.mode=subscribe&hub.verify_token={WEBHOOK_VERIFY_TOKEN}&hub.verify_token=x"

    answer: dict[str, Any] = handler(event, context("WebhooksFunction"))

    assert (answer["statusCode"], answer["headers"]["Content-Type"]) == (422, PROBLEM_JSON)
    assert json.loads(answer["body"])["errors"][0]["field"] == "query.hub.verify_token"


# ---------------------------------------------------------------- notifications: stored_changes_of once


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_each_meta_sample_with_a_valid_signature_is_stored_once(world: AwsWorld, path: Path) -> None:
    body = sample(path)
    (meta_entry,) = body["entry"]
    (change,) = meta_entry["changes"]

    status, receipt, _ = post_signed_webhook(path.read_bytes())

    assert (status, receipt) == (200, {"received": 1, "stored": 1, "duplicates": 0})
    (item,) = stored_changes_of(world)
    assert item["change_id"] == expected_change_id(
        meta_entry["id"], change["field"], meta_entry["time"], change["value"]
    )
    assert (item["waba_id"], item["field"], int(item["time"])) == (
        meta_entry["id"],
        change["field"],
        meta_entry["time"],
    )
    assert json.loads(item["value"]) == change["value"]
    received_at = datetime.fromisoformat(item["received_at"])
    assert received_at.utcoffset() == timedelta(0)
    assert int(item["expires_at"]) == int((received_at + timedelta(days=14)).timestamp())


def test_the_same_body_twice_stores_nothing_the_second_time(world: AwsWorld) -> None:
    raw = (META_WEBHOOK_SAMPLES / "account_update.disabled_update.json").read_bytes()
    post_signed_webhook(raw)
    first = stored_changes_of(world)

    status, receipt, _ = post_signed_webhook(raw)

    assert (status, receipt) == (200, {"received": 1, "stored": 0, "duplicates": 1})
    assert stored_changes_of(world) == first


def test_a_retry_serialised_differently_is_still_the_same_change(world: AwsWorld) -> None:
    body = sample(META_WEBHOOK_SAMPLES / "message_template_status_update.approved.json")
    post_signed_webhook(encode_json(body))
    value = body["entry"][0]["changes"][0]["value"]
    body["entry"][0]["changes"][0]["value"] = dict(reversed(list(value.items())))

    status, receipt, _ = post_signed_webhook(json.dumps(body, indent=4).encode())

    assert (status, receipt["stored"], receipt["duplicates"]) == (200, 0, 1)
    assert len(stored_changes_of(world)) == 1


def test_a_change_that_happens_again_later_is_a_new_change(world: AwsWorld) -> None:
    for event, time in [("FLAGGED", 1_760_000_000), ("UNFLAGGED", 1_760_000_100), ("FLAGGED", 1_760_000_200)]:
        status, receipt, _ = post_signed_webhook(encode_json(quality_webhook(event, time)))
        assert (status, receipt["stored"]) == (200, 1)

    assert sorted((int(i["time"]), json.loads(i["value"])["event"]) for i in stored_changes_of(world)) == [
        (1_760_000_000, "FLAGGED"),
        (1_760_000_100, "UNFLAGGED"),
        (1_760_000_200, "FLAGGED"),
    ]


def test_the_same_change_twice_in_one_body_is_stored_once(world: AwsWorld) -> None:
    once = quality_webhook("FLAGGED", 1_760_000_000)["entry"][0]

    status, receipt, _ = post_signed_webhook(encode_json(webhook_notification(once, copy.deepcopy(once))))

    assert (status, receipt) == (200, {"received": 2, "stored": 1, "duplicates": 1})
    assert len(stored_changes_of(world)) == 1


def test_unknown_fields_are_stored_like_any_other(world: AwsWorld) -> None:
    value = {"brand_new": {"nested": [1, 2.5, None, True]}, "note": "Grüße"}
    body = webhook_notification(webhook_entry("102290129340398", 1_770_000_000, ("a_field_meta_added_later", value)))

    status, receipt, _ = post_signed_webhook(encode_json(body))

    assert (status, receipt["stored"]) == (200, 1)
    (item,) = stored_changes_of(world)
    assert (item["field"], json.loads(item["value"])) == ("a_field_meta_added_later", value)


def test_a_change_without_time_is_stored_with_time_zero(world: AwsWorld) -> None:
    value = {"messaging_product": "whatsapp", "statuses": [{"id": "wamid.HBgL", "status": "delivered"}]}

    status, receipt, _ = post_signed_webhook(
        encode_json(webhook_notification(webhook_entry("102290129340398", None, ("messages", value))))
    )

    assert (status, receipt["stored"]) == (200, 1)
    (item,) = stored_changes_of(world)
    assert int(item["time"]) == 0


def test_a_batch_of_many_entries_and_changes_is_stored_change_by_change(world: AwsWorld) -> None:
    def batch(first: int, count: int) -> dict[str, Any]:
        return webhook_notification(
            *(
                webhook_entry(f"10{w:013d}", 1_770_000_000 + w, *(("account_alerts", {"n": c}) for c in range(25)))
                for w in range(first, first + count)
            )
        )

    status, receipt, _ = post_signed_webhook(encode_json(batch(0, 40)))
    assert (status, receipt) == (200, {"received": 1000, "stored": 1000, "duplicates": 0})

    status, receipt, _ = post_signed_webhook(encode_json(batch(35, 10)))  # half of it was delivered before

    assert (status, receipt) == (200, {"received": 250, "stored": 125, "duplicates": 125})
    assert len({item["change_id"] for item in stored_changes_of(world)}) == 1125


def test_an_empty_entry_list_is_accepted_and_stores_nothing(world: AwsWorld) -> None:
    status, receipt, _ = post_signed_webhook(encode_json(webhook_notification()))

    assert (status, receipt) == (200, {"received": 0, "stored": 0, "duplicates": 0})
    assert stored_changes_of(world) == []


def test_a_base64_encoded_body_is_verified_over_its_decoded_bytes(world: AwsWorld) -> None:
    raw = (META_WEBHOOK_SAMPLES / "phone_number_quality_update.json").read_bytes()

    status, receipt, _ = post_signed_webhook(raw, base64_encoded=True)

    assert (status, receipt["stored"]) == (200, 1)


def test_a_text_body_is_verified_over_its_utf8_bytes(world: AwsWorld) -> None:
    value = {"event": "APPROVED", "message_template_name": "bestätigung_📦", "reason": "NONE"}
    raw = json.dumps(
        webhook_notification(
            webhook_entry("102290129340398", 1_770_000_000, ("message_template_status_update", value))
        ),
        ensure_ascii=False,
    ).encode()

    status, receipt, _ = post_signed_webhook(raw)

    assert (status, receipt["stored"]) == (200, 1)
    assert json.loads(stored_changes_of(world)[0]["value"]) == value


def test_a_stored_change_keeps_the_request_id_for_tracing(world: AwsWorld) -> None:
    raw = encode_json(quality_webhook("FLAGGED", 1_760_000_000))
    event = http_event("POST", PATH, body=raw.decode(), headers={"x-hub-signature-256": webhook_signature(raw)})

    assert handler(event, context("WebhooksFunction"))["statusCode"] == 200

    (item,) = stored_changes_of(world)
    assert item["correlation_id"] == event["requestContext"]["requestId"]


def test_logs_hold_counts_never_bodies_or_signatures(
    world: AwsWorld, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = encode_json(quality_webhook("FLAGGED", 1_760_000_000))

    post_signed_webhook(raw)

    (record,) = [r for r in caplog.records if r.getMessage() == "meta notification received"]
    assert [getattr(record, k) for k in ("received", "stored", "duplicates")] == [1, 1, 0]
    logged = capsys.readouterr().out + "".join(str(vars(r)) for r in caplog.records)
    assert webhook_signature(raw).removeprefix("sha256=") not in logged
    assert "15550783881" not in logged


# ---------------------------------------------------------------- notifications: refused, nothing stored_changes_of


def test_a_forged_signature_is_unauthorized(world: AwsWorld) -> None:
    raw = encode_json(quality_webhook("FLAGGED", 1_760_000_000))

    body = assert_refused(
        world, post_webhook(raw, {"x-hub-signature-256": webhook_signature(raw, "not-the-app-secret")}), 401
    )

    assert body["title"] == "Unauthorized"


@pytest.mark.parametrize(
    "header",
    [None, "", "sha256=", "sha1=0123abcd", "sha256=zz", "sha256=" + "0" * 64, "sha256=ünïcödé", "Bearer x"],
    ids=["missing", "empty", "no-digest", "sha1", "not-hex", "zeros", "non-ascii", "other-scheme"],
)
def test_a_missing_or_malformed_signature_is_unauthorized(world: AwsWorld, header: str | None) -> None:
    raw = encode_json(quality_webhook("FLAGGED", 1_760_000_000))

    assert_refused(world, post_webhook(raw, {"x-hub-signature-256": header} if header is not None else {}), 401)


def test_a_truncated_body_is_unauthorized(world: AwsWorld) -> None:
    raw = encode_json(quality_webhook("FLAGGED", 1_760_000_000))

    assert_refused(world, post_webhook(raw[:-10], {"x-hub-signature-256": webhook_signature(raw)}), 401)


def test_a_body_edited_after_signing_is_unauthorized(world: AwsWorld) -> None:
    raw = encode_json(quality_webhook("FLAGGED", 1_760_000_000))
    edited = raw.replace(b"FLAGGED", b"UNFLAGGED")

    assert_refused(world, post_webhook(edited, {"x-hub-signature-256": webhook_signature(raw)}), 401)


def test_a_body_edited_and_re_signed_without_the_app_secret_is_unauthorized(world: AwsWorld) -> None:
    raw = encode_json(quality_webhook("FLAGGED", 1_760_000_000))
    edited = raw.replace(b"FLAGGED", b"UNFLAGGED")

    assert_refused(
        world,
        post_webhook(edited, {"x-hub-signature-256": webhook_signature(edited, WEBHOOK_APP_SECRET + "x")}),
        401,
    )


def test_an_empty_unsigned_body_is_unauthorized(world: AwsWorld) -> None:
    assert_refused(world, post_webhook(b""), 401)


def test_an_empty_signed_body_is_bad_request(world: AwsWorld) -> None:
    assert_refused(world, post_signed_webhook(b""), 400)


def test_a_signed_body_that_is_not_json_is_bad_request(world: AwsWorld) -> None:
    body = assert_refused(world, post_signed_webhook(b'{"object": "whatsapp_business_account", "entry": ['), 400)

    assert body["errors"][0]["field"] == "body"


def test_a_signed_body_of_another_object_is_unprocessable(world: AwsWorld) -> None:
    raw = encode_json({"object": "page", "entry": [{"id": "1", "time": 1, "changes": []}]})

    body = assert_refused(world, post_signed_webhook(raw), 422)

    assert [e["field"] for e in body["errors"]] == ["body.object"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ([1, 2], ["body"]),
        ({"object": "whatsapp_business_account"}, ["body.entry"]),
        ({"object": "whatsapp_business_account", "entry": [{"time": 1, "changes": []}]}, ["body.entry[0].id"]),
        (
            webhook_notification(
                {"id": "1", "changes": [{"field": "account_update", "value": ["not", "an", "object"]}]}
            ),
            ["body.entry[0].changes[0].value"],
        ),
        (webhook_notification({"id": "1", "changes": [{"value": {}}]}), ["body.entry[0].changes[0].field"]),
        (webhook_notification({"id": "1", "time": "yesterday", "changes": []}), ["body.entry[0].time"]),
        (webhook_notification({"id": "1", "time": True, "changes": []}), ["body.entry[0].time"]),
        (webhook_notification({"id": "1", "time": "1760000000", "changes": []}), ["body.entry[0].time"]),
        (webhook_notification({"id": "1", "time": 1760000000.5, "changes": []}), ["body.entry[0].time"]),
    ],
    ids=[
        "array",
        "no-entry",
        "no-waba-id",
        "value-not-object",
        "no-field",
        "time-not-a-number",
        "time-a-boolean",
        "time-in-a-string",
        "time-a-fraction",
    ],
)
def test_a_signed_body_that_is_not_meta_envelope_is_unprocessable_with_each_field(
    world: AwsWorld, body: Any, fields: list[str]
) -> None:
    problem = assert_refused(world, post_signed_webhook(encode_json(body)), 422)

    assert [e["field"] for e in problem["errors"]] == fields


def test_a_valid_batch_with_one_bad_change_stores_none_of_it(world: AwsWorld) -> None:
    good = quality_webhook("FLAGGED", 1_760_000_000)["entry"][0]
    bad = {"id": "1", "changes": [{"field": "account_update"}]}

    assert_refused(world, post_signed_webhook(encode_json(webhook_notification(good, bad))), 422)


def test_a_body_over_three_megabytes_is_too_large(world: AwsWorld) -> None:
    padding = "x" * (3 * 1024 * 1024)
    raw = encode_json(
        webhook_notification(webhook_entry("102290129340398", 1, ("account_update", {"event": "X", "pad": padding})))
    )

    assert_refused(world, post_signed_webhook(raw), 413)
    assert_refused(world, post_signed_webhook(raw, base64_encoded=True), 413)


def test_a_body_of_exactly_three_megabytes_is_accepted(world: AwsWorld) -> None:
    """3 MB of many changes (one item holds at most DynamoDB's 400 KB)."""

    def body(last_pad: int) -> bytes:
        changes = [("account_update", {"n": n, "pad": "x" * 100_000}) for n in range(30)]
        return encode_json(
            webhook_notification(
                webhook_entry("102290129340398", 1, *changes, ("account_update", {"pad": "x" * last_pad}))
            )
        )

    raw = body(3 * 1024 * 1024 - len(body(0)))
    assert len(raw) == 3 * 1024 * 1024

    status, receipt, _ = post_signed_webhook(raw)

    assert (status, receipt["stored"]) == (200, 31)
