"""`HubModel`, the base of the hub's pydantic models: each builds its validator and serializer on first use rather
than when its class is defined (`defer_build`), so a cold start builds only the models its first request uses
(≈ 25 ms of a function's import otherwise)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class HubModel(BaseModel):
    model_config = ConfigDict(defer_build=True)
