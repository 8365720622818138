"""Every domain event of the hub's services on the bus → the activity feed of the client it concerns
(`hub_accounts.usecases.activity`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_accounts.deps import accounts_store
from hub_accounts.settings import accounts_settings
from hub_accounts.usecases.activity import record
from hub_shared.observability import EVENTBRIDGE_CORRELATION_PATH, observability

obs = observability("accounts")


@obs.handler(EVENTBRIDGE_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> str:
    obs.received(event, EventBridgeModel, "bus event")
    retention = timedelta(days=accounts_settings().activity_retention_days)
    entry = record(event, log=accounts_store(), retention=retention)
    if entry is None:
        return "not recorded"
    obs.metrics.add_metric(name="ActivityRecorded", unit=MetricUnit.Count, value=1)
    return entry.event_id
