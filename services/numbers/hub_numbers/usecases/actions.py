"""Which actions a caller may take on a number now (the Numbers page's buttons).

Cancelling and withdrawing follow the rules of `usecases.cancellation` (the same reasons the API's 409s give);
withdrawal is offered on cancelled numbers only, and is available until their `deletion_at`. Editing the display name
follows `usecases.display_names` (who may, the number's status, a request under review); the 30-day window is
checked by the display-name page and its POST.
"""

from __future__ import annotations

from datetime import datetime

from hub_numbers.models.numbers import AccountStatus, InboxStatus, Number, NumberAction
from hub_numbers.usecases.cancellation import cancel_refusal, withdrawal_refusal
from hub_numbers.usecases.display_names.rules import edit_action_refusal
from hub_shared.accounts import BillingModel, ClientAccount
from hub_shared.auth import Action, Principal, Role

SIGNALS_NOT_YET = "Signals is not available yet."


def actions_for(
    number: Number, principal: Principal, account: ClientAccount | None, now: datetime
) -> list[NumberAction]:
    out = [NumberAction(name="manage", available=principal.can(Action.NUMBERS_READ, number.client_id))]
    out.append(_cancel(number, principal))
    if number.account_status is AccountStatus.PENDING_DELETION:
        out.append(_withdraw(number, principal, now))
    if account is not None and account.billing_model is BillingModel.DIRECT:
        out.append(_inbox(number, principal))
    reason = edit_action_refusal(number, principal)
    out.append(NumberAction(name="edit_display_name", available=reason is None, reason=reason))
    out.append(NumberAction(name="signals", available=False, reason=SIGNALS_NOT_YET))
    return out


def _client_only(principal: Principal, verb: str) -> str | None:
    if principal.role is Role.PARTNER:
        return f"Partners cannot {verb} for a client."
    if principal.role is Role.SUPPORT:
        return f"Only the client can {verb}."
    return None


def _cancel(number: Number, principal: Principal) -> NumberAction:
    reason = _client_only(principal, "cancel a number")
    if reason is None and number.account_status is AccountStatus.PENDING_DELETION:
        reason = "The number is already cancelled."
    reason = reason or cancel_refusal(number)
    return NumberAction(name="cancel", available=reason is None, reason=reason)


def _withdraw(number: Number, principal: Principal, now: datetime) -> NumberAction:
    reason = _client_only(principal, "withdraw a cancellation") or withdrawal_refusal(number, now)
    return NumberAction(name="withdraw_cancellation", available=reason is None, reason=reason)


def _inbox(number: Number, principal: Principal) -> NumberAction:
    reason = _client_only(principal, "activate an inbox")
    if reason is None and number.inbox_status not in (None, InboxStatus.FAILED):  # a failed activation may be retried
        reason = "The inbox is already activated."
    elif reason is None and number.account_status is not AccountStatus.RUNNING:
        reason = "An inbox can be activated for a running number only."
    return NumberAction(name="activate_inbox", available=reason is None, reason=reason)
