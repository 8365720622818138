"""The daily usage job (EventBridge Scheduler, every day at 02:00 UTC).

Input `{"job": "billing-usage"}`, optionally with `"now": "<RFC 3339>"` (a run by hand: `make job NAME=BillingUsage
NOW=…`): every WABA's pricing analytics of the day before `now` kept, and every prepaid number debited its approximate
charges for that day (`run_usage_day`). Answers the totals.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Literal

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ConfigDict

from hub_billing.deps import (
    accounts_reader,
    billing_store,
    funds_policy,
    meta_graph,
    payments,
    rate_card,
    waba_registry,
)
from hub_billing.settings import billing_settings
from hub_billing.usecases.daily import UsagePorts, run_usage_day
from hub_shared.clock import UtcDateTime, to_rfc3339, utc_now
from hub_shared.model import HubModel
from hub_shared.observability import observability

JOB = "billing-usage"

obs = observability("billing")


class JobInput(HubModel):
    model_config = ConfigDict(extra="forbid")

    job: Literal["billing-usage"]
    now: UtcDateTime | None = None


@obs.handler()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    asked = JobInput.model_validate(event)
    now = asked.now or utc_now()
    day = now.date() - timedelta(days=1)
    ports = UsagePorts(
        store=billing_store(),
        accounts=accounts_reader(),
        graph=meta_graph(),
        payments=payments(),
        card=rate_card(),
        threshold=funds_policy().default_threshold,
        new_id=lambda: f"entry_{uuid.uuid4().hex[:24]}",
    )
    wabas = [waba.waba_id for waba in waba_registry().every_waba()]
    run = run_usage_day(day, wabas, ports, now=now, workers=billing_settings().usage_workers)
    totals = {
        "day": day.isoformat(),
        "wabas": run.wabas,
        "failed": run.failed,
        "debited": run.debited,
        "amount": run.amount,
        "renewals": run.renewals,
    }
    obs.logger.info("usage of the day debited", extra={"now": to_rfc3339(now), **totals})
    obs.metrics.add_metric(name="UsageDebits", unit=MetricUnit.Count, value=run.debited)
    obs.metrics.add_metric(name="UsageWabaFailures", unit=MetricUnit.Count, value=run.failed)
    return {"job": JOB, "now": to_rfc3339(now), **totals}
