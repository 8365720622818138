"""hub_shared.aws: the DynamoDB toolbox every store shares — UpdateExpressions, refused conditions, batch reads and
writes."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from hub_shared.aws import (
    BATCH_WRITE_ROUNDS,
    MAX_POOL_CONNECTIONS,
    UnprocessedReads,
    UnprocessedWrites,
    batch_get,
    batch_write,
    dynamodb,
    failed_conditions,
    update_clause,
)


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
    """BatchGetItem and BatchWriteItem that leave `unprocessed` keys or writes of every call unprocessed (DynamoDB
    throttling)."""

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

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        self.calls.append(RequestItems)
        ((table, writes),) = RequestItems.items()
        left = writes[: self.unprocessed]
        return {"UnprocessedItems": {table: left} if left else {}}


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


def test_batch_write_sends_25_writes_a_call_puts_then_deletes() -> None:
    client = FakeDynamoDB()

    written = batch_write(client, "t", puts=keys(40), deletes=keys(20))  # type: ignore[arg-type]

    assert written == 60
    assert [len(call["t"]) for call in client.calls] == [25, 25, 10]
    sent = [write for call in client.calls for write in call["t"]]
    assert sent[:40] == [{"PutRequest": {"Item": key}} for key in keys(40)]
    assert sent[40:] == [{"DeleteRequest": {"Key": key}} for key in keys(20)]


def test_batch_write_sends_unprocessed_writes_again_but_not_forever() -> None:
    throttled_once = FakeDynamoDB(unprocessed=2)
    throttled_once.batch_write_item = _throttled_once(throttled_once.batch_write_item)  # type: ignore[method-assign]
    assert batch_write(throttled_once, "t", puts=keys(3)) == 3  # type: ignore[arg-type]
    assert [len(call["t"]) for call in throttled_once.calls] == [3, 2]
    stuck = FakeDynamoDB(unprocessed=2)

    with pytest.raises(UnprocessedWrites, match=f"2 writes to t stayed unprocessed after {BATCH_WRITE_ROUNDS} tries"):
        batch_write(stuck, "t", deletes=keys(3))  # type: ignore[arg-type]
    assert len(stuck.calls) == BATCH_WRITE_ROUNDS


def _throttled_once(send: Any) -> Any:
    """`send` leaving writes unprocessed on its first call only."""
    calls = 0

    def once(RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        nonlocal calls
        calls += 1
        answer: dict[str, Any] = send(RequestItems)
        return answer if calls == 1 else {"UnprocessedItems": {}}

    return once


def test_a_client_keeps_a_connection_for_every_worker_of_the_jobs() -> None:
    """A worker beyond the pool's size would wait for another's connection instead of for DynamoDB."""
    from hub_numbers.usecases import deletion  # noqa: PLC0415 - the jobs' settings, read here only
    from hub_numbers.usecases.display_names import polling  # noqa: PLC0415

    config: Any = dynamodb().meta.config  # botocore's Config: its stubs name no pool size
    assert config.max_pool_connections == MAX_POOL_CONNECTIONS
    assert max(deletion.DEFAULT_CONCURRENCY, polling.DEFAULT_CONCURRENCY) < MAX_POOL_CONNECTIONS  # + the reader
