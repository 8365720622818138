"""Changing a WABA's templates after they were created: edit (Meta's states and edit limits), copy ("Replicate"),
add a language, delete (one language or every one; the 30 days of an approved name). Each is sent to Meta's sandbox
through the templates function and recorded with its event only once Meta took it; a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from hub_templates.models.mirror import Template
from hub_templates.store.templates import TemplatesStore
from local.sandboxes.meta.state import WabaRecord
from local.seed import story_templates
from tests.builders import (
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
    assert_problem,
    outbox_events,
    templates_call,
    templates_world,
)

BASE = "/v1/wabas/{waba_id}/templates"
ONE = f"{BASE}/{{name}}/{{language}}"
NAME = f"{BASE}/{{name}}"
COPY = f"{ONE}/copy"
LANGUAGES = f"{NAME}/languages"
PATH = f"/v1/wabas/{ACME_WABA}/templates"
ORDER_ID, ORDER_DE_ID = "1689556908129832", "1689556908129833"
NEW_BODY = [
    {"type": "BODY", "text": "Hi {{1}}, order {{2}} ships today.", "example": {"body_text": [["Maria", "A-1042"]]}},
    {"type": "FOOTER", "text": "Acme Retail"},
]
SECOND_ACME_WABA = "102290129349999"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def meta(aws: AwsWorld, clock: FrozenClock) -> Iterator[InProcessMeta]:
    with templates_world(aws, clock) as sandbox:
        store(aws).replace(story_templates(NOW), [])
        store(aws).set_count(ACME_WABA, 5)
        yield sandbox


def store(aws: AwsWorld) -> TemplatesStore:
    return TemplatesStore("hub-templates", aws.dynamodb)


def kept(aws: AwsWorld, name: str, language: str = "en_US", waba_id: str = ACME_WABA) -> Template | None:
    return store(aws).get(waba_id, name, language)


def edit(
    body: Any, name: str = "order_update", language: str = "en_US", claims: dict[str, str] | None = CLIENT_ACME
) -> tuple[int, Any]:
    return templates_call("PATCH", f"{PATH}/{name}/{language}", claims, route=ONE, body=body)


def copy(
    body: Any, name: str = "order_update", language: str = "en_US", claims: dict[str, str] | None = CLIENT_ACME
) -> tuple[int, Any]:
    return templates_call("POST", f"{PATH}/{name}/{language}/copy", claims, route=COPY, body=body)


def delete(name: str, language: str | None = None, claims: dict[str, str] | None = CLIENT_ACME) -> tuple[int, Any]:
    if language is None:
        return templates_call("DELETE", f"{PATH}/{name}", claims, route=NAME)
    return templates_call("DELETE", f"{PATH}/{name}/{language}", claims, route=ONE)


def add_language(body: Any, name: str = "order_update", claims: dict[str, str] | None = CLIENT_ACME) -> tuple[int, Any]:
    return templates_call("POST", f"{PATH}/{name}/languages", claims, route=LANGUAGES, body=body)


def events(aws: AwsWorld, detail_type: str) -> list[dict[str, Any]]:
    return outbox_events(aws.table_items("hub-templates"), detail_type)


def approve_everything(meta: InProcessMeta, clock: FrozenClock, aws: AwsWorld) -> None:
    """Meta's review done, its webhooks applied as the mirror's (status only)."""
    meta.review(clock.now + timedelta(days=1))
    for template in meta.state.templates.values():
        template.status = "APPROVED"
        mirrored = store(aws).get(template.waba_id, template.name, template.language)
        if mirrored is not None:
            store(aws).put(mirrored.model_copy(update={"status": "APPROVED"}))


# ---------------------------------------------------------------- edit


def test_an_approved_template_is_edited_at_meta_and_goes_back_to_review(meta: InProcessMeta, aws: AwsWorld) -> None:
    status, edited = edit({"components": NEW_BODY})

    assert status == 200, edited
    assert meta.calls == [("POST", ORDER_ID)]
    at_meta = meta.state.templates[ORDER_ID]
    assert (at_meta.status, at_meta.components[0]["text"]) == ("PENDING", "Hi {{1}}, order {{2}} ships today.")
    order = kept(aws, "order_update")
    assert order is not None
    assert (order.status, order.category, order.edits, order.last_submitted_at) == ("PENDING", "UTILITY", [NOW], NOW)
    assert order.components[0]["text"] == "Hi {{1}}, order {{2}} ships today."
    assert edited == order.model_dump(mode="json")
    (event,) = events(aws, "TemplateSubmitted")
    assert (event["how"], event["name"], event["client_id"], event["actor"]["role"]) == (
        "edited",
        "order_update",
        "acme",
        "client",
    )


def test_an_approved_template_is_edited_once_a_day_and_the_429_says_when_next(
    meta: InProcessMeta, aws: AwsWorld, clock: FrozenClock
) -> None:
    assert edit({"components": NEW_BODY})[0] == 200
    approve_everything(meta, clock, aws)
    clock.now = NOW + timedelta(hours=23)
    meta.calls.clear()

    status, problem = edit({"components": NEW_BODY})
    clock.now = NOW + timedelta(hours=24)
    a_day_later = edit({"components": NEW_BODY})[0]

    assert status == 429
    assert_problem(problem, 429, "quota-exceeded")
    assert "one edit in 24 hours" in problem["detail"]
    assert "from 2026-11-21 12:00 UTC" in problem["detail"]
    assert meta.calls == [("POST", ORDER_ID)]  # only the edit a day later
    assert a_day_later == 200
    order = kept(aws, "order_update")
    assert order is not None and order.edits == [NOW, NOW + timedelta(hours=24)]


def test_ten_edits_in_thirty_days_are_the_most_and_the_eleventh_waits_for_the_oldest(
    meta: InProcessMeta, aws: AwsWorld, clock: FrozenClock
) -> None:
    order = kept(aws, "order_update")
    assert order is not None
    ten = [NOW - timedelta(days=29) + timedelta(days=3 * i) for i in range(10)]  # the last one 2 days ago
    store(aws).put(order.model_copy(update={"edits": ten}))

    status, problem = edit({"components": NEW_BODY})

    assert status == 429
    assert "10 edits in 30 days" in problem["detail"]
    assert "from 2026-11-21 12:00 UTC" in problem["detail"]  # the oldest (29 days ago) + 30 days
    assert meta.calls == []
    clock.now = NOW + timedelta(days=1, minutes=1)
    assert edit({"components": NEW_BODY})[0] == 200
    kept_now = kept(aws, "order_update")
    assert kept_now is not None and len(kept_now.edits) == 10  # the oldest fell out of the 30 days


def test_a_rejected_or_paused_template_is_edited_as_often_as_needed(
    meta: InProcessMeta, aws: AwsWorld, clock: FrozenClock
) -> None:
    first = edit({"components": NEW_BODY}, name="spring_sale")
    meta.state.templates["1689556908129834"].status = "REJECTED"
    sale = kept(aws, "spring_sale")
    assert sale is not None
    store(aws).put(sale.model_copy(update={"status": "REJECTED"}))
    clock.now = NOW + timedelta(minutes=5)
    second = edit({"components": NEW_BODY}, name="spring_sale")

    assert (first[0], second[0]) == (200, 200)
    assert kept(aws, "spring_sale").edits == []  # type: ignore[union-attr]


def test_an_approved_template_keeps_its_category(meta: InProcessMeta, aws: AwsWorld) -> None:
    before = kept(aws, "order_update")

    status, problem = edit({"category": "MARKETING", "components": NEW_BODY})

    assert status == 422
    assert {e["field"] for e in problem["errors"]} == {"body.category"}
    assert meta.calls == []
    assert kept(aws, "order_update") == before
    assert events(aws, "TemplateSubmitted") == []


@pytest.mark.parametrize(
    ("name", "language", "status"), [("welcome", "de", "PENDING"), ("order_update", "en_US", "DISABLED")]
)
def test_a_template_in_review_or_disabled_cannot_be_edited(
    meta: InProcessMeta, aws: AwsWorld, name: str, language: str, status: str
) -> None:
    template = kept(aws, name, language)
    assert template is not None
    store(aws).put(template.model_copy(update={"status": status}))

    code, problem = edit({"components": NEW_BODY}, name=name, language=language)

    assert code == 409
    assert_problem(problem, 409, "template-not-editable")
    assert status in problem["detail"]
    assert meta.calls == []
    assert kept(aws, name, language) == template.model_copy(update={"status": status})


def test_an_edit_breaking_metas_rules_is_refused_on_its_field(meta: InProcessMeta, aws: AwsWorld) -> None:
    before = kept(aws, "order_update")

    status, problem = edit({"components": [{"type": "BODY", "text": "{{1}} ships"}]})
    empty = edit({})

    assert status == 422
    assert "body.components[0].text" in {e["field"] for e in problem["errors"]}
    assert empty[0] == 422
    assert meta.calls == []
    assert kept(aws, "order_update") == before


def test_a_draft_is_edited_freely_and_stays_a_draft(meta: InProcessMeta, aws: AwsWorld) -> None:
    draft = {"name": "draft_one", "language": "en_US", "category": "UTILITY", "components": NEW_BODY, "submit": False}
    assert templates_call("POST", PATH, CLIENT_ACME, route=BASE, body=draft)[0] == 201

    first = edit({"category": "MARKETING", "components": [{"type": "BODY", "text": "{{1}} unfinished"}]}, "draft_one")
    second = edit({"components": NEW_BODY}, "draft_one")

    assert (first[0], second[0]) == (200, 200)
    kept_draft = kept(aws, "draft_one")
    assert kept_draft is not None
    assert (kept_draft.status, kept_draft.category, kept_draft.template_id) == ("DRAFT", "MARKETING", None)
    assert meta.calls == []


def test_meta_failing_the_edit_records_nothing(meta: InProcessMeta, aws: AwsWorld) -> None:
    before = kept(aws, "order_update")
    meta.fault(count=50, status=500, code=2)

    status, _ = edit({"components": NEW_BODY})

    assert status == 503
    assert kept(aws, "order_update") == before
    assert events(aws, "TemplateSubmitted") == []


@pytest.mark.parametrize(
    ("claims", "expected"), [(SUPPORT, 403), (CLIENT_GLOBEX, 404), (PARTNER, 403)], ids=["support", "tenant", "partner"]
)
def test_only_the_client_and_a_partner_with_templates_write_edit(
    meta: InProcessMeta, aws: AwsWorld, claims: dict[str, str], expected: int
) -> None:
    aws.grant("acme", "bluewave", "templates:read")
    before = kept(aws, "order_update")

    status, _ = edit({"components": NEW_BODY}, claims=claims)

    assert status == expected
    assert kept(aws, "order_update") == before
    assert meta.calls == []


# ---------------------------------------------------------------- copy and languages


def test_a_copy_to_another_language_is_a_new_template_and_the_source_is_untouched(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    source = kept(aws, "order_update")

    status, copied = copy({"language": "fr"})

    assert status == 201, copied
    assert (copied["name"], copied["language"], copied["status"]) == ("order_update", "fr", "PENDING")
    assert copied["components"] == source.components  # type: ignore[union-attr]
    assert kept(aws, "order_update") == source
    (event,) = events(aws, "TemplateSubmitted")
    assert (event["how"], event["language"]) == ("copied", "fr")
    assert store(aws).count(ACME_WABA) == 6


def test_a_copy_goes_to_another_waba_of_the_same_client_but_never_to_another_clients(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    aws.register_number("acme", SECOND_ACME_WABA, "106540352249999")
    acme = meta.state.wabas[ACME_WABA]
    meta.state.wabas[SECOND_ACME_WABA] = WabaRecord(**{**acme.__dict__, "id": SECOND_ACME_WABA})

    status, copied = copy({"waba_id": SECOND_ACME_WABA, "submit": False})
    foreign = copy({"waba_id": GLOBEX_WABA})

    assert status == 201, copied
    assert (copied["waba_id"], copied["status"]) == (SECOND_ACME_WABA, "DRAFT")
    assert kept(aws, "order_update", waba_id=SECOND_ACME_WABA) is not None
    assert foreign[0] == 404
    assert kept(aws, "order_update", waba_id=GLOBEX_WABA) is None
    assert meta.calls == []  # a draft is never sent


def test_a_copy_onto_itself_or_onto_an_existing_template_is_refused(meta: InProcessMeta, aws: AwsWorld) -> None:
    before = store(aws).mirror(ACME_WABA)

    itself = copy({"name": "order_update"})
    existing = copy({"language": "de"})

    assert itself[0] == 422
    assert itself[1]["errors"][0]["field"] == "body"
    assert existing[0] == 409
    assert_problem(existing[1], 409, "template-exists")
    assert store(aws).mirror(ACME_WABA) == before
    assert meta.calls == []


def test_a_language_is_added_in_the_names_category(meta: InProcessMeta, aws: AwsWorld) -> None:
    spanish = [
        {"type": "BODY", "text": "Hola {{1}}, tu pedido {{2}} está en camino.", "example": {"body_text": [["M", "A"]]}}
    ]

    status, added = add_language({"language": "es", "components": spanish})
    again = add_language({"language": "es", "components": spanish})
    unknown = add_language({"language": "es", "components": spanish}, name="no_such_template")

    assert status == 201, added
    assert (added["language"], added["category"], added["status"]) == ("es", "UTILITY", "PENDING")
    assert [t.language for t in store(aws).languages(ACME_WABA, "order_update")] == ["de", "en_US", "es"]
    assert again[0] == 409
    assert unknown[0] == 404


def test_an_added_language_breaking_a_rule_is_refused_on_its_field(meta: InProcessMeta, aws: AwsWorld) -> None:
    status, problem = add_language({"language": "xx_YY", "components": [{"type": "BODY", "text": "x {{1}}"}]})

    assert status == 422
    assert {"body.language", "body.components[0].text"} <= {e["field"] for e in problem["errors"]}
    assert meta.calls == []


# ---------------------------------------------------------------- delete


def test_one_language_is_deleted_at_meta_and_its_approved_name_is_reserved_for_thirty_days(
    meta: InProcessMeta, aws: AwsWorld, clock: FrozenClock
) -> None:
    status, _ = delete("order_update", "de")

    assert status == 204
    assert meta.calls == [("DELETE", f"{ACME_WABA}/message_templates")]
    assert ORDER_DE_ID not in meta.state.templates and ORDER_ID in meta.state.templates
    assert kept(aws, "order_update", "de") is None and kept(aws, "order_update") is not None
    (event,) = events(aws, "TemplateDeleted")
    assert (event["language"], event["status"]) == ("de", "APPROVED")
    assert event["name_reserved_until"].startswith("2026-12-20T12:00:00")
    assert store(aws).count(ACME_WABA) == 4
    again = add_language({"language": "de", "components": NEW_BODY})
    assert again[0] == 409 and "2026-12-20 12:00 UTC" in again[1]["detail"]


def test_every_language_of_a_name_is_deleted_in_one_call_to_meta(meta: InProcessMeta, aws: AwsWorld) -> None:
    status, _ = delete("order_update")

    assert status == 204
    assert meta.calls == [("DELETE", f"{ACME_WABA}/message_templates")]
    assert store(aws).languages(ACME_WABA, "order_update") == []
    assert {e["language"] for e in events(aws, "TemplateDeleted")} == {"de", "en_US"}
    assert store(aws).count(ACME_WABA) == 3


def test_a_rejected_templates_name_is_free_at_once_and_a_draft_is_deleted_without_meta(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    draft = {"name": "draft_one", "language": "en_US", "category": "UTILITY", "components": NEW_BODY, "submit": False}
    templates_call("POST", PATH, CLIENT_ACME, route=BASE, body=draft)

    assert delete("draft_one")[0] == 204
    assert meta.calls == []
    assert delete("spring_sale", "en_US")[0] == 204
    assert store(aws).reserved_until(ACME_WABA, "spring_sale") is None
    assert store(aws).count(ACME_WABA) == 4  # the draft was never counted


def test_a_disabled_template_cannot_be_deleted_and_meta_failing_deletes_nothing(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    order = kept(aws, "order_update")
    assert order is not None
    store(aws).put(order.model_copy(update={"status": "DISABLED"}))
    before = store(aws).mirror(ACME_WABA)

    disabled = delete("order_update")
    meta.fault(count=50, status=500, code=2)
    failed = delete("spring_sale")
    missing = delete("no_such_template")

    assert disabled[0] == 409
    assert_problem(disabled[1], 409, "template-not-deletable")
    assert failed[0] == 503
    assert missing[0] == 404
    assert store(aws).mirror(ACME_WABA) == before
    assert events(aws, "TemplateDeleted") == []
    assert store(aws).count(ACME_WABA) == 5


def test_a_partner_without_templates_write_deletes_nothing(meta: InProcessMeta, aws: AwsWorld) -> None:
    aws.grant("acme", "bluewave", "templates:read")
    before = store(aws).mirror(ACME_WABA)

    assert delete("order_update", claims=PARTNER)[0] == 403
    assert delete("order_update", claims=CLIENT_GLOBEX)[0] == 404
    assert store(aws).mirror(ACME_WABA) == before
    assert meta.calls == []


# ---------------------------------------------------------------- the rest of the refusals


def test_a_rejected_template_may_change_its_category_and_ttl_and_meta_is_told_both(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    status, edited = edit(
        {"category": "UTILITY", "components": NEW_BODY, "message_send_ttl_seconds": 3600}, name="spring_sale"
    )

    assert status == 200, edited
    assert meta.state.templates["1689556908129834"].category == "UTILITY"
    assert edited["category"] == "UTILITY"


def test_a_submitted_templates_parameter_format_is_kept(meta: InProcessMeta, aws: AwsWorld) -> None:
    before = kept(aws, "order_update")

    status, problem = edit({"parameter_format": "NAMED", "components": NEW_BODY})
    nulls = edit({"components": NEW_BODY, "category": None})

    assert status == 422
    assert {e["field"] for e in problem["errors"]} == {"body.parameter_format"}
    assert nulls[0] == 422
    assert kept(aws, "order_update") == before
    assert meta.calls == []


def test_what_is_not_there_is_404_for_edit_copy_and_delete(meta: InProcessMeta, aws: AwsWorld) -> None:
    before = store(aws).mirror(ACME_WABA)

    answers = [
        edit({"components": NEW_BODY}, name="no_such_template")[0],
        copy({"language": "fr"}, name="no_such_template")[0],
        delete("order_update", "fr")[0],
    ]

    assert answers == [404, 404, 404]
    assert store(aws).mirror(ACME_WABA) == before
    assert meta.calls == []


def test_a_partner_of_two_clients_cannot_copy_one_clients_template_to_the_others_waba(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    other_waba = "109822714420117"
    aws.add_client("initech", billing_model="partner", partner_id="bluewave")
    aws.register_number("initech", other_waba, "106540352248888")
    aws.grant("acme", "bluewave", "templates:write")
    aws.grant("initech", "bluewave", "templates:write")

    status, problem = copy({"waba_id": other_waba}, claims=PARTNER)

    assert status == 404
    assert other_waba in problem["detail"]
    assert store(aws).mirror(other_waba) == {}
    assert meta.calls == []


def test_a_template_with_components_the_hub_does_not_know_is_not_edited_or_copied(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    carousel = [{"type": "BODY", "text": "Our picks"}, {"type": "CAROUSEL", "cards": [{"components": []}]}]
    order = kept(aws, "order_update")
    assert order is not None
    store(aws).put(order.model_copy(update={"components": carousel}))

    edited = edit({"category": "UTILITY"})
    copied = copy({"language": "fr"})

    assert (edited[0], copied[0]) == (409, 409)
    assert_problem(edited[1], 409, "template-content-unsupported")
    assert_problem(copied[1], 409, "template-content-unsupported")
    assert meta.calls == []
    assert kept(aws, "order_update", "fr") is None
