"""A WABA's templates, mirrored from Meta: the sync makes the mirror Meta's (added, updated, removed; drafts kept;
what did not change is not written again), and every read answers from the mirror with no call to Meta."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hub_templates.models.mirror import Template
from hub_templates.store.templates import TemplatesStore
from local.sandboxes.meta.state import TemplateRecord
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
    templates_call,
    templates_world,
)

TEMPLATES = f"/v1/wabas/{ACME_WABA}/templates"
LIST, ONE_NAME, ONE = (
    "/v1/wabas/{waba_id}/templates",
    "/v1/wabas/{waba_id}/templates/{name}",
    "/v1/wabas/{waba_id}/templates/{name}/{language}",
)
SYNC = "/v1/wabas/{waba_id}/templates/sync"
ACME_TEMPLATES = {
    ("login_code", "en_US"),
    ("order_update", "de"),
    ("order_update", "en_US"),
    ("spring_sale", "en_US"),
    ("welcome", "de"),
}


@pytest.fixture
def meta(aws: AwsWorld) -> Iterator[InProcessMeta]:
    with templates_world(aws, FrozenClock()) as sandbox:
        yield sandbox


def sync(claims: dict[str, str] | None = CLIENT_ACME, waba_id: str = ACME_WABA) -> tuple[int, dict[str, Any]]:
    return templates_call("POST", f"/v1/wabas/{waba_id}/templates/sync", claims, route=SYNC)


def listed(claims: dict[str, str] | None = CLIENT_ACME, **query: str) -> tuple[int, dict[str, Any]]:
    return templates_call("GET", TEMPLATES, claims, route=LIST, **query)


def names(page: dict[str, Any]) -> list[tuple[str, str]]:
    return [(item["name"], item["language"]) for item in page["items"]]


def mirror(aws: AwsWorld, waba_id: str = ACME_WABA) -> dict[tuple[str, str], Template]:
    return TemplatesStore("hub-templates", aws.dynamodb).mirror(waba_id)


def a_meta_template(template_id: str, name: str, language: str = "en_US", **fields: Any) -> TemplateRecord:
    values: dict[str, Any] = {
        "id": template_id,
        "waba_id": ACME_WABA,
        "name": name,
        "language": language,
        "category": "UTILITY",
        "status": "APPROVED",
        "components": [{"type": "BODY", "text": f"The {name} template."}],
    }
    return TemplateRecord(**(values | fields))


def test_a_first_sync_mirrors_every_template_meta_has_with_its_fields(meta: InProcessMeta, aws: AwsWorld) -> None:
    status, counts = sync()

    assert status == 200, counts
    assert (counts["added"], counts["updated"], counts["removed"], counts["unchanged"]) == (5, 0, 0, 0)
    assert counts["pages"] == 1
    kept = mirror(aws)
    assert set(kept) == ACME_TEMPLATES
    sale = kept[("spring_sale", "en_US")]
    assert (sale.template_id, sale.status, sale.category) == ("1689556908129834", "REJECTED", "MARKETING")
    assert (sale.rejected_reason, sale.quality_score) == ("PROMOTIONAL", "UNKNOWN")
    assert sale.components == [{"type": "BODY", "text": "Spring sale! 50% off everything, today only."}]
    assert kept[("order_update", "en_US")].rejected_reason is None  # Meta's NONE
    assert {t.synced_at for t in kept.values()} == {NOW}
    assert mirror(aws, GLOBEX_WABA) == {}  # only the WABA asked for


def test_a_sync_reconciles_what_changed_at_meta_out_of_band_and_keeps_drafts(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    sync()
    draft = mirror(aws)[("welcome", "de")].model_copy(update={"name": "draft_only", "status": "DRAFT"})
    TemplatesStore("hub-templates", aws.dynamodb).replace([draft], [])
    meta.state.templates["1689556908129836"].status = "APPROVED"  # welcome/de approved
    meta.state.templates["1689556908129832"].previous_category = "MARKETING"  # order_update/en_US re-categorised
    del meta.state.templates["1689556908129834"]  # spring_sale deleted in WhatsApp Manager
    meta.state.templates["1700000000000999"] = a_meta_template("1700000000000999", "made_elsewhere")

    status, counts = sync()

    assert status == 200, counts
    assert (counts["added"], counts["updated"], counts["removed"], counts["unchanged"]) == (1, 2, 1, 2)
    kept = mirror(aws)
    assert set(kept) == ACME_TEMPLATES - {("spring_sale", "en_US")} | {
        ("made_elsewhere", "en_US"),
        ("draft_only", "de"),
    }
    assert kept[("welcome", "de")].status == "APPROVED"
    assert kept[("order_update", "en_US")].previous_category == "MARKETING"
    assert kept[("draft_only", "de")].status == "DRAFT"


def test_a_sync_with_nothing_changed_writes_nothing(meta: InProcessMeta, aws: AwsWorld) -> None:
    sync()
    before = aws.dynamodb.scan(TableName="hub-templates")["Items"]
    meta.calls.clear()

    counts = sync()[1]

    assert (counts["added"], counts["updated"], counts["removed"], counts["unchanged"]) == (0, 0, 0, 5)
    assert aws.dynamodb.scan(TableName="hub-templates")["Items"] == before  # synced_at of the first sync stays
    assert meta.calls == [("GET", f"{ACME_WABA}/message_templates")]


def test_a_sync_pages_through_metas_list(meta: InProcessMeta, aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPLATE_SYNC_PAGE_SIZE", "2")
    for index in range(20):
        meta.state.templates[f"17000000000010{index:02d}"] = a_meta_template(
            f"17000000000010{index:02d}", f"t{index:02d}"
        )

    status, counts = sync()

    assert status == 200, counts
    assert (counts["added"], counts["pages"]) == (25, 13)
    assert len(mirror(aws)) == 25


@pytest.mark.parametrize(
    ("fault", "answer"), [({"status": 500, "code": 2}, 503), ({"status": 429, "code": 80008}, 429)]
)
def test_meta_failing_during_a_sync_answers_its_problem_and_leaves_the_mirror_as_it_was(
    meta: InProcessMeta, aws: AwsWorld, fault: dict[str, int], answer: int
) -> None:
    sync()
    before = mirror(aws)
    del meta.state.templates["1689556908129834"]
    meta.fault(count=50, **fault)

    status, problem = sync()

    assert (status, problem["status"]) == (answer, answer)
    assert mirror(aws) == before


def test_the_list_answers_from_the_mirror_filtered_and_by_name(meta: InProcessMeta) -> None:
    sync()
    meta.calls.clear()

    every = listed()[1]
    approved = listed(status="APPROVED")[1]
    marketing = listed(category="MARKETING")[1]
    german = listed(language="de")[1]
    order = listed(name="order")[1]
    approved_utility_de = listed(status="APPROVED", category="UTILITY", language="de")[1]

    assert names(every) == sorted(ACME_TEMPLATES)
    assert names(approved) == [("login_code", "en_US"), ("order_update", "de"), ("order_update", "en_US")]
    assert names(marketing) == [("spring_sale", "en_US"), ("welcome", "de")]
    assert names(german) == [("order_update", "de"), ("welcome", "de")]
    assert names(order) == [("order_update", "de"), ("order_update", "en_US")]
    assert names(approved_utility_de) == [("order_update", "de")]
    assert meta.calls == []  # never Meta


def test_the_list_pages_with_a_cursor_of_its_own_query(meta: InProcessMeta) -> None:
    sync()

    first = listed(limit="2")[1]
    second = listed(limit="2", cursor=first["next_cursor"])[1]
    third = listed(limit="2", cursor=second["next_cursor"])[1]
    other = listed(limit="2", status="APPROVED", cursor=first["next_cursor"])

    assert names(first) + names(second) + names(third) == sorted(ACME_TEMPLATES)
    assert third["next_cursor"] is None
    assert other[0] == 400
    assert_problem(other[1], 400, "invalid-cursor")


def test_a_filtered_page_is_filled_from_further_reads(meta: InProcessMeta) -> None:
    sync()

    page = listed(limit="2", language="de")[1]

    assert names(page) == [("order_update", "de"), ("welcome", "de")]


def test_a_name_answers_its_languages_and_one_template_in_one_language(meta: InProcessMeta) -> None:
    sync()

    status, group = templates_call("GET", f"{TEMPLATES}/order_update", CLIENT_ACME, route=ONE_NAME)
    one_status, one = templates_call("GET", f"{TEMPLATES}/order_update/de", CLIENT_ACME, route=ONE)
    unknown = templates_call("GET", f"{TEMPLATES}/no_such_name", CLIENT_ACME, route=ONE_NAME)
    unknown_language = templates_call("GET", f"{TEMPLATES}/order_update/fr", CLIENT_ACME, route=ONE)

    assert status == one_status == 200
    assert [t["language"] for t in group["languages"]] == ["de", "en_US"]
    assert (one["template_id"], one["status"]) == ("1689556908129833", "APPROVED")
    assert unknown[0] == unknown_language[0] == 404


@pytest.mark.parametrize(
    "path",
    ["/v1/wabas/{waba_id}/templates/Order-Update", "/v1/wabas/{waba_id}/templates/order_update/english!"],
)
def test_malformed_names_and_languages_are_refused(meta: InProcessMeta, path: str) -> None:
    route = ONE_NAME if path.count("/") == 5 else ONE
    status, problem = templates_call("GET", path.format(waba_id=ACME_WABA), CLIENT_ACME, route=route)

    assert status == 422
    assert_problem(problem, 422, "validation-failed")


def test_who_may_read_and_sync(meta: InProcessMeta, aws: AwsWorld) -> None:
    sync()
    assert listed(CLIENT_GLOBEX)[0] == 404  # another tenant's WABA, as if it did not exist
    assert sync(CLIENT_GLOBEX)[0] == 404
    assert listed(SUPPORT)[0] == 200
    aws.grant("acme", "bluewave", "insights:read")
    assert listed(PARTNER)[0] == 404  # nothing that lets it know the WABA
    aws.grant("acme", "bluewave", "numbers:read")
    assert listed(PARTNER)[0] == 403
    aws.grant("acme", "bluewave", "templates:read")
    assert listed(PARTNER)[0] == sync(PARTNER)[0] == 200
    assert (
        listed(
            CLIENT_GLOBEX,
        )[0]
        == 404
    )
    assert templates_call("GET", f"/v1/wabas/{GLOBEX_WABA}/templates", CLIENT_GLOBEX, route=LIST)[0] == 200
