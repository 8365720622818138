"""The path and header parameters the numbers routes share."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path

from hub_numbers.models.numbers import NUMBER_ID_PATTERN
from hub_numbers.models.onboarding import IMPORT_ID_PATTERN

NumberId = Annotated[str, Path(pattern=NUMBER_ID_PATTERN, description="Meta's phone number id.")]
ImportId = Annotated[str, Path(pattern=IMPORT_ID_PATTERN, description="The import's id.")]

IDEMPOTENCY_KEY = "Idempotency-Key"
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=IDEMPOTENCY_KEY,
        min_length=1,
        max_length=255,
        description="Makes a retried request safe: the same key (per client) answers the first answer.",
    ),
]
