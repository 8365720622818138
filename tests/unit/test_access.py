"""`hub_shared.auth.authorize`: the one access rule of every resource, once per kind of principal.

Ownership comes before role: whoever may not know a resource exists gets the same 404 as for a resource that does
not exist; whoever sees it but may not take the action gets a 403.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hub_shared.auth import Action, Principal, Role, Tenant, authorize
from hub_shared.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Resource:
    client_id: str


GRANTS = {("bluewave", "globex"): frozenset({"numbers:read"}), ("bluewave", "initech"): frozenset({"waba:read"})}


def grants(partner: str, client: str) -> frozenset[str]:
    return GRANTS.get((partner, client), frozenset())


CLIENT = Principal(subject="anna", role=Role.CLIENT, client_id="acme")
OTHER_CLIENT = Principal(subject="gary", role=Role.CLIENT, client_id="globex")
PARTNER = Principal(subject="pat", role=Role.PARTNER, partner_id="bluewave", grants=grants)
OTHER_PARTNER = Principal(subject="olga", role=Role.PARTNER, partner_id="redwave", grants=grants)
SUPPORT = Principal(subject="sam", role=Role.SUPPORT)
MISSING = NotFound("Number 1 was not found.")


class Refused(Forbidden):
    slug = "refused-for-test"


def outcome(principal: Principal, resource: Resource | None, **rule: object) -> str:
    try:
        authorize(principal, resource, missing=MISSING, **rule)  # type: ignore[arg-type]
    except NotFound as error:
        assert error is MISSING  # the very same answer as for a resource that does not exist
        return "404"
    except Forbidden as error:
        return f"403 {error.slug}"
    return "allowed"


@pytest.mark.parametrize(
    ("principal", "client", "expected"),
    [
        (CLIENT, "acme", "allowed"),
        (CLIENT, "globex", "404"),
        (OTHER_CLIENT, "acme", "404"),
        (PARTNER, "globex", "allowed"),
        (PARTNER, "initech", "404"),  # granted something, but not what reveals numbers
        (PARTNER, "acme", "404"),  # granted nothing
        (OTHER_PARTNER, "globex", "404"),  # another partner's client
        (SUPPORT, "acme", "allowed"),
    ],
    ids=str,
)
def test_reading_a_resource(principal: Principal, client: str, expected: str) -> None:
    assert outcome(principal, Resource(client)) == expected


@pytest.mark.parametrize("principal", [CLIENT, OTHER_CLIENT, PARTNER, OTHER_PARTNER, SUPPORT], ids=lambda p: p.subject)
def test_a_missing_resource_is_not_found_for_everyone(principal: Principal) -> None:
    assert outcome(principal, None) == "404"
    assert outcome(principal, None, action=Action.NUMBERS_CANCEL) == "404"


@pytest.mark.parametrize(
    ("principal", "client", "expected"),
    [
        (CLIENT, "acme", "allowed"),
        (CLIENT, "globex", "404"),
        (PARTNER, "globex", "403 refused-for-test"),  # sees the number, may not cancel it
        (PARTNER, "acme", "404"),  # ownership first: never a 403 that confirms someone else's id
        (OTHER_PARTNER, "globex", "404"),
        (SUPPORT, "acme", "403 refused-for-test"),
    ],
    ids=str,
)
def test_an_action_the_role_may_not_take(principal: Principal, client: str, expected: str) -> None:
    rule = {"action": Action.NUMBERS_CANCEL, "refused": lambda _: Refused("no")}
    assert outcome(principal, Resource(client), **rule) == expected


def test_without_a_refusal_the_403_is_the_hubs_generic_one() -> None:
    assert outcome(SUPPORT, Resource("acme"), action=Action.NUMBERS_CANCEL) == "403 forbidden"


def test_a_partner_granted_the_action_alone_may_see_the_resource_when_the_action_reveals_it() -> None:
    GRANTS[("bluewave", "acme")] = frozenset({"display_name:write"})
    try:
        via = (Action.NUMBERS_READ, Action.DISPLAY_NAME_WRITE)
        assert outcome(PARTNER, Resource("acme")) == "404"
        assert outcome(PARTNER, Resource("acme"), via=via, action=Action.DISPLAY_NAME_WRITE) == "allowed"
    finally:
        del GRANTS[("bluewave", "acme")]


def test_a_revoked_grant_counts_at_the_next_check() -> None:
    GRANTS[("bluewave", "acme")] = frozenset({"numbers:read"})
    assert outcome(PARTNER, Resource("acme")) == "allowed"
    del GRANTS[("bluewave", "acme")]

    assert outcome(PARTNER, Resource("acme")) == "404"


def test_a_client_filter_is_a_tenant_of_its_own() -> None:
    assert authorize(PARTNER, Tenant("globex"), missing=MISSING) == Tenant("globex")
    with pytest.raises(NotFound):
        authorize(CLIENT, Tenant("globex"), missing=MISSING)
