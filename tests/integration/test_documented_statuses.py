"""The committed `docs/openapi.json` documents every problem status an operation can answer, and none it cannot.

Schema fuzzing (`test_schema_fuzz.py`, status-code conformance) finds a status answered but not documented. This
module holds the other direction, for every operation of the document:

- What every route answers alike is asked here, of each operation it applies to, through the gateway: 401 (API
  Gateway's own) without a token and 403 to a token that names no client, partner or support agent, on every
  token-guarded operation; 422 to an invalid input on every operation that takes any — and no 422 documented by one
  that takes none; 404 for another tenant's resource on every operation that names one (its `x-hub-access` rule);
  400 to a body that is not JSON on every operation that takes a JSON body. These are `problem_responses`' defaults
  and the codes routes add for them.
- Every other documented problem status has a witness in WITNESSES: the test that provokes it on that operation
  (checked to exist), or the hub error that answers it (checked to answer that status) where no test provokes it.

A documented status without a witness, or a witness of a status the operation does not document, fails: the
document says exactly what the code answers.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from hub_shared.access import EXTENSION, AccessRule
from local.template import ROOT
from tests.builders import (
    ACME,
    GLOBEX,
    InProcessHub,
    PlainRequest,
    Who,
    bearer,
    fuzz_schema,
    id_claims,
    in_process_hub,
    least_request,
    openapi_document,
    who_headers,
)

SCHEMA = fuzz_schema()
DOCUMENT = openapi_document()
OPERATIONS = sorted((method.upper(), path) for path, item in DOCUMENT["paths"].items() for method in item)
MALFORMED = "not~an~id"
GATEWAY_401 = {"message": "Unauthorized"}

SIGNUP = "tests/integration/test_numbers_signup.py::"
IMPORTS = "tests/integration/test_numbers_imports.py::"
INGRESS = "tests/integration/test_webhooks_ingress.py::"
CANCELLATION = "tests/integration/test_numbers_cancellation.py::"
DISPLAY_NAMES = "tests/integration/test_numbers_display_names.py::"
INBOX = "tests/integration/test_numbers_inbox.py::"

#: The problem statuses each operation documents beyond those asked here, each with its witness: a test that
#: provokes it on the operation ("<module>::<test>"), or the hub error that answers it ("<module>.<class>").
WABAS = "tests/integration/test_waba_details.py::"
COMMERCE = "tests/integration/test_waba_commerce.py::"
PROFILE = "tests/integration/test_waba_profile.py::"
PICTURE = "tests/integration/test_waba_profile_picture.py::"
MIRROR = "tests/integration/test_templates_mirror.py::"
CREATE = "tests/integration/test_templates_create.py::"
CHANGES = "tests/integration/test_templates_changes.py::"
SUBSCRIPTION = "tests/integration/test_billing_subscription.py::"
FUNDS = "tests/integration/test_billing_funds.py::"
INSIGHTS = "tests/integration/test_billing_insights.py::"
NOT_PREPAID = "hub_billing.errors.NotPrepaid"
NO_ACCOUNT = "hub_shared.errors.NotFound"  # a client user whose client has no account record
EMAIL = "tests/integration/test_accounts_email.py::"
GONE_USER = EMAIL + "test_a_user_the_pool_no_longer_has_is_answered_404_and_nothing_changes"
STRIPE_DOWN = "hub_billing.errors.StripeFailed"
TICKETS = "tests/integration/test_support_tickets.py::"
ATTACHMENTS = "tests/integration/test_support_attachments.py::"
CLOSED = TICKETS + "test_a_closed_ticket_takes_no_reply_and_is_reopened_within_the_window"
PARTNERS = "tests/integration/test_accounts_partners.py::"
NO_PARTNER = PARTNERS + "test_a_client_without_a_partner_has_nobody_to_grant_to"
WITHDRAWN = PARTNERS + "test_the_client_withdraws_a_pending_request_once"
OTHER_CURSOR = PARTNERS + "test_a_cursor_of_another_list_is_refused"
WITNESSES: dict[str, dict[int, str]] = {
    "PUT /v1/clients/{client_id}/partner-permissions": {409: NO_PARTNER},
    "DELETE /v1/clients/{client_id}/partner-permissions": {409: NO_PARTNER},
    "POST /v1/clients/{client_id}/partner-change-requests": {
        409: PARTNERS + "test_a_request_to_the_current_or_an_unknown_partner_is_refused"
    },
    "GET /v1/clients/{client_id}/partner-change-requests": {400: OTHER_CURSOR},
    "POST /v1/clients/{client_id}/partner-change-requests/{request_id}/cancellation": {409: WITHDRAWN},
    "GET /v1/partner/change-requests": {400: OTHER_CURSOR},
    "GET /v1/partner/clients": {400: OTHER_CURSOR},
    "POST /v1/partner/change-requests/{request_id}/decision": {409: WITHDRAWN},
    "PUT /v1/partner/settings": {409: "hub_shared.errors.StateConflict"},
    "PATCH /v1/me": {404: NO_ACCOUNT, 409: "hub_shared.errors.StateConflict"},
    "POST /v1/me/email": {404: GONE_USER, 409: EMAIL + "test_another_users_address_is_refused_and_nothing_changes"},
    "POST /v1/me/email/confirmation": {
        404: GONE_USER,
        409: EMAIL + "test_a_confirmation_with_no_change_waiting_is_refused_and_nothing_changes",
    },
    "GET /v1/activity": {400: "tests/integration/test_accounts_activity.py::test_a_cursor_of_another_feed_is_refused"},
    "GET /v1/me": {404: "tests/integration/test_accounts_me.py::test_client_without_an_account_record_answers_404"},
    "GET /v1/clients": {400: "tests/integration/test_accounts_clients.py::test_a_cursor_of_another_search_is_refused"},
    "GET /v1/numbers": {400: "tests/integration/test_numbers_read.py::test_bad_cursor_answers_400_problem"},
    "GET /v1/wabas": {400: WABAS + "test_a_cursor_of_another_list_is_refused"},
    "GET /v1/numbers/{number_id}/commerce-settings": {
        429: COMMERCE + "test_meta_down_before_anything_is_known_answers_its_problem_on_every_route",
        502: "hub_shared.errors.UpstreamError",
        503: COMMERCE + "test_meta_down_before_anything_is_known_answers_its_problem_on_every_route",
    },
    "GET /v1/numbers/{number_id}/profile": {
        429: PROFILE + "test_meta_failing_answers_its_problem_and_records_nothing",
        502: "hub_shared.errors.UpstreamError",
        503: PROFILE + "test_meta_failing_answers_its_problem_and_records_nothing",
    },
    "PATCH /v1/numbers/{number_id}/profile": {
        429: PROFILE + "test_meta_failing_answers_its_problem_and_records_nothing",
        502: "hub_shared.errors.UpstreamError",
        503: PROFILE + "test_meta_failing_answers_its_problem_and_records_nothing",
    },
    "POST /v1/numbers/{number_id}/profile/picture": {
        400: PICTURE + "test_a_body_that_cannot_be_read_is_refused_as_bad_request",
        413: PICTURE + "test_a_picture_meta_would_refuse_is_refused_here_naming_the_field_and_meta_is_not_asked",
        429: PICTURE + "test_meta_failing_on_the_way_answers_its_problem_and_records_nothing",
        502: "hub_shared.errors.UpstreamError",
        503: PICTURE + "test_meta_failing_on_the_way_answers_its_problem_and_records_nothing",
    },
    "GET /v1/wabas/{waba_id}/templates": {400: MIRROR + "test_the_list_pages_with_a_cursor_of_its_own_query"},
    "POST /v1/wabas/{waba_id}/templates/sync": {
        429: MIRROR + "test_meta_failing_during_a_sync_answers_its_problem_and_leaves_the_mirror_as_it_was",
        502: "hub_shared.errors.UpstreamError",
        503: MIRROR + "test_meta_failing_during_a_sync_answers_its_problem_and_leaves_the_mirror_as_it_was",
    },
    "POST /v1/wabas/{waba_id}/templates": {
        409: CREATE + "test_a_name_and_language_the_waba_has_is_refused",
        429: CREATE + "test_metas_hourly_creation_limit_is_a_429_that_says_when",
        502: "hub_shared.errors.UpstreamError",
        503: CREATE + "test_meta_refusing_or_failing_the_creation_records_nothing",
    },
    "POST /v1/wabas/{waba_id}/templates/{name}/{language}/submit": {
        409: CREATE + "test_a_draft_is_kept_unchecked_and_never_sent_until_submitted",
        429: "hub_templates.errors.CreationRateLimited",
        502: "hub_shared.errors.UpstreamError",
        503: "hub_shared.errors.UpstreamUnavailable",
    },
    "PATCH /v1/wabas/{waba_id}/templates/{name}/{language}": {
        409: CHANGES + "test_a_template_in_review_or_disabled_cannot_be_edited",
        429: CHANGES + "test_an_approved_template_is_edited_once_a_day_and_the_429_says_when_next",
        502: "hub_shared.errors.UpstreamError",
        503: CHANGES + "test_meta_failing_the_edit_records_nothing",
    },
    "POST /v1/wabas/{waba_id}/templates/{name}/{language}/copy": {
        409: CHANGES + "test_a_copy_onto_itself_or_onto_an_existing_template_is_refused",
        429: "hub_templates.errors.CreationRateLimited",
        502: "hub_shared.errors.UpstreamError",
        503: "hub_shared.errors.UpstreamUnavailable",
    },
    "POST /v1/wabas/{waba_id}/templates/{name}/languages": {
        409: CHANGES + "test_a_language_is_added_in_the_names_category",
        429: "hub_templates.errors.CreationRateLimited",
        502: "hub_shared.errors.UpstreamError",
        503: "hub_shared.errors.UpstreamUnavailable",
    },
    "DELETE /v1/wabas/{waba_id}/templates/{name}": {
        409: CHANGES + "test_a_disabled_template_cannot_be_deleted_and_meta_failing_deletes_nothing",
        429: "hub_shared.errors.QuotaExceeded",
        502: "hub_shared.errors.UpstreamError",
        503: CHANGES + "test_a_disabled_template_cannot_be_deleted_and_meta_failing_deletes_nothing",
    },
    "DELETE /v1/wabas/{waba_id}/templates/{name}/{language}": {
        409: "hub_templates.errors.TemplateNotDeletable",
        429: "hub_shared.errors.QuotaExceeded",
        502: "hub_shared.errors.UpstreamError",
        503: "hub_shared.errors.UpstreamUnavailable",
    },
    "PUT /v1/numbers/{number_id}/commerce-settings": {
        409: COMMERCE + "test_on_an_obo_waba_the_change_is_refused_with_the_support_path_and_nothing_changes",
        429: COMMERCE + "test_meta_failing_the_change_answers_its_problem_and_records_nothing",
        502: "hub_shared.errors.UpstreamError",
        503: COMMERCE + "test_meta_failing_the_change_answers_its_problem_and_records_nothing",
    },
    "POST /v1/numbers/{number_id}/commerce-settings/support-request": {
        409: COMMERCE + "test_a_shared_number_is_sent_to_change_its_settings_itself",
        429: COMMERCE + "test_meta_down_before_anything_is_known_answers_its_problem_on_every_route",
        502: "hub_shared.errors.UpstreamError",
        503: COMMERCE + "test_meta_down_before_anything_is_known_answers_its_problem_on_every_route",
    },
    "GET /v1/wabas/{waba_id}": {
        429: WABAS + "test_when_meta_is_down_and_nothing_is_kept_the_problem_says_so",
        502: "hub_shared.errors.UpstreamError",  # Meta answering what is not its JSON (hub_shared.graph)
        503: WABAS + "test_when_meta_is_down_and_nothing_is_kept_the_problem_says_so",
    },
    "POST /v1/numbers": {
        404: SIGNUP + "test_a_waba_of_another_client_is_not_found",
        409: "hub_shared.idempotency.RequestInProgress",  # the same Idempotency-Key while its first request runs
        429: SIGNUP + "test_meta_failing_before_the_number_is_found_leaves_nothing_and_a_retry_adds_it",
        502: "hub_shared.errors.UpstreamError",  # Meta answering what is not its JSON (hub_shared.graph)
        503: SIGNUP + "test_meta_failing_before_the_number_is_found_leaves_nothing_and_a_retry_adds_it",
    },
    "POST /v1/numbers/imports": {
        404: IMPORTS + "test_another_clients_import_and_waba_are_not_found",
        409: IMPORTS + "test_a_number_already_on_the_waba_answers_409_and_asks_nothing",
        429: IMPORTS + "test_meta_failing_to_add_the_number_leaves_nothing_and_a_retry_starts_it",
        502: "hub_shared.errors.UpstreamError",
        503: IMPORTS + "test_meta_failing_to_add_the_number_leaves_nothing_and_a_retry_starts_it",
    },
    "POST /v1/numbers/imports/{import_id}/code": {
        409: IMPORTS + "test_codes_are_verified_only_once_sent_and_not_resent_once_verified",
        429: IMPORTS + "test_wrong_codes_are_limited_then_a_new_code_after_the_cool_down_is_accepted",
        502: "hub_shared.errors.UpstreamError",
        503: "hub_shared.errors.UpstreamUnavailable",  # Meta down when the code is sent again (hub_shared.graph)
    },
    "POST /v1/numbers/imports/{import_id}/verification": {
        409: IMPORTS + "test_wrong_codes_are_limited_then_a_new_code_after_the_cool_down_is_accepted",
        429: IMPORTS + "test_meta_failing_during_verification_keeps_the_step_and_a_retry_finishes_once",
        502: "hub_shared.errors.UpstreamError",
        503: IMPORTS + "test_meta_failing_during_verification_keeps_the_step_and_a_retry_finishes_once",
    },
    "DELETE /v1/numbers/{number_id}/cancellation": {
        409: CANCELLATION + "test_withdrawing_when_there_is_no_cancellation_is_a_409",
    },
    "POST /v1/numbers/{number_id}/cancellation": {
        409: CANCELLATION + "test_a_number_that_cannot_be_cancelled_is_a_409_that_says_why",
    },
    "POST /v1/numbers/{number_id}/display-name": {
        409: DISPLAY_NAMES + "test_a_second_request_while_one_is_under_review_is_409_edit_not_available",
        429: DISPLAY_NAMES + "test_with_the_windows_ten_changes_used_a_request_is_429_with_retry_after",
        502: DISPLAY_NAMES + "test_meta_refusing_the_hub_fails_the_request_and_frees_the_number",
    },
    "POST /v1/numbers/{number_id}/inbox": {
        409: INBOX + "test_only_a_running_number_gets_an_inbox",
        502: INBOX + "test_get_chat_refusing_the_hubs_key_answers_502_and_marks_it_failed",
        503: INBOX + "test_get_chat_failing_marks_the_inbox_failed_and_a_retry_activates_it",
    },
    "GET /v1/billing": {404: NO_ACCOUNT, 502: STRIPE_DOWN},
    "POST /v1/billing/portal-session": {
        404: NO_ACCOUNT,
        502: SUBSCRIPTION + "test_stripe_down_is_a_clear_502_and_nothing_is_recorded",
    },
    "GET /v1/billing/invoices": {
        400: SUBSCRIPTION + "test_a_tampered_invoice_cursor_is_refused",
        404: NO_ACCOUNT,
        502: STRIPE_DOWN,
    },
    "GET /v1/billing/funds": {404: NO_ACCOUNT, 409: NOT_PREPAID},
    "GET /v1/billing/funds/{number_id}/ledger": {400: "hub_shared.errors.InvalidCursor", 409: NOT_PREPAID},
    "POST /v1/billing/funds/{number_id}/top-ups": {409: NOT_PREPAID, 502: STRIPE_DOWN},
    "PUT /v1/billing/funds/{number_id}/auto-renewal": {409: NOT_PREPAID},
    "POST /v1/billing/funds/{number_id}/refund-request": {409: NOT_PREPAID},
    "GET /v1/insights": {
        429: "hub_shared.errors.QuotaExceeded",
        502: "hub_shared.graph.MetaCredentialsRejected",
        503: INSIGHTS + "test_meta_down_is_an_upstream_error_and_nothing_is_kept",
    },
    "GET /v1/tickets": {400: TICKETS + "test_a_cursor_of_another_list_is_refused"},
    "POST /v1/tickets": {404: TICKETS + "test_a_ticket_that_cannot_be_opened_is_refused_and_nothing_is_written"},
    "POST /v1/tickets/{ticket_id}/messages": {409: CLOSED},
    "POST /v1/tickets/{ticket_id}/close": {409: CLOSED},
    "POST /v1/tickets/{ticket_id}/reopen": {409: TICKETS + "test_a_ticket_past_its_reopen_window_stays_closed"},
    "POST /v1/tickets/{ticket_id}/solve": {409: TICKETS + "test_a_solved_or_closed_ticket_is_not_solved_again"},
    "POST /v1/tickets/{ticket_id}/attachments": {409: ATTACHMENTS + "test_a_closed_ticket_takes_no_file"},
    "POST /webhooks/stripe": {
        400: FUNDS + "test_a_signed_body_that_is_no_stripe_event_is_refused",
        401: FUNDS + "test_unverifiable_stripe_events_are_refused_and_change_nothing",
    },
    "GET /webhooks/meta": {
        403: INGRESS + "test_handshake_is_forbidden_unless_meta_subscribes_with_our_token",
        422: INGRESS + "test_a_repeated_handshake_parameter_is_refused_with_422",
    },
    "POST /webhooks/meta": {
        400: INGRESS + "test_a_signed_body_that_is_not_json_is_bad_request",
        401: INGRESS + "test_a_forged_signature_is_unauthorized",
        413: INGRESS + "test_a_body_over_three_megabytes_is_too_large",
        422: INGRESS + "test_a_signed_body_of_another_object_is_unprocessable",
    },
}


def _operation(method: str, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = DOCUMENT["paths"][path][method.lower()]
    return operation


def _rule(method: str, path: str) -> AccessRule:
    return AccessRule.model_validate(_operation(method, path).get(EXTENSION, {}))


def _takes_input(method: str, path: str) -> bool:
    operation = _operation(method, path)
    return bool(operation.get("parameters") or operation.get("requestBody"))


def _takes_json(method: str, path: str) -> bool:
    return "application/json" in _operation(method, path).get("requestBody", {}).get("content", {})


def asked_here(method: str, path: str) -> set[int]:
    """The problem statuses this module asks of the operation itself."""
    rule = _rule(method, path)
    if rule.public:
        return set()
    statuses = {401, 403}
    statuses |= {422} if _takes_input(method, path) else set()
    statuses |= {404} if rule.resource or rule.tenant_query else set()
    statuses |= {400} if _takes_json(method, path) else set()
    return statuses


def documented_problems(method: str, path: str) -> set[int]:
    return {int(status) for status in _operation(method, path)["responses"] if int(status) >= 400}


ASKED = [(method, path, status) for method, path in OPERATIONS for status in sorted(asked_here(method, path))]


@pytest.fixture(scope="module")
def hub() -> Iterator[InProcessHub]:
    with in_process_hub() as started:
        yield started


def _request(method: str, path: str, status: int) -> tuple[PlainRequest, dict[str, str]]:
    """The request that must be answered `status`, and its headers: the least valid one, with one part changed."""
    rule = _rule(method, path)
    queried = rule.resource is not None and any(
        p["in"] == "query" and p["name"] == rule.resource for p in _operation(method, path).get("parameters", [])
    )
    in_path = rule.resource if rule.resource and not queried else None
    own = ACME.resource(rule.kind) if rule.resource and rule.kind else ACME.client_id
    request = least_request(SCHEMA, method, path, **({in_path: own} if in_path else {}))
    if queried and rule.resource:
        request.query[rule.resource] = own
    headers = who_headers(Who.CLIENT)
    if status == 401:
        headers = {}
    elif status == 403:
        headers = bearer(id_claims(**{"custom:client_id": None}))  # a valid token of nobody the hub knows
    elif status == 404:
        other = GLOBEX.resource(rule.kind) if rule.resource and rule.kind else GLOBEX.client_id
        request = least_request(SCHEMA, method, path, **({in_path: other} if in_path else {}))
        for name in (rule.tenant_query, rule.resource if queried else None):
            if name:
                request.query[name] = other
    elif status == 422:
        request = _invalid(method, path, request)
    elif status == 400:
        request = PlainRequest(request.method, request.path, request.query, request.headers, raw=b"{")
    return request, headers


def _invalid(method: str, path: str, request: PlainRequest) -> PlainRequest:
    """The request with an input the schema refuses: its path id, else a query bound or pattern, else its body."""
    operation = _operation(method, path)
    parameters = operation.get("parameters", [])
    if any(p["in"] == "path" for p in parameters):
        name = next(p["name"] for p in parameters if p["in"] == "path")
        return PlainRequest(
            method, path.replace(f"{{{name}}}", MALFORMED), request.query, request.headers, request.body
        )
    bounded = [p for p in parameters if p["in"] == "query" and "minimum" in p["schema"]]
    if bounded:
        below = {bounded[0]["name"]: int(bounded[0]["schema"]["minimum"]) - 1}
        return PlainRequest(method, request.path, {**request.query, **below}, request.headers, request.body)
    patterned = [p for p in parameters if p["in"] == "query" and "pattern" in p["schema"]]
    if patterned:
        return PlainRequest(
            method, request.path, {**request.query, patterned[0]["name"]: MALFORMED}, request.headers, request.body
        )
    return PlainRequest(method, request.path, request.query, request.headers, body=[])  # an array, not the object


@pytest.mark.parametrize(("method", "path", "status"), ASKED, ids=[f"{m} {p} {s}" for m, p, s in ASKED])
def test_every_operation_answers_what_every_route_answers_alike(
    hub: InProcessHub, method: str, path: str, status: int
) -> None:
    request, headers = _request(method, path, status)

    answer = request.send(hub, headers)

    assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text}"
    if status == 401:
        assert answer.json() == GATEWAY_401
    else:
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["status"] == status


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_document_states_exactly_the_problem_statuses_that_are_witnessed(method: str, path: str) -> None:
    documented = documented_problems(method, path)
    witnessed = asked_here(method, path) | set(WITNESSES.get(f"{method} {path}", {}))

    assert documented - witnessed == set(), f"{method} {path} documents statuses nothing answers: add a witness"
    assert witnessed - documented == set(), f"{method} {path} answers statuses it does not document"


def test_an_operation_without_input_documents_no_422() -> None:
    without = [(m, p) for m, p in OPERATIONS if not _takes_input(m, p)]

    assert without == [
        ("GET", "/v1/billing"),
        ("GET", "/v1/billing/funds"),
        ("GET", "/v1/links"),
        ("GET", "/v1/me"),
        ("GET", "/v1/partner/clients/export"),
        ("GET", "/v1/partner/settings"),
        ("GET", "/v1/support/figures"),
        ("POST", "/v1/billing/portal-session"),
        ("POST", "/v1/me/email/confirmation"),
    ]
    for method, path in without:
        assert 422 not in documented_problems(method, path), f"{method} {path}"


WITNESS_LIST = [
    (operation, status, witness) for operation, table in WITNESSES.items() for status, witness in table.items()
]


@pytest.mark.parametrize(("operation", "status", "witness"), WITNESS_LIST, ids=[f"{o} {s}" for o, s, _ in WITNESS_LIST])
def test_every_witness_is_a_test_that_exists_or_the_error_that_answers_the_status(
    operation: str, status: int, witness: str
) -> None:
    if "::" in witness:
        module, test = witness.split("::")
        tree = ast.parse((ROOT / module).read_text())
        defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert test in defined, f"{operation} {status}: {witness} is no test"
    else:
        module, name = witness.rsplit(".", 1)
        error = getattr(importlib.import_module(module), name)
        assert error.status == status, f"{operation} {status}: {witness} answers {error.status}"
    assert operation in {f"{m} {p}" for m, p in OPERATIONS}
