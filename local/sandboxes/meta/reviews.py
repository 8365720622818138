"""Meta's reviews, made deterministic: the decision rules, what a decision changes, and its signed webhook.

Display names: a name containing "reject" (any case) or written in capitals with more than 5 letters is
REJECTED (`NAME_FORMAT_UNACCEPTABLE`); one containing "defer" is DEFERRED (it stays `PENDING_REVIEW` and
is never decided); one containing "expire" is dropped by Meta without a webhook (`new_name_status` EXPIRED,
what the hub's polling job finds out); any other is APPROVED.
Templates: a body containing "free money" is REJECTED as `PROMOTIONAL`; one containing "reject" or two
adjacent variables (`{{1}}{{2}}`) is REJECTED as `INVALID_FORMAT`; any other is APPROVED.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import datetime
from typing import Any

from local.sandboxes.meta.state import DeliveryStatus, MetaState, NumberRecord, TemplateRecord, WebhookDelivery

_ADJACENT_VARIABLES = re.compile(r"\}\}\s*\{\{")
MIN_SHOUTED_LETTERS = 6
EXPIRED = "EXPIRED"
"""A review Meta drops: no decision, no webhook."""


def name_decision(name: str) -> tuple[str, str | None]:
    """(decision, rejection reason) for a requested display name."""
    letters = [char for char in name if char.isalpha()]
    if "reject" in name.lower() or (len(letters) >= MIN_SHOUTED_LETTERS and all(c.isupper() for c in letters)):
        return "REJECTED", "NAME_FORMAT_UNACCEPTABLE"
    if "defer" in name.lower():
        return "DEFERRED", None
    if "expire" in name.lower():
        return EXPIRED, None
    return "APPROVED", None


def template_decision(components: list[dict[str, Any]]) -> tuple[str, str]:
    """(status, reason) for a created or edited template."""
    body = " ".join(str(c.get("text", "")) for c in components if str(c.get("type", "")).upper() == "BODY").lower()
    if "free money" in body:
        return "REJECTED", "PROMOTIONAL"
    if "reject" in body or _ADJACENT_VARIABLES.search(body):
        return "REJECTED", "INVALID_FORMAT"
    return "APPROVED", "NONE"


def decide_display_name(number: NumberRecord) -> dict[str, Any] | None:
    """Decide the pending name of `number` (a change request, else a new number's name); the webhook value, or
    None when Meta drops the review (no webhook)."""
    is_change = number.new_name_status == "PENDING_REVIEW"
    requested = number.new_display_name if is_change and number.new_display_name else number.verified_name
    decision, reason = name_decision(requested)
    if decision == EXPIRED:
        if is_change:
            number.new_name_status = EXPIRED
        return None
    if decision != "DEFERRED":
        status = "APPROVED" if decision == "APPROVED" else "DECLINED"
        if is_change:
            number.new_name_status = status
            if status == "APPROVED":
                number.verified_name, number.name_status = requested, "APPROVED"
        else:
            number.name_status = status
    return {
        "display_phone_number": number.phone_digits,
        "decision": decision,
        "requested_verified_name": requested,
        "rejection_reason": reason,
    }


def decide_template(template: TemplateRecord) -> dict[str, Any]:
    """Decide a pending template; the webhook value."""
    template.status, template.rejected_reason = template_decision(template.components)
    return {
        "event": template.status,
        "message_template_id": int(template.id),
        "message_template_name": template.name,
        "message_template_language": template.language,
        "reason": template.rejected_reason,
        "message_template_category": template.category,
    }


def signature(body: bytes, app_secret: str) -> str:
    """`X-Hub-Signature-256`: the HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def queue_webhook(
    state: MetaState,
    *,
    waba_id: str,
    field: str,
    value: dict[str, Any],
    now: datetime,
    app_secret: str,
    has_url: bool,
) -> WebhookDelivery:
    """Record one webhook in Meta's envelope, signed; it is lost instead when the admin asked for that."""
    envelope = {
        "object": "whatsapp_business_account",
        "entry": [{"id": waba_id, "time": int(now.timestamp()), "changes": [{"value": value, "field": field}]}],
    }
    body = json.dumps(envelope, separators=(",", ":"))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "facebookexternalua",
        "X-Hub-Signature-256": signature(body.encode(), app_secret),
    }
    lost = state.webhooks_to_lose > 0
    state.webhooks_to_lose -= lost
    status: DeliveryStatus = "lost" if lost else "queued" if has_url else "unsent"
    delivery = WebhookDelivery(field=field, body=body, headers=headers, status=status)
    state.webhooks.append(delivery)
    return delivery
