"""Tickets' files: the hub answers an S3 pre-signed POST whose policy holds the key, the type and the size, and S3
itself (moto with the local cloud's policy check, `local.moto_fixes.enforce_post_policies`) refuses any other upload;
reads give short-lived download addresses; only the ticket's client, its partner and agents reach them."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from local.moto_fixes import post_policy_refusal
from tests.builders import (
    CLIENT_ACME,
    CLIENT_GLOBEX,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    assert_problem,
    support_call,
    support_world,
)

NEW = {"subject": "Screenshot of the error", "category": "technical", "description": "See the file."}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 120
FILE = {"filename": "error.png", "content_type": "image/png", "size": len(PNG)}


@pytest.fixture
def world(aws: AwsWorld) -> Iterator[AwsWorld]:
    aws.add_client("acme", partner_id="bluewave")
    aws.grant("acme", "bluewave", "tickets:write")
    # pre-signed URLs are signed for the real time (S3 checks their expiry against it), whatever the hub's clock
    with support_world(FrozenClock(datetime.now(UTC))):
        yield aws


@pytest.fixture
def ticket(world: AwsWorld) -> dict[str, Any]:
    status, body = support_call("POST", "/v1/tickets", CLIENT_ACME, body=NEW)
    assert status == 201
    return dict(body)


def add_file(ticket: dict[str, Any], claims: dict[str, str] = CLIENT_ACME, **fields: Any) -> tuple[int, Any]:
    path = f"/v1/tickets/{ticket['ticket_id']}/attachments"
    return support_call("POST", path, claims, route="/v1/tickets/{ticket_id}/attachments", body={**FILE, **fields})


def upload(form: dict[str, Any], content: bytes, **changed: str) -> requests.Response:
    """What the browser posts: the form's fields (some changed), the file last."""
    fields = {**form["fields"], **changed}
    return requests.post(form["url"], data=fields, files={"file": ("error.png", content, "image/png")}, timeout=10)


def detail(ticket: dict[str, Any], claims: dict[str, str] = CLIENT_ACME) -> dict[str, Any]:
    path = f"/v1/tickets/{ticket['ticket_id']}"
    status, body = support_call("GET", path, claims, route="/v1/tickets/{ticket_id}")
    assert status == 200, body
    return dict(body)


def test_a_file_is_uploaded_with_the_form_and_downloaded_by_those_who_see_the_ticket(
    ticket: dict[str, Any],
) -> None:
    status, added = add_file(ticket)
    assert status == 201
    form = added["upload"]
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    assert {"Content-Type": "image/png"} in policy["conditions"]
    assert ["content-length-range", 1, len(PNG)] in policy["conditions"]
    (pending,) = detail(ticket)["attachments"]
    assert (pending["uploaded"], pending["download_url"]) == (False, None)

    assert upload(form, PNG).status_code == 204

    for claims in (CLIENT_ACME, PARTNER, SUPPORT):
        (file,) = detail(ticket, claims)["attachments"]
        assert (file["filename"], file["content_type"], file["size"], file["uploaded"]) == (
            "error.png",
            "image/png",
            len(PNG),
            True,
        )
        query = parse_qs(urlparse(file["download_url"]).query)
        assert query["X-Amz-Expires"] == ["300"]
        assert "attachment" in query["response-content-disposition"][0]
        assert requests.get(file["download_url"], timeout=10).content == PNG


@pytest.mark.parametrize(
    ("changed", "content", "code"),
    [
        ({}, PNG + b"more", "EntityTooLarge"),
        ({"Content-Type": "application/x-msdownload"}, PNG, "AccessDenied"),
        ({"key": "tickets/elsewhere/att_x"}, PNG, "AccessDenied"),
        ({"x-amz-signature": "0" * 64}, PNG, "SignatureDoesNotMatch"),
    ],
    ids=["larger-than-declared", "another-type", "another-key", "forged-signature"],
)
def test_s3_refuses_an_upload_the_policy_does_not_allow(
    ticket: dict[str, Any], changed: dict[str, str], content: bytes, code: str
) -> None:
    _, added = add_file(ticket)

    refused = upload(added["upload"], content, **changed)

    assert refused.status_code in (400, 403)
    assert f"<Code>{code}</Code>" in refused.text
    (file,) = detail(ticket)["attachments"]
    assert file["uploaded"] is False


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"content_type": "application/x-msdownload"}, "body.content_type"),
        ({"size": 10 * 1024 * 1024 + 1}, "body.size"),
    ],
    ids=["forbidden-type", "too-big"],
)
def test_the_hub_refuses_a_file_it_does_not_take_before_any_form_is_made(
    world: AwsWorld, ticket: dict[str, Any], fields: dict[str, Any], field: str
) -> None:
    before = world.items_in_key_order("hub-support")

    status, problem = add_file(ticket, **fields)

    assert status == 422
    assert_problem(problem, 422, "validation-failed")
    assert [error["field"] for error in problem["errors"]] == [field]
    assert world.items_in_key_order("hub-support") == before


@pytest.mark.parametrize("fields", [{"size": 0}, {"size": "12"}, {"filename": ""}, {"content_type": None}])
def test_a_malformed_file_description_is_refused(
    world: AwsWorld, ticket: dict[str, Any], fields: dict[str, Any]
) -> None:
    before = world.items_in_key_order("hub-support")

    status, problem = add_file(ticket, **fields)

    assert status == 422
    assert world.items_in_key_order("hub-support") == before
    assert problem["status"] == 422


def test_another_tenant_cannot_add_or_see_a_file(world: AwsWorld, ticket: dict[str, Any]) -> None:
    before = world.items_in_key_order("hub-support")

    status, problem = add_file(ticket, CLIENT_GLOBEX)

    assert status == 404
    assert_problem(problem, 404, "not-found")
    assert world.items_in_key_order("hub-support") == before


def test_a_closed_ticket_takes_no_file(world: AwsWorld, ticket: dict[str, Any]) -> None:
    support_call("POST", f"/v1/tickets/{ticket['ticket_id']}/close", CLIENT_ACME, route="/v1/tickets/{ticket_id}/close")
    before = world.items_in_key_order("hub-support")

    status, problem = add_file(ticket)

    assert status == 409
    assert_problem(problem, 409, "ticket-closed")
    assert world.items_in_key_order("hub-support") == before


# ---------------------------------------------------------------- the local S3's policy check itself

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def form(
    conditions: list[Any], fields: dict[str, str], *, expires: datetime = NOW + timedelta(minutes=5)
) -> dict[str, str]:
    policy = {"expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"), "conditions": conditions}
    return {
        "policy": base64.b64encode(json.dumps(policy).encode()).decode(),
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": "unknown/20261201/eu-central-1/s3/aws4_request",
        "x-amz-signature": "a" * 64,
        **fields,
    }


CONDITIONS = [
    {"bucket": "files"},
    {"key": "tickets/t/a"},
    {"Content-Type": "image/png"},
    ["content-length-range", 1, 100],
    {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
    {"x-amz-credential": "unknown/20261201/eu-central-1/s3/aws4_request"},
]
FIELDS = {"key": "tickets/t/a", "Content-Type": "image/png"}


def refusal(fields: dict[str, str], size: int = 50, bucket: str = "files") -> tuple[int, str, str] | None:
    return post_policy_refusal(fields, size=size, bucket=bucket, now=NOW, secrets={})


def test_the_policy_check_takes_a_form_its_policy_allows() -> None:
    assert refusal(form(CONDITIONS, FIELDS)) is None
    starts = [*CONDITIONS[:1], ["starts-with", "$key", "tickets/"], *CONDITIONS[2:]]
    assert refusal(form(starts, FIELDS)) is None


@pytest.mark.parametrize(
    ("fields", "size", "bucket", "expected"),
    [
        (form(CONDITIONS, FIELDS, expires=NOW), 50, "files", (403, "AccessDenied", "Policy expired")),
        (form(CONDITIONS, FIELDS), 101, "files", (400, "EntityTooLarge", "")),
        (form(CONDITIONS, FIELDS), 0, "files", (400, "EntityTooSmall", "")),
        (form(CONDITIONS, FIELDS), 50, "other", (403, "AccessDenied", "Condition failed")),
        (form(CONDITIONS, {**FIELDS, "success_action_status": "201"}), 50, "files", (403, "AccessDenied", "Extra")),
        ({**form(CONDITIONS, FIELDS), "policy": "not base64!"}, 50, "files", (400, "InvalidPolicyDocument", "")),
        (
            {k: v for k, v in form(CONDITIONS, FIELDS).items() if k != "policy"},
            50,
            "files",
            (403, "AccessDenied", ""),
        ),
    ],
    ids=["expired", "too-large", "empty", "another-bucket", "an-unconditioned-field", "unreadable", "no-policy"],
)
def test_the_policy_check_refuses_as_s3_does(
    fields: dict[str, str], size: int, bucket: str, expected: tuple[int, str, str]
) -> None:
    found = refusal(fields, size, bucket)

    assert found is not None
    assert found[:2] == expected[:2]
    assert expected[2] in found[2]
