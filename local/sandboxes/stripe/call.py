"""One Stripe API call as the handlers see it: form decoding, Stripe's error envelope, lists and events."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import stripe

from local.sandboxes.stripe.state import Json, StripeState

MAX_PAGE = 100
DEFAULT_PAGE = 10


class StripeApiError(Exception):
    def __init__(
        self,
        message: str,
        *,
        http_status: int = 400,
        code: str | None = None,
        param: str | None = None,
        error_type: str = "invalid_request_error",
        details: Json | None = None,
    ):
        super().__init__(message)
        self.http_status = http_status
        self.body: Json = {"type": error_type, "message": message, "code": code, "param": param, **(details or {})}

    def envelope(self) -> Json:
        return {"error": {key: value for key, value in self.body.items() if value is not None}}


def no_such(kind: str, object_id: str, *, param: str = "id", http_status: int = 404) -> StripeApiError:
    return StripeApiError(
        f"No such {kind}: '{object_id}'", http_status=http_status, code="resource_missing", param=param
    )


def missing(param: str) -> StripeApiError:
    return StripeApiError(f"Missing required param: {param}.", code="parameter_missing", param=param)


def invalid(param: str, message: str, code: str = "parameter_invalid_string") -> StripeApiError:
    return StripeApiError(message, code=code, param=param)


def decode_form(pairs: list[tuple[str, str]]) -> Json:
    """`items[0][price]=p&metadata[k]=v` → `{"items": [{"price": "p"}], "metadata": {"k": "v"}}`."""
    root: Json = {}
    for key, value in pairs:
        parts = [key.split("[", 1)[0], *re.findall(r"\[([^\]]*)\]", key)]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    decoded: Json = _listify(root)
    return decoded


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    values = {key: _listify(value) for key, value in node.items()}
    if values and all(key.isdigit() for key in values):
        return [values[key] for key in sorted(values, key=int)]
    return values


def previous_attributes(before: Json, after: Json) -> Json:
    """What changed, with the values before, as an event's `data.previous_attributes` gives it: nested hashes by
    key, lists (and list objects such as `items`) whole."""
    changed: Json = {}
    for key in [*before, *(key for key in after if key not in before)]:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict) and old.get("object") != "list":
            changed[key] = previous_attributes(old, new)
        else:
            changed[key] = copy.deepcopy(old)
    return changed


def event_of(record: Json) -> Json:
    """The event as sent, without the sandbox's delivery bookkeeping."""
    return {key: value for key, value in record.items() if key not in ("delivery", "attempts")}


@dataclass(frozen=True)
class StripeCall:
    params: Json
    object_id: str
    base_url: str
    now: int
    request: Json = field(default_factory=lambda: {"id": None, "idempotency_key": None})
    """What an event caused by this call names as its `request`."""
    events: list[Json] = field(default_factory=list)
    """The event records this call made, to be sent once the sandbox's lock is released."""

    def required(self, name: str) -> str:
        value = self.params.get(name)
        if not value:
            raise missing(name)
        return str(value)

    def text(self, name: str) -> str | None:
        """An optional string that cannot be empty (Stripe reads an empty string as unsetting)."""
        value = self.params.get(name)
        if value == "":
            raise invalid(
                name,
                f"You passed an empty string for '{name}'. We assume empty values are an attempt to unset a "
                f"parameter; however '{name}' cannot be unset. You should remove '{name}' from your request or "
                "supply a non-empty value.",
                code="parameter_invalid_empty",
            )
        return None if value is None else str(value)

    def integer(self, name: str, value: Any, default: int) -> int:
        if value is None:
            return default
        if not str(value).isdigit():
            raise StripeApiError(f"Invalid integer: {value}", code="parameter_invalid_integer", param=name)
        return int(value)

    def flag(self, name: str) -> bool:
        value = self.params.get(name, "false")
        if value not in ("true", "false"):
            raise invalid(name, f"Invalid boolean: {value}")
        return bool(value == "true")

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        """One of `allowed`, the first by default."""
        value = self.params.get(name, allowed[0])
        if value not in allowed:
            raise invalid(name, f"Invalid {name}: must be one of {', '.join(allowed)}")
        return str(value)

    def metadata(self, raw: Any = None) -> dict[str, str]:
        metadata = self.params.get("metadata") if raw is None else raw
        if not isinstance(metadata or {}, dict):
            raise StripeApiError("Invalid hash", code="parameter_invalid_empty", param="metadata")
        return dict(metadata or {})

    def merge_metadata(self, target: dict[str, str]) -> None:
        """Stripe's update of metadata: each key given is set, or removed when given ""."""
        for key, value in self.metadata().items():
            if value:
                target[key] = value
            else:
                target.pop(key, None)

    def page(self, objects: Iterable[Json], url: str) -> Json:
        """A list object of `objects` (newest first), cut by `limit`, `starting_after` and `ending_before`."""
        listed = list(objects)
        limit = self.integer("limit", self.params.get("limit"), DEFAULT_PAGE)
        if not 1 <= limit <= MAX_PAGE:
            raise invalid("limit", f"This value must be between 1 and {MAX_PAGE}.", "parameter_invalid_integer")
        ids = [item["id"] for item in listed]
        for cursor in ("starting_after", "ending_before"):
            if cursor in self.params and self.params[cursor] not in ids:
                raise no_such("object", str(self.params[cursor]), param=cursor, http_status=400)
        if "starting_after" in self.params:
            listed = listed[ids.index(self.params["starting_after"]) + 1 :]
            data = listed[:limit]
        elif "ending_before" in self.params:
            listed = listed[: ids.index(self.params["ending_before"])]
            data = listed[-limit:]
        else:
            data = listed[:limit]
        return {"object": "list", "data": data, "has_more": len(listed) > len(data), "url": url}

    def emit(self, state: StripeState, kind: str, obj: Json, previous: Json | None = None) -> Json:
        """Record the event `kind` about `obj` (as it is now) and queue it for sending; its record."""
        data: Json = {"object": copy.deepcopy(obj)}
        if previous:
            data["previous_attributes"] = copy.deepcopy(previous)
        record = {
            "id": state.new_id("evt"),
            "object": "event",
            "api_version": stripe.api_version,
            "created": self.now,
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            "request": dict(self.request),
            "type": kind,
            "delivery": "pending",
            "attempts": 0,
        }
        state.events.append(record)
        self.events.append(record)
        return record
