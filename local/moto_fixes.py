"""Make moto's DynamoDB safe for concurrent callers (the local cloud, tests and benchmarks with threads).

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
