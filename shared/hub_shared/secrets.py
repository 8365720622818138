"""Secrets through Powertools Parameters (cached for `secret_max_age_seconds`)."""

from __future__ import annotations

from aws_lambda_powertools.utilities.parameters import SecretsProvider

from hub_shared import aws
from hub_shared.settings import get_settings
from hub_shared.singletons import singleton


@singleton
def _provider() -> SecretsProvider:
    return SecretsProvider(boto3_client=aws.secretsmanager())


def get_secret(name: str) -> str:
    value = _provider().get(name, max_age=get_settings().secret_max_age_seconds)
    if isinstance(value, bytes):
        return value.decode()
    return str(value)
