"""The rules of adding and importing numbers that need no AWS and no Meta: calling codes, import ids, Meta's refusals
in plain words, Meta's view of a number, the import's view, and who may add numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from hub_numbers.errors import ClientUsersOnly, PartnersCannotAddNumbers
from hub_numbers.models.onboarding import IMPORT_ID_PATTERN, CodeMethod, ImportStep, NumberImport
from hub_numbers.usecases.imports import country_calling_code, import_id_for, view_of
from hub_numbers.usecases.registration import PhoneDetails, client_adding_numbers, meta_failure
from hub_shared.auth import Principal, Role
from hub_shared.errors import HubError, QuotaExceeded, UpstreamError, UpstreamRejected, UpstreamUnavailable
from hub_shared.graph import GraphError, MetaCredentialsRejected, MetaForbidden, MetaRefused

AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DOING = "registering the number"


@pytest.mark.parametrize(
    ("phone", "code"),
    [
        ("+4915112345095", "49"),
        ("+15550783881", "1"),
        ("+79161234567", "7"),
        ("+201001234567", "20"),
        ("+35312345678", "353"),
        ("+2348012345678", "234"),
        ("+861012345678", "86"),
        ("+8521234567", "852"),
    ],
)
def test_the_country_calling_code_is_read_from_the_e164_number(phone: str, code: str) -> None:
    assert country_calling_code(phone) == code


def test_an_import_id_is_the_same_for_the_same_client_waba_and_number_only() -> None:
    first = import_id_for("acme", "102290129340398", "+4915112345095")

    assert re.fullmatch(IMPORT_ID_PATTERN, first)
    assert import_id_for("acme", "102290129340398", "+4915112345095") == first
    assert import_id_for("globex", "102290129340398", "+4915112345095") != first
    assert import_id_for("acme", "104996122399160", "+4915112345095") != first


def refused(code: int, subcode: int | None = None, *, forbidden: bool = False) -> MetaRefused:
    error = GraphError(http_status=400, code=code, message=f"(#{code}) Meta's title", subcode=subcode)
    return MetaForbidden(error) if forbidden else MetaRefused(error)


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (refused(133005), "Two-step verification is still on"),
        (refused(133016), "10 registrations of a number in 72 hours"),
        (refused(136024), "could not send a verification code"),
        (refused(136025), "wrong or has expired"),
        (refused(100, 2388012), "already on this WhatsApp Business Account"),
        (refused(100, 2388091), "not eligible for migration"),
        (refused(100, 2388093), "not eligible for migration"),
        (refused(100, 36007), "signup code has expired"),
        (refused(131009), "Meta refused registering the number (Meta error 131009)."),
        (refused(200, forbidden=True), "Meta refused registering the number (Meta error 200)."),
    ],
)
def test_meta_refusals_are_told_in_plain_words_with_their_code(error: MetaRefused, words: str) -> None:
    problem = meta_failure(error, DOING)

    assert isinstance(problem, UpstreamRejected)
    assert problem.status == 422
    assert words in problem.detail
    assert problem.upstream_code == error.graph_error.code
    assert "title" not in problem.detail


def test_meta_throttling_keeps_its_retry_after() -> None:
    problem = meta_failure(QuotaExceeded("throttled", retry_after=30), DOING)

    assert isinstance(problem, QuotaExceeded)
    assert problem.detail == "Meta's rate limit was reached while registering the number; try again in 30 seconds."
    assert problem.headers == {"Retry-After": "30"}


@pytest.mark.parametrize(
    ("error", "status", "words"),
    [
        (UpstreamUnavailable("down"), 503, "Meta was unavailable while registering the number"),
        (MetaCredentialsRejected(GraphError(http_status=401, code=190, message="bad")), 502, "credentials"),
        (UpstreamError("not JSON"), 502, "Meta answered unexpectedly while registering the number"),
    ],
)
def test_meta_failing_is_told_in_plain_words(error: HubError, status: int, words: str) -> None:
    problem = meta_failure(error, DOING)

    assert problem.status == status
    assert words in problem.detail


def test_the_hubs_own_errors_pass_unchanged() -> None:
    error = ClientUsersOnly("no")

    assert meta_failure(error, DOING) is error


def test_meta_view_of_a_number_gives_its_e164_form_and_keeps_defaults_for_what_meta_left_out() -> None:
    details = PhoneDetails.model_validate(
        {"id": "1", "display_phone_number": "+49 1511 2345-001", "verified_name": "Acme", "status": "CONNECTED"}
    )

    assert details.connected
    assert details.number_fields() == {
        "phone_e164": "+4915112345001",
        "display_phone_number": "+49 1511 2345-001",
        "meta_status": "CONNECTED",
        "display_name": "Acme",
        "display_name_status": None,
        "messaging_limit": None,
    }


def an_import(step: ImportStep, attempts: int = 0) -> NumberImport:
    return NumberImport(
        import_id=import_id_for("acme", "1", "+4915112345095"),
        client_id="acme",
        waba_id="1",
        phone_e164="+4915112345095",
        method=CodeMethod.SMS,
        display_name="Acme",
        phone_number_id="1700000000001001",
        step=step,
        attempts=attempts,
        code_requested_at=AT,
        created_at=AT,
        updated_at=AT,
    )


def test_an_open_import_shows_when_a_new_code_may_be_sent_and_the_attempts_left() -> None:
    view = view_of(an_import(ImportStep.CODE_REQUESTED, attempts=2))

    assert view.resend_available_at == datetime(2026, 11, 20, 12, 1, tzinfo=UTC)
    assert view.attempts_left == 3
    assert view.number_id is None


def test_a_done_import_shows_its_number_and_no_code_to_send() -> None:
    view = view_of(an_import(ImportStep.DONE, attempts=2))

    assert view.number_id == "1700000000001001"
    assert view.resend_available_at is None
    assert view.attempts_left == 0


@pytest.mark.parametrize(
    ("principal", "refusal"),
    [
        (Principal(subject="p", role=Role.PARTNER, partner_id="bluewave"), PartnersCannotAddNumbers),
        (Principal(subject="s", role=Role.SUPPORT), ClientUsersOnly),
    ],
)
def test_only_client_users_add_numbers(principal: Principal, refusal: type[HubError]) -> None:
    with pytest.raises(refusal) as raised:
        client_adding_numbers(principal)

    assert raised.value.status == 403
    assert client_adding_numbers(Principal(subject="c", role=Role.CLIENT, client_id="acme")) == "acme"
