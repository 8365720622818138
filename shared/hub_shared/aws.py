"""Cheap, cached AWS clients (one per service, region and endpoint in a process), honouring the local endpoint
override, and the DynamoDB toolbox every store uses: item (de)serialisation, conditional writes that report which
condition failed, bounded batch reads, UpdateExpressions, and `TableStore`, the base of every store.

Tests and the local cloud call `hub_shared.singletons.reset_all()` after changing the environment. A client outlives
it (it holds nothing of a test or a hub, and making one costs milliseconds of endpoint rules and service models):
`_client` keeps one per service, region, endpoint and configuration, so a changed region or endpoint gets its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.session import Session

from hub_shared.attribute_values import deserialize, serialize
from hub_shared.settings import get_settings
from hub_shared.singletons import singleton

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sqs import SQSClient

BATCH_GET_LIMIT = 100
"""Keys per BatchGetItem call (DynamoDB's limit)."""
BATCH_GET_ROUNDS = 10
"""BatchGetItem calls for one batch of keys before keys DynamoDB keeps leaving unprocessed are an error."""
BATCH_WRITE_LIMIT = 25
"""Puts and deletes per BatchWriteItem call (DynamoDB's limit)."""
BATCH_WRITE_ROUNDS = 10
"""BatchWriteItem calls for one batch of writes before writes DynamoDB keeps leaving unprocessed are an error."""

Write = dict[str, Any]
"""One TransactWriteItems element: `{"Put": {...}}`, `{"Update": {...}}`, `{"Delete": {...}}` or
`{"ConditionCheck": {...}}`, each naming its table."""

MAX_POOL_CONNECTIONS = 72
"""Connections a client keeps to its service: more than the jobs' workers in flight at once (the deletion and
display-name polling jobs' DEFAULT_CONCURRENCY, 64) and the thread that reads their index pages; with botocore's
default, 10, every other request would open a connection and discard it."""
_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3},
    connect_timeout=2,
    read_timeout=5,
    max_pool_connections=MAX_POOL_CONNECTIONS,
)


@singleton
def _session() -> Session:
    """botocore's session: boto3 adds nothing the hub's clients use, and importing it costs s3transfer too."""
    return Session()


_made: dict[tuple[str, str, str | None, str], Any] = {}


def _client(service: str, config: Config = _CONFIG, variant: str = "") -> Any:
    """The process's client of `service` for the current region and endpoint (`variant` names a `config` other than
    the default one)."""
    settings = get_settings()
    key = (service, settings.aws_region, settings.aws_endpoint_url, variant)
    if key not in _made:
        _made[key] = _session().create_client(
            service, region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url, config=config
        )
    return _made[key]


def forget_clients() -> None:
    """Close and forget every client made: after a SnapStart restore (hub_shared.snapstart) their connections and
    credentials are the snapshot's."""
    for client in _made.values():
        client.close()
    _made.clear()


@singleton
def dynamodb() -> DynamoDBClient:
    client: DynamoDBClient = _client("dynamodb")
    return client


@singleton
def events() -> EventBridgeClient:
    client: EventBridgeClient = _client("events")
    return client


@singleton
def sqs() -> SQSClient:
    client: SQSClient = _client("sqs")
    return client


@singleton
def secretsmanager() -> SecretsManagerClient:
    client: SecretsManagerClient = _client("secretsmanager")
    return client


@singleton
def s3() -> S3Client:
    """S3, signing with SigV4 (pre-signed POSTs and URLs); on a local endpoint, whose host names no bucket, with
    path-style addresses."""
    style: Literal["path", "auto"] = "path" if get_settings().aws_endpoint_url else "auto"
    config = _CONFIG.merge(Config(signature_version="s3v4", s3={"addressing_style": style}))
    client: S3Client = _client("s3", config, variant=style)
    return client


@singleton
def cognito_idp() -> CognitoIdentityProviderClient:
    """The user pool's admin API (the accounts service's e-mail change)."""
    client: CognitoIdentityProviderClient = _client("cognito-idp")
    return client


@singleton
def sesv2() -> Any:
    """SES (API v2): the hub's notification e-mails."""
    return _client("sesv2")


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    """A plain dict → DynamoDB attribute values (None values are left out)."""
    return {k: serialize(v) for k, v in values.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: deserialize(v) for k, v in item.items()}


def failed_conditions(error: ClientError) -> frozenset[int]:
    """The positions of the writes whose condition failed: {0} for a refused single conditional write, the
    cancelled items of a TransactWriteItems; empty when `error` is no condition failure (the caller re-raises)."""
    code = error.response.get("Error", {}).get("Code")
    if code == "ConditionalCheckFailedException":
        return frozenset({0})
    if code != "TransactionCanceledException":
        return frozenset()
    reasons = error.response.get("CancellationReasons") or []
    return frozenset(i for i, reason in enumerate(reasons) if reason.get("Code") == "ConditionalCheckFailed")


def update_clause(changes: Mapping[str, Any]) -> tuple[str, dict[str, str], dict[str, Any]]:
    """An UpdateExpression that sets each attribute of `changes` to its value and removes those whose value is
    None, with its attribute names (`#u0`, …) and plain values (`:u0`, …) to merge with a condition's."""
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    sets: list[str] = []
    removes: list[str] = []
    for i, (attribute, value) in enumerate(changes.items()):
        names[f"#u{i}"] = attribute
        if value is None:
            removes.append(f"#u{i}")
        else:
            values[f":u{i}"] = value
            sets.append(f"#u{i} = :u{i}")
    clauses = [f"SET {', '.join(sets)}"] if sets else []
    if removes:
        clauses.append(f"REMOVE {', '.join(removes)}")
    return " ".join(clauses), names, values


class UnprocessedReads(Exception):
    """BatchGetItem kept leaving keys unprocessed (DynamoDB throttling)."""


class UnprocessedWrites(Exception):
    """BatchWriteItem kept leaving writes unprocessed (DynamoDB throttling)."""


def batch_get(
    client: DynamoDBClient,
    table: str,
    keys: Sequence[Mapping[str, Any]],
    *,
    consistent: bool,
    rounds: int = BATCH_GET_ROUNDS,
) -> Iterator[dict[str, Any]]:
    """The items of `keys` that exist (in no particular order): BatchGetItem, BATCH_GET_LIMIT keys a call, strongly
    consistent or not as asked; the keys DynamoDB leaves unprocessed are read again, `rounds` times at most, then
    UnprocessedReads is raised."""
    for start in range(0, len(keys), BATCH_GET_LIMIT):
        batch: list[Any] = list(keys[start : start + BATCH_GET_LIMIT])
        for _ in range(rounds):
            answer = client.batch_get_item(RequestItems={table: {"Keys": batch, "ConsistentRead": consistent}})
            yield from answer["Responses"].get(table, [])
            unprocessed = answer.get("UnprocessedKeys", {})
            batch = list(unprocessed[table]["Keys"]) if table in unprocessed else []
            if not batch:
                break
        else:
            raise UnprocessedReads(f"{len(batch)} keys of {table} stayed unprocessed after {rounds} reads")


def batch_write(
    client: DynamoDBClient, table: str, *, puts: Iterable[dict[str, Any]] = (), deletes: Iterable[dict[str, Any]] = ()
) -> int:
    """Items put and keys deleted (DynamoDB's attribute values) with BatchWriteItem, BATCH_WRITE_LIMIT a request; the
    writes DynamoDB leaves unprocessed are sent again, `BATCH_WRITE_ROUNDS` times at most, then UnprocessedWrites is
    raised. Answers how many writes were made. Not a transaction: for mirrors that a later write repairs, never for a
    change and its event."""
    requests: list[Any] = [{"PutRequest": {"Item": item}} for item in puts]
    requests += [{"DeleteRequest": {"Key": key}} for key in deletes]
    for start in range(0, len(requests), BATCH_WRITE_LIMIT):
        batch = requests[start : start + BATCH_WRITE_LIMIT]
        for _ in range(BATCH_WRITE_ROUNDS):
            answer = client.batch_write_item(RequestItems={table: batch})
            batch = list(answer.get("UnprocessedItems", {}).get(table, []))
            if not batch:
                break
        else:
            raise UnprocessedWrites(
                f"{len(batch)} writes to {table} stayed unprocessed after {BATCH_WRITE_ROUNDS} tries"
            )
    return len(requests)


def write_all(client: DynamoDBClient, writes: Sequence[Write]) -> frozenset[int]:
    """Write all of `writes` or none: one TransactWriteItems (a single Put or Update goes as a plain PutItem or
    UpdateItem, which costs half). Answers the positions of the writes whose condition failed (nothing was written
    then), empty when everything was written; any other error is raised."""
    try:
        if len(writes) == 1 and "Put" in writes[0]:
            client.put_item(**writes[0]["Put"])
        elif len(writes) == 1 and "Update" in writes[0]:
            client.update_item(**writes[0]["Update"])
        else:
            client.transact_write_items(TransactItems=cast("list[TransactWriteItemTypeDef]", list(writes)))
    except ClientError as error:
        failed = failed_conditions(error)
        if not failed:
            raise
        return failed
    return frozenset()


class TableStore:
    """The base of every store: the one table it owns (or reads), a DynamoDB client, and the bus its outbox items
    name. `table` defaults to `default_table()`, read from the service's settings on first use, never at import."""

    def __init__(self, table: str | None = None, client: DynamoDBClient | None = None, bus_name: str | None = None):
        self._table = table or self.default_table()
        self._client = client or dynamodb()
        self._bus = bus_name or get_settings().event_bus_name

    @classmethod
    def default_table(cls) -> str:
        """The table's name from the settings (each store says which)."""
        raise NotImplementedError(f"{cls.__name__} names no default table: pass `table`")

    @property
    def table(self) -> str:
        return self._table

    def _query_page(
        self, query: dict[str, Any], *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One page of `query` (its index, conditions and filters) on this table: at most `limit` items read from
        `start_key` (None: the first page), as plain values, and the key to go on from (None: the last page)."""
        page = {**query, "TableName": self._table, "Limit": limit}
        if start_key:
            page["ExclusiveStartKey"] = start_key
        answer = self._client.query(**page)
        return [from_item(item) for item in answer["Items"]], answer.get("LastEvaluatedKey")

    def _query_all(self, query: dict[str, Any], *, page_size: int = 1000) -> Iterator[dict[str, Any]]:
        """Every item of `query` on this table, as plain values, read `page_size` items a `_query_page`."""
        start: dict[str, Any] | None = None
        while True:
            items, start = self._query_page(query, limit=page_size, start_key=start)
            yield from items
            if start is None:
                return

    def _write_all(self, writes: Sequence[Write]) -> frozenset[int]:
        return write_all(self._client, writes)

    def _written(self, writes: Sequence[Write]) -> bool:
        """All of `writes`, or none when any condition failed (False)."""
        return not self._write_all(writes)
