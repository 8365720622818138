"""NumberAdded / NumberDeleted (source hub.numbers) → the waba service's registry of the WABAs and numbers the hub
manages: each event applied once, an older one never over a newer one, a malformed one raised for the retries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import ValidationError

from hub_numbers.events import NumberAdded, NumberDeleted
from hub_shared.events import EventMetadata
from hub_waba.consumers.numbers import handler
from hub_waba.store.wabas import WabaStore
from tests.builders import NOW, AwsWorld, context, eventbridge_event

WABA = "102290129340398"
NUMBER = "106540352242922"


def added(at: timedelta = timedelta(0), *, client_id: str = "acme", waba_id: str = WABA) -> dict[str, Any]:
    event = NumberAdded(
        metadata=EventMetadata.at(NOW + at),
        number_id=NUMBER,
        client_id=client_id,
        waba_id=waba_id,
        phone_number="+4915112345001",
        how="embedded_signup",
    )
    return eventbridge_event(event)


def deleted(at: timedelta = timedelta(0)) -> dict[str, Any]:
    event = NumberDeleted(
        metadata=EventMetadata.at(NOW + at), number_id=NUMBER, client_id="acme", waba_id=WABA, deleted_at=NOW + at
    )
    return eventbridge_event(event)


def apply(event: dict[str, Any]) -> bool:
    return bool(handler(event, context("WabaNumberEventsFunction")))


def test_a_number_added_registers_it_and_its_waba_for_the_client(aws: AwsWorld) -> None:
    assert apply(added())

    store = WabaStore("hub-waba", aws.dynamodb)
    waba, number = store.waba(WABA), store.number(NUMBER)
    assert waba is not None and number is not None
    assert (waba.client_id, number.waba_id, number.client_id, number.deleted) == ("acme", WABA, "acme", False)
    assert [w.waba_id for w in store.page(client_id="acme", limit=10, start_key=None)[0]] == [WABA]


def test_a_deletion_marks_the_number_deleted_and_an_older_event_never_wins(aws: AwsWorld) -> None:
    apply(added())
    assert apply(deleted(timedelta(days=30)))
    assert not apply(added(timedelta(days=1)))  # delivered late

    number = WabaStore("hub-waba", aws.dynamodb).number(NUMBER)
    assert number is not None and number.deleted


def test_the_same_event_twice_changes_nothing_more(aws: AwsWorld) -> None:
    event = added()
    apply(event)
    before = aws.dynamodb.scan(TableName="hub-waba")["Items"]

    apply(event)

    assert aws.dynamodb.scan(TableName="hub-waba")["Items"] == before


@pytest.mark.parametrize(
    "broken",
    [
        {"detail-type": "NumberRenamed"},
        {"source": "hub.waba"},
        {"detail": {"number_id": NUMBER, "client_id": "acme"}},
    ],
)
def test_a_malformed_event_is_raised_and_nothing_is_written(aws: AwsWorld, broken: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        apply(added() | broken)

    assert aws.dynamodb.scan(TableName="hub-waba")["Count"] == 0
