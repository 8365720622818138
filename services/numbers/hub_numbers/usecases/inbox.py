"""Activate Inbox: a get.chat inbox for a running number of a `direct` client, provisioned once (SPEC §3 Numbers).

The number records the inbox (`inbox_status` provisioning → active, or failed; `inbox_id`, `inbox_url`). Every write
is conditional on the number as read, so of two concurrent activations one provisions and the other answers the
inbox once it is active; get.chat itself keeps one inbox per phone number id, so a retry after a failure (or
after a crash mid-way) provisions the same inbox, never a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aws_lambda_powertools import Logger

from hub_numbers.errors import ChangedConcurrently, ClientUsersOnly, InboxForDirectClientsOnly, NumberNotFound
from hub_numbers.models.numbers import AccountStatus, InboxStatus, Number
from hub_numbers.models.onboarding import InboxView
from hub_shared.accounts import BillingModel, ClientAccounts
from hub_shared.auth import Action, Principal, Role, authorize
from hub_shared.clock import advanced
from hub_shared.errors import NotFound, StateConflict, UpstreamError
from hub_shared.model import HubModel

logger = Logger(child=True)


class InboxRecords(Protocol):
    def number(self, number_id: str) -> Number | None: ...

    def save_number(self, number: Number, *, read: Number) -> None: ...


class ProvisionedInbox(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def url(self) -> str: ...


class Inboxes(Protocol):
    def provision(
        self, *, phone_number_id: str, waba_id: str, client_id: str, display_name: str
    ) -> ProvisionedInbox: ...


@dataclass(frozen=True)
class InboxDeps:
    records: InboxRecords
    inboxes: Inboxes
    accounts: ClientAccounts


class ActivatedInbox(HubModel):
    created: bool
    view: InboxView

    @property
    def status_code(self) -> int:
        return 201 if self.created else 200


def get_inbox(number_id: str, principal: Principal, deps: InboxDeps) -> InboxView:
    number = authorize(principal, deps.records.number(number_id), missing=NumberNotFound(number_id))
    if number.inbox_status is None:
        raise NotFound(f"No inbox was activated for number {number_id}.")
    return view_of(number)


def activate_inbox(number_id: str, principal: Principal, deps: InboxDeps, now: datetime) -> ActivatedInbox:
    number = authorize(
        principal,
        deps.records.number(number_id),
        missing=NumberNotFound(number_id),
        action=Action.INBOX_ACTIVATE,
        refused=lambda caller: ClientUsersOnly(
            "Partners cannot activate an inbox for a client; the client's own users can."
            if caller.role is Role.PARTNER
            else "Only the client's own users can activate an inbox."
        ),
    )
    account = deps.accounts.client(number.client_id)
    if account is None or account.billing_model is not BillingModel.DIRECT:
        raise InboxForDirectClientsOnly(
            "Activate Inbox is for clients who pay the hub directly; this client's numbers are paid by its partner."
        )
    if number.inbox_status is InboxStatus.ACTIVE:
        return ActivatedInbox(created=False, view=view_of(number))
    if number.account_status is not AccountStatus.RUNNING:
        raise StateConflict(
            f"An inbox can be activated for a running number only; number {number_id} is {number.account_status.value}."
        )
    provisioning = _save(number, deps, now, inbox_status=InboxStatus.PROVISIONING)
    try:
        inbox = deps.inboxes.provision(
            phone_number_id=number.number_id,
            waba_id=number.waba_id,
            client_id=number.client_id,
            display_name=number.display_name or number.display_phone_number,
        )
    except UpstreamError:
        _failed(provisioning, deps, now)
        raise
    try:
        active = _save(provisioning, deps, now, inbox_status=InboxStatus.ACTIVE, inbox_id=inbox.id, inbox_url=inbox.url)
    except ChangedConcurrently:
        recorded = deps.records.number(number_id)
        if recorded is None or recorded.inbox_status is not InboxStatus.ACTIVE or recorded.inbox_id != inbox.id:
            raise
        return ActivatedInbox(created=False, view=view_of(recorded))  # a concurrent activation recorded it first
    logger.info("inbox activated", extra={"number_id": number_id, "inbox_id": inbox.id})
    return ActivatedInbox(created=True, view=view_of(active))


def view_of(number: Number) -> InboxView:
    """The inbox recorded on the number (which has one)."""
    return InboxView.model_validate(
        {
            "number_id": number.number_id,
            "status": number.inbox_status,
            "inbox_id": number.inbox_id,
            "url": number.inbox_url,
        }
    )


def _save(number: Number, deps: InboxDeps, now: datetime, **changes: object) -> Number:
    saved = number.model_copy(update={**changes, "updated_at": advanced(number.updated_at, now)})
    try:
        deps.records.save_number(saved, read=number)
    except ChangedConcurrently as error:
        raise ChangedConcurrently(
            f"The inbox of number {number.number_id} is being activated by another request; try again in a moment."
        ) from error
    return saved


def _failed(provisioning: Number, deps: InboxDeps, now: datetime) -> None:
    """Mark the inbox failed (so a retry is offered), unless another request changed the number meanwhile."""
    logger.warning("inbox provisioning failed", extra={"number_id": provisioning.number_id})
    try:
        _save(provisioning, deps, now, inbox_status=InboxStatus.FAILED)
    except ChangedConcurrently:
        logger.warning(
            "number changed while the inbox failure was recorded", extra={"number_id": provisioning.number_id}
        )
