"""`local.moto_fixes`: applied wherever moto runs, and checked against the moto release it was written for."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.dynamodb.responses import DynamoHandler

from hub_numbers.events import NumberCancellationRequested
from hub_numbers.store.numbers import NumbersStore
from local.cloud import start_moto
from local.moto_fixes import MOTO_VERSION
from tests.builders import NOW, AwsWorld, a_number


def test_the_fix_was_written_for_the_locked_moto() -> None:
    assert version("moto") == MOTO_VERSION, (
        f"moto is {version('moto')}, the fix in local/moto_fixes.py was written for {MOTO_VERSION}: check whether it "
        "is still needed and still patches the right method, then update MOTO_VERSION"
    )


def test_every_test_runs_with_the_fix() -> None:
    assert getattr(DynamoHandler.call_action, "serialized", False)


def test_the_local_clouds_moto_server_applies_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DynamoHandler, "call_action", DynamoHandler.call_action.__wrapped__)  # type: ignore[attr-defined]
    moto = start_moto()
    try:
        assert getattr(DynamoHandler.call_action, "serialized", False)
    finally:
        moto.stop()


def test_concurrent_transactions_on_one_table_all_succeed(aws: AwsWorld) -> None:
    store = NumbersStore("hub-numbers", aws.dynamodb)
    numbers = [aws.add_number(a_number(str(106540352242000 + i), digits=f"{i:07d}")) for i in range(64)]

    def cancel(number_id: str) -> bool:
        read = store.get(number_id, consistent=True)
        assert read is not None
        event = NumberCancellationRequested(number_id=number_id, client_id="acme", deletion_at=NOW)
        return store.cancel(read, at=NOW, deletion_at=NOW, event=event)

    # threads without coverage's tracer: 16 starting at once sometimes met CPython's "Cannot install a trace function
    # while another trace function is being installed" (coverage installs its tracer in each new thread, and the
    # repository guard's audit hook runs inside that install); the store's lines are measured by its own tests
    installs = threading.gettrace()
    threading.settrace(None)
    try:
        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(cancel, [n.number_id for n in numbers]))
    finally:
        threading.settrace(installs)

    assert results == [True] * len(numbers)


def test_a_cancelled_transaction_leaves_the_stream_readable_and_without_its_records(aws: AwsWorld) -> None:
    streams = boto3.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))
    arn = aws.dynamodb.describe_table(TableName="hub-billing")["Table"]["LatestStreamArn"]
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST")
    position = iterator["ShardIterator"]

    def put(key: str, *, new: bool = False) -> dict[str, Any]:
        item = {"TableName": "hub-billing", "Item": {"pk": {"S": key}, "sk": {"S": "X"}}}
        return {"Put": {**item, "ConditionExpression": "attribute_not_exists(pk)"}} if new else {"Put": item}

    aws.dynamodb.put_item(**put("before")["Put"])
    with pytest.raises(ClientError, match="TransactionCanceled"):
        aws.dynamodb.transact_write_items(TransactItems=[put("cancelled"), put("before", new=True)])  # type: ignore[list-item]
    aws.dynamodb.put_item(**put("after")["Put"])

    seen = []
    for _ in range(3):
        answer = streams.get_records(ShardIterator=position)
        seen += [record["dynamodb"]["Keys"]["pk"]["S"] for record in answer["Records"]]
        position = answer["NextShardIterator"]
    assert seen == ["before", "after"]
