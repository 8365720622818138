"""A number's business profile: read at Meta, changed field by field at Meta after Meta's limits are checked here
(each refusal names its field and asks Meta nothing), each change published with who made it, before and after."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hub_waba.store.wabas import WabaStore
from tests.builders import (
    ACME_NUMBER,
    CLIENT_ACME,
    CLIENT_GLOBEX,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    InProcessMeta,
    waba_call,
    waba_world,
)

ROUTE = "/v1/numbers/{number_id}/profile"
PATH = f"/v1/numbers/{ACME_NUMBER}/profile"


@pytest.fixture
def meta(aws: AwsWorld) -> Iterator[InProcessMeta]:
    with waba_world(aws, FrozenClock()) as sandbox:
        sandbox.state.numbers[ACME_NUMBER].profile.update(
            {"about": "Hello from Acme", "vertical": "RETAIL", "websites": ["https://acme.example"]}
        )
        yield sandbox


def profile(claims: dict[str, str] | None) -> tuple[int, dict[str, Any]]:
    return waba_call("GET", PATH, claims, route=ROUTE)


def patch(claims: dict[str, str] | None, body: Any) -> tuple[int, dict[str, Any]]:
    return waba_call("PATCH", PATH, claims, route=ROUTE, body=body)


def history(aws: AwsWorld) -> list[dict[str, Any]]:
    return WabaStore("hub-waba", aws.dynamodb).history(ACME_NUMBER)


def test_the_profile_is_read_from_meta_with_the_verticals_name(meta: InProcessMeta) -> None:
    status, body = profile(CLIENT_ACME)

    assert status == 200, body
    assert body == {
        "number_id": ACME_NUMBER,
        "about": "Hello from Acme",
        "address": None,
        "description": None,
        "email": None,
        "websites": ["https://acme.example"],
        "vertical": "RETAIL",
        "vertical_name": "Shopping and Retail",
        "profile_picture_url": None,
        "fetched_at": "2026-11-20T12:00:00.000000Z",
        "stale": False,
    }


def test_a_patch_changes_only_the_fields_sent_and_publishes_them_before_and_after(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    status, body = patch(CLIENT_ACME, {"about": "New about", "email": "hi@acme.example", "vertical": "BEAUTY"})

    assert status == 200, body
    assert (body["about"], body["email"]) == ("New about", "hi@acme.example")
    assert body["vertical_name"] == "Beauty, Spa and Salon"
    assert body["websites"] == ["https://acme.example"]  # not sent, kept
    assert meta.state.numbers[ACME_NUMBER].profile["about"] == "New about"
    (event,) = history(aws)
    assert event["before"] == {"about": "Hello from Acme", "email": None, "vertical": "RETAIL"}
    assert event["after"] == {"about": "New about", "email": "hi@acme.example", "vertical": "BEAUTY"}
    assert event["actor"]["user_id"] == "user-acme"


def test_empty_values_clear_fields(meta: InProcessMeta) -> None:
    status, body = patch(CLIENT_ACME, {"websites": [], "vertical": ""})

    assert status == 200, body
    assert (body["websites"], body["vertical"]) == ([], None)


def test_sending_what_is_already_there_asks_meta_to_change_nothing(meta: InProcessMeta, aws: AwsWorld) -> None:
    status, _ = patch(CLIENT_ACME, {"about": "Hello from Acme"})

    assert status == 200
    assert [call for call in meta.calls if call[0] == "POST"] == []
    assert history(aws) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"about": ""}, "body.about"),
        ({"about": "a" * 140}, "body.about"),
        ({"address": "a" * 257}, "body.address"),
        ({"description": "d" * 513}, "body.description"),
        ({"email": "not-an-email"}, "body.email"),
        ({"email": "a" * 120 + "@acme.example"}, "body.email"),
        ({"websites": ["acme.example"]}, "body.websites[0]"),
        ({"websites": ["https://a.example", "https://b.example", "https://c.example"]}, "body.websites"),
        ({"websites": ["https://" + "a" * 250]}, "body.websites[0]"),
        ({"vertical": "SPACE_TRAVEL"}, "body.vertical"),
        ({"colour": "blue"}, "body.colour"),
        ({}, "body"),
    ],
)
def test_a_field_out_of_metas_limits_is_refused_here_naming_it_and_meta_is_not_asked(
    meta: InProcessMeta, aws: AwsWorld, body: dict[str, Any], field: str
) -> None:
    status, problem = patch(CLIENT_ACME, body)

    assert (status, problem["status"]) == (422, 422)
    assert any(error["field"].startswith(field) for error in problem["errors"]), problem["errors"]
    assert meta.calls == []
    assert history(aws) == []


@pytest.mark.parametrize(
    ("body", "ok"),
    [
        ({"about": "a" * 139}, True),
        ({"address": "a" * 256}, True),
        ({"description": "d" * 512}, True),
        ({"email": "a" * 115 + "@acme.example"}, True),
        ({"websites": ["https://a.example", "http://b.example"]}, True),
    ],
)
def test_fields_at_their_limits_are_taken(meta: InProcessMeta, body: dict[str, Any], ok: bool) -> None:
    assert (patch(CLIENT_ACME, body)[0] == 200) is ok


@pytest.mark.parametrize(("fault", "answer"), [({"status": 500, "code": 2}, 503), ({"status": 429, "code": 4}, 429)])
def test_meta_failing_answers_its_problem_and_records_nothing(
    meta: InProcessMeta, aws: AwsWorld, fault: dict[str, int], answer: int
) -> None:
    meta.fault(count=50, **fault)

    status, problem = patch(CLIENT_ACME, {"about": "New about"})

    assert (status, problem["status"]) == (answer, answer)
    assert profile(CLIENT_ACME)[0] == answer
    assert meta.state.numbers[ACME_NUMBER].profile["about"] == "Hello from Acme"
    assert history(aws) == []


def test_who_may_do_what(meta: InProcessMeta, aws: AwsWorld) -> None:
    aws.grant("acme", "bluewave", "numbers:read")
    assert profile(PARTNER)[0] == 403
    assert patch(PARTNER, {"about": "x"})[0] == 403
    aws.grant("acme", "bluewave", "numbers:read", "profile:write")
    assert patch(PARTNER, {"about": "From the partner"})[0] == 200
    assert profile(SUPPORT)[0] == 200
    assert patch(SUPPORT, {"about": "x"})[0] == 403
    assert profile(CLIENT_GLOBEX)[0] == 404
    assert patch(CLIENT_GLOBEX, {"about": "x"})[0] == 404
    assert [e["actor"]["role"] for e in history(aws)] == ["partner"]
