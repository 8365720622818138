"""Secrets through Powertools Parameters (cached for `secret_max_age_seconds`), loaded on the first read: the
Parameters package imports boto3 and its AppConfig provider (≈ 80 ms), which a cold start need not pay."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hub_shared import aws
from hub_shared.settings import get_settings
from hub_shared.singletons import singleton

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider


@singleton
def _provider() -> SecretsProvider:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider  # noqa: PLC0415 - first read only

    return SecretsProvider(boto3_client=aws.secretsmanager())


def get_secret(name: str) -> str:
    value = _provider().get(name, max_age=get_settings().secret_max_age_seconds)
    if isinstance(value, bytes):
        return value.decode()
    return str(value)
