"""`Idempotency-Key` (SPEC §4): a mutation with outside effects runs once per (client, key), with Powertools
idempotency on the idempotency table. A repeat answers the first answer; the same key with another body is refused
(422); a repeat while the first still runs is refused (409); a first run that failed leaves the key free.

Powertools' idempotency utility is loaded on the first keyed request: it imports boto3, which a cold start need not
pay for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from hub_shared import aws
from hub_shared.errors import StateConflict, ValidationFailed
from hub_shared.settings import get_settings
from hub_shared.singletons import singleton

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
    from aws_lambda_powertools.utilities.idempotency.persistence.dynamodb import DynamoDBPersistenceLayer
    from aws_lambda_powertools.utilities.typing import LambdaContext

IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600
"""How long a key's first answer is kept."""

R = TypeVar("R", bound=BaseModel)


class IdempotencyKeyReused(ValidationFailed):
    slug = "idempotency-key-reused"
    title = "The Idempotency-Key was used with another request"


class RequestInProgress(StateConflict):
    slug = "request-in-progress"
    title = "The same request is in progress"


@dataclass(frozen=True)
class Idempotency:
    """Runs a request once per (client, Idempotency-Key) of one service's operation."""

    persistence: BasePersistenceLayer
    service: str
    """Keys are namespaced `<service>.<operation>`."""
    lambda_context: LambdaContext | None = None

    def run(
        self, key: str, *, operation: str, client_id: str, body: BaseModel, result: type[R], work: Callable[[], R]
    ) -> R:
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function  # noqa: PLC0415
        from aws_lambda_powertools.utilities.idempotency.exceptions import (  # noqa: PLC0415
            IdempotencyAlreadyInProgressError,
            IdempotencyValidationError,
        )
        from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import (  # noqa: PLC0415
            PydanticSerializer,
        )

        config = IdempotencyConfig(
            event_key_jmespath="[client_id, key]",
            payload_validation_jmespath="body",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=IDEMPOTENCY_WINDOW_SECONDS,
            lambda_context=self.lambda_context,
        )

        @idempotent_function(
            data_keyword_argument="request",
            persistence_store=self.persistence,
            config=config,
            output_serializer=PydanticSerializer(result),
            key_prefix=f"{self.service}.{operation}",
        )
        def once(request: dict[str, Any]) -> R:
            return work()

        try:
            answer: R = once(request={"client_id": client_id, "key": key, "body": body.model_dump(mode="json")})
        except IdempotencyValidationError as error:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used with a different request; use a new key for a new request."
            ) from error
        except IdempotencyAlreadyInProgressError as error:
            raise RequestInProgress(
                "A request with this Idempotency-Key is still in progress; try again in a moment."
            ) from error
        return answer


@singleton
def idempotency_layer() -> DynamoDBPersistenceLayer:
    """Powertools idempotency records (the idempotency table)."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer  # noqa: PLC0415 - see the module

    return DynamoDBPersistenceLayer(table_name=get_settings().idempotency_table, boto3_client=aws.dynamodb())
