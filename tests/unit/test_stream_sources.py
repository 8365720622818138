"""The local stream relay finds a table's stream consumers however the template declares them."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from local.streams import stream_sources
from local.template import load_template


def test_the_real_templates_relays_are_found_with_their_filters() -> None:
    sources = {s.name: s for s in stream_sources(load_template())}

    numbers = sources["NumbersOutboxStream"]
    assert (numbers.function, numbers.table, numbers.starting_position) == (
        "NumbersOutboxFunction",
        "NumbersTable",
        "TRIM_HORIZON",
    )
    assert numbers.report_item_failures
    assert numbers.max_retries == 10
    assert numbers.passes({"eventName": "INSERT", "dynamodb": {"Keys": {"pk": {"S": "OUTBOX#e1"}}}})
    assert not numbers.passes({"eventName": "INSERT", "dynamodb": {"Keys": {"pk": {"S": "NUMBER#1"}}}})
    assert not numbers.passes({"eventName": "REMOVE", "dynamodb": {"Keys": {"pk": {"S": "OUTBOX#e1"}}}})
    assert sources["WebhooksRelayStream"].table == "WebhookChangesTable"


def _template(mapping: Mapping[str, object]) -> dict[str, object]:
    return {
        "Resources": {
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "m.handler"}},
            "Map": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": mapping},
        }
    }


def test_a_disabled_mapping_is_skipped() -> None:
    mapping = {
        "FunctionName": {"Ref": "Fn"},
        "EventSourceArn": {"Fn::GetAtt": ["T", "StreamArn"]},
        "StartingPosition": "LATEST",
        "Enabled": False,
    }

    assert stream_sources(_template(mapping)) == []


def test_a_mapping_naming_its_function_otherwise_is_refused() -> None:
    mapping = {
        "FunctionName": "literal-name",
        "EventSourceArn": {"Fn::GetAtt": ["T", "StreamArn"]},
        "StartingPosition": "LATEST",
    }

    with pytest.raises(ValueError, match="FunctionName must be !Ref"):
        stream_sources(_template(mapping))
