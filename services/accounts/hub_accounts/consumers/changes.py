"""PartnerChangeDecided (accepted) on the bus → the client moves to its new partner (`usecases.changes.complete`)."""

from __future__ import annotations

from typing import Any, Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ConfigDict, Field

from hub_accounts.deps import accounts_store
from hub_accounts.usecases.changes import complete
from hub_shared.clock import utc_now
from hub_shared.model import HubModel
from hub_shared.observability import EVENTBRIDGE_CORRELATION_PATH, observability

obs = observability("accounts")


class AcceptedDetail(HubModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    request_id: str = Field(min_length=1)
    client_id: str = Field(min_length=1)
    status: Literal["accepted"]


class AcceptedChange(EventBridgeModel):
    source: Literal["hub.accounts"]
    detail_type: Literal["PartnerChangeDecided"] = Field(alias="detail-type")
    detail: AcceptedDetail


@obs.handler(EVENTBRIDGE_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> str:
    detail = obs.received(event, AcceptedChange, "accepted partner change").detail
    completed = complete(detail.client_id, detail.request_id, store=accounts_store(), now=utc_now())
    if completed is None:
        return "nothing to complete"
    obs.logger.info("partner change completed", extra={"request_id": detail.request_id, "client_id": detail.client_id})
    return completed.request_id
