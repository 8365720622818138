"""The bus contract the waba service relies on: the details of the numbers service's NumberAdded and NumberDeleted
(source `hub.numbers`), as the waba service reads them to learn which WABAs and numbers the hub manages.

The waba service never imports the numbers service; these models are its own reading of the events (fields it does
not use are ignored, so the producer may add fields), and a test checks that they accept what the numbers service
publishes.
"""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import AwareDatetime, ConfigDict, Field, RootModel

from hub_shared.model import HubModel


class Metadata(HubModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_id: str = Field(min_length=1)
    occurred_at: AwareDatetime = Field(description="Orders the events of a number: an older one never wins.")


class NumberDetail(HubModel):
    """A number of a WABA: added (running) or deleted."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    metadata: Metadata
    number_id: str = Field(min_length=1)
    client_id: str = Field(min_length=1)
    waba_id: str = Field(min_length=1)


class NumberAddedEvent(EventBridgeModel):
    source: Literal["hub.numbers"]
    detail_type: Literal["NumberAdded"] = Field(alias="detail-type")
    detail: NumberDetail


class NumberDeletedEvent(EventBridgeModel):
    source: Literal["hub.numbers"]
    detail_type: Literal["NumberDeleted"] = Field(alias="detail-type")
    detail: NumberDetail


class NumberLifecycleEvent(
    RootModel[Annotated[NumberAddedEvent | NumberDeletedEvent, Field(discriminator="detail_type")]]
):
    """What the WabaNumberEventsFunction's rule delivers, as EventBridge delivers it."""
