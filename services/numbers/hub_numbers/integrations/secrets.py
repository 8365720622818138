"""Secrets the hub creates itself in Secrets Manager: each business's token from Embedded Signup
(`<secret_prefix>/business-tokens/<waba_id>`) and each number's two-step verification PIN
(`<secret_prefix>/number-pins/<phone_number_id>`). Values are never logged, nor kept anywhere else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from hub_numbers.settings import numbers_settings
from hub_shared import aws

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

BUSINESS_TOKENS = "business-tokens"
NUMBER_PINS = "number-pins"


class SecretsVault:
    def __init__(self, prefix: str | None = None, client: SecretsManagerClient | None = None):
        self._prefix = prefix or numbers_settings().secret_prefix
        self._client = client or aws.secretsmanager()

    def business_token(self, waba_id: str) -> str | None:
        return self._read(self._name(BUSINESS_TOKENS, waba_id))

    def save_business_token(self, waba_id: str, token: str) -> None:
        """Keep the WABA's business token, replacing an older one."""
        name = self._name(BUSINESS_TOKENS, waba_id)
        if not self._create(name, token):
            self._client.put_secret_value(SecretId=name, SecretString=token)

    def number_pin(self, phone_number_id: str) -> str | None:
        return self._read(self._name(NUMBER_PINS, phone_number_id))

    def keep_number_pin(self, phone_number_id: str, pin: str) -> str:
        """Store `pin` unless the number already has one (another request may have been first); answer its PIN."""
        name = self._name(NUMBER_PINS, phone_number_id)
        if self._create(name, pin):
            return pin
        kept = self._read(name)
        if kept is None:
            raise RuntimeError(f"the PIN secret of number {phone_number_id} exists but cannot be read")
        return kept

    def _name(self, kind: str, key: str) -> str:
        return f"{self._prefix}/{kind}/{key}"

    def _read(self, name: str) -> str | None:
        try:
            return self._client.get_secret_value(SecretId=name)["SecretString"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                return None
            raise

    def _create(self, name: str, value: str) -> bool:
        """Create the secret; False when it already exists."""
        try:
            self._client.create_secret(Name=name, SecretString=value)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ResourceExistsException":
                return False
            raise
        return True
