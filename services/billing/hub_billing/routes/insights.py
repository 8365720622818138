"""A number's insights (seed "Insights"): billable messages by category, approximate charges and the forecast."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_billing.models.insights import InsightsView
from hub_billing.routes.params import Lookback, Meta, Rates, Store
from hub_billing.usecases.insights import InsightsQuery, number_insights
from hub_billing.usecases.usage import Granularity
from hub_shared.access import AccessRule, declared
from hub_shared.api import Budget, Caller, Now
from hub_shared.problems import problem_responses

router = APIGatewayHttpRouter()


@router.get(
    "/v1/insights",
    openapi_extensions=declared(
        AccessRule(
            resource="number_id",
            kind="number",
            client=True,
            partner=("insights:read",),
            partner_sees=("numbers:read", "insights:read"),
            support=True,
        )
    ),
    summary="A number's billable messages and approximate charges",
    description="Per day or month from `start` to `end` (inclusive, within Meta's one-year look-back): billable "
    "messages by pricing category from Meta's pricing analytics, approximate charges from the hub's rate card by "
    "category and recipient market, and the current month's forecast from its run rate. Every amount is an "
    "estimate (`is_estimate`); Meta's invoice is the truth. Closed days are kept, so only today is asked of Meta.",
    tags=["Insights"],
    responses={200: {"description": "The series and its forecast."}, **problem_responses(404, 429, 502, 503)},
)
def get_insights_route(
    caller: Caller,
    store: Store,
    graph: Meta,
    card: Rates,
    now: Now,
    deadline: Budget,
    lookback: Lookback,
    number_id: Annotated[str, Query(pattern=r"^[0-9]{1,20}$", description="Meta's phone number id.")],
    start: Annotated[date, Query(description="The first day (YYYY-MM-DD, UTC).", examples=["2026-11-01"])],
    end: Annotated[
        date, Query(description="The last day (YYYY-MM-DD, UTC), today at the latest.", examples=["2026-11-19"])
    ],
    granularity: Annotated[Granularity, Query(description="A point per DAY or per MONTH.")] = Granularity.DAY,
) -> InsightsView:
    return number_insights(
        InsightsQuery(number_id=number_id, start=start, end=end, granularity=granularity),
        caller,
        numbers=store,
        cache=store,
        graph=graph.within(deadline),
        card=card,
        now=now,
        lookback_days=lookback,
    )
