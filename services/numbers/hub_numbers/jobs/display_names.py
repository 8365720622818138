"""The display-name polling job (EventBridge Scheduler, every 15 minutes).

Input `{"job": "display-name-polling"}`: one run of `DisplayNamePolling` over every open request (the sparse
`PendingDisplayName` index, all shards), answering the count of each outcome; a lost webhook delays a decision
by at most one period. Requests Meta did not answer for are left open and tried again on the next run.
"""

from __future__ import annotations

from typing import Any, Literal

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ConfigDict

from hub_numbers.deps import display_names_store
from hub_numbers.store.display_names import PENDING_SHARDS
from hub_numbers.usecases.display_names.decisions import Outcome
from hub_numbers.usecases.display_names.polling import DisplayNamePolling
from hub_shared.clock import to_rfc3339, utc_now
from hub_shared.graph import graph_client
from hub_shared.model import HubModel
from hub_shared.observability import observability
from hub_shared.singletons import singleton

JOB = "display-name-polling"

obs = observability("numbers")


class JobInput(HubModel):
    model_config = ConfigDict(extra="forbid")

    job: Literal["display-name-polling"]


@singleton
def display_name_polling() -> DisplayNamePolling:
    return DisplayNamePolling(display_names_store(), graph_client(), shards=[str(s) for s in range(PENDING_SHARDS)])


@obs.handler()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    JobInput.model_validate(event)
    now = utc_now()
    counts = display_name_polling().run(now)
    summary = {outcome.value: counts[outcome] for outcome in Outcome}
    obs.logger.info("display-name polling finished", extra={"now": to_rfc3339(now), **summary})
    for outcome in Outcome:
        obs.metrics.add_metric(
            name=f"DisplayNamePoll{outcome.value.title()}", unit=MetricUnit.Count, value=counts[outcome]
        )
    return {"job": JOB, "now": to_rfc3339(now), "outcomes": summary}
