"""Phone-number node handlers: the number, its display name and PIN, registration, verification, profile, commerce."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from local.sandboxes.meta import uploads
from local.sandboxes.meta.call import GraphCall, Json, select_fields, split_fields
from local.sandboxes.meta.errors import GraphApiError, invalid_parameter, missing_parameter, nonexisting_field
from local.sandboxes.meta.state import PHONE_NUMBER, MetaState, NumberRecord, Review

SANDBOX_OTP = "123456"
"""The only verification code `verify_code` accepts."""
REGISTRATION_CALLS_ALLOWED = 10
REGISTRATION_WINDOW = timedelta(hours=72)
DEFAULT_FIELDS = ("id", "display_phone_number", "verified_name", "quality_rating")
PROFILE_FIELDS = ("about", "address", "description", "email", "profile_picture_url", "websites", "vertical")
VERTICALS = frozenset(
    {
        *("ALCOHOL", "APPAREL", "AUTO", "BEAUTY", "EDU", "ENTERTAIN", "EVENT_PLAN", "FINANCE", "GOVT", "GROCERY"),
        *("HEALTH", "HOTEL", "NONPROFIT", "ONLINE_GAMBLING", "OTC_DRUGS", "OTHER", "PHYSICAL_GAMBLING"),
        *("PROF_SERVICES", "RESTAURANT", "RETAIL", "TRAVEL"),
    }
)
PROFILE_TEXT_LIMITS = {"about": (1, 139), "address": (0, 256), "description": (0, 512), "email": (0, 128)}
MAX_WEBSITES = 2
PICTURE_TYPES = frozenset({"image/jpeg", "image/jpg", "image/png"})
SUCCESS: Json = {"success": True}

_PIN = re.compile(r"\d{6}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def graph_time(moment: datetime) -> str:
    """Meta's timestamp form, e.g. `2026-01-05T09:30:00+0000`."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def number_fields(number: NumberRecord) -> Json:
    """Every field the sandbox serves for a phone number (None: no value, left out of answers)."""
    return {
        "id": number.id,
        "display_phone_number": number.display_phone_number,
        "verified_name": number.verified_name,
        "quality_rating": number.quality_rating,
        "status": number.status,
        "name_status": number.name_status,
        "new_display_name": number.new_display_name,
        "new_name_status": number.new_name_status,
        "code_verification_status": number.code_verification_status,
        "messaging_limit_tier": number.messaging_limit_tier,
        "platform_type": number.platform_type,
        "throughput": {"level": number.throughput_level},
        "account_mode": number.account_mode,
        "is_official_business_account": number.is_official_business_account,
        "is_pin_enabled": number.pin is not None,
        "last_onboarded_time": graph_time(number.last_onboarded_time),
    }


def get_number(state: MetaState, call: GraphCall) -> Json:
    number = state.numbers[call.node_id]
    if number.registered and number.connects_at is not None and call.now >= number.connects_at:
        number.status, number.connects_at = "CONNECTED", None  # Meta connected it meanwhile
    return select_fields(split_fields(call.text("fields")), number_fields(number), DEFAULT_FIELDS, PHONE_NUMBER)


def _connected_by(number: NumberRecord, now: datetime) -> bool:
    """Whether Meta has connected the number by `now` (at once, unless it was made to connect later)."""
    return number.connects_at is None or now >= number.connects_at


def _pin(value: str) -> str:
    if not _PIN.fullmatch(value):
        raise invalid_parameter("The PIN must be 6 digits", user_title="Invalid PIN")
    return value


def update_number(state: MetaState, call: GraphCall) -> Json:
    """`new_display_name` starts a display-name review; `pin` sets the two-step verification PIN."""
    number = state.numbers[call.node_id]
    name, pin = call.text("new_display_name"), call.text("pin")
    if name is None and pin is None:
        raise missing_parameter("new_display_name")
    if pin is not None:
        number.pin = _pin(pin)
    if name is not None:
        if not 2 <= len(name) <= 75:
            raise invalid_parameter("new_display_name must be 2 to 75 characters long")
        number.new_display_name, number.new_name_status = name, "PENDING_REVIEW"
        state.reviews[number.id] = Review("display_name", number.id, call.reviews_due_at)
    return SUCCESS


def _count_registration_call(number: NumberRecord, now: datetime) -> None:
    number.registration_calls = [at for at in number.registration_calls if now - at < REGISTRATION_WINDOW]
    if len(number.registration_calls) >= REGISTRATION_CALLS_ALLOWED:
        raise GraphApiError(
            "(#133016) Account register deregister rate limit exceeded",
            code=133016,
            details="Too many register/deregister calls for this number in the last 72 hours.",
        )
    number.registration_calls.append(now)


def register(state: MetaState, call: GraphCall) -> Json:
    number = state.numbers[call.node_id]
    if call.required_text("messaging_product") != "whatsapp":
        raise invalid_parameter("messaging_product must be whatsapp")
    pin = _pin(call.required_text("pin"))
    _count_registration_call(number, call.now)
    if number.code_verification_status != "VERIFIED":
        raise GraphApiError(
            "(#133006) Phone number re-verification needed",
            code=133006,
            details="Verify the phone number (request_code, then verify_code) before registering it.",
        )
    if number.pin is not None and number.pin != pin:
        raise GraphApiError(
            "(#133005) Two step verification PIN Mismatch",
            code=133005,
            details="The PIN does not match the number's two-step verification PIN.",
        )
    status = "CONNECTED" if _connected_by(number, call.now) else "PENDING"
    number.pin, number.registered, number.status, number.platform_type = pin, True, status, "CLOUD_API"
    number.last_onboarded_time = call.now
    return SUCCESS


def deregister(state: MetaState, call: GraphCall) -> Json:
    number = state.numbers[call.node_id]
    _count_registration_call(number, call.now)
    if not number.registered:
        raise GraphApiError("Phone number not registered on the WhatsApp Business Platform.", subcode=2207051)
    number.registered, number.status = False, "DISCONNECTED"
    return SUCCESS


def request_code(state: MetaState, call: GraphCall) -> Json:
    number = state.numbers[call.node_id]
    if call.required_text("code_method").upper() not in ("SMS", "VOICE"):
        raise invalid_parameter("code_method must be SMS or VOICE")
    if not _LANGUAGE.fullmatch(call.required_text("language")):
        raise invalid_parameter("language must be a language code such as en or en_US")
    if number.code_verification_status == "VERIFIED":
        raise invalid_parameter("This phone number is already verified.", user_title="Already verified")
    number.code_requested = True
    return SUCCESS


def verify_code(state: MetaState, call: GraphCall) -> Json:
    number = state.numbers[call.node_id]
    code = call.required_text("code")
    if not number.code_requested:
        raise invalid_parameter("No verification code was requested for this number; call request_code first.")
    if code != SANDBOX_OTP:
        raise invalid_parameter("The verification code is not correct.", user_title="Wrong verification code")
    number.code_verification_status, number.code_requested = "VERIFIED", False
    return SUCCESS


def get_profile(state: MetaState, call: GraphCall) -> Json:
    profile = state.numbers[call.node_id].profile
    names = split_fields(call.text("fields")) or list(PROFILE_FIELDS)
    for name in names:
        if name not in PROFILE_FIELDS:
            raise nonexisting_field(name, "WhatsAppBusinessProfile")
    shown = {name: profile[name] for name in names if profile.get(name) is not None}
    return {"data": [{**shown, "messaging_product": "whatsapp"}]}


def _profile_changes(state: MetaState, call: GraphCall) -> dict[str, Any]:
    """The profile fields of the call, checked against Meta's limits; an empty text clears a field."""
    changes: dict[str, Any] = {}
    for name, (shortest, longest) in PROFILE_TEXT_LIMITS.items():
        text = call.text(name)
        if text is None:
            continue
        if not shortest <= len(text) <= longest:
            raise invalid_parameter(f"{name} must be {shortest} to {longest} characters long")
        if name == "email" and text and not _EMAIL.fullmatch(text):
            raise invalid_parameter("email must be an email address")
        changes[name] = text or None
    websites = call.structured("websites")
    if websites is not None:
        if not isinstance(websites, list) or len(websites) > MAX_WEBSITES:
            raise invalid_parameter(f"websites must be a list of at most {MAX_WEBSITES} URLs")
        for site in websites:
            if not isinstance(site, str) or len(site) > 256 or not site.startswith(("http://", "https://")):
                raise invalid_parameter("Each website must be an http:// or https:// URL of at most 256 characters")
        changes["websites"] = websites or None
    vertical = call.text("vertical")
    if vertical is not None:
        if vertical and vertical not in VERTICALS:
            raise invalid_parameter(f"vertical {vertical!r} is not a known vertical")
        changes["vertical"] = vertical or None
    handle = call.text("profile_picture_handle")
    if handle is not None:
        picture = state.files.get(handle)
        if picture is None or picture.file_type not in PICTURE_TYPES:
            raise invalid_parameter("profile_picture_handle is not the handle of an uploaded JPEG or PNG image")
        changes["profile_picture_url"] = uploads.file_url(call, picture)
    return changes


def update_profile(state: MetaState, call: GraphCall) -> Json:
    if call.required_text("messaging_product") != "whatsapp":
        raise invalid_parameter("messaging_product must be whatsapp")
    state.numbers[call.node_id].profile.update(_profile_changes(state, call))
    return SUCCESS


def get_commerce_settings(state: MetaState, call: GraphCall) -> Json:
    number = state.numbers[call.node_id]
    settings = {
        "id": number.commerce_settings_id,
        "is_cart_enabled": number.is_cart_enabled,
        "is_catalog_visible": number.is_catalog_visible,
    }
    return {"data": [settings]}


def update_commerce_settings(state: MetaState, call: GraphCall) -> Json:
    number = state.numbers[call.node_id]
    cart, catalog = call.flag("is_cart_enabled"), call.flag("is_catalog_visible")
    if cart is None and catalog is None:
        raise missing_parameter("is_cart_enabled")
    if cart is not None:
        number.is_cart_enabled = cart
    if catalog is not None:
        number.is_catalog_visible = catalog
    return SUCCESS
