"""What the add, import and inbox routes inject with Depends(); tests override `clock`, `meta_graph` and `inboxes`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from hub_numbers.integrations.getchat import GetChatInboxes, getchat_inboxes
from hub_numbers.usecases.signup import MetaApp
from hub_shared.clock import utc_now
from hub_shared.graph import GraphClient, graph_client
from hub_shared.secrets import get_secret
from hub_shared.settings import get_settings

Clock = Callable[[], datetime]


def clock() -> Clock:
    return utc_now


def meta_graph() -> GraphClient:
    return graph_client()


def inboxes() -> GetChatInboxes:
    return getchat_inboxes()


def meta_app() -> MetaApp:
    settings = get_settings()
    return MetaApp(app_id=settings.meta_app_id, secret=lambda: get_secret(settings.meta_app_secret))
