"""Make moto's DynamoDB safe for concurrent callers (the local cloud, tests and benchmarks with threads).

Applied where moto runs: `local.cloud.start_moto` (the local hub's moto server), the test session (`tests/conftest.py`)
and the job benchmarks (`bench.jobs`).

moto 5.2.5 handles each DynamoDB call on the caller's thread without a lock, and its TransactWriteItems
deep-copies every table it touches (for its rollback) while other threads may be changing that table: concurrent
writers then fail with `RuntimeError: dictionary changed size during iteration`, which real DynamoDB never does.
`serialize_dynamodb()` runs moto's DynamoDB calls one at a time, process-wide (moto is pure Python under the GIL,
so this costs little); calling it again changes nothing.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from moto.dynamodb.responses import DynamoHandler

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
