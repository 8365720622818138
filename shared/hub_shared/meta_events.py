"""The bus contract of Meta's webhooks: every stored change goes out as source `hub.meta`,
detail-type `meta.<field>`, with a `MetaChange` detail. Typed views of the values the hub consumes
live here too, so producer and consumers share one definition.

Meta's enums are open: every value model keeps unknown keys and takes any string where Meta may add one.
"""

from __future__ import annotations

from typing import Any, ClassVar

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import ConfigDict, Field

from hub_shared.events import DomainEvent
from hub_shared.model import HubModel

META_SOURCE = "hub.meta"


def detail_type(field: str) -> str:
    """`account_update` → `meta.account_update`."""
    return f"meta.{field}"


class MetaChange(DomainEvent):
    """One change of one webhook entry, as Meta sent it (`entry[].changes[]`), once.

    `metadata.event_id` is the change's id: the same change delivered twice by Meta has the same id.
    `metadata.occurred_at` is Meta's `entry[].time`.
    """

    SOURCE: ClassVar[str] = META_SOURCE
    DETAIL_TYPE: ClassVar[str] = "meta.<field>"

    waba_id: str = Field(description="`entry[].id`: the WABA (for PARTNER_* events Meta puts the partner's id here).")
    field: str = Field(description="Meta's webhook field, e.g. account_update.")
    time: int = Field(description="Meta's `entry[].time`, Unix seconds (0 where Meta sent none).")
    value: dict[str, Any] = Field(description="The change's `value`, exactly as Meta sent it.")


class MetaChangeEvent(EventBridgeModel):
    """A bus event of Meta's webhooks, as its consumers receive it."""

    detail: MetaChange


class _OpenModel(HubModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class BanInfo(_OpenModel):
    waba_ban_state: str | None = Field(default=None, description="DISABLE, REINSTATE or SCHEDULE_FOR_DISABLE.")
    waba_ban_date: str | None = None


class WabaInfo(_OpenModel):
    waba_id: str | None = None
    owner_business_id: str | None = None


class AccountUpdate(_OpenModel):
    """`account_update`: what happened to a WABA (ban, violation, partner removed, …)."""

    event: str
    ban_info: BanInfo | None = None
    waba_info: WabaInfo | None = None
    violation_info: dict[str, Any] | None = None


class PhoneNumberQualityUpdate(_OpenModel):
    """`phone_number_quality_update`: a number's messaging limit or flag changed."""

    display_phone_number: str = Field(description="Digits, no `+`.")
    event: str = Field(description="FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE, ONBOARDING, THROUGHPUT_UPGRADE, …")
    current_limit: str | None = None
    old_limit: str | None = None


class PhoneNumberNameUpdate(_OpenModel):
    """`phone_number_name_update`: Meta's decision on a display name."""

    display_phone_number: str
    decision: str = Field(description="APPROVED, REJECTED, DEFERRED or PENDING.")
    requested_verified_name: str | None = None
    rejection_reason: str | None = None
