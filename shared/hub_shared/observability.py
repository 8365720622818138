"""Powertools Logger, Tracer and Metrics for one service, built once per process.

Handlers decorate with `logger.inject_lambda_context(correlation_id_path=...)`, so every log
line carries the request's correlation id; `correlation_id()` hands it to event metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.logging.exceptions import OrphanedChildLoggerError

METRICS_NAMESPACE = "ClientHub"
HTTP_CORRELATION_PATH = correlation_paths.API_GATEWAY_HTTP
EVENTBRIDGE_CORRELATION_PATH = "detail.metadata.correlation_id"


@dataclass(frozen=True)
class Observability:
    logger: Logger
    tracer: Tracer
    metrics: Metrics


@cache
def observability(service: str) -> Observability:
    """The service's Logger/Tracer/Metrics; Powertools shares their state per service name."""
    return Observability(
        logger=Logger(service=service),
        tracer=Tracer(service=service),
        metrics=Metrics(service=service, namespace=METRICS_NAMESPACE),
    )


def correlation_id() -> str | None:
    """The correlation id of the request or event being handled; None outside a handler."""
    try:
        value = Logger(child=True).get_correlation_id()
    except OrphanedChildLoggerError:
        return None
    return str(value) if value else None
