"""A revoke counts on the partner's very next request, in every service: the client changes its grants through the
accounts API, and the next read of each service that a partner may make answers as if the client were unknown to
it. Every function runs behind the local gateway in this process (the in-process hub): no cache, no token lifetime,
no index lag stands between the write and the next read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.builders import ACME, ALL_SCOPES, InProcessHub, Who, in_process_hub

PERMISSIONS = f"/v1/clients/{ACME.client_id}/partner-permissions"

#: Each service's reads of one of ACME's resources, and the scope that lets a partner make it.
READS = {
    "numbers": (f"/v1/numbers/{ACME.number_id}", {}, "numbers:read"),
    "waba": (f"/v1/wabas/{ACME.waba_id}", {}, "waba:read"),
    "templates": (f"/v1/wabas/{ACME.waba_id}/templates", {}, "templates:read"),
    "billing": (
        "/v1/insights",
        {"number_id": ACME.number_id, "start": "2026-11-01", "end": "2026-11-19"},
        "insights:read",
    ),
    "support": (f"/v1/tickets/{ACME.ticket_id}", {}, "tickets:write"),
}


@pytest.fixture(scope="module")
def hub() -> Iterator[InProcessHub]:
    with in_process_hub() as started:
        yield started


@pytest.fixture(autouse=True)
def everything_granted(hub: InProcessHub) -> Iterator[None]:
    hub.grant(ACME, ALL_SCOPES)
    yield
    hub.grant(ACME, ALL_SCOPES)


def partner_reads(hub: InProcessHub) -> dict[str, int]:
    return {
        service: hub.call("GET", path, Who.PARTNER, params=query).status_code
        for service, (path, query, _) in READS.items()
    }


def listed_clients(hub: InProcessHub) -> set[str]:
    return {number["client_id"] for number in hub.call("GET", "/v1/numbers", Who.PARTNER).json()["items"]}


def test_revoking_everything_hides_the_client_from_the_partners_very_next_request_in_every_service(
    hub: InProcessHub,
) -> None:
    assert partner_reads(hub) == dict.fromkeys(READS, 200)
    assert ACME.client_id in listed_clients(hub)

    revoked = hub.call("DELETE", PERMISSIONS, Who.CLIENT)

    assert revoked.status_code == 200
    assert partner_reads(hub) == dict.fromkeys(READS, 404)
    assert ACME.client_id not in listed_clients(hub)


@pytest.mark.parametrize("service", sorted(READS))
def test_revoking_one_scope_refuses_what_it_allowed_and_nothing_else(hub: InProcessHub, service: str) -> None:
    scope = READS[service][2]
    kept = sorted(ALL_SCOPES - {scope})

    answer = hub.call("PUT", PERMISSIONS, Who.CLIENT, body={"scopes": kept})

    assert answer.status_code == 200
    reads = partner_reads(hub)
    assert reads[service] in (403, 404), reads
    assert {other: status for other, status in reads.items() if other != service} == dict.fromkeys(
        set(READS) - {service}, 200
    )


def test_granting_again_counts_as_fast(hub: InProcessHub) -> None:
    hub.call("DELETE", PERMISSIONS, Who.CLIENT)

    granted = hub.call("PUT", PERMISSIONS, Who.CLIENT, body={"scopes": sorted(ALL_SCOPES)})

    assert granted.status_code == 200
    assert partner_reads(hub) == dict.fromkeys(READS, 200)
