"""Powertools Logger, Tracer and Metrics for one service, built once per process.

Every Lambda handler wears one decorator, `observability(service).handler(correlation_id_path)`: it
applies Powertools' `inject_lambda_context` (every log line carries the correlation id), Tracer's
`capture_lambda_handler` and Metrics' `log_metrics`, and makes the correlation id of the invocation
being handled available to event metadata through `correlation_id()`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from pydantic import BaseModel

from hub_shared.cold_start import initialised
from hub_shared.snapstart import install as install_snapstart_hooks

METRICS_NAMESPACE = "ClientHub"
HTTP_CORRELATION_PATH = correlation_paths.API_GATEWAY_HTTP
EVENTBRIDGE_CORRELATION_PATH = "detail.metadata.correlation_id"

Handler = TypeVar("Handler", bound=Callable[..., Any])
Model = TypeVar("Model", bound=BaseModel)

#: The correlation id of the invocation this thread is handling; set only for an invocation's duration.
_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


@dataclass(frozen=True)
class Observability:
    logger: Logger
    tracer: Tracer
    metrics: Metrics

    def handler(self, correlation_id_path: str | None = None) -> Callable[[Handler], Handler]:
        """The decorator of a Lambda handler: logging context, tracing, metrics and the correlation id."""

        def decorate(function: Handler) -> Handler:
            @functools.wraps(function)
            def with_correlation_id(event: Any, context: Any) -> Any:
                current = self.logger.get_correlation_id()
                token = _correlation_id.set(str(current) if current else None)
                try:
                    return function(event, context)
                finally:
                    _correlation_id.reset(token)

            wrapped = self.metrics.log_metrics(with_correlation_id)
            wrapped = self.tracer.capture_lambda_handler(wrapped)
            wrapped = self.logger.inject_lambda_context(correlation_id_path=correlation_id_path)(wrapped)
            initialised()
            return wrapped  # type: ignore[return-value]

        return decorate

    def received(self, event: dict[str, Any], model: type[Model], what: str) -> Model:
        """A bus event parsed as `model` (Powertools Parser); one not shaped like it is logged as a malformed `what`
        and raised, for EventBridge to retry it and then dead-letter it."""
        from aws_lambda_powertools.utilities.parser import ValidationError, parse  # noqa: PLC0415 - consumers only

        try:
            return parse(event=event, model=model)
        except ValidationError:
            self.logger.exception(
                f"malformed {what}", extra={"detail_type": event.get("detail-type"), "id": event.get("id")}
            )
            raise


@cache
def observability(service: str) -> Observability:
    """The service's Logger/Tracer/Metrics; Powertools shares their state per service name. Every handler module
    calls it, so it also registers the SnapStart restore hooks (hub_shared.snapstart)."""
    install_snapstart_hooks()
    return Observability(
        logger=Logger(service=service),
        # botocore only: patching everything imports every library the X-Ray SDK knows (httpx, sqlite3, requests…)
        # at a cold start; httpx is patched when its first client is made (hub_shared.http_clients).
        tracer=Tracer(service=service, auto_patch=True, patch_modules=["botocore"]),
        metrics=Metrics(service=service, namespace=METRICS_NAMESPACE),
    )


def correlation_id() -> str | None:
    """The correlation id of the invocation being handled; None outside a handler."""
    return _correlation_id.get()
