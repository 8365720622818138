"""What the templates service's routes share: their dependencies, path parameters and access rules."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from hub_shared.access import AccessRule
from hub_shared.graph import GraphClient
from hub_shared.pagination import CursorCodec
from hub_shared.wabas import WabaRegistry
from hub_templates.deps import (
    cursor_codec,
    languages,
    limits,
    meta_graph,
    sync_page_size,
    templates_store,
    waba_registry,
)
from hub_templates.models.mirror import LANGUAGE_PATTERN, NAME_PATTERN
from hub_templates.store.templates import TemplatesStore
from hub_templates.usecases.create import Limits
from hub_templates.usecases.wabas import SEES

Store = Annotated[TemplatesStore, Depends(templates_store)]
Registry = Annotated[WabaRegistry, Depends(waba_registry)]
Cursors = Annotated[CursorCodec, Depends(cursor_codec)]
Meta = Annotated[GraphClient, Depends(meta_graph)]
PageSize = Annotated[int, Depends(sync_page_size)]
Languages = Annotated[frozenset[str], Depends(languages)]
WabaLimits = Annotated[Limits, Depends(limits)]
WabaId = Annotated[str, Path(pattern=r"^[0-9]{1,20}$", description="Meta's WhatsApp Business Account id.")]
Name = Annotated[str, Path(pattern=NAME_PATTERN, description="The template's name.", examples=["order_update"])]
Language = Annotated[
    str, Path(pattern=LANGUAGE_PATTERN, description="Meta's language code, e.g. `en_US`.", examples=["en_US"])
]

PARTNER_SEES = tuple(action.value for action in SEES)
READS = AccessRule(
    resource="waba_id",
    kind="waba",
    client=True,
    partner=("templates:read", "templates:write"),
    partner_sees=PARTNER_SEES,
    support=True,
)
"""Who reads a WABA's templates: its client, a partner granted either templates scope, support."""
WRITES = AccessRule(
    resource="waba_id", kind="waba", client=True, partner=("templates:write",), partner_sees=PARTNER_SEES
)
"""Who changes them: its client and a partner granted `templates:write`."""
