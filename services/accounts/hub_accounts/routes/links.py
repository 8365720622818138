"""GET /v1/links: where the portal's menu sends users (documentation, roadmap, status page), from configuration."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import Field

from hub_accounts.routes.params import ANYONE
from hub_accounts.settings import accounts_settings
from hub_shared.access import declared
from hub_shared.api import Caller
from hub_shared.model import HubModel
from hub_shared.problems import problem_responses

router = APIGatewayHttpRouter()


class Links(HubModel):
    documentation: str = Field(description="The API reference and guides.")
    roadmap: str = Field(description="What is planned.")
    status: str = Field(description="The WhatsApp Business API's status page (subscribe to its updates).")


@router.get(
    "/v1/links",
    openapi_extensions=declared(ANYONE),
    summary="Documentation, roadmap and status page",
    description="The addresses of the menu's quick links, as the stage configures them (`DOCS_URL`, `ROADMAP_URL`, "
    "`STATUS_URL`).",
    tags=["Accounts"],
    responses={200: {"description": "The links."}, **problem_responses(inputs=False)},
)
def get_links(caller: Caller) -> Links:
    del caller  # any signed-in user of the hub (a token that names no role is refused first)
    settings = accounts_settings()
    return Links(documentation=settings.docs_url, roadmap=settings.roadmap_url, status=settings.status_url)
