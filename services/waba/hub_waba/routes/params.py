"""What the waba service's routes share: their dependencies and the number id of the number-level routes."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from hub_shared.graph import GraphClient
from hub_waba.deps import meta_graph, waba_store
from hub_waba.models.commerce import NUMBER_ID_PATTERN
from hub_waba.store.wabas import WabaStore

Store = Annotated[WabaStore, Depends(waba_store)]
Meta = Annotated[GraphClient, Depends(meta_graph)]
NumberId = Annotated[str, Path(pattern=NUMBER_ID_PATTERN, description="Meta's phone number id.")]
