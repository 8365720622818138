"""Partner permissions, the partner's settings and clients (with their CSV), and partner change requests: handler →
use case → the accounts table in moto, and the consumer that completes an accepted change."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from hub_accounts.consumers.changes import handler as complete_handler
from hub_accounts.models.changes import ChangeStatus
from hub_accounts.store.accounts import AccountsStore
from hub_numbers.app import handler as numbers_handler
from tests.builders import (
    CLIENT_ACME,
    CLIENT_GLOBEX,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    a_number,
    accounts_call,
    accounts_world,
    assert_problem,
    claims_for,
    context,
    function_answer,
    outbox_events,
    routed_event,
)

PERMISSIONS = "/v1/clients/{client_id}/partner-permissions"
CHANGES = "/v1/clients/{client_id}/partner-change-requests"
DECISION = "/v1/partner/change-requests/{request_id}/decision"
NORTHWIND = claims_for(partner_id="northwind", sub="user-northwind")
ACCOUNTS = "hub-accounts"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def world(aws: AwsWorld, clock: FrozenClock) -> Iterator[AwsWorld]:
    """Acme works with Bluewave (granted numbers:read); Globex with Bluewave, granting nothing; Northwind has no
    client and decides requests itself; Redwave approves every request at once."""
    aws.add_client("acme", partner_id="bluewave")
    aws.add_client("globex", billing_model="partner", partner_id="bluewave")
    aws.grant("acme", "bluewave", "numbers:read")
    aws.grant("globex", "bluewave")
    aws.add_partner("bluewave", name="Bluewave Software")
    aws.add_partner("northwind", name="Northwind Digital")
    aws.add_partner("redwave", name="Redwave Apps", auto_approve=True)
    with accounts_world(clock):
        yield aws


def permissions(client_id: str, claims: dict[str, str], method: str = "GET", body: Any = None) -> tuple[int, Any]:
    return accounts_call(method, PERMISSIONS.format(client_id=client_id), claims, route=PERMISSIONS, body=body)


def ask(client_id: str, claims: dict[str, str], target: str, reason: str = "Better support.") -> tuple[int, Any]:
    body = {"target_partner_id": target, "reason": reason}
    return accounts_call("POST", CHANGES.format(client_id=client_id), claims, route=CHANGES, body=body)


def decide(request_id: str, claims: dict[str, str], decision: str, note: str | None = None) -> tuple[int, Any]:
    body = {"decision": decision, **({"note": note} if note else {})}
    return accounts_call("POST", DECISION.format(request_id=request_id), claims, route=DECISION, body=body)


def complete_accepted(world: AwsWorld) -> list[str]:
    """Deliver each accepted decision of the outbox to the completing consumer, as the bus rule does."""
    answers = []
    for detail in outbox_events(world.table_items(ACCOUNTS), "PartnerChangeDecided"):
        if detail["status"] == "accepted":
            event = {
                "version": "0",
                "id": detail["metadata"]["event_id"],
                "detail-type": "PartnerChangeDecided",
                "source": "hub.accounts",
                "account": "123456789012",
                "time": "2026-11-20T12:00:00Z",
                "region": "eu-central-1",
                "resources": [],
                "detail": detail,
            }
            answers.append(complete_handler(event, context("AccountsPartnerChangeFunction")))
    return answers


def unchanged(world: AwsWorld) -> list[dict[str, Any]]:
    return world.items_in_key_order(ACCOUNTS)


# ---------------------------------------------------------------- permissions


def test_a_client_reads_its_partner_and_every_scope_with_what_it_allows(world: AwsWorld) -> None:
    status, body = permissions("acme", CLIENT_ACME)

    assert status == 200
    assert body["partner"] == {"partner_id": "bluewave", "name": "Bluewave Software"}
    assert body["scopes"] == ["numbers:read"]
    assert [choice["scope"] for choice in body["choices"] if choice["granted"]] == ["numbers:read"]
    assert len(body["choices"]) == 9
    assert all(choice["meaning"] for choice in body["choices"])


def test_granting_replaces_the_set_and_announces_what_was_granted_and_revoked(world: AwsWorld) -> None:
    status, body = permissions("acme", CLIENT_ACME, "PUT", {"scopes": ["templates:write", "waba:read", "waba:read"]})

    assert status == 200
    assert body["scopes"] == ["waba:read", "templates:write"]
    assert body["updated_at"] == "2026-11-20T12:00:00.000000Z"
    (event,) = outbox_events(world.table_items(ACCOUNTS), "PartnerPermissionsChanged")
    assert (event["granted"], event["revoked"]) == (["waba:read", "templates:write"], ["numbers:read"])
    assert event["actor"]["user_id"] == "user-acme"
    assert event["actor"]["email"] == "user@example.com"
    assert permissions("acme", CLIENT_ACME)[1]["scopes"] == ["waba:read", "templates:write"]


def test_granting_what_is_granted_changes_nothing(world: AwsWorld) -> None:
    before = unchanged(world)

    status, body = permissions("acme", CLIENT_ACME, "PUT", {"scopes": ["numbers:read"]})

    assert (status, body["scopes"]) == (200, ["numbers:read"])
    assert unchanged(world) == before


def test_revoking_everything_leaves_the_partner_with_nothing(world: AwsWorld) -> None:
    status, body = permissions("acme", CLIENT_ACME, "DELETE")

    assert (status, body["scopes"], body["partner"]["partner_id"]) == (200, [], "bluewave")
    (event,) = outbox_events(world.table_items(ACCOUNTS), "PartnerPermissionsChanged")
    assert (event["scopes"], event["revoked"]) == ([], ["numbers:read"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scopes": ["numbers:read", "numbers:write"]}, "scopes"),
        ({"scopes": ["*"]}, "scopes"),
        ({"scopes": "numbers:read"}, "scopes"),
        ({}, "scopes"),
        ({"scopes": [], "partner_id": "northwind"}, "partner_id"),
    ],
)
def test_unknown_scopes_and_malformed_bodies_are_refused_and_nothing_changes(
    world: AwsWorld, body: dict[str, Any], field: str
) -> None:
    before = unchanged(world)

    status, problem = permissions("acme", CLIENT_ACME, "PUT", body)

    assert_problem(problem, 422, "validation-failed")
    assert any(field in error["field"] for error in problem["errors"]), problem
    assert status == 422
    assert unchanged(world) == before


@pytest.mark.parametrize(
    ("client_id", "claims", "expected", "slug"),
    [
        ("acme", PARTNER, 403, "forbidden"),  # the partner may not edit what it is granted
        ("acme", SUPPORT, 403, "forbidden"),  # agents read, never grant
        ("acme", CLIENT_GLOBEX, 404, "not-found"),  # another client's grants: as if it did not exist
        ("nobody", CLIENT_ACME, 404, "not-found"),
    ],
)
def test_only_the_clients_own_users_change_its_grants(
    world: AwsWorld, client_id: str, claims: dict[str, str], expected: int, slug: str
) -> None:
    before = unchanged(world)

    for method, body in (("PUT", {"scopes": ["profile:write"]}), ("DELETE", None)):
        status, problem = permissions(client_id, claims, method, body)

        assert status == expected
        assert_problem(problem, expected, slug)
    assert unchanged(world) == before


def test_support_reads_a_clients_grants_and_partners_may_not(world: AwsWorld) -> None:
    assert permissions("acme", SUPPORT)[1]["scopes"] == ["numbers:read"]
    assert permissions("acme", PARTNER)[0] == 403


def test_a_client_without_a_partner_has_nobody_to_grant_to(world: AwsWorld) -> None:
    world.add_client("solo")
    solo = claims_for(client_id="solo", sub="user-solo")
    before = unchanged(world)

    assert permissions("solo", solo)[1]["partner"] is None
    granted, problem = permissions("solo", solo, "PUT", {"scopes": ["numbers:read"]})
    revoked, _ = permissions("solo", solo, "DELETE")

    assert (granted, revoked, problem["status"]) == (409, 409, 409)
    assert unchanged(world) == before


# ---------------------------------------------------------------- the partner's settings and clients


def test_a_partner_lists_its_clients_with_what_each_granted(world: AwsWorld) -> None:
    status, body = accounts_call("GET", "/v1/partner/clients", PARTNER)
    _, first = accounts_call("GET", "/v1/partner/clients", PARTNER, query={"limit": "1"})
    _, second = accounts_call("GET", "/v1/partner/clients", PARTNER, query={"cursor": first["next_cursor"]})

    assert status == 200
    assert [(c["client_id"], c["scopes"]) for c in body["items"]] == [("acme", ["numbers:read"]), ("globex", [])]
    assert [c["client_id"] for c in first["items"] + second["items"]] == ["acme", "globex"]
    assert (body["next_cursor"], second["next_cursor"]) == (None, None)
    assert accounts_call("GET", "/v1/partner/clients", CLIENT_ACME)[0] == 403
    assert accounts_call("GET", "/v1/partner/clients", NORTHWIND)[1]["items"] == []


def test_the_csv_export_has_each_clients_numbers_where_it_granted_numbers_read(world: AwsWorld) -> None:
    world.add_number(a_number("106540352242922", "acme", phone_e164="+4915112345001", display_name="Acme Retail"))
    world.add_number(a_number("107811234567801", "globex", phone_e164="+15550783881"))
    path = "/v1/partner/clients/export"

    status, _ = function_answer(numbers_handler, "NumbersFunction", routed_event("GET", path, CLIENT_ACME))
    answer = numbers_handler(routed_event("GET", path, PARTNER), context("NumbersFunction"))

    assert status == 403
    assert answer["statusCode"] == 200
    assert answer["headers"]["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer["body"])))
    assert [(row["client_id"], row["phone_number"], row["account_status"]) for row in rows] == [
        ("acme", "+4915112345001", "running"),
        ("globex", "", ""),  # granted nothing: named, its numbers not shown
    ]
    assert rows[0]["legal_name"] == "Acme Ltd"


def test_a_partner_turns_auto_approval_on(world: AwsWorld) -> None:
    status, body = accounts_call("PUT", "/v1/partner/settings", NORTHWIND, body={"auto_approve": True})

    assert (status, body) == (200, {"partner_id": "northwind", "name": "Northwind Digital", "auto_approve": True})
    assert accounts_call("GET", "/v1/partner/settings", NORTHWIND)[1]["auto_approve"] is True
    (event,) = outbox_events(world.table_items(ACCOUNTS), "PartnerSettingsChanged")
    assert event["auto_approve"] is True
    assert accounts_call("PUT", "/v1/partner/settings", CLIENT_ACME, body={"auto_approve": True})[0] == 403


# ---------------------------------------------------------------- change requests


def test_a_change_is_asked_accepted_by_the_target_and_completed_with_every_number(world: AwsWorld) -> None:
    status, asked = ask("acme", CLIENT_ACME, "northwind", "Northwind builds our shop integration.")
    assert (status, asked["status"], asked["from_partner_id"], asked["from_partner_name"]) == (
        201,
        "pending",
        "bluewave",
        "Bluewave Software",
    )
    assert asked["target_partner_name"] == "Northwind Digital"
    inbox = accounts_call("GET", "/v1/partner/change-requests", NORTHWIND)[1]["items"]
    assert [r["request_id"] for r in inbox] == [asked["request_id"]]
    assert accounts_call("GET", "/v1/partner/change-requests", PARTNER)[1]["items"] == []

    status, decided = decide(asked["request_id"], NORTHWIND, "accept", "Welcome!")
    assert (status, decided["status"], decided["decided_by"]["partner_id"]) == (200, "accepted", "northwind")

    assert complete_accepted(world) == [asked["request_id"]]
    assert complete_accepted(world) == ["nothing to complete"]  # a redelivery is a no-op
    (request,) = accounts_call("GET", CHANGES.format(client_id="acme"), CLIENT_ACME, route=CHANGES)[1]["items"]
    assert request["status"] == "completed"
    assert permissions("acme", CLIENT_ACME)[1]["partner"]["partner_id"] == "northwind"
    assert permissions("acme", CLIENT_ACME)[1]["scopes"] == []  # the new partner starts with nothing
    assert [c["client_id"] for c in accounts_call("GET", "/v1/partner/clients", PARTNER)[1]["items"]] == ["globex"]
    assert [c["client_id"] for c in accounts_call("GET", "/v1/partner/clients", NORTHWIND)[1]["items"]] == ["acme"]
    (completed,) = outbox_events(world.table_items(ACCOUNTS), "PartnerChangeCompleted")
    assert (completed["from_partner_id"], completed["from_partner_name"], completed["target_partner_id"]) == (
        "bluewave",
        "Bluewave Software",
        "northwind",
    )


def test_the_old_partner_loses_the_clients_numbers_at_once(world: AwsWorld) -> None:
    world.add_number(a_number("106540352242922", "acme"))
    listed = routed_event("GET", "/v1/numbers", PARTNER)
    assert [n["client_id"] for n in function_answer(numbers_handler, "NumbersFunction", listed)[1]["items"]] == ["acme"]

    _, asked = ask("acme", CLIENT_ACME, "northwind")
    decide(asked["request_id"], NORTHWIND, "accept")
    complete_accepted(world)

    assert function_answer(numbers_handler, "NumbersFunction", listed)[1]["items"] == []


def test_a_partner_with_auto_approval_accepts_at_once(world: AwsWorld) -> None:
    status, asked = ask("acme", CLIENT_ACME, "redwave")

    assert (status, asked["status"], asked["auto_approved"], asked["decided_by"]) == (201, "accepted", True, None)
    (decided,) = outbox_events(world.table_items(ACCOUNTS), "PartnerChangeDecided")
    assert (decided["status"], decided["auto_approved"], decided["actor"]) == ("accepted", True, None)
    complete_accepted(world)
    assert permissions("acme", CLIENT_ACME)[1]["partner"]["partner_id"] == "redwave"


def test_a_declined_request_leaves_the_client_where_it_was_and_it_may_ask_again(world: AwsWorld) -> None:
    _, asked = ask("acme", CLIENT_ACME, "northwind")

    status, declined = decide(asked["request_id"], NORTHWIND, "decline", "We do not serve retail.")

    assert (status, declined["status"], declined["decision_note"]) == (200, "declined", "We do not serve retail.")
    assert complete_accepted(world) == []
    assert permissions("acme", CLIENT_ACME)[1]["partner"]["partner_id"] == "bluewave"
    assert ask("acme", CLIENT_ACME, "northwind")[0] == 201


def test_the_client_withdraws_a_pending_request_once(world: AwsWorld) -> None:
    _, asked = ask("acme", CLIENT_ACME, "northwind")
    cancel = f"{CHANGES}/{{request_id}}/cancellation"
    path = cancel.format(client_id="acme", request_id=asked["request_id"])

    status, cancelled = accounts_call("POST", path, CLIENT_ACME, route=cancel)
    again, problem = accounts_call("POST", path, CLIENT_ACME, route=cancel)

    assert (status, cancelled["status"]) == (200, "cancelled")
    assert (again, problem["status"]) == (409, 409)
    assert decide(asked["request_id"], NORTHWIND, "accept")[0] == 409
    assert ask("acme", CLIENT_ACME, "northwind")[0] == 201


@pytest.mark.parametrize(
    ("target", "expected"),
    [("bluewave", 409), ("nobody", 422)],
    ids=["the-current-partner", "an-unknown-partner"],
)
def test_a_request_to_the_current_or_an_unknown_partner_is_refused(world: AwsWorld, target: str, expected: int) -> None:
    before = unchanged(world)

    status, problem = ask("acme", CLIENT_ACME, target)

    assert (status, problem["status"]) == (expected, expected)
    assert unchanged(world) == before


def test_one_open_request_at_a_time(world: AwsWorld) -> None:
    ask("acme", CLIENT_ACME, "northwind")
    before = unchanged(world)

    status, problem = ask("acme", CLIENT_ACME, "redwave")

    assert (status, problem["status"]) == (409, 409)
    assert unchanged(world) == before


@pytest.mark.parametrize(
    ("claims", "expected"),
    [(PARTNER, 404), (CLIENT_ACME, 403), (CLIENT_GLOBEX, 404), (SUPPORT, 403)],
    ids=["another-partner", "its-client", "another-client", "support"],
)
def test_only_the_target_partner_decides(world: AwsWorld, claims: dict[str, str], expected: int) -> None:
    _, asked = ask("acme", CLIENT_ACME, "northwind")
    before = unchanged(world)

    status, problem = decide(asked["request_id"], claims, "accept")

    assert (status, problem["status"]) == (expected, expected)
    assert unchanged(world) == before


def test_partners_and_other_clients_may_not_ask_for_a_client(world: AwsWorld) -> None:
    before = unchanged(world)

    assert ask("acme", PARTNER, "northwind")[0] == 403
    assert ask("acme", CLIENT_GLOBEX, "northwind")[0] == 404
    assert ask("acme", SUPPORT, "northwind")[0] == 403
    assert unchanged(world) == before


def test_support_sees_every_request_and_the_client_its_own(world: AwsWorld) -> None:
    _, first = ask("acme", CLIENT_ACME, "northwind")
    _, second = ask("globex", CLIENT_GLOBEX, "redwave")

    every = accounts_call("GET", "/v1/partner/change-requests", SUPPORT)[1]["items"]
    own = accounts_call("GET", CHANGES.format(client_id="globex"), CLIENT_GLOBEX, route=CHANGES)[1]["items"]

    assert {r["request_id"] for r in every} == {first["request_id"], second["request_id"]}
    assert [r["request_id"] for r in own] == [second["request_id"]]
    assert accounts_call("GET", CHANGES.format(client_id="globex"), CLIENT_ACME, route=CHANGES)[0] == 404


def test_a_request_with_a_stale_version_is_not_written(world: AwsWorld) -> None:
    """Two decisions at once: the second read the request before the first wrote it, and is refused."""
    _, asked = ask("acme", CLIENT_ACME, "northwind")
    store = AccountsStore(ACCOUNTS, world.dynamodb)
    read = store.change("acme", asked["request_id"])
    assert read is not None
    assert decide(asked["request_id"], NORTHWIND, "decline")[0] == 200

    late = read.model_copy(update={"status": ChangeStatus.ACCEPTED, "version": read.version + 1})

    assert store.save_change(read, late, ()) is False
    assert store.change("acme", asked["request_id"]).status == "declined"  # type: ignore[union-attr]


def test_a_cursor_of_another_list_is_refused(world: AwsWorld) -> None:
    ask("acme", CLIENT_ACME, "northwind")
    ask("globex", CLIENT_GLOBEX, "redwave")  # two requests of two clients, to read one a page
    _, first = accounts_call("GET", "/v1/partner/change-requests", SUPPORT, query={"limit": "1"})
    assert first["next_cursor"]
    cursor = {"cursor": first["next_cursor"]}

    inbox, problem = accounts_call("GET", "/v1/partner/change-requests", NORTHWIND, query=cursor)
    client, _ = accounts_call("GET", CHANGES.format(client_id="acme"), CLIENT_ACME, route=CHANGES, query=cursor)
    listed, _ = accounts_call("GET", "/v1/partner/clients", PARTNER, query=cursor)
    _, second = accounts_call("GET", "/v1/partner/change-requests", SUPPORT, query=cursor)

    assert (inbox, client, listed) == (400, 400, 400)
    assert_problem(problem, 400, "invalid-cursor")
    assert len(second["items"]) == 1
    assert second["items"][0]["request_id"] != first["items"][0]["request_id"]
