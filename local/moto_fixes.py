"""Where moto is not yet the AWS the hub runs on, the fixes that make it so (each applied process-wide, once).

`serialize_dynamodb` — DynamoDB safe for concurrent callers (the local cloud, tests and benchmarks with threads),
and its streams kept through a cancelled transaction (`keep_streams_through_rollbacks`); applied where moto runs:
`local.cloud.start_moto` (the local hub's moto server), the test session (`tests/conftest.py`) and the job benchmarks
(`bench.jobs`).

moto 5.2.5 handles each DynamoDB call on the caller's thread without a lock, and its TransactWriteItems
deep-copies every table it touches (for its rollback) while other threads may be changing that table: concurrent
writers then fail with `RuntimeError: dictionary changed size during iteration`, which real DynamoDB never does.
`serialize_dynamodb()` runs moto's DynamoDB calls one at a time, process-wide (moto is pure Python under the GIL,
so this costs little); calling it again changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.responses import DynamoHandler
from moto.s3.responses import S3Response

MOTO_VERSION = "5.2.5"
"""The moto release this fix was written for and checked against; a test fails when the lock moves to another, so
that the fix is checked again (still needed? still patching the right method?)."""

_lock = threading.RLock()


def serialize_dynamodb() -> None:
    """Serialize every DynamoDB call moto handles in this process (mock_aws and moto's server alike)."""
    handle = DynamoHandler.call_action
    if getattr(handle, "serialized", False):
        return

    @functools.wraps(handle)
    def serialized(self: DynamoHandler) -> Any:
        with _lock:
            return handle(self)

    serialized.serialized = True  # type: ignore[attr-defined]
    DynamoHandler.call_action = serialized  # type: ignore[method-assign]


def serialize_dynamodb_and_keep_streams() -> None:
    """Both DynamoDB fixes (what every place moto runs in applies)."""
    serialize_dynamodb()
    keep_streams_through_rollbacks()


# ---------------------------------------------------------------- streams through cancelled transactions
#
# moto 5.2.5 cancels a TransactWriteItems (a condition failed) by putting back deep copies of the tables it touched:
# each with a copy of its stream's shard. Every shard iterator handed out before still reads the old shard object,
# which no write reaches any more, so a stream reader (the local stream relay, a Lambda event source mapping) sees
# nothing of the table from then on — the first duplicate Stripe webhook silenced the billing table's outbox. And
# the records the cancelled transaction wrote before failing stay in the old shard, though DynamoDB streams no
# record of a cancelled transaction. `keep_streams_through_rollbacks` puts the original shard back on the restored
# table, without the cancelled transaction's records.


def keep_streams_through_rollbacks() -> None:
    """Keep every table's stream shard (and so every iterator on it) through moto's rollback of a cancelled
    transaction, holding only what was written before it; calling it again changes nothing."""
    transact = DynamoDBBackend.transact_write_items
    if getattr(transact, "keeps_streams", False):
        return

    @functools.wraps(transact)
    def keeping_streams(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        shards = {name: table.stream_shard for name, table in self.tables.items() if table.stream_shard is not None}
        try:
            transact(self, transact_items)
        except Exception:
            for name, shard in shards.items():
                restored = self.tables.get(name)
                if restored is not None and restored.stream_shard is not None and restored.stream_shard is not shard:
                    del shard.items[len(restored.stream_shard.items) :]
                    shard.table = restored
                    restored.stream_shard = shard
            raise

    keeping_streams.keeps_streams = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = keeping_streams  # type: ignore[method-assign]


# ---------------------------------------------------------------- S3 browser uploads (POST policies)
#
# moto 5.2.5 stores whatever a browser form POSTs to a bucket: it reads neither the form's policy nor its signature.
# S3 refuses a form whose policy expired, whose signature does not verify, whose fields a condition does not hold
# (a `Content-Type` other than the policy's, another key), or whose file is larger or smaller than its
# `content-length-range` — the hub's attachments rely on exactly that (`hub_support.integrations.files`).
# `enforce_post_policies` makes moto refuse them as S3 does (its error codes and messages).

#: Form fields no condition needs to cover (S3's rules for browser-based uploads).
UNCONDITIONED = frozenset({"policy", "x-amz-signature", "file"})


_verified_keys: dict[str, str] = {}
"""Access key id → secret key of the credentials whose signatures the local S3 verifies."""


def post_policy_refusal(
    fields: Mapping[str, str], *, size: int, bucket: str, now: datetime, secrets: Mapping[str, str]
) -> tuple[int, str, str] | None:
    """Why S3 refuses this browser form upload — (status, error code, message) — or None: it takes it. `secrets`:
    the secret key of each access key id whose SigV4 signature is verified (others are not checked)."""
    lowered = {name.lower(): value for name, value in fields.items()}
    encoded = lowered.get("policy")
    if not encoded:
        return 403, "AccessDenied", "Bucket POST must contain a field named 'policy'."
    try:
        policy = json.loads(base64.b64decode(encoded, validate=True))
        expiration = datetime.fromisoformat(str(policy["expiration"]).replace("Z", "+00:00"))
        conditions = list(policy["conditions"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        return 400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON."
    if now >= expiration:
        return 403, "AccessDenied", "Invalid according to Policy: Policy expired."
    signature_refusal = _signature_refusal(lowered, encoded, secrets)
    if signature_refusal:
        return signature_refusal
    covered: set[str] = set()
    size_range: tuple[int, int] | None = None
    for stated in conditions:
        condition = (
            ["eq", f"${next(iter(stated))}", next(iter(stated.values()))] if isinstance(stated, dict) else stated
        )
        operator = str(condition[0]).lower()
        if operator == "content-length-range":
            size_range = (int(condition[1]), int(condition[2]))
            continue
        name = str(condition[1]).lstrip("$").lower()
        actual = bucket if name == "bucket" else lowered.get(name)
        covered.add(name)
        held = actual == condition[2] if operator == "eq" else str(actual or "").startswith(str(condition[2]))
        if actual is None or not held:
            return 403, "AccessDenied", f"Invalid according to Policy: Policy Condition failed: {json.dumps(condition)}"
    extra = sorted(name for name in lowered if name not in covered | UNCONDITIONED and not name.startswith("x-ignore-"))
    if extra:
        return 403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {extra[0]}"
    if size_range is not None and size > size_range[1]:
        return 400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"
    if size_range is not None and size < size_range[0]:
        return 400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size"
    return None


def _signature_refusal(
    fields: Mapping[str, str], policy: str, secrets: Mapping[str, str]
) -> tuple[int, str, str] | None:
    credential = fields.get("x-amz-credential", "")
    parts = credential.split("/")
    if len(parts) != 5 or fields.get("x-amz-algorithm") != "AWS4-HMAC-SHA256":
        return 403, "AccessDenied", "Invalid according to Policy: the form has no SigV4 credential."
    access_key, day, region, service, _ = parts
    secret = secrets.get(access_key)
    if secret is None:
        return None
    key = f"AWS4{secret}".encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, policy.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields.get("x-amz-signature", "")):
        return (
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    return None


def enforce_post_policies(secrets: Mapping[str, str]) -> None:
    """Make moto's S3 (mock_aws and moto's server alike, in this process) check every browser form upload's policy
    and, for the access keys of `secrets`, its signature; calling it again adds those keys."""
    _verified_keys.update(secrets)
    post = S3Response._bucket_response_post
    if getattr(post, "policed", False):
        return

    @functools.wraps(post)
    def policed(self: S3Response, request: Any, bucket_name: str) -> Any:
        form: Mapping[str, Any] = self.form_data or {}
        if not self.is_delete_keys() and "key" in form:
            fields = {name: str(value) for name, value in form.items() if name != "file"}
            body = self.raw_body if isinstance(self.raw_body, bytes) else str(self.body or "").encode()
            refusal = post_policy_refusal(
                fields, size=len(body), bucket=bucket_name, now=datetime.now(UTC), secrets=_verified_keys
            )
            if refusal is not None:
                status, code, message = refusal
                xml = f"<Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
                return status, {"Content-Type": "application/xml"}, xml
        return post(self, request, bucket_name)

    policed.policed = True  # type: ignore[attr-defined]
    S3Response._bucket_response_post = policed  # type: ignore[method-assign]
