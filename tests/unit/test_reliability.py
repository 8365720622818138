"""tools/reliability.py: docs/reliability.md's structure comes from the collected test ids, and its check fails on
a structure that drifted and on figures measured on another structure."""

from __future__ import annotations

from tools.reliability import (
    FORGED,
    FUZZING,
    MATRIX,
    Collector,
    Outcome,
    drift,
    render,
    render_figures,
    render_structure,
)

COLLECTED = [
    "tests/integration/test_access_matrix.py::test_access[GET /v1/me | client | no_id]",
    "tests/integration/test_access_matrix.py::test_access[GET /v1/me | support | no_id]",
    "tests/integration/test_access_matrix.py::test_every_operation_of_the_document_is_in_the_matrix_or_public",
    "tests/integration/test_schema_fuzz.py::test_fuzz[GET /v1/me | client | positive]",
    "tests/integration/test_schema_fuzz.py::test_fuzz[GET /v1/me | client | negative]",
    "tests/integration/test_schema_fuzz.py::test_fuzz[POST /webhooks/meta | no_token | positive]",
    "tests/integration/test_webhooks_forged.py::test_a_forged_signature_is_refused[empty]",
]


def test_the_structure_counts_each_suites_generated_cases_and_lists_the_fuzzed_operations() -> None:
    structure = render_structure(COLLECTED)

    assert f"| {MATRIX.name} | `{MATRIX.module}` | 2 |" in structure
    assert f"| {FUZZING.name} | `{FUZZING.module}` | 3 |" in structure
    assert f"| {FORGED.name} | `{FORGED.module}` | 1 |" in structure
    assert "| `GET /v1/me` | 2: client negative, client positive |" in structure
    assert "| `POST /webhooks/meta` | 1: no_token positive |" in structure


def test_a_document_written_for_the_collected_structure_has_not_drifted() -> None:
    structure = render_structure(COLLECTED)

    assert drift(render(structure, "figures"), structure) == []


def test_a_new_case_is_drift_until_the_document_is_written_again() -> None:
    committed = render(render_structure(COLLECTED), "figures")
    grown = [*COLLECTED, "tests/integration/test_access_matrix.py::test_access[GET /v1/me | partner | no_id]"]

    (problem,) = drift(committed, render_structure(grown))

    assert "the structure differs" in problem
    assert "| tenant-isolation matrix | `tests/integration/test_access_matrix.py` | 3 |" in problem


def test_figures_measured_on_another_structure_are_drift() -> None:
    structure = render_structure(COLLECTED)
    stale = render(render_structure(COLLECTED[:-1]), "figures")
    edited = stale.replace(render_structure(COLLECTED[:-1]), structure)  # the structure updated by hand

    assert drift(edited, structure) == ["the figures were not measured on the structure the document states"]


def test_a_document_without_its_structure_section_is_drift() -> None:
    assert drift("# Reliability\n", render_structure(COLLECTED)) == ["docs/reliability.md has no structure section"]


def test_the_figures_sum_examples_and_answers_per_suite_and_per_operation() -> None:
    collector = Collector()
    fuzzed = '{"examples": 5, "statuses": {"200": 2, "401": 3}, "failures": []}'
    collector.outcomes = {
        COLLECTED[0]: Outcome(COLLECTED[0]),
        COLLECTED[1]: Outcome(COLLECTED[1], passed=False),
        COLLECTED[3]: Outcome(COLLECTED[3], properties={"fuzz": fuzzed}),
        COLLECTED[4]: Outcome(COLLECTED[4], properties={"fuzz": fuzzed}),
    }

    figures = render_figures(collector, examples=10, seconds=90)

    assert "| tenant-isolation matrix | 2 | 1 | one request each | | |" in figures
    assert "| schema fuzzing | 2 | 0 | 10 | 6 | 4 |" in figures
    assert "| `GET /v1/me` | 2 | 0 | 10 | 6 | 4 | 200 ×4, 401 ×6 | 403, 404 |" in figures
