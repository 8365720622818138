"""Cheap, cached AWS clients (one per process), honouring the local endpoint override.

Tests and the local cloud call `hub_shared.singletons.reset_all()` after changing the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import ClientError

from hub_shared.settings import get_settings
from hub_shared.singletons import singleton

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sqs import SQSClient

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)


@singleton
def _session() -> boto3.session.Session:
    return boto3.session.Session(region_name=get_settings().aws_region)


def _client(service: str) -> Any:
    return _session().client(service, endpoint_url=get_settings().aws_endpoint_url, config=_CONFIG)  # type: ignore[call-overload]


@singleton
def dynamodb() -> DynamoDBClient:
    client: DynamoDBClient = _client("dynamodb")
    return client


@singleton
def events() -> EventBridgeClient:
    client: EventBridgeClient = _client("events")
    return client


@singleton
def sqs() -> SQSClient:
    client: SQSClient = _client("sqs")
    return client


@singleton
def secretsmanager() -> SecretsManagerClient:
    client: SecretsManagerClient = _client("secretsmanager")
    return client


_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    """A plain dict → DynamoDB attribute values (None values are left out)."""
    return {k: _serializer.serialize(v) for k, v in values.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def failed_conditions(error: ClientError) -> frozenset[int]:
    """The positions of the writes whose condition failed: {0} for a refused single conditional write, the
    cancelled items of a TransactWriteItems; empty when `error` is no condition failure (the caller re-raises)."""
    code = error.response.get("Error", {}).get("Code")
    if code == "ConditionalCheckFailedException":
        return frozenset({0})
    if code != "TransactionCanceledException":
        return frozenset()
    reasons = error.response.get("CancellationReasons") or []
    return frozenset(i for i, reason in enumerate(reasons) if reason.get("Code") == "ConditionalCheckFailed")


def update_clause(changes: Mapping[str, Any]) -> tuple[str, dict[str, str], dict[str, Any]]:
    """An UpdateExpression that sets each attribute of `changes` to its value and removes those whose value is
    None, with its attribute names (`#u0`, …) and plain values (`:u0`, …) to merge with a condition's."""
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    sets: list[str] = []
    removes: list[str] = []
    for i, (attribute, value) in enumerate(changes.items()):
        names[f"#u{i}"] = attribute
        if value is None:
            removes.append(f"#u{i}")
        else:
            values[f":u{i}"] = value
            sets.append(f"#u{i} = :u{i}")
    clauses = [f"SET {', '.join(sets)}"] if sets else []
    if removes:
        clauses.append(f"REMOVE {', '.join(removes)}")
    return " ".join(clauses), names, values
