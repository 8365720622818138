"""The scheduled sync of every WABA's templates (EventBridge Scheduler, every 6 hours).

Input `{"job": "templates-sync"}`: every WABA of the registry synced with Meta (`sync_every_waba`), so what changed
out of band (in WhatsApp Manager, a webhook lost) reaches the mirror within one period. Answers the totals.
"""

from __future__ import annotations

from typing import Any, Literal

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ConfigDict

from hub_shared.clock import to_rfc3339, utc_now
from hub_shared.model import HubModel
from hub_shared.observability import observability
from hub_templates.deps import meta_graph, sync_page_size, sync_workers, templates_store, waba_registry
from hub_templates.usecases.sync import sync_every_waba

JOB = "templates-sync"

obs = observability("templates")


class JobInput(HubModel):
    model_config = ConfigDict(extra="forbid")

    job: Literal["templates-sync"]


@obs.handler()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    JobInput.model_validate(event)
    now = utc_now()
    run = sync_every_waba(
        waba_registry().every_waba(),
        mirror=templates_store(),
        graph=meta_graph(),
        now=now,
        page_size=sync_page_size(),
        workers=sync_workers(),
    )
    totals = {
        "wabas": run.wabas,
        "failed": run.failed,
        "added": run.added,
        "updated": run.updated,
        "removed": run.removed,
        "pages": run.pages,
    }
    obs.logger.info("templates of every WABA synced", extra={"now": to_rfc3339(now), **totals})
    obs.metrics.add_metric(name="TemplateSyncWabas", unit=MetricUnit.Count, value=run.wabas)
    obs.metrics.add_metric(name="TemplateSyncFailures", unit=MetricUnit.Count, value=run.failed)
    return {"job": JOB, "now": to_rfc3339(now), **totals}
