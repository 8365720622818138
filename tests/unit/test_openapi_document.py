"""docs/openapi.json is a document clients can be generated from: every reference in it resolves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tools.openapi import OPENAPI_FILE, hoisted


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def resolves(document: dict[str, Any], ref: str) -> bool:
    node: Any = document
    for escaped in ref.removeprefix("#/").split("/"):
        part = escaped.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_every_reference_of_the_committed_document_resolves() -> None:
    document = json.loads(OPENAPI_FILE.read_text())

    refs = set(references(document))

    assert refs
    assert {ref for ref in refs if not ref.startswith("#/") or not resolves(document, ref)} == set()


def test_nested_definitions_move_to_the_components() -> None:
    body = {"$defs": {"Entry": {"type": "object"}}, "properties": {"entry": {"items": {"$ref": "#/$defs/Entry"}}}}
    schema = {"paths": {"/x": {"post": {"requestBody": {"content": {"application/json": {"schema": body}}}}}}}

    out = hoisted(schema)

    moved = out["paths"]["/x"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert moved == {"properties": {"entry": {"items": {"$ref": "#/components/schemas/Entry"}}}}
    assert out["components"]["schemas"] == {"Entry": {"type": "object"}}


def test_two_different_definitions_of_one_name_are_refused() -> None:
    schema = {
        "components": {"schemas": {"Entry": {"type": "string"}}},
        "paths": {"/x": {"post": {"$defs": {"Entry": {"type": "object"}}}}},
    }

    with pytest.raises(ValueError, match="two different schemas are named Entry"):
        hoisted(schema)
