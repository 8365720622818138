"""What the waba service's routes share: their dependencies and the number id of the number-level routes."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from hub_shared.graph import GraphClient
from hub_waba.deps import cache_window, meta_app_id, meta_graph, waba_store
from hub_waba.models.commerce import NUMBER_ID_PATTERN
from hub_waba.store.wabas import WabaStore

Store = Annotated[WabaStore, Depends(waba_store)]
Meta = Annotated[GraphClient, Depends(meta_graph)]
AppId = Annotated[str, Depends(meta_app_id)]
Cache = Annotated[timedelta, Depends(cache_window)]
Refresh = Annotated[bool, Query(description="Ask Meta now, even when a recent copy is kept.")]
NumberId = Annotated[str, Path(pattern=NUMBER_ID_PATTERN, description="Meta's phone number id.")]
