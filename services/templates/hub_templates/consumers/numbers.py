"""NumberAdded on the bus (source `hub.numbers`) → the templates of the number's WABA synced from Meta, so a WABA the
hub starts managing shows its templates at once (a number added to a WABA the hub knows only refreshes them).

An event not shaped like the contract (`hub_templates.models.contracts`) is logged and raised; Meta failing is
raised too: EventBridge retries the event, then dead-letters it (the scheduled sync catches up either way).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_shared.clock import utc_now
from hub_shared.observability import EVENTBRIDGE_CORRELATION_PATH, observability
from hub_shared.wabas import RegisteredWaba
from hub_templates.deps import meta_graph, sync_page_size, templates_store
from hub_templates.models.contracts import NumberAddedEvent
from hub_templates.usecases.sync import sync_templates

obs = observability("templates")


@obs.handler(EVENTBRIDGE_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    added = obs.received(event, NumberAddedEvent, "NumberAdded event").detail
    waba = RegisteredWaba(waba_id=added.waba_id, client_id=added.client_id)
    counts = sync_templates(
        waba, mirror=templates_store(), graph=meta_graph(), now=utc_now(), page_size=sync_page_size()
    )
    obs.logger.info(
        "templates of a number's WABA synced",
        extra={"waba_id": waba.waba_id, "number_id": added.number_id, "added": counts.added},
    )
    return counts.model_dump(mode="json")
