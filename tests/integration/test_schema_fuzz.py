"""Schema fuzzing: schemathesis generates requests for every operation of the committed `docs/openapi.json`, from
each kind of caller (a client, a partner granted every scope, a support agent; Meta's public webhooks with no
token), with inputs the schema accepts and inputs it refuses, and sends them through the local gateway (its JWT
authorizer) to the real handlers on moto (`tests.builders.in_process_hub`).

Every answer is checked (`tests.builders.fuzz_checks`): never a 5xx; a status, a content type, a body and headers the
document promises for the operation; an input the schema refuses is refused (4xx); every error is a problem — but
API Gateway's own 401 on a token-guarded operation. `make test` runs a few examples per case (FUZZ_TEST_EXAMPLES),
`make fuzz` many (EXAMPLES=…) and writes its figures to docs/reliability.md. Deterministic (derandomized); each
example of an operation that may change the world starts from the seeded one (see `tests.builders.fuzz`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.builders import (
    FuzzCase,
    SeededWorld,
    fuzz,
    fuzz_cases,
    fuzz_examples,
    fuzz_schema,
    in_process_hub,
    openapi_document,
)

SCHEMA = fuzz_schema()
CASES = fuzz_cases()


@pytest.fixture(scope="module")
def world() -> Iterator[SeededWorld]:
    with in_process_hub() as hub:
        yield SeededWorld(hub)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_fuzz(world: SeededWorld, case: FuzzCase, record_property: Callable[[str, object], None]) -> None:
    figures = fuzz(world, SCHEMA, case, fuzz_examples(case))

    record_property("fuzz", figures.as_json())
    assert figures.examples, f"{case.name}: no example was generated"
    assert not figures.failures, figures.report(case)


def test_every_operation_of_the_document_is_fuzzed_by_each_of_its_callers_both_ways() -> None:
    operations = {(m.upper(), p) for p, item in openapi_document()["paths"].items() for m in item}

    assert {(case.method, case.path) for case in CASES} == operations
    assert len(CASES) == len(set(CASES))
    for method, path in operations:
        callers = {(case.who, case.mode) for case in CASES if (case.method, case.path) == (method, path)}
        assert len(callers) in (2, 6), f"{method} {path}: {callers}"
