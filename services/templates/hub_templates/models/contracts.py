"""The bus contract the templates service relies on: the numbers service's NumberAdded (source `hub.numbers`), read
to sync the templates of the number's WABA — a WABA the hub now manages has its templates mirrored at once.

The templates service never imports the numbers service: this is its own reading of the event (fields it does not
use are ignored), and a test checks that it accepts what the numbers service publishes.
"""

from __future__ import annotations

from typing import Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import ConfigDict, Field

from hub_shared.model import HubModel


class AddedNumber(HubModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    number_id: str = Field(min_length=1)
    client_id: str = Field(min_length=1)
    waba_id: str = Field(pattern=r"^[0-9]{1,20}$")


class NumberAddedEvent(EventBridgeModel):
    source: Literal["hub.numbers"]
    detail_type: Literal["NumberAdded"] = Field(alias="detail-type")
    detail: AddedNumber
