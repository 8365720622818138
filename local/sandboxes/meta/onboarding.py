"""Bringing numbers in: the code exchange, app subscriptions, adding or migrating a number, Embedded Signup.

The code exchange accepts any code except those starting with `expired` (code 100, subcode 36007,
"This authorization code has expired.") or `bad` (code 100, subcode 36008, Meta's "Error validating
verification code" answer); the token is derived from the code, so the same code gives the same token.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import datetime

from local.sandboxes.meta.call import GraphCall, Json
from local.sandboxes.meta.errors import GraphApiError, invalid_parameter, missing_parameter
from local.sandboxes.meta.numbers import SUCCESS
from local.sandboxes.meta.state import SANDBOX_APP, MetaState, NumberRecord, Review

_COUNTRY_CODE = re.compile(r"\d{1,3}")
_E164_DIGITS = re.compile(r"[1-9]\d{6,14}")


def exchange_code(params: Mapping[str, str]) -> Json:
    """`GET /oauth/access_token?client_id&client_secret&code` → a business token."""
    for name in ("client_id", "client_secret", "code"):
        if not params.get(name):
            raise missing_parameter(name)
    code = params["code"]
    if code.startswith("expired"):
        raise GraphApiError("This authorization code has expired.", subcode=36007)
    if code.startswith("bad"):
        raise GraphApiError(
            "Error validating verification code. Please make sure your redirect_uri is identical to the one you "
            "used in the OAuth dialog request",
            subcode=36008,
        )
    token = "EAASandbox" + hashlib.sha256(code.encode()).hexdigest()[:40]
    return {"access_token": token, "token_type": "bearer"}


def list_subscribed_apps(state: MetaState, call: GraphCall) -> Json:
    return {"data": [dict(app) for app in state.wabas[call.node_id].subscribed_apps]}


def subscribe_app(state: MetaState, call: GraphCall) -> Json:
    waba = state.wabas[call.node_id]
    if SANDBOX_APP not in waba.subscribed_apps:
        waba.subscribed_apps.append(dict(SANDBOX_APP))
    waba.override_callback_uri = call.text("override_callback_uri") or waba.override_callback_uri
    return SUCCESS


def unsubscribe_app(state: MetaState, call: GraphCall) -> Json:
    waba = state.wabas[call.node_id]
    waba.subscribed_apps = [app for app in waba.subscribed_apps if app != SANDBOX_APP]
    waba.override_callback_uri = None
    return SUCCESS


def _number_parts(cc: str | None, phone_number: str) -> tuple[str, str]:
    """(country code, E.164 digits) from `cc` and a number with or without it."""
    digits = re.sub(r"\D", "", phone_number)
    if cc is not None and not _COUNTRY_CODE.fullmatch(cc):
        raise invalid_parameter("cc must be a country calling code of 1 to 3 digits")
    full = digits if not cc or digits.startswith(cc) else cc + digits
    if not _E164_DIGITS.fullmatch(full):
        raise invalid_parameter("phone_number must be a phone number of 7 to 15 digits")
    return cc or "", full


def _verified_name(name: str) -> str:
    if not 2 <= len(name) <= 75:
        raise invalid_parameter("verified_name must be 2 to 75 characters long")
    return name


def new_number(
    state: MetaState, *, waba_id: str, cc: str, digits: str, name: str, now: datetime, verified: bool
) -> NumberRecord:
    """A number just added to a WABA: not registered, its display name not yet reviewed."""
    display = f"+{cc} {digits.removeprefix(cc)}" if cc else f"+{digits}"
    number = NumberRecord(
        id=state.new_id(),
        waba_id=waba_id,
        phone_digits=digits,
        display_phone_number=display,
        verified_name=name,
        name_status="PENDING_REVIEW",
        quality_rating="NA",
        status="PENDING",
        messaging_limit_tier="TIER_250",
        platform_type="NOT_APPLICABLE",
        last_onboarded_time=now,
        registered=False,
        commerce_settings_id=state.new_id(),
        code_verification_status="VERIFIED" if verified else "UNVERIFIED",
    )
    state.numbers[number.id] = number
    return number


def add_number(state: MetaState, call: GraphCall) -> Json:
    """`POST /{waba}/phone_numbers`: a new number (verify, then register it), or with `migrate_phone_number`
    the number of another WABA, which keeps its approved name, quality rating and messaging limit."""
    waba_id = call.node_id
    cc, digits = _number_parts(call.text("cc"), call.required_text("phone_number"))
    name = _verified_name(call.required_text("verified_name"))
    holders = [number for number in state.numbers.values() if number.phone_digits == digits]
    if any(number.waba_id == waba_id for number in holders):
        raise invalid_parameter("This phone number is already in this WhatsApp Business Account.")
    if holders and not call.flag("migrate_phone_number"):
        raise invalid_parameter(
            "This phone number belongs to another WhatsApp Business Account; set migrate_phone_number to move it."
        )
    number = new_number(state, waba_id=waba_id, cc=cc, digits=digits, name=name, now=call.now, verified=False)
    if holders:
        source = holders[0]
        number.verified_name, number.name_status = source.verified_name, source.name_status
        number.quality_rating, number.messaging_limit_tier = source.quality_rating, source.messaging_limit_tier
    else:
        state.reviews[number.id] = Review("display_name", number.id, call.reviews_due_at)
    return {"id": number.id}


def embedded_signup(state: MetaState, body: Mapping[str, object], *, now: datetime, reviews_due_at: datetime) -> Json:
    """What Embedded Signup hands the front end: a verified, unregistered number in a WABA, and a code."""
    waba_id = str(body.get("waba_id", ""))
    if waba_id not in state.wabas:
        raise invalid_parameter(f"waba_id {waba_id!r} is not a WABA of the sandbox")
    cc, digits = _number_parts(str(body["cc"]) if "cc" in body else None, str(body.get("phone_number", "")))
    if any(number.phone_digits == digits for number in state.numbers.values()):
        raise invalid_parameter("This phone number is already in the sandbox.")
    name = _verified_name(str(body.get("verified_name", "")))
    number = new_number(state, waba_id=waba_id, cc=cc, digits=digits, name=name, now=now, verified=True)
    state.reviews[number.id] = Review("display_name", number.id, reviews_due_at)
    return {
        "code": f"sandbox-{number.id}",
        "waba_id": waba_id,
        "phone_number_id": number.id,
        "business_id": state.wabas[waba_id].business_id,
    }
