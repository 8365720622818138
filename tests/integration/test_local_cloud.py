"""The local cloud: a real moto server provisioned from infra/template.yaml, seeded with the demo story."""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError

from hub_numbers.models.numbers import AccountStatus
from hub_numbers.store.numbers import NumbersStore
from hub_shared.accounts import AccountsReader
from hub_shared.auth import principal_from_claims
from hub_shared.secrets import get_secret
from hub_shared.settings import get_settings
from hub_shared.singletons import reset_all
from local import story
from local.cloud import AwsInfo, provision, start_moto
from local.seed import end_of_month, seed
from local.state import save_state
from local.template import load_template, resources, table_environment, table_name
from local.tokens import id_token_for, main

NOW = datetime(2026, 2, 10, 8, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def cloud() -> Iterator[AwsInfo]:
    moto = start_moto()
    try:
        info = provision(moto.endpoint)
        seed(info, NOW)
        yield info
    finally:
        moto.stop()


def scan(info: AwsInfo, logical_id: str) -> list[dict[str, Any]]:
    items = info.client("dynamodb").scan(TableName=info.tables[logical_id])["Items"]
    return sorted(items, key=lambda item: (item["pk"]["S"], item["sk"]["S"]))


def users(info: AwsInfo) -> list[tuple[str, list[dict[str, str]]]]:
    listed = info.client("cognito-idp").list_users(UserPoolId=info.user_pool_id)["Users"]
    return sorted((user["Username"], sorted(user["Attributes"], key=lambda a: a["Name"])) for user in listed)


def verified_claims(info: AwsInfo, token: str) -> dict[str, Any]:
    key = jwt.PyJWKClient(info.jwks_url).get_signing_key_from_jwt(token)
    claims: dict[str, Any] = jwt.decode(
        token, key.key, algorithms=["RS256"], audience=info.user_pool_client_id, issuer=info.issuer
    )
    return claims


def test_provisioning_creates_every_template_table_with_its_indexes_streams_and_ttl(cloud: AwsInfo) -> None:
    dynamodb = cloud.client("dynamodb")
    tables = resources("AWS::DynamoDB::Table")
    assert cloud.tables == {logical_id: table_name(logical_id) for logical_id in tables}
    for logical_id, resource in tables.items():
        props = resource["Properties"]
        described = dynamodb.describe_table(TableName=cloud.tables[logical_id])["Table"]
        assert described["KeySchema"] == props["KeySchema"]
        indexes = {index["IndexName"]: index for index in described.get("GlobalSecondaryIndexes", [])}
        for index in props.get("GlobalSecondaryIndexes", []):
            assert indexes[index["IndexName"]]["KeySchema"] == index["KeySchema"]
            assert indexes[index["IndexName"]]["Projection"]["ProjectionType"] == index["Projection"]["ProjectionType"]
        assert set(indexes) == {index["IndexName"] for index in props.get("GlobalSecondaryIndexes", [])}
        if "StreamSpecification" in props:
            assert described["StreamSpecification"]["StreamViewType"] == props["StreamSpecification"]["StreamViewType"]
        if "TimeToLiveSpecification" in props:
            ttl = dynamodb.describe_time_to_live(TableName=cloud.tables[logical_id])["TimeToLiveDescription"]
            assert (ttl["AttributeName"], ttl["TimeToLiveStatus"]) == (
                props["TimeToLiveSpecification"]["AttributeName"],
                "ENABLED",
            )


def test_provisioning_creates_the_bus_with_its_dead_letter_queue_and_the_attachments_bucket(cloud: AwsInfo) -> None:
    bus = cloud.client("events").describe_event_bus(Name="hub")
    queue_arn = cloud.client("sqs").get_queue_attributes(
        QueueUrl=cloud.dead_letter_queue_url, AttributeNames=["QueueArn", "MessageRetentionPeriod"]
    )["Attributes"]
    assert cloud.event_bus_name == load_template()["Parameters"]["EventBusName"]["Default"] == "hub"
    assert bus["DeadLetterConfig"]["Arn"] == queue_arn["QueueArn"]
    assert queue_arn["MessageRetentionPeriod"] == "1209600"
    cloud.client("s3").head_bucket(Bucket=cloud.attachments_bucket)


def test_provisioning_builds_the_user_pool_its_client_and_the_support_group_from_the_template(cloud: AwsInfo) -> None:
    cognito = cloud.client("cognito-idp")
    pool = cognito.describe_user_pool(UserPoolId=cloud.user_pool_id)["UserPool"]
    app = cognito.describe_user_pool_client(UserPoolId=cloud.user_pool_id, ClientId=cloud.user_pool_client_id)
    template_flows = resources("AWS::Cognito::UserPoolClient")["UserPoolClient"]["Properties"]["ExplicitAuthFlows"]
    assert pool["Name"] == "hub-users"
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert {"custom:client_id", "custom:partner_id"} <= {attribute["Name"] for attribute in pool["SchemaAttributes"]}
    assert set(app["UserPoolClient"]["ExplicitAuthFlows"]) == {
        *template_flows,
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    }
    assert cognito.get_group(UserPoolId=cloud.user_pool_id, GroupName="support")["Group"]["GroupName"] == "support"


def test_provisioning_stores_the_secrets_under_the_names_the_template_gives_them(cloud: AwsInfo) -> None:
    secretsmanager = cloud.client("secretsmanager")
    stored = {
        name: secretsmanager.get_secret_value(SecretId=name)["SecretString"] for name in cloud.secret_names.values()
    }
    assert set(stored) == {
        "hub/meta/system-user-token",
        "hub/cursor-signing-key",
        "hub/meta/app-secret",
        "hub/meta/verify-token",
        "hub/getchat/api-key",
        "hub/stripe/secret-key",
        "hub/stripe/webhook-secret",
    }
    cursor_key = stored["hub/cursor-signing-key"]
    assert len(cursor_key) == 48
    assert set(cursor_key) <= set(string.ascii_letters + string.digits)
    assert stored["hub/meta/app-secret"] == cloud.meta_app_secret
    assert stored["hub/meta/system-user-token"] == cloud.meta_system_user_token
    assert stored["hub/stripe/webhook-secret"] == cloud.stripe_webhook_secret
    assert stored["hub/stripe/webhook-secret"].startswith("whsec_")
    assert {name: stored[secret] for name, secret in cloud.secret_names.items()} == cloud.secret_values


def test_the_function_environment_lets_the_shared_code_reach_the_local_cloud(
    cloud: AwsInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = cloud.function_environment()
    assert table_environment().items() <= environment.items()
    assert environment["STAGE"] == "local"
    assert environment["AWS_ENDPOINT_URL"] == cloud.endpoint
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    reset_all()
    try:
        settings = get_settings()
        assert (settings.stage, settings.event_bus_name, settings.aws_endpoint_url) == ("local", "hub", cloud.endpoint)
        assert len(get_secret(settings.cursor_secret)) == 48
        assert get_secret(settings.graph_token_secret) == cloud.meta_system_user_token
        assert AccountsReader().grants_of_partner("bluewave").keys() == {"globex", "initech"}
    finally:
        reset_all()


def test_seeding_twice_leaves_the_cloud_as_seeding_once(cloud: AwsInfo) -> None:
    before = (scan(cloud, "AccountsTable"), scan(cloud, "NumbersTable"), users(cloud))
    report = seed(cloud, NOW)
    assert (scan(cloud, "AccountsTable"), scan(cloud, "NumbersTable"), users(cloud)) == before
    assert (report.clients, report.grants, report.numbers) == (3, 1, len(story.NUMBERS))
    assert len(before[2]) == len(story.USERS)
    assert verified_claims(cloud, id_token_for(cloud, "sam@hub.example"))["cognito:groups"] == ["support"]


@pytest.mark.parametrize("user", story.USERS, ids=lambda user: user.email)
def test_every_demo_user_logs_in_to_a_signed_id_token_naming_their_tenant(cloud: AwsInfo, user: story.User) -> None:
    claims = verified_claims(cloud, id_token_for(cloud, user.email, user.password))
    assert claims["token_use"] == "id"
    assert claims["email"] == user.email
    assert claims["sub"]
    assert claims["exp"] > claims["iat"]
    assert claims.get("custom:client_id") == user.client_id
    assert claims.get("custom:partner_id") == user.partner_id
    assert claims.get("cognito:groups", []) == list(user.groups)
    principal = principal_from_claims(claims)
    assert (principal.role, principal.client_id, principal.partner_id) == (user.role, user.client_id, user.partner_id)


def test_a_wrong_password_is_refused(cloud: AwsInfo) -> None:
    with pytest.raises(ClientError) as refused:
        id_token_for(cloud, "anna@acme.example", "Not-the-password-1")
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_acme_numbers_are_stored_with_the_cancelled_one_due_at_the_end_of_the_month(cloud: AwsInfo) -> None:
    store = NumbersStore(cloud.tables["NumbersTable"], cloud.client("dynamodb"))
    numbers, more = store.page(client_id="acme", status=None, limit=50, start_key=None)
    by_id = {number.number_id: number for number in numbers}
    assert more is None
    assert set(by_id) == {phone.number_id for phone in story.NUMBERS if phone.client_id == "acme"}
    assert {number.account_status for number in numbers} == set(AccountStatus)
    cancelled = by_id[story.CANCELLED_NUMBER]
    assert cancelled.account_status is AccountStatus.PENDING_DELETION
    assert cancelled.deletion_at == datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=UTC)
    (deleted,) = (number for number in numbers if number.account_status is AccountStatus.DELETED)
    assert deleted.deletion_at == datetime(2026, 1, 31, 23, 59, 59, 999999, tzinfo=UTC)
    stored = cloud.client("dynamodb").get_item(
        TableName=cloud.tables["NumbersTable"],
        Key={"pk": {"S": f"NUMBER#{story.CANCELLED_NUMBER}"}, "sk": {"S": "NUMBER"}},
    )
    assert stored["Item"]["deletion_at"] == {"S": "2026-02-28T23:59:59.999999Z"}


@pytest.mark.parametrize(
    ("now", "last_instant"),
    [
        (datetime(2026, 11, 20, 12, tzinfo=UTC), datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC)),
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        (datetime(2028, 2, 1, tzinfo=UTC), datetime(2028, 2, 29, 23, 59, 59, 999999, tzinfo=UTC)),
    ],
)
def test_the_end_of_the_month_is_its_last_instant_in_utc(now: datetime, last_instant: datetime) -> None:
    assert end_of_month(now) == last_instant


def test_the_accounts_reader_sees_the_seeded_clients_and_globex_grant_for_bluewave(cloud: AwsInfo) -> None:
    reader = AccountsReader(cloud.tables["AccountsTable"], cloud.client("dynamodb"))
    (grant,) = (grant for grant in story.GRANTS if grant.client_id == "globex")
    assert reader.grants_of_partner("bluewave") == {"globex": frozenset(grant.scopes), "initech": frozenset()}
    assert reader.scopes("bluewave", "initech") == frozenset()
    accounts = reader.clients(client.client_id for client in story.CLIENTS)
    assert {client_id: account.partner_id for client_id, account in accounts.items()} == {
        "acme": None,
        "globex": "bluewave",
        "initech": "bluewave",
    }
    assert accounts["acme"].prepaid


def test_the_tokens_cli_prints_only_the_id_token_of_the_user_named(
    cloud: AwsInfo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "hub.json"
    save_state({**cloud.state(), "api_url": "http://127.0.0.1:1"}, state)
    assert json.loads(state.read_text())["aws_endpoint"] == cloud.endpoint
    main(["gary@globex.example", "--state", str(state)])
    token = capsys.readouterr().out.strip()
    assert verified_claims(cloud, token)["custom:client_id"] == "globex"


def test_the_tokens_cli_explains_a_refused_login_and_a_hub_that_is_not_running(cloud: AwsInfo, tmp_path: Path) -> None:
    state = tmp_path / "hub.json"
    with pytest.raises(SystemExit, match="make run"):
        main(["anna@acme.example", "--state", str(state)])
    save_state(cloud.state(), state)
    with pytest.raises(SystemExit, match="cannot log in"):
        main(["anna@acme.example", "--password", "Wrong-password-1", "--state", str(state)])
