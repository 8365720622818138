"""A template looked over before Meta sees it: how its customer would see it, Meta's rules it breaks (each on its
field) and what Meta's review often objects to — changing nothing and asking Meta nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.builders import (
    ACME_WABA,
    CLIENT_ACME,
    CLIENT_GLOBEX,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    InProcessMeta,
    assert_problem,
    templates_call,
    templates_world,
)

ROUTE = "/v1/wabas/{waba_id}/templates/preview"
PATH = f"/v1/wabas/{ACME_WABA}/templates/preview"
SHIPPING = {
    "name": "shipping_update",
    "language": "en-US",
    "category": "UTILITY",
    "components": [
        {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["A-1042"]}},
        {
            "type": "BODY",
            "text": "Hi {{1}}, your order is on its way and arrives on {{2}}.",
            "example": {"body_text": [["Maria", "Friday"]]},
        },
        {"type": "FOOTER", "text": "Acme Retail"},
        {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Thanks"}]},
    ],
}


@pytest.fixture
def meta(aws: AwsWorld) -> Iterator[InProcessMeta]:
    with templates_world(aws, FrozenClock()) as sandbox:
        yield sandbox


def preview(body: Any, claims: dict[str, str] | None = CLIENT_ACME) -> tuple[int, dict[str, Any]]:
    return templates_call("POST", PATH, claims, route=ROUTE, body=body)


def test_a_valid_template_is_shown_as_its_customer_would_see_it(meta: InProcessMeta, aws: AwsWorld) -> None:
    status, review = preview(SHIPPING)

    assert status == 200, review
    assert (review["valid"], review["errors"], review["warnings"]) == (True, [], [])
    assert review["preview"]["header"]["text"] == "Order A-1042"
    assert review["preview"]["body"] == "Hi Maria, your order is on its way and arrives on Friday."
    assert review["preview"]["footer"] == "Acme Retail"
    assert [(b["type"], b["text"]) for b in review["preview"]["buttons"]] == [("QUICK_REPLY", "Thanks")]
    assert meta.calls == []
    assert aws.dynamodb.scan(TableName="hub-templates")["Items"] == []


def test_every_broken_rule_is_named_on_its_field_at_once(meta: InProcessMeta) -> None:
    broken = {
        **SHIPPING,
        "name": "Shipping Update",
        "components": [
            {"type": "HEADER", "format": "TEXT", "text": "x" * 61},
            {"type": "BODY", "text": "{{1}} and {{3}}", "example": {"body_text": [["a", "b"]]}},
            {"type": "FOOTER", "text": "Call {{1}}"},
        ],
    }

    status, review = preview(broken)

    assert status == 200, review
    fields = {error["field"] for error in review["errors"]}
    assert review["valid"] is False
    assert {"name", "components[0].text", "components[2].text"} <= fields
    assert any(field.startswith("components[1]") for field in fields)


def test_what_meta_often_rejects_is_warned_with_its_reason(meta: InProcessMeta) -> None:
    promotional = {
        **SHIPPING,
        "components": [{"type": "BODY", "text": "Big sale: 50% off everything, buy now at https://bit.ly/acme"}],
    }

    review = preview(promotional)[1]

    assert review["valid"] is True
    assert {w["code"] for w in review["warnings"]} >= {"PROMOTIONAL_UTILITY", "URL_SHORTENER"}
    assert all(w["field"] == "components[0].text" and w["message"] for w in review["warnings"])


def test_a_body_that_is_no_template_is_refused(meta: InProcessMeta) -> None:
    status, problem = preview({"name": "x", "language": "en_US", "category": "SPAM", "components": []})

    assert status == 422
    assert_problem(problem, 422, "validation-failed")
    assert {error["field"] for error in problem["errors"]} >= {"body.category", "body.components"}


def test_who_may_preview(meta: InProcessMeta, aws: AwsWorld) -> None:
    assert preview(SHIPPING, CLIENT_GLOBEX)[0] == 404
    assert preview(SHIPPING, SUPPORT)[0] == 403
    aws.grant("acme", "bluewave", "templates:read")
    assert preview(SHIPPING, PARTNER)[0] == 403
    aws.grant("acme", "bluewave", "templates:write")
    assert preview(SHIPPING, PARTNER)[0] == 200
