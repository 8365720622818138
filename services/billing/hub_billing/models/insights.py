"""What `GET /v1/insights` answers: the series behind the "Approximate charges" graph, and its forecast."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from hub_shared.model import HubModel


class CategoryCounts(HubModel):
    marketing: int = 0
    utility: int = 0
    authentication: int = 0
    service: int = 0


class CategoryCharges(CategoryCounts):
    total: int = Field(default=0, description="Every category's charge, in minor units.")


class InsightsPoint(HubModel):
    period_start: date
    period_end: date = Field(description="The period's last day (inclusive).")
    messages: CategoryCounts = Field(description="Billable messages by pricing category (Meta's pricing analytics).")
    charges: CategoryCharges = Field(description="Approximate charges by category, in minor units: estimates.")


class ForecastView(HubModel):
    """The current month's approximate charges carried to its end at the month-to-date daily rate."""

    is_estimate: bool = True
    month_start: date
    month_end: date
    month_to_date: int = Field(description="Approximate charges of the month so far (today included), minor units.")
    projected: int = Field(description="Approximate charges of the whole month at that rate, minor units.")
    days_elapsed: int
    days_in_month: int


class InsightsView(HubModel):
    number_id: str
    client_id: str
    currency: str = Field(examples=["eur"])
    is_estimate: bool = Field(
        default=True, description="Always true: charges come from a rate card; Meta's invoice is the truth."
    )
    granularity: str
    start: date
    end: date
    series: list[InsightsPoint]
    totals: InsightsPoint = Field(description="The whole period.")
    forecast: ForecastView
