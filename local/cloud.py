"""AWS on this machine: a moto server, provisioned from infra/template.yaml.

`start_moto()` runs moto in server mode on 127.0.0.1; `provision(endpoint)` creates what the template declares
(tables, the bus and its dead-letter queue, the Cognito user pool, its app client and group, the secrets) plus
the attachments bucket, and answers an `AwsInfo`: where everything is, the local secret values, and the
environment the hub's functions run with.

moto keeps its state in this process (it is shared with any `moto.mock_aws` running here): a fresh process is a
fresh cloud.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import string
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
import httpx
from moto.server import ThreadedMotoServer

from local.moto_cognito import cognito_for_browsers
from local.moto_fixes import enforce_post_policies, serialize_dynamodb_and_keep_streams
from local.template import create_tables, load_template, resources, table_name

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.literals import ExplicitAuthFlowsTypeType

#: moto accepts any credentials; these keep boto3 from looking for real ones.
LOCAL_ACCESS_KEY_ID = "local"
LOCAL_SECRET_ACCESS_KEY = "local"  # noqa: S105 - moto's dummy credentials
ATTACHMENTS_BUCKET = "hub-attachments-local"
LOCAL_BUCKETS = {"AttachmentsBucket": ATTACHMENTS_BUCKET}
"""The template's buckets the functions name, as the local cloud names them."""
META_VERIFY_TOKEN = "local-verify-token"  # noqa: S105 - the fixed verify token of the local Meta webhook

# The template's user pool and app client properties that create_user_pool / create_user_pool_client take as is.
_POOL_PROPERTIES = (
    "UsernameAttributes",
    "AutoVerifiedAttributes",
    "UsernameConfiguration",
    "UserAttributeUpdateSettings",
    "AccountRecoverySetting",
    "VerificationMessageTemplate",
    "Policies",
    "AdminCreateUserConfig",
    "Schema",
)
_CLIENT_PROPERTIES = (
    "GenerateSecret",
    "PreventUserExistenceErrors",
    "IdTokenValidity",
    "AccessTokenValidity",
    "TokenValidityUnits",
    "ReadAttributes",
    "WriteAttributes",
)
# Locally `make token` and the e2e tests also log in with a plain password; the portal signs in with SRP, as in AWS
# (the template's flows; local.moto_cognito makes moto check it).
_LOCAL_AUTH_FLOWS: list[ExplicitAuthFlowsTypeType] = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"]


@dataclass(frozen=True)
class MotoHandle:
    server: ThreadedMotoServer
    endpoint: str  # http://127.0.0.1:PORT

    def stop(self) -> None:
        self.server.stop()


def start_moto(port: int = 0) -> MotoHandle:
    """A moto server on 127.0.0.1; port 0 lets the OS pick a free port (read back once it is bound)."""
    # werkzeug logs every request at INFO; keep the runner's output to what matters.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    serialize_dynamodb_and_keep_streams()  # the gateway, the relays and the jobs call it from many threads
    enforce_post_policies({LOCAL_ACCESS_KEY_ID: LOCAL_SECRET_ACCESS_KEY})  # the portal uploads tickets' files
    cognito_for_browsers()  # the portal signs in with SRP, refreshes and revokes tokens (local.moto_cognito)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound = server.get_host_and_port()
    endpoint = f"http://{host}:{bound}"
    # moto keeps its state per process: start empty whatever an earlier server or mock_aws here left behind.
    httpx.post(f"{endpoint}/moto-api/reset", timeout=10).raise_for_status()
    return MotoHandle(server=server, endpoint=endpoint)


_clients: dict[tuple[str, str, str], Any] = {}
_clients_made = threading.Lock()


def aws_client(service: str, endpoint: str, region: str) -> Any:
    """The process's boto3 client of `service` on the local cloud at `endpoint`: made once (a client costs a session
    and its service model, a fifth of a second; the hub's relays, bus and queues and every `make token` made their
    own), under a lock since sessions are not thread-safe; a client is, so every thread shares it."""
    key = (service, endpoint, region)
    with _clients_made:
        if key not in _clients:
            session = boto3.session.Session(
                aws_access_key_id=LOCAL_ACCESS_KEY_ID,
                aws_secret_access_key=LOCAL_SECRET_ACCESS_KEY,
                region_name=region,
            )
            _clients[key] = session.client(service, endpoint_url=endpoint)  # type: ignore[call-overload]
        return _clients[key]


@dataclass(frozen=True)
class AwsInfo:
    endpoint: str
    region: str
    user_pool_id: str
    user_pool_client_id: str
    issuer: str  # the `iss` of the pool's tokens
    jwks_url: str  # the pool's JWKS, served by moto
    tables: Mapping[str, str]  # logical id → table name
    event_bus_name: str
    dead_letter_queue_url: str
    attachments_bucket: str
    secret_names: Mapping[str, str]  # template logical id (or local role) → secret name
    meta_system_user_token: str  # what the Meta sandbox expects as bearer token
    meta_app_secret: str  # signs Meta webhooks (X-Hub-Signature-256)
    meta_verify_token: str  # answers Meta's webhook verification
    stripe_secret_key: str
    stripe_webhook_secret: str  # signs Stripe webhooks (Stripe-Signature)
    secret_values: Mapping[str, str]  # template logical id (or local role) → the local value
    template_environment: Mapping[str, str]  # the template's Globals environment, resolved locally

    def client(self, service: str) -> Any:
        return aws_client(service, self.endpoint, self.region)

    def function_environment(self) -> dict[str, str]:
        """The environment of every hub function on the local cloud: the template's Globals (tables, bus, secret
        names, Powertools settings) plus the endpoint, dummy credentials and region of the local cloud."""
        return {
            **self.template_environment,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": LOCAL_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": LOCAL_SECRET_ACCESS_KEY,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_DEV": "false",
        }

    def state(self) -> dict[str, str]:
        """The entries of the runner's state file (local.state) that log-in tools need."""
        return {"aws_endpoint": self.endpoint, "region": self.region, "user_pool_client_id": self.user_pool_client_id}


class _Resolver:
    """Resolves the template's `Ref` / `Fn::Sub` to local names: parameters at their defaults (Stage = local),
    tables as local.template names them, buses and secrets by their `Name` (CloudFormation's `Ref` of a secret is
    its ARN; locally the name serves, as settings and Powertools accept either)."""

    def __init__(self, template: dict[str, Any], stack: str, region: str):
        self._template = template
        self._pseudo = {"AWS::StackName": stack, "AWS::Region": region}
        self.queue_urls: dict[str, str] = {}  # logical id → URL, filled as the queues are created
        self.user_pool_ids: dict[str, str] = {}  # logical id → pool id, filled as the pool is created
        self._parameters = {name: p.get("Default") for name, p in template["Parameters"].items()} | {"Stage": "local"}

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict) and "Ref" in value:
            return self.ref(value["Ref"])
        if isinstance(value, dict) and "Fn::Sub" in value:
            return re.sub(r"\$\{([^}]+)\}", lambda m: str(self.ref(m.group(1))), value["Fn::Sub"])
        return value

    def ref(self, name: str) -> Any:
        if name in self._pseudo:
            return self._pseudo[name]
        if name in self._parameters:
            return self._parameters[name]
        resource = self._template["Resources"][name]
        if resource["Type"] == "AWS::DynamoDB::Table":
            return table_name(name)
        if resource["Type"] in {"AWS::Events::EventBus", "AWS::SecretsManager::Secret"}:
            return self(resource["Properties"]["Name"])
        if resource["Type"] == "AWS::S3::Bucket" and name in LOCAL_BUCKETS:
            return LOCAL_BUCKETS[name]
        if resource["Type"] == "AWS::SQS::Queue" and name in self.queue_urls:
            return self.queue_urls[name]
        if resource["Type"] == "AWS::Cognito::UserPool" and name in self.user_pool_ids:
            return self.user_pool_ids[name]
        raise ValueError(f"The local cloud cannot resolve a Ref to {name} ({resource['Type']}).")


def provision(endpoint: str, region: str = "eu-central-1", stack: str = "hub") -> AwsInfo:
    """Create the template's resources on the moto server at `endpoint` (once per fresh moto).

    `stack` names the pool, its client, the secrets and the queue as CloudFormation would; tables keep the
    names local.template gives them.
    """
    template = load_template()
    resolve = _Resolver(template, stack, region)
    tables = create_tables(aws_client("dynamodb", endpoint, region), template)
    queue_arns = _queues(template, resolve, aws_client("sqs", endpoint, region), stack)
    bus_name, queue_url = _event_bus(template, resolve, queue_arns, endpoint, region)
    pool_id, client_id = _user_pool(template, resolve, aws_client("cognito-idp", endpoint, region))
    secret_names, values = _secrets(template, resolve, stack)
    secretsmanager = aws_client("secretsmanager", endpoint, region)
    for key, name in secret_names.items():
        secretsmanager.create_secret(Name=name, SecretString=values[key])
    aws_client("s3", endpoint, region).create_bucket(
        Bucket=ATTACHMENTS_BUCKET, CreateBucketConfiguration={"LocationConstraint": region}
    )
    ses = aws_client("sesv2", endpoint, region)
    for identity in resources("AWS::SES::EmailIdentity", template).values():
        ses.create_email_identity(EmailIdentity=str(resolve(identity["Properties"]["EmailIdentity"])))
    variables = {**template["Globals"]["Function"]["Environment"]["Variables"], **_function_variables(template)}
    return AwsInfo(
        endpoint=endpoint,
        region=region,
        user_pool_id=pool_id,
        user_pool_client_id=client_id,
        issuer=f"https://cognito-idp.{region}.amazonaws.com/{pool_id}",
        jwks_url=f"{endpoint}/{pool_id}/.well-known/jwks.json",
        tables=tables,
        event_bus_name=bus_name,
        dead_letter_queue_url=queue_url,
        attachments_bucket=ATTACHMENTS_BUCKET,
        secret_names=secret_names,
        meta_system_user_token=values["MetaSystemUserTokenSecret"],
        meta_app_secret=values["MetaAppSecret"],
        meta_verify_token=values["MetaVerifyTokenSecret"],
        stripe_secret_key=values["StripeSecretKey"],
        stripe_webhook_secret=values["StripeWebhookSecret"],
        secret_values=values,
        template_environment={env: str(resolve(value)) for env, value in variables.items()},
    )


def _queues(template: dict[str, Any], resolve: _Resolver, sqs: Any, stack: str) -> dict[str, str]:
    """Every SQS queue of the template, with its attributes (a RedrivePolicy's `!GetAtt Dlq.Arn` resolved, so
    dead-letter queues come first); answers logical id → ARN."""
    queues = resources("AWS::SQS::Queue", template)
    redrives = sorted(queues, key=lambda q: "RedrivePolicy" in queues[q].get("Properties", {}))
    arns: dict[str, str] = {}
    for logical_id in redrives:
        attributes = {
            key: _queue_attribute(value, arns) for key, value in queues[logical_id].get("Properties", {}).items()
        }
        name = f"{stack}-" + re.sub(r"(?<!^)(?=[A-Z])", "-", logical_id).lower()
        url: str = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        resolve.queue_urls[logical_id] = url
        arns[logical_id] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return arns


def _queue_attribute(value: Any, arns: dict[str, str]) -> str:
    """An SQS attribute as the API takes it: booleans in lower case, a policy as JSON with its queue ARNs."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return json.dumps(
            {k: arns[v["Fn::GetAtt"][0]] if isinstance(v, dict) and "Fn::GetAtt" in v else v for k, v in value.items()}
        )
    return str(value)


def _event_bus(
    template: dict[str, Any], resolve: _Resolver, queue_arns: dict[str, str], endpoint: str, region: str
) -> tuple[str, str]:
    """The bus, with its dead-letter queue; answers (bus name, that queue's URL)."""
    (bus,) = resources("AWS::Events::EventBus", template).values()
    queue = bus["Properties"]["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
    name = str(resolve(bus["Properties"]["Name"]))
    aws_client("events", endpoint, region).create_event_bus(Name=name, DeadLetterConfig={"Arn": queue_arns[queue]})
    return name, resolve.queue_urls[queue]


def _function_variables(template: dict[str, Any]) -> dict[str, Any]:
    """Functions' own environment variables that hold the same value wherever they are set (the local hub runs
    every function in one process); those that differ per function, like POWERTOOLS_SERVICE_NAME, are left out."""
    seen: dict[str, list[Any]] = {}
    for function in resources("AWS::Serverless::Function", template).values():
        for name, value in function["Properties"].get("Environment", {}).get("Variables", {}).items():
            seen.setdefault(name, []).append(value)
    return {name: values[0] for name, values in seen.items() if all(v == values[0] for v in values)}


def create_user_pool(cognito: CognitoIdentityProviderClient, region: str, stack: str = "hub") -> tuple[str, str]:
    """The template's user pool with its app client and groups, alone (tests of the e-mail change); answers (pool id,
    app client id)."""
    template = load_template()
    return _user_pool(template, _Resolver(template, stack, region), cognito)


def _user_pool(template: dict[str, Any], resolve: _Resolver, cognito: CognitoIdentityProviderClient) -> tuple[str, str]:
    """The user pool, its app client and its groups; answers (pool id, app client id)."""
    ((logical_id, pool),) = resources("AWS::Cognito::UserPool", template).items()
    props = pool["Properties"]
    pool_id = cognito.create_user_pool(
        PoolName=resolve(props["UserPoolName"]), **{key: props[key] for key in _POOL_PROPERTIES if key in props}
    )["UserPool"]["Id"]
    resolve.user_pool_ids[logical_id] = pool_id
    (app,) = resources("AWS::Cognito::UserPoolClient", template).values()
    props = app["Properties"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=resolve(props["ClientName"]),
        ExplicitAuthFlows=[*props["ExplicitAuthFlows"], *_LOCAL_AUTH_FLOWS],
        **{key: props[key] for key in _CLIENT_PROPERTIES if key in props},
    )["UserPoolClient"]["ClientId"]
    for group in resources("AWS::Cognito::UserPoolGroup", template).values():
        cognito.create_group(
            UserPoolId=pool_id,
            GroupName=group["Properties"]["GroupName"],
            Description=group["Properties"]["Description"],
        )
    return pool_id, client_id


def _secrets(template: dict[str, Any], resolve: _Resolver, stack: str) -> tuple[dict[str, str], dict[str, str]]:
    """Every secret the template declares, named as it names them, with local values (random where it is a key;
    Stripe's shaped like Stripe's test keys); answers (key → name, key → value)."""
    names: dict[str, str] = {}
    values: dict[str, str] = {}
    for logical_id, secret in resources("AWS::SecretsManager::Secret", template).items():
        props = secret["Properties"]
        names[logical_id] = str(resolve(props["Name"]))
        generate = props.get("GenerateSecretString")
        if generate:
            alphabet = string.ascii_letters + string.digits
            if not generate.get("ExcludePunctuation"):
                alphabet += string.punctuation
            values[logical_id] = "".join(secrets.choice(alphabet) for _ in range(int(generate["PasswordLength"])))
        else:
            values[logical_id] = f"local-{secrets.token_urlsafe(32)}"
    values["MetaVerifyTokenSecret"] = META_VERIFY_TOKEN  # a known value, so the handshake can be tried by hand
    values |= {
        "StripeSecretKey": f"sk_test_local{secrets.token_hex(16)}",
        "StripeWebhookSecret": f"whsec_local{secrets.token_hex(16)}",
    }
    return names, values
