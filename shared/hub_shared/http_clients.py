"""The hub's httpx clients (Meta's Graph API, get.chat, Stripe's SDK): httpx is loaded when the first one is made,
not at a cold start (≈ 25 ms the routes that call no one never pay), and X-Ray traces httpx from then on — the
Tracer patches only botocore when it is created (`hub_shared.observability`)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx


@cache
def trace_httpx() -> None:
    """Have X-Ray record every httpx request as a subsegment (once per process; nothing where tracing is off)."""
    from aws_lambda_powertools import Tracer  # noqa: PLC0415 - loaded with the handler already

    Tracer(auto_patch=False).patch(["httpx"])


def http_client(**options: Any) -> httpx.Client:
    """A synchronous httpx client with `options`, traced."""
    import httpx  # noqa: PLC0415 - the first client loads httpx (see the module)

    trace_httpx()
    return httpx.Client(**options)
