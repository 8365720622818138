"""POST / DELETE /v1/numbers/{number_id}/cancellation: handler → use case → DynamoDB (moto, tables from the template).

Each refusal answers problem+json and leaves the number and the outbox as they were."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from hub_numbers.app import app, handler
from hub_numbers.errors import NotWithdrawable
from hub_numbers.models.numbers import AccountStatus, Number
from hub_numbers.store.numbers import NumbersStore
from hub_numbers.usecases.cancellation import cancel_number, end_of_month, withdraw_cancellation
from hub_shared.api import request_time
from hub_shared.auth import Principal, Role
from hub_shared.events import DomainEvent
from tests.builders import (
    CLIENT_ACME,
    CLIENT_GLOBEX,
    NOW,
    PARTNER,
    SUPPORT,
    AwsWorld,
    a_number,
    assert_problem,
    claims_for,
    context,
    http_event,
)

ROUTE = "/v1/numbers/{number_id}/cancellation"
NUMBER_ID = "106540352242922"
MONTH_END = "2026-11-30T23:59:59.999999Z"
ANNA = Principal(subject="user-acme", role=Role.CLIENT, client_id="acme")
S = AccountStatus


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    app.dependency_overrides[request_time] = lambda: NOW
    yield
    app.dependency_overrides.clear()


@pytest.fixture
def world(aws: AwsWorld) -> AwsWorld:
    aws.add_client("acme")
    aws.add_client("globex", billing_model="partner", partner_id="bluewave")
    aws.grant("acme", "bluewave", "numbers:read")
    return aws


def call(method: str, claims: dict[str, str] | None, number_id: str = NUMBER_ID) -> tuple[int, dict[str, Any]]:
    event = http_event(
        method,
        f"/v1/numbers/{number_id}/cancellation",
        route=ROUTE,
        claims=claims,
        path_parameters={"number_id": number_id},
    )
    answer = handler(event, context("NumbersFunction"))
    return answer["statusCode"], json.loads(answer["body"])


def cancel(claims: dict[str, str] | None = CLIENT_ACME, number_id: str = NUMBER_ID) -> tuple[int, dict[str, Any]]:
    return call("POST", claims, number_id)


def withdraw(claims: dict[str, str] | None = CLIENT_ACME, number_id: str = NUMBER_ID) -> tuple[int, dict[str, Any]]:
    return call("DELETE", claims, number_id)


def stored(aws: AwsWorld, number_id: str = NUMBER_ID) -> dict[str, Any]:
    item = aws.dynamodb.get_item(
        TableName="hub-numbers", Key={"pk": {"S": f"NUMBER#{number_id}"}, "sk": {"S": "NUMBER"}}
    )
    return {name: next(iter(value.values())) for name, value in item["Item"].items()}


def outbox(aws: AwsWorld) -> list[tuple[str, dict[str, Any]]]:
    items = [item for item in aws.table_items("hub-numbers") if item["pk"]["S"].startswith("OUTBOX#")]
    return [(item["detail_type"]["S"], json.loads(item["detail"]["S"])) for item in items]


def due_for_deletion(aws: AwsWorld, shard: str) -> list[str]:
    answer = aws.dynamodb.query(
        TableName="hub-numbers",
        IndexName="DueForDeletion",
        KeyConditionExpression="deletion_shard = :s",
        ExpressionAttributeValues={":s": {"S": shard}},
    )
    return [item["pk"]["S"] for item in answer["Items"]]


def cancelled(number_id: str = NUMBER_ID, **overrides: Any) -> Number:
    values: dict[str, Any] = {
        "account_status": S.PENDING_DELETION,
        "status_before_cancellation": S.RUNNING,
        "cancelled_at": datetime(2026, 11, 3, 9, 0, tzinfo=UTC),
        "deletion_at": datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC),
        **overrides,
    }
    return a_number(number_id, **values)


# ------------------------------------------------------------------ cancel


@pytest.mark.parametrize("status", [S.RUNNING, S.RESTRICTED, S.FLAGGED])
def test_a_client_cancels_a_number_until_the_end_of_the_month(world: AwsWorld, status: AccountStatus) -> None:
    world.add_number(a_number(NUMBER_ID, account_status=status))

    code, body = cancel()

    assert code == 200, body
    assert body == {
        "number_id": NUMBER_ID,
        "status": "pending_deletion",
        "deletion_at": MONTH_END,
        "cancelled_at": "2026-11-20T12:00:00.000000Z",
    }
    item = stored(world)
    assert (item["account_status"], item["status_before_cancellation"]) == ("pending_deletion", status.value)
    assert (item["deletion_at"], item["cancelled_at"]) == (MONTH_END, "2026-11-20T12:00:00.000000Z")
    assert due_for_deletion(world, item["deletion_shard"]) == [f"NUMBER#{NUMBER_ID}"]
    [(detail_type, detail)] = outbox(world)
    assert detail_type == "NumberCancellationRequested"
    assert (detail["number_id"], detail["client_id"], detail["deletion_at"]) == (NUMBER_ID, "acme", MONTH_END)


def test_cancelling_twice_answers_the_same_cancellation_and_writes_nothing(world: AwsWorld) -> None:
    world.add_number(a_number(NUMBER_ID))
    first = cancel()
    before = stored(world)

    second = cancel()

    assert second == first
    assert stored(world) == before
    assert [detail_type for detail_type, _ in outbox(world)] == ["NumberCancellationRequested"]


@pytest.mark.parametrize(
    ("moment", "month_end"),
    [
        (datetime(2026, 2, 1, 0, 0, tzinfo=UTC), datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=UTC)),
        (datetime(2028, 2, 29, 23, 59, 59, 999999, tzinfo=UTC), datetime(2028, 2, 29, 23, 59, 59, 999999, tzinfo=UTC)),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        (datetime.fromisoformat("2026-12-01T00:30:00+01:00"), datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC)),
    ],
)
def test_the_deletion_is_at_the_last_instant_of_the_calendar_month_in_utc(
    moment: datetime, month_end: datetime
) -> None:
    assert end_of_month(moment) == month_end


@pytest.mark.parametrize(
    ("status", "why"),
    [
        (S.ONBOARDING, "still being set up"),
        (S.DELETED, "deleted already"),
        (S.BANNED, "banned"),
        (S.DISCONNECTED, "lost access"),
    ],
)
def test_a_number_that_cannot_be_cancelled_is_a_409_that_says_why(
    world: AwsWorld, status: AccountStatus, why: str
) -> None:
    world.add_number(a_number(NUMBER_ID, account_status=status))
    before = stored(world)

    code, body = cancel()

    assert code == 409
    assert_problem(body, 409, "number-not-cancellable")
    assert why in body["detail"]
    assert stored(world) == before
    assert outbox(world) == []


def test_a_partner_cannot_cancel_a_number_it_sees(world: AwsWorld) -> None:
    world.add_number(a_number(NUMBER_ID))

    code, body = cancel(PARTNER)

    assert code == 403
    assert_problem(body, 403, "partners-cannot-cancel-numbers")
    assert stored(world)["account_status"] == "running"
    assert outbox(world) == []


def test_a_partner_cannot_withdraw_a_cancellation_either(world: AwsWorld) -> None:
    world.add_number(cancelled())

    code, body = withdraw(PARTNER)

    assert code == 403
    assert_problem(body, 403, "partners-cannot-cancel-numbers")
    assert stored(world)["account_status"] == "pending_deletion"


def test_support_cannot_cancel_for_the_client(world: AwsWorld) -> None:
    world.add_number(a_number(NUMBER_ID))

    code, body = cancel(SUPPORT)

    assert code == 403
    assert_problem(body, 403, "forbidden")
    assert outbox(world) == []


@pytest.mark.parametrize(
    ("claims", "number_id"),
    [
        (CLIENT_GLOBEX, NUMBER_ID),  # another tenant's
        (claims_for(partner_id="other-partner"), NUMBER_ID),  # a partner the client did not grant
        (CLIENT_ACME, "999"),  # unknown
    ],
)
def test_a_number_the_caller_cannot_see_is_404(world: AwsWorld, claims: dict[str, str], number_id: str) -> None:
    world.add_number(a_number(NUMBER_ID))

    assert cancel(claims, number_id)[0] == 404
    assert withdraw(claims, number_id)[0] == 404
    assert stored(world)["account_status"] == "running"


def test_without_a_token_it_is_401(world: AwsWorld) -> None:
    assert cancel(None)[0] == 401


def test_a_malformed_number_id_is_422(world: AwsWorld) -> None:
    code, body = cancel(CLIENT_ACME, "12a")

    assert code == 422
    assert body["errors"][0]["field"] == "path.number_id"


# ------------------------------------------------------------------ withdraw


@pytest.mark.parametrize("before", [S.RUNNING, S.FLAGGED])
def test_a_withdrawal_before_the_deletion_returns_the_number_to_its_status(
    world: AwsWorld, before: AccountStatus
) -> None:
    world.add_number(cancelled(status_before_cancellation=before))
    shard = stored(world)["deletion_shard"]

    code, body = withdraw()

    assert (code, body) == (200, {"number_id": NUMBER_ID, "status": before.value})
    item = stored(world)
    assert item["account_status"] == before.value
    assert not {"deletion_shard", "deletion_at", "cancelled_at", "status_before_cancellation"} & set(item)
    assert due_for_deletion(world, shard) == []
    [(detail_type, detail)] = outbox(world)
    assert (detail_type, detail["number_id"], detail["status"]) == (
        "NumberCancellationWithdrawn",
        NUMBER_ID,
        before.value,
    )


def test_a_number_cancelled_before_the_hub_recorded_its_previous_status_returns_to_running(world: AwsWorld) -> None:
    world.add_number(cancelled(status_before_cancellation=None, cancelled_at=None))

    assert withdraw() == (200, {"number_id": NUMBER_ID, "status": "running"})


def test_a_withdrawal_at_or_after_the_deletion_time_is_a_409(world: AwsWorld) -> None:
    world.add_number(cancelled(deletion_at=NOW))
    before = stored(world)

    code, body = withdraw()

    assert code == 409
    assert_problem(body, 409, "cancellation-not-withdrawable")
    assert "being deleted" in body["detail"]
    assert stored(world) == before
    assert outbox(world) == []


@pytest.mark.parametrize("status", [S.RUNNING, S.DELETED])
def test_withdrawing_when_there_is_no_cancellation_is_a_409(world: AwsWorld, status: AccountStatus) -> None:
    world.add_number(a_number(NUMBER_ID, account_status=status))

    code, body = withdraw()

    assert code == 409
    assert_problem(body, 409, "cancellation-not-withdrawable")
    assert f"it is {status.value}" in body["detail"]
    assert outbox(world) == []


def test_cancel_withdraw_cancel_again_is_a_fresh_cancellation(world: AwsWorld) -> None:
    world.add_number(a_number(NUMBER_ID))

    assert cancel()[0] == 200
    assert withdraw()[0] == 200
    code, body = cancel()

    assert (code, body["status"]) == (200, "pending_deletion")
    assert sorted(t for t, _ in outbox(world)) == [
        "NumberCancellationRequested",
        "NumberCancellationRequested",
        "NumberCancellationWithdrawn",
    ]


# ------------------------------------------------------------------ races


class Interleaved(NumbersStore):
    """Another request completes between this request's read and its write, once."""

    def __init__(self, aws: AwsWorld, meanwhile: Callable[[], object]):
        super().__init__("hub-numbers", aws.dynamodb)
        self.meanwhile: Callable[[], object] | None = meanwhile

    def _interleave(self) -> None:
        if self.meanwhile is not None:
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()

    def cancel(self, read: Number, *, at: datetime, deletion_at: datetime, event: DomainEvent) -> bool:
        self._interleave()
        return super().cancel(read, at=at, deletion_at=deletion_at, event=event)

    def withdraw(self, read: Number, *, status: AccountStatus, at: datetime, event: DomainEvent) -> bool:
        self._interleave()
        return super().withdraw(read, status=status, at=at, event=event)


def test_two_racing_cancellations_write_one_and_answer_the_same(world: AwsWorld) -> None:
    world.add_number(a_number(NUMBER_ID))
    plain = NumbersStore("hub-numbers", world.dynamodb)
    other: list[Any] = []
    store = Interleaved(world, lambda: other.append(cancel_number(NUMBER_ID, ANNA, numbers=plain, now=NOW)))

    mine = cancel_number(NUMBER_ID, ANNA, numbers=store, now=datetime(2026, 11, 20, 12, 0, 1, tzinfo=UTC))

    assert mine == other[0]
    assert [t for t, _ in outbox(world)] == ["NumberCancellationRequested"]


def test_two_racing_withdrawals_cannot_both_win(world: AwsWorld) -> None:
    world.add_number(cancelled())
    plain = NumbersStore("hub-numbers", world.dynamodb)
    store = Interleaved(world, lambda: withdraw_cancellation(NUMBER_ID, ANNA, numbers=plain, now=NOW))

    with pytest.raises(NotWithdrawable, match="not cancelled"):
        withdraw_cancellation(NUMBER_ID, ANNA, numbers=store, now=NOW)

    assert stored(world)["account_status"] == "running"
    assert [t for t, _ in outbox(world)] == ["NumberCancellationWithdrawn"]


def test_a_cancel_racing_a_withdrawal_of_the_cancellation_it_read_lands_on_a_consistent_state(world: AwsWorld) -> None:
    """The withdrawal read cancellation A; meanwhile A was withdrawn and the client cancelled again (B). The late
    withdrawal's write is refused (A is gone), and decided again it withdraws the cancellation that stands, B:
    three changes, three events, the number running — never a withdrawal event without its state."""
    world.add_number(cancelled())
    plain = NumbersStore("hub-numbers", world.dynamodb)

    def withdraw_then_cancel_again() -> None:
        withdraw_cancellation(NUMBER_ID, ANNA, numbers=plain, now=NOW)
        cancel_number(NUMBER_ID, ANNA, numbers=plain, now=datetime(2026, 11, 21, tzinfo=UTC))

    store = Interleaved(world, withdraw_then_cancel_again)
    answer = withdraw_cancellation(NUMBER_ID, ANNA, numbers=store, now=datetime(2026, 11, 22, tzinfo=UTC))

    assert answer.status is S.RUNNING
    assert stored(world)["account_status"] == "running"
    assert sorted(t for t, _ in outbox(world)) == [
        "NumberCancellationRequested",
        "NumberCancellationWithdrawn",
        "NumberCancellationWithdrawn",
    ]
