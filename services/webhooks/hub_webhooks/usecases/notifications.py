"""Meta's notification POST: check its size and signature, then parse it, then store each change once.

Nothing is published here: the table's stream feeds the relay (`hub_webhooks.consumers.relay`), so a crash between
storing and publishing loses nothing, and Meta gets its 200 as soon as the changes are stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import ValidationError

from hub_shared.errors import PayloadTooLarge, Unauthorized
from hub_webhooks.models.notifications import Notification, Receipt, StoredChange
from hub_webhooks.usecases.signature import signature_matches

MAX_BODY_BYTES = 3 * 1024 * 1024  # Meta's payloads are up to 3 MB
RETENTION = timedelta(days=14)  # Meta retries for up to 7 days; a retry within this window is still a duplicate

logger = Logger(child=True)


class ChangeRepository(Protocol):
    """Where changes are kept (`store.changes.ChangesStore`)."""

    def add_all(self, changes: Sequence[StoredChange]) -> list[bool]:
        """Store each change unless its `change_id` is already stored; True where it was stored now."""
        ...


def receive_notification(
    body: bytes,
    signature: str | None,
    *,
    app_secret: str,
    changes: ChangeRepository,
    now: datetime,
    correlation_id: str | None = None,
) -> Receipt:
    """Store every change of a signed notification once; answer what was new and what Meta had sent before.

    Raises `PayloadTooLarge` (over 3 MB, before any HMAC work), `Unauthorized` (no signature, or not this
    body's: checked before anything is parsed), `RequestValidationError` (not JSON, or not Meta's envelope).
    """
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The body is larger than {MAX_BODY_BYTES} bytes.")
    if not signature_matches(body, signature, app_secret):
        raise Unauthorized("The X-Hub-Signature-256 header is missing or does not match the body.")
    found = stored_changes(parse_notification(body), now=now, correlation_id=correlation_id)
    stored = sum(changes.add_all(found))
    receipt = Receipt(received=len(found), stored=stored, duplicates=len(found) - stored)
    logger.info("meta notification received", extra=receipt.model_dump())
    return receipt


def parse_notification(body: bytes) -> Notification:
    """Meta's envelope, or the same `RequestValidationError` a declared body would raise (400 not JSON, else 422)."""
    try:
        return Notification.model_validate_json(body)
    except ValidationError as invalid:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in invalid.errors(include_input=False)]
        raise RequestValidationError(errors) from None


def stored_changes(notification: Notification, *, now: datetime, correlation_id: str | None) -> list[StoredChange]:
    expires_at = int((now + RETENTION).timestamp())
    found = []
    for entry in notification.entry:
        for change in entry.changes:
            value = canonical_json(change.value)
            found.append(
                StoredChange(
                    change_id=change_id(entry.id, change.field, entry.time, value),
                    waba_id=entry.id,
                    field=change.field,
                    time=entry.time,
                    value=value,
                    received_at=now,
                    expires_at=expires_at,
                    correlation_id=correlation_id,
                )
            )
    return found


def canonical_json(value: Any) -> str:
    """One text per JSON value: keys sorted, no spaces (so key order and spacing never make two changes)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def change_id(waba_id: str, field: str, time: int, canonical_value: str) -> str:
    """The hex SHA-256 of a change: its WABA, field, entry time and canonical value.

    The entry `time` is part of it on purpose. Meta's retries repeat the whole body, time included, so a retry
    has the id of the first delivery and its conditional put is a no-op. A change that genuinely happens again
    (a number FLAGGED, UNFLAGGED, then FLAGGED again) carries the same value but a new time, so it is a new
    change and must not be merged with the first. Where Meta sends no time (`messages`), values differ anyway
    (message ids).
    """
    digest = hashlib.sha256(canonical_json([waba_id, field, time]).encode())
    digest.update(canonical_value.encode())
    return digest.hexdigest()
