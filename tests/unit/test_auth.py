"""The principal: built from the JWT claims API Gateway passes, and what it may do."""

from __future__ import annotations

import pytest

from hub_shared.auth import Action, Principal, Role, principal_from_claims
from hub_shared.errors import InvalidPrincipal, Unauthorized


def grants(table: dict[tuple[str, str], frozenset[str]]):  # type: ignore[no-untyped-def]
    return lambda partner, client: table.get((partner, client), frozenset())


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ("[support]", Role.SUPPORT),
        ("[admins support]", Role.SUPPORT),
        (["support"], Role.SUPPORT),
        ('["support"]', Role.SUPPORT),
    ],
)
def test_support_group_in_any_claim_form_makes_a_support_agent(groups: object, expected: Role) -> None:
    assert principal_from_claims({"sub": "s", "cognito:groups": groups}).role is expected


def test_client_claim_makes_a_client_user() -> None:
    principal = principal_from_claims({"sub": "s", "custom:client_id": "acme", "email": "a@acme.example"})

    assert (principal.role, principal.client_id, principal.email) == (Role.CLIENT, "acme", "a@acme.example")


def test_partner_claim_makes_a_partner_user_with_the_grant_lookup() -> None:
    principal = principal_from_claims(
        {"sub": "s", "custom:partner_id": "bluewave"},
        grants=grants({("bluewave", "globex"): frozenset({"numbers:read"})}),
    )

    assert principal.role is Role.PARTNER
    assert principal.can(Action.NUMBERS_READ, "globex")
    assert not principal.can(Action.NUMBERS_READ, "initech")


@pytest.mark.parametrize("claims", [None, {}, {"email": "x@example.com"}, {"sub": ""}])
def test_no_subject_is_unauthorized(claims: dict[str, str] | None) -> None:
    with pytest.raises(Unauthorized):
        principal_from_claims(claims)


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "s"},
        {"sub": "s", "custom:client_id": "acme", "custom:partner_id": "bluewave"},
        {"sub": "s", "custom:client_id": "ac me"},
        {"sub": "s", "custom:client_id": "-acme"},
        {"sub": "s", "custom:partner_id": "x" * 65},
        {"sub": "s", "custom:client_id": 42},
    ],
)
def test_claims_naming_no_single_valid_role_are_refused(claims: dict[str, object]) -> None:
    with pytest.raises(InvalidPrincipal):
        principal_from_claims(claims)


def test_client_may_act_on_its_own_resources_only() -> None:
    client = Principal(subject="s", role=Role.CLIENT, client_id="acme")

    assert client.can(Action.NUMBERS_CANCEL, "acme")
    assert client.can(Action.BILLING_MANAGE, "acme")
    assert not client.can(Action.NUMBERS_READ, "globex")


def test_partner_never_adds_cancels_or_touches_billing_whatever_it_was_granted() -> None:
    everything = frozenset(
        {"numbers:read", "templates:write", "profile:write", "display_name:write", "insights:read", "numbers:add"}
    )
    partner = Principal(subject="s", role=Role.PARTNER, partner_id="p", grants=lambda p, c: everything)

    assert partner.can(Action.DISPLAY_NAME_WRITE, "c")
    for action in (Action.NUMBERS_ADD, Action.NUMBERS_CANCEL, Action.INBOX_ACTIVATE, Action.BILLING_MANAGE):
        assert not partner.can(action, "c")


def test_partner_sees_a_client_only_with_numbers_read() -> None:
    partner = Principal(
        subject="s", role=Role.PARTNER, partner_id="p", grants=lambda p, c: frozenset({"templates:write"})
    )

    assert not partner.sees("c")
    assert partner.can(Action.TEMPLATES_WRITE, "c")


def test_support_reads_everything_but_does_not_act_for_clients() -> None:
    support = Principal(subject="s", role=Role.SUPPORT)

    assert support.sees("anyone")
    assert support.can(Action.NUMBERS_READ, "anyone")
    assert support.can(Action.TICKETS_WRITE, "anyone")
    assert support.can(Action.TICKETS_WORK, "anyone")
    assert not support.can(Action.NUMBERS_CANCEL, "anyone")
    assert not support.can(Action.TEMPLATES_WRITE, "anyone")


def test_only_agents_work_tickets_though_clients_and_granted_partners_write_them() -> None:
    client = Principal(subject="u", role=Role.CLIENT, client_id="c")
    partner = Principal(
        subject="p", role=Role.PARTNER, partner_id="p", grants=lambda p, c: frozenset({"tickets:write"})
    )

    assert client.can(Action.TICKETS_WRITE, "c")
    assert partner.can(Action.TICKETS_WRITE, "c")
    assert not client.can(Action.TICKETS_WORK, "c")
    assert not partner.can(Action.TICKETS_WORK, "c")


def test_own_ids_refuse_the_wrong_role() -> None:
    with pytest.raises(InvalidPrincipal):
        _ = Principal(subject="s", role=Role.SUPPORT).own_client_id
    with pytest.raises(InvalidPrincipal):
        _ = Principal(subject="s", role=Role.CLIENT, client_id="acme").own_partner_id
