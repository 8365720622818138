"""The numbers service's settings: the shared ones and its own table, queue, secrets and outside systems."""

from __future__ import annotations

from pydantic import Field

from hub_shared.settings import Settings
from hub_shared.singletons import singleton


class NumbersSettings(Settings):
    numbers_table: str = Field(default="hub-numbers", description="DynamoDB table owned by the numbers service.")
    meta_app_secret: str = Field(
        default="hub/meta/app-secret",
        description="Secrets Manager name of the Meta app secret (exchanges Embedded Signup codes; signs webhooks).",
    )
    secret_prefix: str = Field(
        default="hub", description="Prefix of the secrets the hub creates itself (business tokens, number PINs)."
    )
    getchat_api_base_url: str = Field(
        default="https://api.get.chat", description="Base URL of get.chat's inbox provisioning API."
    )
    getchat_api_key_secret: str = Field(
        default="hub/getchat/api-key", description="Secrets Manager name of the get.chat API key."
    )
    deletion_retry_queue_url: str = Field(
        default="", description="SQS queue of numbers the deletion job failed to delete (the deletion job only)."
    )


@singleton
def numbers_settings() -> NumbersSettings:
    """The numbers service's settings, read once."""
    return NumbersSettings()
