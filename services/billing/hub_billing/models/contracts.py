"""The bus contract billing relies on: the details of the numbers service's NumberAdded and NumberDeleted
(source `hub.numbers`), as billing reads them.

Billing never imports the numbers service; these models are its own reading of the events (fields billing does
not use are ignored, so the producer may add fields), and a unit test checks that they accept what the numbers
service publishes.
"""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import AwareDatetime, ConfigDict, Field, RootModel

from hub_shared.model import HubModel


class Metadata(HubModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_id: str = Field(min_length=1, description="Unique per event: billing applies each event once.")
    occurred_at: AwareDatetime


class NumberAddedDetail(HubModel):
    """A number was added or imported and runs: billable from `metadata.occurred_at`."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    metadata: Metadata
    number_id: str = Field(min_length=1)
    client_id: str = Field(min_length=1)
    waba_id: str = Field(min_length=1)
    phone_number: str = Field(pattern=r"^\+[1-9][0-9]{6,14}$", description="E.164.")


class NumberDeletedDetail(HubModel):
    """A cancelled number was deleted at the end of its month: not billable from `deleted_at`."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    metadata: Metadata
    number_id: str = Field(min_length=1)
    client_id: str = Field(min_length=1)
    deleted_at: AwareDatetime


class NumberAddedEvent(EventBridgeModel):
    source: Literal["hub.numbers"]
    detail_type: Literal["NumberAdded"] = Field(alias="detail-type")
    detail: NumberAddedDetail


class NumberDeletedEvent(EventBridgeModel):
    source: Literal["hub.numbers"]
    detail_type: Literal["NumberDeleted"] = Field(alias="detail-type")
    detail: NumberDeletedDetail


class NumberLifecycleEvent(
    RootModel[Annotated[NumberAddedEvent | NumberDeletedEvent, Field(discriminator="detail_type")]]
):
    """What the BillingNumberEventsFunction's rule delivers, as EventBridge delivers it."""
