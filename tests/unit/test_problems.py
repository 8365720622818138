"""The one error map: every error a resolver raises answers application/problem+json."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

from hub_shared.api import build_resolver
from hub_shared.errors import FieldError, QuotaExceeded, StateConflict, UpstreamUnavailable
from hub_shared.problems import GATEWAY_UNAUTHORIZED, PROBLEM_JSON, Problem, problem_responses
from hub_shared.settings import get_settings
from tests.builders import context, http_event

app = build_resolver()


class Body(BaseModel):
    name: str
    count: int


@app.get("/conflict")
def conflict() -> dict[str, str]:
    raise StateConflict("The number is already cancelled.", errors=[FieldError("path.number_id", "is cancelled")])


@app.get("/quota")
def quota() -> dict[str, str]:
    raise QuotaExceeded("Meta's limit was hit.", retry_after=30)


@app.get("/upstream")
def upstream() -> dict[str, str]:
    raise UpstreamUnavailable("Meta is unavailable.")


@app.get("/boom")
def boom() -> dict[str, str]:
    raise RuntimeError("secret internals at /var/task/thing.py")


@app.get("/value-error")
def value_error() -> dict[str, str]:
    raise ValueError("Missing something at /var/task/thing.py")


@app.get("/query")
def query(limit: Annotated[int, Query(ge=1)] = 1) -> dict[str, int]:
    return {"limit": limit}


@app.post("/body")
def body(payload: Body) -> dict[str, Any]:
    return payload.model_dump()


def call(method: str, path: str, **kwargs: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
    answer = app.resolve(http_event(method, path, **kwargs), context())
    return answer["statusCode"], json.loads(answer["body"]), answer["headers"]


@pytest.fixture(autouse=True)
def _settings() -> None:
    get_settings.cache_clear()  # type: ignore[attr-defined]


def test_domain_error_becomes_rfc9457_problem_with_its_field_errors() -> None:
    status, body, headers = call("GET", "/conflict")

    assert status == 409
    assert headers["Content-Type"] == "application/problem+json"
    assert body == {
        "type": f"{get_settings().problem_type_base}state-conflict",
        "title": "State conflict",
        "status": 409,
        "detail": "The number is already cancelled.",
        "errors": [{"field": "path.number_id", "message": "is cancelled"}],
    }


def test_quota_problem_carries_retry_after() -> None:
    status, body, headers = call("GET", "/quota")

    assert (status, headers["Retry-After"], body["type"].rsplit("/", 1)[1]) == (429, "30", "quota-exceeded")


def test_upstream_failure_is_503_without_internals() -> None:
    status, body, _ = call("GET", "/upstream")

    assert (status, body["title"]) == (503, "An upstream service is unavailable")


def test_unexpected_error_is_500_problem_without_a_stack_trace() -> None:
    status, body, _ = call("GET", "/boom")

    assert status == 500
    assert body["detail"] == "Something went wrong on our side."
    assert "/var/task" not in json.dumps(body)


def test_an_unexpected_value_error_is_500_too_not_a_bad_body() -> None:
    status, body, _ = call("GET", "/value-error")

    assert (status, body["detail"]) == (500, "Something went wrong on our side.")
    assert "/var/task" not in json.dumps(body)


@pytest.mark.parametrize(
    ("content_type", "detail"),
    [
        ("text/plain", "Content-Type is not one this route takes"),
        ("multipart/form-data", "needs the boundary"),
    ],
)
def test_a_body_that_cannot_be_read_is_400(content_type: str, detail: str) -> None:
    status, body, _ = call("POST", "/body", body="name=x", headers={"content-type": content_type})

    assert (status, body["errors"]) == (400, [{"field": "body", "message": "cannot be read"}])
    assert detail in body["detail"]


def test_query_violation_is_422_pointing_at_the_parameter() -> None:
    status, body, _ = call("GET", "/query", query={"limit": "0"})

    assert status == 422
    assert body["errors"] == [{"field": "query.limit", "message": "input should be greater than or equal to 1"}]


def test_body_violations_point_at_each_field() -> None:
    status, body, _ = call("POST", "/body", body={"count": "x"})

    assert status == 422
    assert {e["field"] for e in body["errors"]} == {"body.name", "body.count"}
    assert {"field": "body.name", "message": "is required"} in body["errors"]


def test_body_that_is_not_json_is_400() -> None:
    status, body, _ = call("POST", "/body", body="{not json")

    assert status == 400
    assert body["type"].endswith("/bad-request")


def test_unknown_route_is_404_problem() -> None:
    status, body, _ = call("GET", "/missing")

    assert (status, body["type"].rsplit("/", 1)[1]) == (404, "not-found")


def test_the_documented_problems_of_a_route_are_its_codes_403_422_and_the_authorizers_401() -> None:
    responses = problem_responses(404, 409, _409="Already cancelled.")

    assert sorted(responses) == [401, 403, 404, 409, 422]
    assert responses[401] == GATEWAY_UNAUTHORIZED  # API Gateway's {"message": "Unauthorized"}, not a problem
    assert all(responses[code]["content"] == {PROBLEM_JSON: {"model": Problem}} for code in (403, 404, 409, 422))
    assert responses[409]["description"] == "Already cancelled."


def test_a_route_without_input_documents_no_422() -> None:
    assert sorted(problem_responses(404, inputs=False)) == [401, 403, 404]


def test_a_public_route_that_answers_401_itself_documents_it_as_a_problem() -> None:
    responses = problem_responses(401, _401="The signature does not match.")

    assert responses[401]["content"] == {PROBLEM_JSON: {"model": Problem}}
    assert responses[401]["description"] == "The signature does not match."
