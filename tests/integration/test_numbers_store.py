"""The numbers table's item layout: sparse indexes and times that sort as instants."""

from __future__ import annotations

from datetime import UTC, datetime

from hub_numbers.models.numbers import DELETION_SHARDS, AccountStatus
from hub_numbers.store.numbers import NumbersStore, deletion_shard
from tests.builders import AwsWorld, a_number


def due_for_deletion(world: AwsWorld, before: str) -> list[str]:
    found: list[str] = []
    for shard in range(DELETION_SHARDS):
        answer = world.dynamodb.query(
            TableName="hub-numbers",
            IndexName="DueForDeletion",
            KeyConditionExpression="deletion_shard = :s AND deletion_at <= :t",
            ExpressionAttributeValues={":s": {"S": str(shard)}, ":t": {"S": before}},
        )
        found.extend(item["pk"]["S"].removeprefix("NUMBER#") for item in answer["Items"])
    return sorted(found)


def test_only_cancelled_numbers_enter_the_deletion_index(aws: AwsWorld) -> None:
    month_end = datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC)
    aws.add_number(a_number("11", account_status=AccountStatus.PENDING_DELETION, deletion_at=month_end))
    aws.add_number(a_number("12", account_status=AccountStatus.RUNNING))
    aws.add_number(a_number("13", account_status=AccountStatus.DELETED, deletion_at=month_end))

    assert due_for_deletion(aws, "2026-12-01T00:00:00.000000Z") == ["11"]
    assert due_for_deletion(aws, "2026-11-30T23:59:59.999998Z") == []


def test_times_are_stored_fixed_width_so_strings_sort_as_instants(aws: AwsWorld) -> None:
    on_the_second = datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC)
    aws.add_number(a_number("21", account_status=AccountStatus.PENDING_DELETION, deletion_at=on_the_second))

    item = aws.dynamodb.get_item(TableName="hub-numbers", Key={"pk": {"S": "NUMBER#21"}, "sk": {"S": "NUMBER"}})["Item"]

    assert item["deletion_at"] == {"S": "2026-11-30T23:59:59.000000Z"}
    assert due_for_deletion(aws, "2026-11-30T23:59:59.5Z") == ["21"]


def test_a_stored_number_reads_back_equal(aws: AwsWorld) -> None:
    number = a_number("31", deletion_at=datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC))
    store = NumbersStore("hub-numbers", aws.dynamodb)
    store.put(number)

    assert store.get("31") == number


def test_deletion_shards_spread_numbers() -> None:
    assert {deletion_shard(str(106540352242922 + n)) for n in range(64)} == {str(s) for s in range(DELETION_SHARDS)}
