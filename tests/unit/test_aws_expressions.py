"""hub_shared.aws: the UpdateExpression builder and the reading of refused conditions that the stores share."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from hub_shared.aws import failed_conditions, update_clause


def test_update_clause_sets_values_and_removes_the_attributes_given_none() -> None:
    expression, names, values = update_clause({"status": "approved", "dn_pending_shard": None, "decided_by": "hub"})

    assert expression == "SET #u0 = :u0, #u2 = :u2 REMOVE #u1"
    assert names == {"#u0": "status", "#u1": "dn_pending_shard", "#u2": "decided_by"}
    assert values == {":u0": "approved", ":u2": "hub"}


def test_update_clause_of_removals_only_has_no_set() -> None:
    assert update_clause({"display_name_request": None}) == ("REMOVE #u0", {"#u0": "display_name_request"}, {})


def _error(code: str, reasons: list[str] | None = None) -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": code, "Message": "refused"}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": reason} for reason in reasons]
    return ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "failed"),
    [
        (_error("ConditionalCheckFailedException"), {0}),
        (_error("TransactionCanceledException", ["None", "ConditionalCheckFailed", "None"]), {1}),
        (_error("TransactionCanceledException", ["ConditionalCheckFailed", "ConditionalCheckFailed"]), {0, 1}),
        (_error("TransactionCanceledException", ["ThrottlingError", "None"]), set()),
        (_error("ProvisionedThroughputExceededException"), set()),
    ],
)
def test_failed_conditions_names_the_refused_writes_and_nothing_else(error: ClientError, failed: set[int]) -> None:
    assert failed_conditions(error) == failed
