"""One Graph API call as the handlers see it, with Meta's ways of reading parameters, fields and cursors.

Graph takes parameters from the query string, a JSON body or a form body alike; `params` merges them
(body over query). Structured values may arrive as JSON text (form and query) or as JSON (body).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from local.sandboxes.meta.errors import GraphApiError, invalid_parameter, missing_parameter, nonexisting_field

Json = dict[str, Any]


@dataclass(frozen=True)
class GraphCall:
    method: str
    node_id: str
    edge: str | None
    params: Mapping[str, Any]
    url: str
    now: datetime
    reviews_due_at: datetime
    """When a review that this call starts is decided."""
    body: bytes = b""
    """The raw body of a call that sends a file (`POST /upload:<session>`); empty for any other."""

    def text(self, name: str) -> str | None:
        value = self.params.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool | int | float):
            return json.dumps(value)
        raise invalid_parameter(f"Param {name} must be a string")

    def required_text(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise missing_parameter(name)
        return value

    def flag(self, name: str) -> bool | None:
        """A boolean given as JSON `true`/`false` or as the text "true"/"false"."""
        value = self.params.get(name)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise invalid_parameter(f"Param {name} must be a boolean")

    def structured(self, name: str) -> Any:
        """A list or object, given as JSON or as JSON text."""
        value = self.params.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise invalid_parameter(f"Param {name} must be JSON") from exc
        return value

    def integer(self, name: str, *, default: int, low: int, high: int) -> int:
        value = self.text(name)
        if value is None:
            return default
        if not value.isdigit() or not low <= int(value) <= high:
            raise invalid_parameter(f"Param {name} must be an integer between {low} and {high}")
        return int(value)


def split_fields(fields: str | None) -> list[str]:
    """`a,b.start(1).phone_numbers([x,y]),c` → its fields; commas inside brackets do not split."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in fields or "":
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [part for part in parts if part]


def select_fields(
    requested: Sequence[str], available: Mapping[str, Any], default: Sequence[str], node_type: str
) -> Json:
    """Meta's `fields`: the requested (or default) fields that have a value, always with `id`."""
    names = list(requested) or list(default)
    for name in names:
        if name not in available:
            raise nonexisting_field(name, node_type)
    selected = {name: available[name] for name in names if available[name] is not None}
    return {**selected, "id": available["id"]}


def _cursor(item_id: str) -> str:
    return base64.urlsafe_b64encode(item_id.encode()).decode().rstrip("=")


def _position(ids: list[str], cursor: str) -> int:
    try:
        item_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return ids.index(item_id)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise GraphApiError("(#100) Invalid cursor", details=f"Cursor {cursor!r} is not valid here") from exc


Item = Json | Callable[[], Json]
"""An item of a list as Meta answers it, or a function that renders it (called only if the item is answered)."""


def _rendered(item: Item) -> Json:
    return item() if callable(item) else item


def page(call: GraphCall, items: Iterable[tuple[str, Item]]) -> Json:
    """Meta's cursor paging over `(id, item)` pairs: `{data, paging: {cursors, next?, previous?}}`. Only the items
    of the page are rendered, and the first item (every item of a list renders alike), so that a field Meta refuses
    is refused on every page of a list that is not empty, before the cursor is read."""
    rows = list(items)
    if rows:
        _rendered(rows[0][1])
    ids = [item_id for item_id, _ in rows]
    limit = call.integer("limit", default=25, low=1, high=100)
    after, before = call.text("after"), call.text("before")
    if after:
        start = _position(ids, after) + 1
    elif before:
        start = max(0, _position(ids, before) - limit)
    else:
        start = 0
    end = _position(ids, before) if before and not after else min(len(rows), start + limit)
    chunk = rows[start:end]
    body: Json = {"data": [_rendered(item) for _, item in chunk]}
    if not chunk:
        return body
    paging: Json = {"cursors": {"before": _cursor(chunk[0][0]), "after": _cursor(chunk[-1][0])}}
    url = httpx.URL(call.url)
    if end < len(rows):
        paging["next"] = str(url.copy_remove_param("before").copy_set_param("after", _cursor(chunk[-1][0])))
    if start > 0:
        paging["previous"] = str(url.copy_remove_param("after").copy_set_param("before", _cursor(chunk[0][0])))
    return {**body, "paging": paging}
