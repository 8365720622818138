"""The Numbers list's cancel / withdraw actions follow the cancellation rules, with the API's reasons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hub_numbers.models.numbers import AccountStatus, InboxStatus, NumberAction
from hub_numbers.usecases.actions import actions_for
from hub_shared.accounts import BillingModel, ClientAccount
from hub_shared.auth import Principal, Role
from tests.builders import NOW, a_number

S = AccountStatus
MONTH_END = datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC)
CLIENT = Principal(subject="anna", role=Role.CLIENT, client_id="acme")
PARTNER = Principal(
    subject="pat", role=Role.PARTNER, partner_id="bluewave", grants=lambda p, c: frozenset({"numbers:read"})
)


def actions(status: AccountStatus, principal: Principal = CLIENT, now: datetime = NOW) -> dict[str, NumberAction]:
    number = a_number(account_status=status, deletion_at=MONTH_END if status is S.PENDING_DELETION else None)
    return {action.name: action for action in actions_for(number, principal, None, now)}


@pytest.mark.parametrize("status", [S.RUNNING, S.RESTRICTED, S.FLAGGED])
def test_a_client_may_cancel_a_running_restricted_or_flagged_number(status: AccountStatus) -> None:
    cancel = actions(status)["cancel"]

    assert (cancel.available, cancel.reason) == (True, None)
    assert "withdraw_cancellation" not in actions(status)


@pytest.mark.parametrize(
    ("status", "why"),
    [
        (S.ONBOARDING, "still being set up"),
        (S.DELETED, "deleted already"),
        (S.BANNED, "banned"),
        (S.DISCONNECTED, "lost access"),
        (S.PENDING_DELETION, "already cancelled"),
    ],
)
def test_cancel_is_unavailable_with_the_reason_the_api_gives(status: AccountStatus, why: str) -> None:
    cancel = actions(status)["cancel"]

    assert cancel.available is False
    assert cancel.reason is not None and why in cancel.reason


def test_a_cancelled_number_may_be_withdrawn_until_its_deletion_time() -> None:
    assert actions(S.PENDING_DELETION)["withdraw_cancellation"].available is True

    late = actions(S.PENDING_DELETION, now=MONTH_END)["withdraw_cancellation"]

    assert late.available is False
    assert late.reason == "The cancellation took effect at the end of the month; the number is being deleted."


def test_partners_see_why_they_may_neither_cancel_nor_withdraw() -> None:
    assert actions(S.RUNNING, PARTNER)["cancel"].reason == "Partners cannot cancel a number for a client."
    withdraw = actions(S.PENDING_DELETION, PARTNER)["withdraw_cancellation"]
    assert (withdraw.available, withdraw.reason) == (False, "Partners cannot withdraw a cancellation for a client.")


def test_a_failed_inbox_activation_may_be_retried_and_an_active_one_not() -> None:
    client = Principal(subject="s", role=Role.CLIENT, client_id="acme")
    account = ClientAccount("acme", "Acme", BillingModel.DIRECT)

    def inbox(status: InboxStatus | None) -> bool:
        actions = {a.name: a for a in actions_for(a_number(inbox_status=status), client, account, NOW)}
        return actions["activate_inbox"].available

    assert (inbox(None), inbox(InboxStatus.FAILED), inbox(InboxStatus.ACTIVE), inbox(InboxStatus.PROVISIONING)) == (
        True,
        True,
        False,
        False,
    )
