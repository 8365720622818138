"""The numbers service's domain events (source `hub.numbers`), published through the numbers table's outbox."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from hub_numbers.models import AccountStatus
from hub_shared.events import DomainEvent

SOURCE = "hub.numbers"


class NumberStatusChanged(DomainEvent):
    """A number's account status changed because of Meta (account_update or phone_number_quality_update)."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "NumberStatusChanged"

    number_id: str = Field(description="Meta's phone number id.")
    client_id: str
    waba_id: str
    previous_status: AccountStatus
    status: AccountStatus
    reason: str = Field(description="Meta's event that caused it, raw: e.g. DISABLED_UPDATE, PARTNER_REMOVED, FLAGGED.")
