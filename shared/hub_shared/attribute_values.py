"""DynamoDB attribute values ↔ plain Python values, as boto3's `TypeSerializer`/`TypeDeserializer` convert them.

The hub builds its clients from botocore alone: importing anything of boto3 loads boto3's session and s3transfer
(≈ 45 ms of every cold start) for two small converters. These follow boto3's rules exactly — numbers are `int` or
`Decimal` (never `float`) within DynamoDB's 38 digits, sets are homogeneous — except that binary values come back
as `bytes` rather than boto3's `Binary` wrapper (the hub stores none). tests/unit/test_attribute_values.py checks
them against boto3's own on generated values.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from typing import Any

DYNAMODB_CONTEXT = Context(Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow])
"""DynamoDB's numbers: 38 significant digits, exponents −128…126; anything that would round is an error."""

_BINARY = (bytes, bytearray)


def _is_number(value: Any) -> bool:
    if isinstance(value, float):
        raise TypeError("Float types are not supported. Use Decimal types instead.")
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _number(value: int | Decimal) -> str:
    return str(DYNAMODB_CONTEXT.create_decimal(value))


def serialize(value: Any) -> dict[str, Any]:
    """A Python value → its DynamoDB attribute value (`{"S": "…"}`, `{"N": "…"}`, `{"M": {…}}`, …)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if _is_number(value):
        return {"N": _number(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, _BINARY):
        return {"B": value}
    if isinstance(value, Set):
        if all(_is_number(member) for member in value):
            return {"NS": [_number(member) for member in value]}
        if all(isinstance(member, str) for member in value):
            return {"SS": list(value)}
        if all(isinstance(member, _BINARY) for member in value):
            return {"BS": list(value)}
    elif isinstance(value, list | tuple):
        return {"L": [serialize(member) for member in value]}
    elif isinstance(value, Mapping):
        return {"M": {key: serialize(member) for key, member in value.items()}}
    raise TypeError(f'Unsupported type "{type(value)}" for value "{value}"')


def deserialize(value: Mapping[str, Any]) -> Any:
    """A DynamoDB attribute value → its Python value (numbers as `Decimal`, binary as `bytes`)."""
    if len(value) != 1:
        raise TypeError("Value must be a nonempty dictionary whose key is a valid dynamodb type.")
    [(kind, payload)] = value.items()
    match kind:
        case "NULL":
            return None
        case "BOOL" | "S":
            return payload
        case "N":
            return DYNAMODB_CONTEXT.create_decimal(payload)
        case "B":
            return bytes(payload)
        case "NS":
            return {DYNAMODB_CONTEXT.create_decimal(member) for member in payload}
        case "SS":
            return set(payload)
        case "BS":
            return {bytes(member) for member in payload}
        case "L":
            return [deserialize(member) for member in payload]
        case "M":
            return {key: deserialize(member) for key, member in payload.items()}
    raise TypeError(f"Dynamodb type {kind} is not supported")
