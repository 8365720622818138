"""Creating a template: Meta's rules checked here first (each broken rule on its field, Meta not asked), then what
the WABA may still do, then created at Meta and mirrored as Meta answered — or kept as a draft Meta never sees,
submitted later. Nothing is recorded when Meta refuses or fails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from hub_templates.models.mirror import Template
from hub_templates.store.templates import TemplatesStore
from tests.builders import (
    ACME_WABA,
    CLIENT_ACME,
    CLIENT_GLOBEX,
    NOW,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    InProcessMeta,
    assert_problem,
    templates_call,
    templates_world,
)

ROUTE = "/v1/wabas/{waba_id}/templates"
PATH = f"/v1/wabas/{ACME_WABA}/templates"
SUBMIT = "/v1/wabas/{waba_id}/templates/{name}/{language}/submit"
SHIPPED = {
    "name": "order_shipped",
    "language": "en_US",
    "category": "UTILITY",
    "components": [
        {
            "type": "BODY",
            "text": "Hi {{1}}, your order {{2}} is on its way.",
            "example": {"body_text": [["Maria", "A-1042"]]},
        },
        {"type": "FOOTER", "text": "Acme Retail"},
    ],
}
BROKEN = {**SHIPPED, "components": [{"type": "BODY", "text": "{{1}} is here"}, {"type": "FOOTER", "text": "f" * 61}]}


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def meta(aws: AwsWorld, clock: FrozenClock) -> Iterator[InProcessMeta]:
    with templates_world(aws, clock) as sandbox:
        yield sandbox


def create(body: Any, claims: dict[str, str] | None = CLIENT_ACME) -> tuple[int, dict[str, Any]]:
    return templates_call("POST", PATH, claims, route=ROUTE, body=body)


def submit(name: str, language: str = "en_US", claims: dict[str, str] | None = CLIENT_ACME) -> tuple[int, Any]:
    return templates_call("POST", f"{PATH}/{name}/{language}/submit", claims, route=SUBMIT)


def kept(aws: AwsWorld) -> dict[tuple[str, str], Template]:
    return TemplatesStore("hub-templates", aws.dynamodb).mirror(ACME_WABA)


def at_meta(meta: InProcessMeta, name: str) -> list[Any]:
    return [t for t in meta.state.templates.values() if t.waba_id == ACME_WABA and t.name == name]


def test_a_template_is_created_at_meta_and_mirrored_as_meta_answered(meta: InProcessMeta, aws: AwsWorld) -> None:
    status, created = create(SHIPPED)

    assert status == 201, created
    (sent,) = at_meta(meta, "order_shipped")
    assert (created["status"], created["template_id"], created["category"]) == ("PENDING", sent.id, "UTILITY")
    assert sent.components == SHIPPED["components"]
    assert created["last_submitted_at"] == "2026-11-20T12:00:00.000000Z"
    assert kept(aws)[("order_shipped", "en_US")].template_id == sent.id
    assert meta.calls == [("POST", f"{ACME_WABA}/message_templates")]


def test_a_template_breaking_metas_rules_is_refused_on_each_field_and_meta_is_not_asked(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    status, problem = create(BROKEN)

    assert status == 422
    assert_problem(problem, 422, "validation-failed")
    fields = {error["field"] for error in problem["errors"]}
    assert {"body.components[0].text", "body.components[1].text"} <= fields
    assert meta.calls == []
    assert kept(aws) == {}


def test_a_name_and_language_the_waba_has_is_refused(meta: InProcessMeta, aws: AwsWorld) -> None:
    create(SHIPPED)
    meta.calls.clear()

    status, problem = create(SHIPPED)

    assert status == 409
    assert_problem(problem, 409, "template-exists")
    assert meta.calls == []
    assert create({**SHIPPED, "language": "de"})[0] == 201  # another language of the name is another template


def test_a_deleted_approved_name_is_refused_until_meta_frees_it(
    meta: InProcessMeta, aws: AwsWorld, clock: FrozenClock
) -> None:
    until = NOW + timedelta(days=12)
    aws.dynamodb.put_item(
        TableName="hub-templates",
        Item={
            "pk": {"S": f"WABA#{ACME_WABA}"},
            "sk": {"S": "DELETED#order_shipped"},
            "until": {"S": until.isoformat()},
        },
    )

    status, problem = create(SHIPPED)
    clock.now = until + timedelta(seconds=1)
    later = create(SHIPPED)[0]

    assert status == 409
    assert_problem(problem, 409, "template-name-reserved")
    assert "2026-12-02 12:00 UTC" in problem["detail"]
    assert later == 201


def test_a_waba_at_its_template_limit_creates_no_more(
    meta: InProcessMeta, aws: AwsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEMPLATES_PER_WABA", "1")
    assert create(SHIPPED)[0] == 201
    assert create({**SHIPPED, "name": "drafted", "submit": False})[0] == 201  # drafts do not count
    meta.calls.clear()

    status, problem = create({**SHIPPED, "name": "one_too_many"})

    assert status == 409
    assert_problem(problem, 409, "template-limit-reached")
    assert meta.calls == []


def test_metas_hourly_creation_limit_is_a_429_that_says_when(
    meta: InProcessMeta, aws: AwsWorld, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEMPLATE_CREATIONS_PER_HOUR", "2")
    clock.now = NOW + timedelta(minutes=45)
    assert [create({**SHIPPED, "name": f"t{index}"})[0] for index in range(2)] == [201, 201]

    status, problem = create({**SHIPPED, "name": "t2"})
    clock.now = NOW + timedelta(hours=1)
    next_hour = create({**SHIPPED, "name": "t2"})[0]

    assert status == 429
    assert_problem(problem, 429, "quota-exceeded")
    assert "15 minutes" in problem["detail"]
    assert next_hour == 201


@pytest.mark.parametrize(
    ("fault", "answer"),
    [
        ({"status": 500, "code": 2}, 503),
        ({"status": 429, "code": 80008}, 429),
        ({"status": 400, "code": 100, "message": "(#100) Invalid parameter"}, 422),
    ],
)
def test_meta_refusing_or_failing_the_creation_records_nothing(
    meta: InProcessMeta, aws: AwsWorld, fault: dict[str, Any], answer: int
) -> None:
    meta.fault(count=50, **fault)

    status, problem = create(SHIPPED)

    assert (status, problem["status"]) == (answer, answer)
    assert kept(aws) == {}
    assert TemplatesStore("hub-templates", aws.dynamodb).created_in(ACME_WABA, NOW) == 0


def test_a_draft_is_kept_unchecked_and_never_sent_until_submitted(meta: InProcessMeta, aws: AwsWorld) -> None:
    status, draft = create({**BROKEN, "submit": False})
    fine = create({**SHIPPED, "name": "fine_draft", "submit": False})[1]

    assert (status, draft["status"], draft["template_id"]) == (201, "DRAFT", None)
    assert meta.calls == []
    refused = submit("order_shipped")
    assert refused[0] == 422
    assert {e["field"] for e in refused[1]["errors"]} >= {"components[0].text", "components[1].text"}
    assert fine["status"] == "DRAFT"

    status, submitted = submit("fine_draft")

    assert status == 200, submitted
    assert submitted["status"] == "PENDING"
    (sent,) = at_meta(meta, "fine_draft")
    assert kept(aws)[("fine_draft", "en_US")].template_id == sent.id == submitted["template_id"]
    again = submit("fine_draft")
    assert again[0] == 409
    assert_problem(again[1], 409, "template-not-a-draft")
    assert submit("no_such_draft")[0] == 404


def test_who_may_create(meta: InProcessMeta, aws: AwsWorld) -> None:
    assert create(SHIPPED, CLIENT_GLOBEX)[0] == 404
    assert create(SHIPPED, SUPPORT)[0] == 403
    aws.grant("acme", "bluewave", "templates:read")
    assert create(SHIPPED, PARTNER)[0] == 403
    assert meta.calls == []
    aws.grant("acme", "bluewave", "templates:write")
    assert create(SHIPPED, PARTNER)[0] == 201
