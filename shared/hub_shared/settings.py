"""Typed settings, read from the environment once, on first use (never at import).

A plain pydantic model over the environment rather than pydantic-settings: the hub needs only "a field is the
environment variable of its name, in any case", and pydantic-settings' sources (dotenv, secrets directories, cloud
providers) cost ≈ 20 ms of every cold start."""

from __future__ import annotations

import os
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from hub_shared.model import HubModel
from hub_shared.singletons import singleton


class Settings(HubModel):
    """What every hub function reads: the stage, AWS, the bus, the Graph API, secrets and errors. Every field is
    an environment variable (upper case).

    A service's own resources (its table, queues and secrets) are fields of its own subclass,
    `hub_<area>.settings`, so adding a service never edits another's settings. Resource names come from
    `infra/template.yaml` (the Globals' for these, each function's own for its service's); secrets are referenced
    by name and read through Powertools Parameters, never placed in the environment.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _environment(cls, given: Any) -> Any:
        """The fields not given as arguments, from the environment (names compared without case); the values are
        strings that the fields' types parse."""
        if not isinstance(given, dict):
            return given
        environment = {name.lower(): value for name, value in os.environ.items()}
        return {**{name: environment[name] for name in cls.model_fields if name in environment}, **given}

    stage: str = Field(default="prod", description="Deployment stage name, e.g. prod, staging, local.")
    aws_region: str = Field(default="eu-central-1", description="Region of the hub's AWS resources.")
    aws_endpoint_url: str | None = Field(
        default=None, description="Endpoint override for every AWS client (the local cloud only)."
    )

    accounts_table: str = Field(
        default="hub-accounts", description="DynamoDB table of the accounts service (every service reads it)."
    )
    waba_table: str = Field(
        default="hub-waba",
        description="DynamoDB table of the waba service (others read its registry of WABAs through hub_shared).",
    )
    idempotency_table: str = Field(default="hub-idempotency", description="Powertools idempotency records.")
    event_bus_name: str = Field(default="hub", description="The EventBridge bus every domain event goes to.")
    outbox_dead_letter_queue_url: str = Field(
        default="", description="SQS queue of outbox entries the bus refused (the relay functions only)."
    )

    graph_api_base_url: str = Field(default="https://graph.facebook.com", description="Meta Graph API base URL.")
    graph_api_version: str = Field(default="v23.0", description="Meta Graph API version used in every path.")
    graph_token_secret: str = Field(
        default="hub/meta/system-user-token", description="Secrets Manager name of the Meta system-user token."
    )
    meta_app_id: str = Field(
        default="000000000000000",
        description="The BSP's Meta app id (Embedded Signup's code exchange, the Resumable Upload API's sessions).",
    )
    graph_timeout_seconds: float = Field(default=4.0, gt=0, description="Timeout of one Graph API request.")
    graph_max_retries: int = Field(
        default=2,
        ge=0,
        le=8,
        description="Retries of one Graph request (3 tries of 4 s fit a 15 s function): GETs, DELETEs and idempotent "
        "POSTs on throttling, 5xx, transient errors and timeouts; other POSTs only where Meta did not act.",
    )
    graph_max_backoff_seconds: float = Field(
        default=4.0, ge=0, description="Longest single wait between Graph retries; longer waits answer 429."
    )

    cursor_secret: str = Field(
        default="hub/cursor-signing-key", description="Secrets Manager name of the key that signs list cursors."
    )
    secret_max_age_seconds: int = Field(default=300, ge=0, description="How long a secret read is cached.")

    problem_type_base: str = Field(
        default="https://docs.client-hub.example/problems/",
        description="Base URI of the problem `type` of every error answer (RFC 9457).",
    )


@singleton
def get_settings() -> Settings:
    """The shared settings of this process, read once (a service reads its own through its subclass)."""
    return Settings()
