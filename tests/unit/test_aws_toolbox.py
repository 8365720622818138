"""hub_shared.aws: the DynamoDB toolbox every store shares — UpdateExpressions, refused conditions, batch reads."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from hub_shared.aws import UnprocessedReads, batch_get, failed_conditions, update_clause


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


class FakeDynamoDB:
    """BatchGetItem that leaves `unprocessed` keys of every call unprocessed (DynamoDB throttling)."""

    def __init__(self, unprocessed: int = 0) -> None:
        self.unprocessed = unprocessed
        self.calls: list[dict[str, Any]] = []

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        self.calls.append(RequestItems)
        ((table, request),) = RequestItems.items()
        keys = request["Keys"]
        done, left = keys[self.unprocessed :], keys[: self.unprocessed]
        answer: dict[str, Any] = {"Responses": {table: [{**key, "found": {"BOOL": True}} for key in done]}}
        if left:
            answer["UnprocessedKeys"] = {table: {"Keys": left}}
        return answer


def keys(count: int) -> list[dict[str, Any]]:
    return [{"pk": {"S": f"K#{i}"}} for i in range(count)]


@pytest.mark.parametrize("consistent", [True, False])
def test_batch_get_reads_100_keys_a_call_with_the_consistency_asked(consistent: bool) -> None:
    client = FakeDynamoDB()

    items = list(batch_get(client, "t", keys(250), consistent=consistent))  # type: ignore[arg-type]

    assert len(items) == 250
    assert [len(call["t"]["Keys"]) for call in client.calls] == [100, 100, 50]
    assert {call["t"]["ConsistentRead"] for call in client.calls} == {consistent}


def test_batch_get_reads_unprocessed_keys_again_but_not_forever() -> None:
    assert len(list(batch_get(FakeDynamoDB(unprocessed=0), "t", keys(3), consistent=True))) == 3  # type: ignore[arg-type]
    stuck = FakeDynamoDB(unprocessed=2)

    with pytest.raises(UnprocessedReads, match="2 keys of t stayed unprocessed after 4 reads"):
        list(batch_get(stuck, "t", keys(3), consistent=True, rounds=4))  # type: ignore[arg-type]
    assert len(stuck.calls) == 4
