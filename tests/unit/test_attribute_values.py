"""hub_shared.attribute_values converts as boto3's TypeSerializer/TypeDeserializer do (the hub's clients come from
botocore alone), on generated values, and refuses what boto3 refuses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from hub_shared.attribute_values import deserialize, serialize

# boto3's own, typed loosely: its stubs want its TypedDicts where the test hands plain dicts
BOTO3_SERIALIZER: Any = TypeSerializer()
BOTO3_DESERIALIZER: Any = TypeDeserializer()

numbers = st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1) | st.decimals(
    allow_nan=False, allow_infinity=False, places=6, min_value=-(10**20), max_value=10**20
)
scalars = st.none() | st.booleans() | numbers | st.text(max_size=20) | st.binary(min_size=1, max_size=20)
sets = (
    st.frozensets(st.integers(-(10**9), 10**9), min_size=1, max_size=5)
    | st.frozensets(st.text(max_size=8), min_size=1, max_size=5)
    | st.frozensets(st.binary(min_size=1, max_size=8), min_size=1, max_size=5)
)
values = st.recursive(
    scalars | sets,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _plain(value: Any) -> Any:
    """boto3's answer with its Binary wrapper unwrapped (hub_shared answers bytes)."""
    if isinstance(value, Binary):
        return value.__bytes__()
    if isinstance(value, list):
        return [_plain(member) for member in value]
    if isinstance(value, dict):
        return {key: _plain(member) for key, member in value.items()}
    if isinstance(value, set):
        return {_plain(member) for member in value}
    return value


def _same_sets(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """Equal attribute values, a set's members in any order."""
    [(kind, payload)] = ours.items()
    if kind in ("NS", "SS", "BS"):
        return theirs.keys() == {kind} and sorted(payload) == sorted(theirs[kind])
    if kind == "L":
        return all(_same_sets(a, b) for a, b in zip(payload, theirs["L"], strict=True))
    if kind == "M":
        return payload.keys() == theirs["M"].keys() and all(_same_sets(payload[k], theirs["M"][k]) for k in payload)
    return ours == theirs


@given(values)
def test_serialize_and_deserialize_agree_with_boto3(value: Any) -> None:
    ours = serialize(value)
    assert _same_sets(ours, BOTO3_SERIALIZER.serialize(value))
    assert deserialize(ours) == _plain(BOTO3_DESERIALIZER.deserialize(ours))


@given(values)
def test_a_value_comes_back_as_it_went_in(value: Any) -> None:
    assert _same_sets(serialize(deserialize(serialize(value))), serialize(value))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, "Float types are not supported"),
        ({"price": 0.1}, "Float types are not supported"),
        (Decimal("1." + "1" * 40), "Inexact"),  # more than DynamoDB's 38 digits
        (object(), "Unsupported type"),
        ({1, "a"}, "Unsupported type"),
    ],
)
def test_what_boto3_refuses_is_refused(value: Any, message: str) -> None:
    with pytest.raises(Exception, match=message) as ours:
        serialize(value)
    with pytest.raises(Exception) as theirs:
        BOTO3_SERIALIZER.serialize(value)
    assert type(ours.value) is type(theirs.value)


@pytest.mark.parametrize("value", [{}, {"X": 1}])
def test_an_attribute_value_that_is_not_one_is_refused(value: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        deserialize(value)
    with pytest.raises(TypeError):
        BOTO3_DESERIALIZER.deserialize(value)
