"""Import a number from another BSP into one of the client's WABAs (SPEC §3 Numbers, facts §7.4).

1. start: `POST {waba}/phone_numbers` with `migrate_phone_number` (Meta's id of the number in the WABA), then the
   import is recorded (`number_added`) and a code requested (`request_code`) → `code_requested`. Refusals before
   Meta added the number leave nothing behind; starting the same import again (same client, WABA and number: the
   same import id) answers the open import and requests its code when none was sent.
2. code: a new code, at most one per RESEND_COOL_DOWN; it resets the attempts.
3. verification: `verify_code` (MAX_CODE_ATTEMPTS wrong codes, then a new code is needed) → `verified`; `register`
   with the number's PIN → `registered`; Meta's view of the number, and once CONNECTED the number is recorded
   `running` with NumberAdded and the import `done`, in one transaction. A failed step is recorded in `last_error`
   (plain words) and verification continues from it when posted again.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aws_lambda_powertools import Logger

from hub_numbers.errors import (
    ChangedConcurrently,
    ImportNotFound,
    NumberAlreadyOnWaba,
    PartnersCannotAddNumbers,
    ResendTooSoon,
    TooManyAttempts,
    VerificationCodeRejected,
)
from hub_numbers.events import NumberAdded
from hub_numbers.models.numbers import AccountStatus, Number, RegistrationStatus
from hub_numbers.models.onboarding import (
    MAX_CODE_ATTEMPTS,
    RESEND_COOL_DOWN,
    CodeMethod,
    ImportStep,
    ImportView,
    NumberImport,
    StartImportRequest,
    Waba,
)
from hub_numbers.usecases.registration import (
    ALREADY_ON_WABA,
    META_ERRORS,
    REFUSALS,
    Pins,
    client_adding_numbers,
    meta_failure,
    not_adding,
    out_of_time,
    read_details,
    register,
    waba_numbers,
)
from hub_shared.auth import Action, Principal, authorize
from hub_shared.clock import advanced
from hub_shared.deadline import DeadlineReached
from hub_shared.errors import StateConflict, UpstreamError, WabaNotFound
from hub_shared.events import Actor, EventMetadata
from hub_shared.graph import Graph, MetaRefused
from hub_shared.idempotency import Idempotency
from hub_shared.model import HubModel

CODE_LANGUAGE = "en_US"
WRONG_CODE_CODES = frozenset({100, 136025})
"""What Meta answers a wrong or expired verification code with."""
WRONG_CODE = "The verification code is wrong or has expired."

TWO_DIGIT_CALLING_CODE = re.compile(r"2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58]")
"""The country calling codes of two digits (ITU-T E.164); 1 and 7 have one digit, every other code three."""

logger = Logger(child=True)


class ImportRecords(Protocol):
    def waba(self, waba_id: str) -> Waba | None: ...

    def with_phone_digits(self, digits: str) -> list[Number]: ...

    def get_import(self, import_id: str) -> NumberImport | None: ...

    def save_import(self, record: NumberImport, *, read: NumberImport | None) -> None: ...

    def finish_import(
        self, record: NumberImport, *, read: NumberImport, number: Number, event: NumberAdded
    ) -> None: ...


@dataclass(frozen=True)
class ImportDeps:
    records: ImportRecords
    graph: Graph
    pins: Pins
    idempotency: Idempotency


class ImportProgress(HubModel):
    """An answer about an import: 201 started now, 202 stopped by the request's deadline (its step and
    `last_error` say where; sending the request again continues), 200 otherwise."""

    view: ImportView
    created: bool = False
    out_of_time: bool = False

    @property
    def status_code(self) -> int:
        if self.out_of_time:
            return 202
        return 201 if self.created else 200


class _OutOfTime(Exception):
    """The request's deadline stopped a step; `record` is the import as recorded (its step kept)."""

    def __init__(self, record: NumberImport):
        super().__init__(record.import_id)
        self.record = record


def import_id_for(client_id: str, waba_id: str, phone_e164: str) -> str:
    """One import id per client, WABA and number, so that starting the same import again finds it."""
    return "imp_" + hashlib.sha256(f"{client_id}|{waba_id}|{phone_e164}".encode()).hexdigest()[:24]


def country_calling_code(phone_e164: str) -> str:
    digits = phone_e164.lstrip("+")
    if digits[0] in "17":
        return digits[0]
    return digits[:2] if TWO_DIGIT_CALLING_CODE.fullmatch(digits[:2]) else digits[:3]


def start_import(
    request: StartImportRequest,
    principal: Principal,
    deps: ImportDeps,
    now: datetime,
    *,
    idempotency_key: str | None = None,
) -> ImportProgress:
    client_id = client_adding_numbers(principal)
    if idempotency_key is None:
        return _start(request, client_id, principal, deps, now)
    return deps.idempotency.run(
        idempotency_key,
        operation="start_import",
        client_id=client_id,
        body=request,
        result=ImportProgress,
        work=lambda: _start(request, client_id, principal, deps, now),
    )


def get_import(import_id: str, principal: Principal, deps: ImportDeps) -> ImportView:
    return view_of(_visible(import_id, principal, deps))


def resend_code(
    import_id: str, method: CodeMethod | None, principal: Principal, deps: ImportDeps, now: datetime
) -> ImportProgress:
    record = _own(import_id, principal, deps)
    if record.step not in (ImportStep.NUMBER_ADDED, ImportStep.CODE_REQUESTED):
        raise StateConflict(f"Import {import_id} has verified its code already; no new code is needed.")
    if record.code_requested_at is not None:
        wait = (record.code_requested_at + RESEND_COOL_DOWN - now).total_seconds()
        if wait > 0:
            raise ResendTooSoon(
                f"A code was sent less than {int(RESEND_COOL_DOWN.total_seconds())} seconds ago; "
                f"request a new one in {math.ceil(wait)} seconds.",
                retry_after=math.ceil(wait),
            )
    if method is not None:
        record = record.model_copy(update={"method": method})  # saved with the code request
    try:
        return ImportProgress(view=view_of(_request_code(record, deps, now)))
    except _OutOfTime as stopped:
        return ImportProgress(out_of_time=True, view=view_of(stopped.record))


def verify_import(import_id: str, code: str, principal: Principal, deps: ImportDeps, now: datetime) -> ImportProgress:
    record = _own(import_id, principal, deps)
    if record.step is ImportStep.NUMBER_ADDED:
        raise StateConflict(f"No code was sent for import {import_id} yet; request one first.")
    try:
        if record.step is ImportStep.CODE_REQUESTED:
            record = _verify(record, code, deps, now)
        if record.step is ImportStep.VERIFIED:
            record = _meta_step(record, "registering the number", deps, now, lambda: _register(record, deps, now))
        if record.step is ImportStep.REGISTERED:
            record = _meta_step(record, "reading the number's details", deps, now, lambda: _finish(record, deps, now))
    except _OutOfTime as stopped:
        return ImportProgress(out_of_time=True, view=view_of(stopped.record))
    return ImportProgress(view=view_of(record))


def view_of(record: NumberImport) -> ImportView:
    open_code = record.step in (ImportStep.NUMBER_ADDED, ImportStep.CODE_REQUESTED)
    return ImportView(
        import_id=record.import_id,
        phone_number=record.phone_e164,
        waba_id=record.waba_id,
        method=record.method,
        step=record.step,
        attempts=record.attempts,
        attempts_left=max(0, MAX_CODE_ATTEMPTS - record.attempts) if open_code else 0,
        last_error=record.last_error,
        number_id=record.phone_number_id if record.step is ImportStep.DONE else None,
        resend_available_at=record.code_requested_at + RESEND_COOL_DOWN
        if open_code and record.code_requested_at
        else None,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def _start(
    request: StartImportRequest, client_id: str, principal: Principal, deps: ImportDeps, now: datetime
) -> ImportProgress:
    waba = authorize(principal, deps.records.waba(request.waba_id), missing=WabaNotFound(request.waba_id))
    import_id = import_id_for(client_id, waba.waba_id, request.phone_number)
    existing = deps.records.get_import(import_id)
    if existing is not None and existing.step is not ImportStep.DONE:
        try:
            resumed = _request_code(existing, deps, now) if existing.step is ImportStep.NUMBER_ADDED else existing
        except _OutOfTime as stopped:
            return ImportProgress(out_of_time=True, view=view_of(stopped.record))
        return ImportProgress(view=view_of(resumed))
    digits = request.phone_number.lstrip("+")
    if any(
        n.waba_id == waba.waba_id and n.account_status is not AccountStatus.DELETED
        for n in deps.records.with_phone_digits(digits)
    ):
        raise NumberAlreadyOnWaba(f"{request.phone_number} is already on WhatsApp Business Account {waba.waba_id}.")
    name = request.display_name or waba.name or request.phone_number
    phone_number_id = _add_to_waba(waba.waba_id, request.phone_number, name, deps)
    record = NumberImport(
        import_id=import_id,
        client_id=client_id,
        waba_id=waba.waba_id,
        phone_e164=request.phone_number,
        method=request.method,
        display_name=name,
        phone_number_id=phone_number_id,
        step=ImportStep.NUMBER_ADDED,
        requester=Actor.of(principal),
        created_at=now,
        updated_at=now,
    )
    deps.records.save_import(record, read=existing)
    logger.info("import started", extra={"import_id": import_id, "waba_id": waba.waba_id})
    try:
        return ImportProgress(created=True, view=view_of(_request_code(record, deps, now)))
    except _OutOfTime as stopped:
        return ImportProgress(created=True, out_of_time=True, view=view_of(stopped.record))


def _add_to_waba(waba_id: str, phone_e164: str, name: str, deps: ImportDeps) -> str:
    """Meta's id of the number added to the WABA for migration. When Meta refuses because the number is in the WABA
    already (a first attempt that timed out, say), that number is taken."""
    doing = "adding the number to the WhatsApp Business Account"
    body = {
        "cc": country_calling_code(phone_e164),
        "phone_number": phone_e164.lstrip("+"),
        "verified_name": name,
        "migrate_phone_number": True,
    }
    try:
        added = deps.graph.post(f"{waba_id}/phone_numbers", json=body)
    except MetaRefused as refused:
        already = _in_waba(waba_id, phone_e164, doing, deps)
        if already is not None:
            return already
        if refused.graph_error.subcode == ALREADY_ON_WABA:
            raise NumberAlreadyOnWaba(f"{phone_e164} is already on WhatsApp Business Account {waba_id}.") from refused
        raise meta_failure(refused, doing) from refused
    except META_ERRORS as error:
        raise meta_failure(error, doing) from error
    phone_number_id = added.get("id")
    if not isinstance(phone_number_id, str) or not phone_number_id:
        raise UpstreamError(f"Meta answered without the number's id while {doing}.")
    return phone_number_id


def _in_waba(waba_id: str, phone_e164: str, doing: str, deps: ImportDeps) -> str | None:
    """Meta's id of the number when the WABA has it."""
    digits = phone_e164.lstrip("+")
    try:
        for number in waba_numbers(deps.graph, waba_id):
            if re.sub(r"\D", "", str(number.get("display_phone_number", ""))) == digits:
                return str(number["id"])
    except META_ERRORS as error:
        raise meta_failure(error, doing) from error
    return None


def _request_code(record: NumberImport, deps: ImportDeps, now: datetime) -> NumberImport:
    """Ask Meta to send a code, once: without a clear answer Meta may have sent it, so the failure is recorded and
    the client decides whether to ask again (never a second SMS sent blindly)."""

    def send() -> NumberImport:
        deps.graph.post(
            f"{record.phone_number_id}/request_code",
            json={"code_method": record.method.value, "language": CODE_LANGUAGE},
        )
        changes = {"step": ImportStep.CODE_REQUESTED, "attempts": 0, "last_error": None, "code_requested_at": now}
        return _save(record, deps, now, **changes)

    return _meta_step(record, "requesting a verification code", deps, now, send)


def _verify(record: NumberImport, code: str, deps: ImportDeps, now: datetime) -> NumberImport:
    """Check the code at Meta, an attempt counted first so that no more than MAX_CODE_ATTEMPTS are ever tried."""
    if record.attempts >= MAX_CODE_ATTEMPTS:
        raise TooManyAttempts("Too many wrong codes: request a new code, then enter it.")
    counted = _save(record, deps, now, attempts=record.attempts + 1)
    try:
        deps.graph.post(f"{record.phone_number_id}/verify_code", json={"code": code})
    except MetaRefused as error:
        graph_error = error.graph_error
        if graph_error.code in WRONG_CODE_CODES and (
            graph_error.subcode is None or graph_error.subcode not in REFUSALS
        ):
            left = MAX_CODE_ATTEMPTS - counted.attempts
            _record(counted, WRONG_CODE, deps, now)
            more = f"{left} attempt(s) left." if left else "That was the last attempt: request a new code."
            raise VerificationCodeRejected(f"{WRONG_CODE} {more}") from error
        problem = meta_failure(error, "verifying the code")
        _record(counted, problem.detail, deps, now, attempts=record.attempts)
        raise problem from error
    except META_ERRORS as error:
        problem = meta_failure(error, "verifying the code")
        _record(counted, problem.detail, deps, now, attempts=record.attempts)
        raise problem from error
    except DeadlineReached as stopped:  # the attempt counts only if the code may have reached Meta
        attempts = counted.attempts if stopped.outcome_unknown else record.attempts
        raise _OutOfTime(_record(counted, out_of_time("verifying the code"), deps, now, attempts=attempts)) from None
    return _save(counted, deps, now, step=ImportStep.VERIFIED, last_error=None)


def _register(record: NumberImport, deps: ImportDeps, now: datetime) -> NumberImport:
    register(deps.graph, deps.pins, record.phone_number_id)
    return _save(record, deps, now, step=ImportStep.REGISTERED, last_error=None)


def _finish(record: NumberImport, deps: ImportDeps, now: datetime) -> NumberImport:
    details = read_details(deps.graph, record.phone_number_id)
    if not details.connected:
        waiting = (
            f"Meta has not connected the number yet (its status is {details.status or 'unknown'}); "
            "verify again in a few minutes to finish."
        )
        return _save(record, deps, now, last_error=waiting)
    number = Number(
        number_id=record.phone_number_id,
        client_id=record.client_id,
        waba_id=record.waba_id,
        account_status=AccountStatus.RUNNING,
        registration_status=RegistrationStatus.REGISTERED,
        added_by=record.requester,
        created_at=now,
        updated_at=now,
        **details.number_fields(),
    )
    done = record.model_copy(
        update={"step": ImportStep.DONE, "last_error": None, "updated_at": advanced(record.updated_at, now)}
    )
    event = NumberAdded(
        metadata=EventMetadata.at(now),
        number_id=number.number_id,
        client_id=number.client_id,
        waba_id=number.waba_id,
        phone_number=number.phone_e164,
        how="import",
        actor=record.requester,
    )
    deps.records.finish_import(done, read=record, number=number, event=event)
    logger.info("number imported", extra={"import_id": record.import_id, "number_id": number.number_id})
    return done


def _meta_step(
    record: NumberImport, doing: str, deps: ImportDeps, now: datetime, work: Callable[[], NumberImport]
) -> NumberImport:
    """Run a step that calls Meta; its failure is recorded on the import in plain words, and answered (the request's
    deadline stopping it: `_OutOfTime`, the step kept)."""
    try:
        return work()
    except META_ERRORS as error:
        problem = meta_failure(error, doing)
        _record(record, problem.detail, deps, now)
        raise problem from error
    except DeadlineReached:
        raise _OutOfTime(_record(record, out_of_time(doing), deps, now)) from None


def _save(record: NumberImport, deps: ImportDeps, now: datetime, **changes: object) -> NumberImport:
    saved = record.model_copy(update={**changes, "updated_at": advanced(record.updated_at, now)})
    deps.records.save_import(saved, read=record)
    return saved


def _record(record: NumberImport, error: str, deps: ImportDeps, now: datetime, **changes: object) -> NumberImport:
    """Say on the import what failed, and answer it so (another writer's newer state wins)."""
    logger.warning("import step failed", extra={"import_id": record.import_id, "step": record.step.value})
    try:
        return _save(record, deps, now, last_error=error, **changes)
    except ChangedConcurrently:
        logger.warning("import changed while a failure was recorded", extra={"import_id": record.import_id})
        return record.model_copy(update={"last_error": error, **changes})


def _visible(import_id: str, principal: Principal, deps: ImportDeps) -> NumberImport:
    """The import, when the caller may see it: its client's users and support agents; a partner who sees the client's
    numbers is refused (403), anyone else is told it does not exist."""
    return authorize(
        principal,
        deps.records.get_import(import_id),
        missing=ImportNotFound(import_id),
        action=Action.IMPORTS_READ,
        refused=lambda _: PartnersCannotAddNumbers(
            "Partners cannot import numbers for a client, nor follow its imports."
        ),
    )


def _own(import_id: str, principal: Principal, deps: ImportDeps) -> NumberImport:
    """The import, when the caller is one of its client's users."""
    return authorize(
        principal,
        deps.records.get_import(import_id),
        missing=ImportNotFound(import_id),
        action=Action.NUMBERS_ADD,
        refused=not_adding,
    )
