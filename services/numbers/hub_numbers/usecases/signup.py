"""Add a number: the Embedded Signup result becomes a running, billable number (SPEC §3 Numbers, facts §7.5).

The number's `onboarding_step` names the next step; a failure keeps the step, says why in `onboarding_error`
(plain words, the problem's detail) and answers the problem. Posting the same phone number id again continues
from that step (and a number already set up answers 200 as it is):
- exchange_code: the code → a business token (`oauth/access_token`), kept in Secrets Manager, never in the
  table or logs. For a new number the exchange comes first and the number is then looked up in the WABA (Meta's
  list of the WABA's numbers); only then is the number recorded (`onboarding`) and the WABA claimed for the
  client (type SHARED), so a bad code or a number of another WABA leaves nothing behind. A number returns to this
  step when Meta stops accepting its token (a new signup code is then needed).
- subscribe_app: `POST {waba}/subscribed_apps` with the business token.
- register: `POST {phone}/register` with the number's two-step PIN (generated once, kept in Secrets Manager).
- read_details / await_connection: Meta's view of the number. CONNECTED → `running`, written with NumberAdded
  (billing counts it) in one transaction; otherwise the number waits in `await_connection` and posting again reads
  it again.

The Graph calls share the request's deadline (up to seven calls, each with its retries, would not fit API Gateway's
29 s): when it runs out, the step under way is kept with the reason and the request answers 202, so posting again
continues from there. Only subscribing is retried blindly (it is idempotent); `register` is not, as Meta counts it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aws_lambda_powertools import Logger

from hub_numbers.errors import (
    ChangedConcurrently,
    NumberNotFound,
    NumberNotInWaba,
    SignupCodeRejected,
)
from hub_numbers.events import NumberAdded
from hub_numbers.models.numbers import AccountStatus, Number, OnboardingStep, RegistrationStatus
from hub_numbers.models.onboarding import AddedNumberView, AddNumberRequest, Waba, WabaType
from hub_numbers.usecases.listing import to_view
from hub_numbers.usecases.registration import (
    META_ERRORS,
    PhoneDetails,
    Pins,
    client_adding_numbers,
    known_refusal,
    meta_failure,
    out_of_time,
    read_details,
    register,
    waba_numbers,
)
from hub_shared.accounts import ClientAccounts
from hub_shared.auth import Principal, authorize
from hub_shared.clock import advanced
from hub_shared.deadline import DeadlineReached
from hub_shared.errors import HubError, UpstreamError, WabaNotFound
from hub_shared.events import Actor, EventMetadata
from hub_shared.graph import Graph, MetaCredentialsRejected, MetaRefused
from hub_shared.idempotency import Idempotency
from hub_shared.model import HubModel

DOING = {
    OnboardingStep.EXCHANGE_CODE: "exchanging the signup code",
    OnboardingStep.SUBSCRIBE_APP: "subscribing the hub to the WhatsApp Business Account",
    OnboardingStep.REGISTER: "registering the number",
    OnboardingStep.READ_DETAILS: "reading the number's details",
    OnboardingStep.AWAIT_CONNECTION: "reading the number's details",
}
LAST_STEPS = frozenset({OnboardingStep.READ_DETAILS, OnboardingStep.AWAIT_CONNECTION})
ACCESS_LOST = "Meta no longer accepts the access this signup granted: run Embedded Signup again and send the new code."

logger = Logger(child=True)


class SignupRecords(Protocol):
    def number(self, number_id: str) -> Number | None: ...

    def waba(self, waba_id: str) -> Waba | None: ...

    def start_number(self, number: Number, waba: Waba, *, replacing: Number | None) -> None: ...

    def save_number(self, number: Number, *, read: Number) -> None: ...

    def finish_number(self, number: Number, *, read: Number, event: NumberAdded) -> None: ...


class BusinessTokens(Pins, Protocol):
    def business_token(self, waba_id: str) -> str | None: ...

    def save_business_token(self, waba_id: str, token: str) -> None: ...


@dataclass(frozen=True)
class MetaApp:
    """The BSP's Meta app, whose id and secret exchange a signup code."""

    app_id: str
    secret: Callable[[], str]


@dataclass(frozen=True)
class SignupDeps:
    records: SignupRecords
    graph: Graph
    vault: BusinessTokens
    accounts: ClientAccounts
    app: MetaApp
    idempotency: Idempotency


class AddedNumber(HubModel):
    """The answer: the number, and whether this request created it (201) or found it set up (200)."""

    created: bool
    number: AddedNumberView

    @property
    def status_code(self) -> int:
        if self.number.onboarding_step is not None:
            return 202
        return 201 if self.created else 200


def add_number(
    request: AddNumberRequest,
    principal: Principal,
    deps: SignupDeps,
    now: datetime,
    *,
    idempotency_key: str | None = None,
) -> AddedNumber:
    client_id = client_adding_numbers(principal)
    if idempotency_key is None:
        return _add(request, client_id, principal, deps, now)
    return deps.idempotency.run(
        idempotency_key,
        operation="add_number",
        client_id=client_id,
        body=request,
        result=AddedNumber,
        work=lambda: _add(request, client_id, principal, deps, now),
    )


def _add(
    request: AddNumberRequest, client_id: str, principal: Principal, deps: SignupDeps, now: datetime
) -> AddedNumber:
    """A WABA or number the hub knows must be the caller's (a new one is claimed for it)."""
    if (waba := deps.records.waba(request.waba_id)) is not None:
        authorize(principal, waba, missing=WabaNotFound(request.waba_id))
    if (number := deps.records.number(request.phone_number_id)) is not None:
        authorize(principal, number, missing=NumberNotFound(request.phone_number_id))
    token: str | None = None
    if number is None or number.account_status is AccountStatus.DELETED:
        number, token = _begin(request, client_id, number, Actor.of(principal), deps, now)
    elif number.waba_id != request.waba_id:
        raise NumberNotInWaba(f"Phone number {number.number_id} is not in WhatsApp Business Account {request.waba_id}.")
    elif number.onboarding_step is None and number.account_status is not AccountStatus.ONBOARDING:
        return AddedNumber(created=False, number=_view(number, principal, deps, now))
    number = _continue(number, request.code, token, deps, now)
    return AddedNumber(created=True, number=_view(number, principal, deps, now))


def _begin(
    request: AddNumberRequest,
    client_id: str,
    replacing: Number | None,
    actor: Actor,
    deps: SignupDeps,
    now: datetime,
) -> tuple[Number, str]:
    """Exchange the code, find the number in the WABA, then record it (onboarding) and claim the WABA."""
    try:
        token = _exchange(request.code, deps)
    except META_ERRORS as error:
        raise meta_failure(error, DOING[OnboardingStep.EXCHANGE_CODE]) from error
    try:
        waba_name = deps.graph.get(request.waba_id, params={"fields": "name"}, token=token).get("name")
        details = _find_in_waba(request.waba_id, request.phone_number_id, token, deps.graph)
    except META_ERRORS as error:
        raise meta_failure(error, "looking the number up in the WhatsApp Business Account") from error
    deps.vault.save_business_token(request.waba_id, token)
    number = Number(
        number_id=request.phone_number_id,
        client_id=client_id,
        waba_id=request.waba_id,
        account_status=AccountStatus.ONBOARDING,
        onboarding_step=OnboardingStep.SUBSCRIBE_APP,
        added_by=actor,
        created_at=now,
        updated_at=now,
        **details.number_fields(),
    )
    waba = Waba(
        waba_id=request.waba_id,
        client_id=client_id,
        type=WabaType.SHARED,
        name=waba_name if isinstance(waba_name, str) else None,
    )
    deps.records.start_number(number, waba, replacing=replacing)
    logger.info("number onboarding started", extra={"number_id": number.number_id, "waba_id": waba.waba_id})
    return number, token


def _exchange(code: str, deps: SignupDeps) -> str:
    """A business token for the code. Meta's refusal is SignupCodeRejected; other Graph errors pass as they are."""
    app = deps.app
    secret = app.secret()
    try:
        answer = deps.graph.get(
            "oauth/access_token",
            params={"client_id": app.app_id, "client_secret": secret, "code": code},
            token=f"{app.app_id}|{secret}",
        )
    except MetaRefused as error:
        words = known_refusal(error.graph_error) or (
            f"Meta did not accept the signup code (Meta error {error.graph_error.code}): run Embedded Signup again "
            "and send the new code."
        )
        raise SignupCodeRejected(words) from error
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise UpstreamError("Meta answered the code exchange without an access token.")
    return token


def _find_in_waba(waba_id: str, phone_number_id: str, token: str, graph: Graph) -> PhoneDetails:
    for found in waba_numbers(graph, waba_id, token):
        if found.get("id") == phone_number_id:
            return PhoneDetails.model_validate(found)
    raise NumberNotInWaba(f"Phone number {phone_number_id} is not in WhatsApp Business Account {waba_id}.")


def _continue(number: Number, code: str, token: str | None, deps: SignupDeps, now: datetime) -> Number:
    """Run the number's steps from its `onboarding_step` (an onboarding number without one starts at subscribe_app)
    to the reading of its details, the last step; a failure is recorded on the number."""
    step: OnboardingStep | None = number.onboarding_step or OnboardingStep.SUBSCRIBE_APP
    while step is not None:
        try:
            if token is None or step is OnboardingStep.EXCHANGE_CODE:
                token = _business_token(number, step, code, deps)
            number = _step(step, number, token, deps, now)
        except ChangedConcurrently:
            raise
        except DeadlineReached:  # the step is kept: posting again continues from it (202)
            return _record(number, step, out_of_time(DOING[step]), deps, now)
        except MetaCredentialsRejected as error:
            _record(number, OnboardingStep.EXCHANGE_CODE, ACCESS_LOST, deps, now)
            raise SignupCodeRejected(ACCESS_LOST) from error
        except META_ERRORS as error:
            problem = meta_failure(error, DOING[step])
            _record(number, step, problem.detail, deps, now)
            raise problem from error
        except HubError as error:
            _record(number, step, error.detail, deps, now)
            raise
        step = number.onboarding_step if step not in LAST_STEPS else None
    return number


def _business_token(number: Number, step: OnboardingStep, code: str, deps: SignupDeps) -> str:
    """The WABA's kept token; at exchange_code (or when none is kept) a new one for the code."""
    kept = None if step is OnboardingStep.EXCHANGE_CODE else deps.vault.business_token(number.waba_id)
    if kept is not None:
        return kept
    token = _exchange(code, deps)
    deps.vault.save_business_token(number.waba_id, token)
    return token


def _step(step: OnboardingStep, number: Number, token: str, deps: SignupDeps, now: datetime) -> Number:
    """Do one step at Meta; answer the number as saved after it."""
    if step is OnboardingStep.EXCHANGE_CODE:
        return _save(number, deps, now, onboarding_step=OnboardingStep.SUBSCRIBE_APP)
    if step is OnboardingStep.SUBSCRIBE_APP:
        deps.graph.post(f"{number.waba_id}/subscribed_apps", token=token)
        return _save(number, deps, now, onboarding_step=OnboardingStep.REGISTER)
    if step is OnboardingStep.REGISTER:
        register(deps.graph, deps.vault, number.number_id, token)
        return _save(
            number,
            deps,
            now,
            onboarding_step=OnboardingStep.READ_DETAILS,
            registration_status=RegistrationStatus.REGISTERED,
        )
    details = read_details(deps.graph, number.number_id, token)
    if not details.connected:
        waiting = (
            f"Meta has not connected the number yet (its status is {details.status or 'unknown'}); "
            "try again in a few minutes."
        )
        return _save(
            number,
            deps,
            now,
            onboarding_step=OnboardingStep.AWAIT_CONNECTION,
            onboarding_error=waiting,
            **details.number_fields(),
        )
    running = number.model_copy(
        update={
            **details.number_fields(),
            "account_status": AccountStatus.RUNNING,
            "registration_status": RegistrationStatus.REGISTERED,
            "onboarding_step": None,
            "onboarding_error": None,
            "updated_at": advanced(number.updated_at, now),
        }
    )
    event = NumberAdded(
        metadata=EventMetadata.at(now),
        number_id=running.number_id,
        client_id=running.client_id,
        waba_id=running.waba_id,
        phone_number=running.phone_e164,
        how="embedded_signup",
        actor=running.added_by,
    )
    deps.records.finish_number(running, read=number, event=event)
    logger.info("number added", extra={"number_id": running.number_id, "waba_id": running.waba_id})
    return running


def _save(number: Number, deps: SignupDeps, now: datetime, **changes: object) -> Number:
    saved = number.model_copy(
        update={"onboarding_error": None, **changes, "updated_at": advanced(number.updated_at, now)}
    )
    deps.records.save_number(saved, read=number)
    return saved


def _record(number: Number, step: OnboardingStep, error: str, deps: SignupDeps, now: datetime) -> Number:
    """Say on the number which step failed and why, and answer it so (another writer's newer state wins)."""
    logger.warning("number onboarding step failed", extra={"number_id": number.number_id, "step": step.value})
    try:
        return _save(number, deps, now, onboarding_step=step, onboarding_error=error)
    except ChangedConcurrently:
        logger.warning("number changed while a failure was recorded", extra={"number_id": number.number_id})
        return number.model_copy(update={"onboarding_step": step, "onboarding_error": error})


def _view(number: Number, principal: Principal, deps: SignupDeps, now: datetime) -> AddedNumberView:
    view = to_view(number, principal, deps.accounts.client(number.client_id), now)
    return AddedNumberView(
        **view.model_dump(), onboarding_step=number.onboarding_step, onboarding_error=number.onboarding_error
    )
