"""A notification's changes as the table keeps them: one id per change, stable across Meta's retries."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from hub_webhooks.models.notifications import Notification
from hub_webhooks.usecases.notifications import canonical_json, change_id, stored_changes
from tests.builders import NOW

VALUE = {"display_phone_number": "15550783881", "event": "FLAGGED", "current_limit": "TIER_10K"}


def an_id(
    value: dict[str, Any] = VALUE,
    *,
    waba_id: str = "102290129340398",
    field: str = "phone_number_quality_update",
    time: int = 1,
) -> str:
    return change_id(waba_id, field, time, canonical_json(value))


def parse(body: dict[str, Any]) -> Notification:
    return Notification.model_validate_json(json.dumps(body))


def test_the_key_order_of_the_value_does_not_change_the_id() -> None:
    reordered = json.loads(json.dumps(dict(reversed(list(VALUE.items())))))

    assert an_id(reordered) == an_id(VALUE)
    assert (
        canonical_json(reordered)
        == '{"current_limit":"TIER_10K","display_phone_number":"15550783881","event":"FLAGGED"}'
    )


def test_every_part_of_a_change_makes_its_own_id() -> None:
    ids = {
        an_id(),
        an_id(waba_id="102290129340399"),
        an_id(field="account_update"),
        an_id(time=2),
        an_id({**VALUE, "event": "UNFLAGGED"}),
    }

    assert len(ids) == 5


def test_parts_cannot_be_shifted_into_one_another() -> None:
    assert change_id("1", "23", 0, "{}") != change_id("12", "3", 0, "{}")
    assert change_id("1", "a", 23, "{}") != change_id("1", "a2", 3, "{}")


def test_each_change_of_each_entry_is_kept_with_its_entry_waba_and_time() -> None:
    body = {
        "object": "whatsapp_business_account",
        "entry": [
            {"id": "1", "time": 10, "changes": [{"field": "a", "value": {"x": 1}}, {"field": "b", "value": {}}]},
            {"id": "2", "changes": [{"field": "messages", "value": {"y": "é"}}]},
        ],
    }

    changes = stored_changes(parse(body), now=NOW, correlation_id="req-1")

    assert [(c.waba_id, c.field, c.time, c.value) for c in changes] == [
        ("1", "a", 10, '{"x":1}'),
        ("1", "b", 10, "{}"),
        ("2", "messages", 0, '{"y":"\\u00e9"}'),
    ]
    assert {(c.received_at, c.expires_at, c.correlation_id) for c in changes} == {
        (NOW, int((NOW + timedelta(days=14)).timestamp()), "req-1")
    }


def test_keys_meta_adds_to_the_envelope_are_ignored() -> None:
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "time": 1, "uid": "new", "changes": [{"field": "a", "value": {}, "extra": 1}]}],
        "new_top_level": True,
    }

    (change,) = stored_changes(parse(body), now=NOW, correlation_id=None)

    assert (change.field, change.value) == ("a", "{}")
