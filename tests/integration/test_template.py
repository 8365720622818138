"""infra/template.yaml is valid, transforms offline, and agrees with the code it deploys."""

from __future__ import annotations

import copy
import importlib
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from unittest import mock

import boto3
import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from moto import mock_aws
from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
from samtranslator.translator.transform import transform

from hub_billing.settings import BillingSettings
from hub_numbers.settings import NumbersSettings
from hub_shared.settings import Settings
from hub_webhooks.settings import WebhooksSettings
from local.portal import portal_config
from local.template import (
    ROOT,
    TEMPLATE,
    create_tables,
    function_handlers,
    http_routes,
    load_template,
    resources,
    table_environment,
    table_name,
)

REGION = "eu-central-1"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# What each function may do in DynamoDB; a function not listed here has no DynamoDB access at all.
READ, WRITE = "read", "write"
TABLE_ACCESS: dict[str, dict[str, str]] = {
    "NumbersFunction": {"NumbersTable": WRITE, "AccountsTable": READ, "IdempotencyTable": WRITE},
    "NumbersDeletionJobFunction": {"NumbersTable": WRITE},
    "NumbersDisplayNamePollingFunction": {"NumbersTable": WRITE},
    "BillingNumberEventsFunction": {"BillingTable": WRITE, "AccountsTable": READ},
    "BillingFunction": {"BillingTable": WRITE, "AccountsTable": READ, "IdempotencyTable": WRITE},
    "BillingStripeWebhookFunction": {"BillingTable": WRITE},
    "BillingUsageJobFunction": {"BillingTable": WRITE, "AccountsTable": READ, "WabaTable": READ},  # WABA registry
    "BillingOutboxFunction": {"BillingTable": READ},  # its stream only
    "NumbersMetaEventsFunction": {"NumbersTable": WRITE},
    "NumbersOutboxFunction": {"NumbersTable": READ},  # its stream only
    "AccountsFunction": {"AccountsTable": WRITE},
    "AccountsActivityFunction": {"AccountsTable": WRITE},
    "AccountsPartnerChangeFunction": {"AccountsTable": WRITE},
    "AccountsOutboxFunction": {"AccountsTable": READ},  # its stream only
    "WabaFunction": {"WabaTable": WRITE, "AccountsTable": READ},
    "WabaNumberEventsFunction": {"WabaTable": WRITE},
    "WabaMetaEventsFunction": {"WabaTable": WRITE},
    "WabaOutboxFunction": {"WabaTable": READ},  # its stream only
    "TemplatesFunction": {"TemplatesTable": WRITE, "WabaTable": READ, "AccountsTable": READ},  # WABA registry
    "TemplatesMetaEventsFunction": {"TemplatesTable": WRITE, "WabaTable": READ},
    "TemplatesNumberEventsFunction": {"TemplatesTable": WRITE},
    "TemplatesSyncJobFunction": {"TemplatesTable": WRITE, "WabaTable": READ},
    "TemplatesOutboxFunction": {"TemplatesTable": READ},  # its stream only
    "SupportFunction": {"SupportTable": WRITE, "AccountsTable": READ, "WabaTable": READ},  # client, number owner
    "SupportRequestsFunction": {"SupportTable": WRITE},
    "SupportOutboxFunction": {"SupportTable": READ},  # its stream only
    "WebhooksFunction": {"WebhookChangesTable": WRITE},
    "WebhooksRelayFunction": {"WebhookChangesTable": READ},  # its stream only
}
DYNAMODB_READ_ACTIONS = frozenset(
    f"dynamodb:{action}"
    for action in (
        "GetItem",
        "BatchGetItem",
        "Query",
        "Scan",
        "DescribeTable",
        "ConditionCheckItem",
        "PartiQLSelect",
        "DescribeStream",
        "GetRecords",
        "GetShardIterator",
        "ListStreams",
    )
)
# Table owners (`Metadata.Owner`) besides the services: `shared` is the layer's infrastructure (Powertools
# idempotency records), written by any service's functions only with these item actions.
SHARED_OWNER = "shared"
POWERTOOLS_IDEMPOTENCY_ACTIONS = frozenset(
    f"dynamodb:{action}" for action in ("GetItem", "PutItem", "UpdateItem", "DeleteItem")
)
# Wildcard actions allowed, and why: each expands to a fixed, small set of actions.
ALLOWED_WILDCARD_ACTIONS = {"sqs:SendMessage*": "SAM's SQSSendMessagePolicy: SendMessage and SendMessageBatch"}
# Wildcards allowed inside resource ARNs, and why; any other `*` or `?` in a resource fails.
ALLOWED_WILDCARD_RESOURCES = {
    re.compile(
        r"^arn:\$\{AWS::Partition\}:dynamodb:\$\{AWS::Region\}:\$\{AWS::AccountId\}:table/\$\{tableName\}/index/\*$"
    ): "the indexes of the one table the statement names (SAM's DynamoDB policy templates)",
    re.compile(
        r"^arn:\$\{AWS::Partition\}:secretsmanager:\$\{AWS::Region\}:\$\{AWS::AccountId\}:secret:"
        r"\$\{AWS::StackName\}/(business-tokens|number-pins)/\*$"
    ): "secrets the hub creates at run time (one per WABA, one per number) under their own prefix",
    re.compile(r"^\$\{AttachmentsBucket\.Arn\}/tickets/\*$"): "tickets' files, one object per file, under their prefix",
}
# AWS-managed policies a function role may carry (their documents cannot be inspected offline).
MANAGED_POLICIES = frozenset({"service-role/AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess"})
# Actions that AWS only grants on Resource "*".
STAR_RESOURCE_ACTIONS = re.compile(r"^(xray:[A-Za-z]+|cloudwatch:PutMetricData)$")

NUMBERS_GSIS = ("ByClient", "ByWaba", "ByDisplayPhone", "AllNumbers", "DueForDeletion", "PendingDisplayName")

# Settings fields that name a resource of the template, by suffix, and the resource type they must name.
SETTINGS_RESOURCES = {
    "_table": "AWS::DynamoDB::Table",
    "_bus_name": "AWS::Events::EventBus",
    "_secret": "AWS::SecretsManager::Secret",
}


def _packaged(template: dict[str, Any]) -> dict[str, Any]:
    """A copy of the template with code locations on S3, as `sam package` leaves it."""
    packaged = copy.deepcopy(template)
    for logical_id, resource in packaged["Resources"].items():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if key in props:
                props[key] = f"s3://artifacts/{logical_id}.zip"
    return packaged


def _transformed(template: dict[str, Any]) -> dict[str, Any]:
    """`template` (packaged) after the SAM transform, run offline: no AWS call, managed policies not looked up."""
    loader = mock.create_autospec(ManagedPolicyLoader, instance=True)
    loader.load.return_value = {}
    with (
        mock.patch.dict(os.environ, {"AWS_DEFAULT_REGION": REGION}),
        mock.patch("boto3.session.Session.client", side_effect=AssertionError("the transform called AWS")),
    ):
        transformed: dict[str, Any] = transform(template, {}, loader)
    return transformed


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    """The template after the SAM transform."""
    return _transformed(_packaged(load_template()))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(cfn: dict[str, Any], role: str) -> list[dict[str, Any]]:
    policies = cfn["Resources"][role]["Properties"].get("Policies", [])
    return [s for policy in policies for s in _as_list(policy["PolicyDocument"]["Statement"])]


def _function_roles(cfn: dict[str, Any]) -> dict[str, str]:
    """Function logical id → the logical id of its execution role."""
    return {
        name: fn["Properties"]["Role"]["Fn::GetAtt"][0] for name, fn in resources("AWS::Lambda::Function", cfn).items()
    }


def _references(expression: Any) -> set[str]:
    """Logical ids an intrinsic expression refers to (Ref, GetAtt, ${Name} in Sub; pseudo parameters left out)."""
    found: set[str] = set()
    if isinstance(expression, list):
        for value in expression:
            found |= _references(value)
    elif isinstance(expression, dict):
        for key, value in expression.items():
            if key == "Ref":
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else value.split(".")[0])
            elif key == "Fn::Sub":
                text, variables = (value[0], value[1]) if isinstance(value, list) else (value, {})
                found |= {name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text) if name not in variables}
                found |= _references(variables)
            else:
                found |= _references(value)
    return {name for name in found if not name.startswith("AWS::")}


# ---------------------------------------------------------------- the template as a whole


def test_sam_transform_yields_the_functions_api_tables_and_bus(cfn: dict[str, Any]) -> None:
    kinds = {name: r["Type"] for name, r in cfn["Resources"].items()}
    for function in function_handlers():
        assert kinds.get(function) == "AWS::Lambda::Function"
    for table in resources("AWS::DynamoDB::Table"):
        assert kinds.get(table) == "AWS::DynamoDB::Table"
    assert kinds.get("HubBus") == "AWS::Events::EventBus"
    assert kinds.get("HubApi") == "AWS::ApiGatewayV2::Api"
    assert "Transform" not in cfn


def test_http_api_has_the_cognito_jwt_authorizer(cfn: dict[str, Any]) -> None:
    schemes = cfn["Resources"]["HubApi"]["Properties"]["Body"]["components"]["securitySchemes"]
    authorizer = schemes["CognitoJwt"]["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "jwt"
    assert authorizer["identitySource"] == "$request.header.Authorization"
    assert _references(authorizer["jwtConfiguration"]["issuer"]) == {"UserPool"}
    assert _references(authorizer["jwtConfiguration"]["audience"]) == {"UserPoolClient"}


def test_every_declared_route_is_on_the_hub_api_guarded_as_declared(cfn: dict[str, Any]) -> None:
    paths = cfn["Resources"]["HubApi"]["Properties"]["Body"]["paths"]
    # SAM writes a public route (`Authorizer: NONE`) as `security: [{"NONE": []}]`.
    security = {
        (method.upper(), path): operation.get("security")
        for path, item in paths.items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }
    expected: dict[tuple[str, str], list[dict[str, list[str]]]] = {
        (r.method, r.path): [{"CognitoJwt": []}] if r.authorized else [{"NONE": []}] for r in http_routes()
    }
    assert security == expected


# ---------------------------------------------------------------- template ⇄ code


def _resolver(handler: str) -> APIGatewayHttpResolver | None:
    """The HTTP resolver of a function's module; None for event, stream and job handlers."""
    module = importlib.import_module(handler.rsplit(".", 1)[0])
    app: APIGatewayHttpResolver | None = getattr(module, "app", None)
    return app if isinstance(app, APIGatewayHttpResolver) else None


@pytest.mark.parametrize("function", sorted(function_handlers()))
def test_template_routes_are_exactly_the_code_routes(function: str) -> None:
    resolver = _resolver(function_handlers()[function])
    schema = resolver.get_openapi_schema() if resolver else None
    in_code = {
        (method.upper(), path)
        for path, item in ((schema.paths if schema else None) or {}).items()
        for method in HTTP_METHODS
        if getattr(item, method) is not None
    }
    in_template = {(route.method, route.path) for route in http_routes() if route.function == function}
    assert in_template == in_code


@pytest.mark.parametrize("function", sorted(function_handlers()))
def test_function_handler_module_lives_in_its_code_uri(function: str) -> None:
    props = load_template()["Resources"][function]["Properties"]
    module, attribute = props["Handler"].rsplit(".", 1)
    code_root = (TEMPLATE.parent / props["CodeUri"]).resolve()
    assert (code_root / Path(*module.split("."))).with_suffix(".py").is_file()
    assert callable(getattr(importlib.import_module(module), attribute))


def test_functions_take_runtime_architecture_and_layer_from_globals() -> None:
    template = load_template()
    globals_ = template["Globals"]["Function"]
    assert globals_["Runtime"] == "python3.12"
    assert globals_["Architectures"] == ["arm64"]
    assert globals_["Layers"] == [{"Ref": "SharedLayer"}]
    for fn in resources("AWS::Serverless::Function", template).values():
        assert {"Runtime", "Architectures", "Layers"}.isdisjoint(fn["Properties"])


def test_every_deployed_function_has_the_shared_layer_python312_arm64(cfn: dict[str, Any]) -> None:
    (layer,) = resources("AWS::Lambda::LayerVersion", cfn)
    functions = resources("AWS::Lambda::Function", cfn)
    assert set(functions) == set(function_handlers())
    for fn in functions.values():
        props = fn["Properties"]
        assert props["Runtime"] == "python3.12"
        assert props["Architectures"] == ["arm64"]
        assert props["Layers"] == [{"Ref": layer}]


# ---------------------------------------------------------------- the build, versions, SnapStart

ALIAS = "live"
# Where a function may be named itself instead of through its alias: its versions, the alias, and the alias's
# asynchronous invocation settings (an EventInvokeConfig qualified with the alias).
NAMING_THE_FUNCTION = frozenset({"AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::Lambda::EventInvokeConfig"})
# The kinds of resource that invoke (or let invoke) a function in this template: each must name the alias.
CALLERS = frozenset(
    {
        "AWS::ApiGatewayV2::Api",  # the HTTP API's integrations
        "AWS::Lambda::Permission",  # API Gateway's and EventBridge rules' right to invoke
        "AWS::Lambda::EventSourceMapping",  # streams and queues
        "AWS::Events::Rule",  # the hub bus's rules
        "AWS::Scheduler::Schedule",  # the jobs
        "AWS::IAM::Role",  # the schedules' roles (lambda:InvokeFunction)
    }
)


def _clean_make_environment(**extra: str) -> dict[str, str]:
    """The environment for a make of our own: not the flags of a make this test may run under (`make test`)."""
    return {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}} | extra


def test_the_layer_and_every_function_are_built_by_their_makefiles() -> None:
    template = load_template()
    built = resources("AWS::Serverless::Function", template) | resources("AWS::Serverless::LayerVersion", template)

    assert {name: r.get("Metadata", {}).get("BuildMethod") for name, r in built.items()} == dict.fromkeys(
        built, "makefile"
    )


@pytest.mark.parametrize("resource", [*sorted(function_handlers()), "SharedLayer"])
def test_each_build_target_runs_the_packaging_tool(resource: str, tmp_path: Path) -> None:
    """sam build runs `make --makefile <CodeUri>/Makefile build-<LogicalId>` in a scratch folder, ARTIFACTS_DIR set:
    the target exists and packages the function's service (or the layer) with tools/package.py."""
    props = load_template()["Resources"][resource]["Properties"]
    folder = (TEMPLATE.parent / (props.get("CodeUri") or props["ContentUri"])).resolve()
    artifacts = tmp_path / "artifacts"
    done = subprocess.run(  # noqa: S603 - make, with the template's own names
        ["make", "--dry-run", "--makefile", str(folder / "Makefile"), f"build-{resource}"],  # noqa: S607 - make
        cwd=tmp_path,
        env=_clean_make_environment(ARTIFACTS_DIR=str(artifacts)),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    packaged = "layer" if "ContentUri" in props else f"function {folder.name}"
    assert f'-m tools.package {packaged} --artifacts "{artifacts}"' in done.stdout


def test_every_function_runs_published_versions_behind_one_alias_with_snapstart(cfn: dict[str, Any]) -> None:
    template = load_template()
    globals_ = template["Globals"]["Function"]
    snapstart = {"ApplyOn": {"Fn::If": ["SnapStartEnabled", "PublishedVersions", "None"]}}
    functions = resources("AWS::Lambda::Function", cfn)
    versions = {
        v["Properties"]["FunctionName"]["Ref"]: (n, v) for n, v in resources("AWS::Lambda::Version", cfn).items()
    }

    assert (globals_["AutoPublishAlias"], globals_["SnapStart"], globals_["VersionDeletionPolicy"]) == (
        ALIAS,
        snapstart,
        "Delete",
    )
    assert template["Conditions"]["SnapStartEnabled"] == {"Fn::Equals": [{"Ref": "SnapStart"}, "Enabled"]}
    assert template["Parameters"]["SnapStart"]["AllowedValues"] == ["Enabled", "Disabled"]
    # a version is published when any property of a function changes (AllProperties, which SAM's schema allows on
    # functions only) or the layer does: SAM's default hashes the code, environment and memory only, so a new layer
    # alone, or SnapStart switched in the template, would never reach the alias
    assert {
        n: f["Properties"].get("AutoPublishAliasAllProperties")
        for n, f in resources("AWS::Serverless::Function").items()
    } == dict.fromkeys(function_handlers(), True)
    assert resources("AWS::Serverless::LayerVersion")["SharedLayer"]["Properties"]["PublishLambdaVersion"] is True
    assert set(versions) == set(functions)
    for function, resource in functions.items():
        version, version_resource = versions[function]
        alias = cfn["Resources"][f"{function}Alias{ALIAS}"]
        assert resource["Properties"]["SnapStart"] == snapstart
        assert version_resource["DeletionPolicy"] == "Delete"  # its snapshot goes with it
        assert alias["Properties"]["Name"] == ALIAS
        assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version, "Version"]}


def _invocations(cfn: dict[str, Any]) -> tuple[list[str], dict[str, int]]:
    """The resources naming a function itself where they should name its alias, and how many resources of each kind
    name an alias."""
    functions = set(resources("AWS::Lambda::Function", cfn))
    aliases = {f"{function}Alias{ALIAS}" for function in functions}
    bare: list[str] = []
    callers: dict[str, int] = {}
    for name, resource in cfn["Resources"].items():
        kind, props = resource["Type"], resource.get("Properties", {})
        named = _references(props)
        qualified = kind != "AWS::Lambda::EventInvokeConfig" or props.get("Qualifier") == ALIAS
        bare += [
            f"{name} ({kind}) names {function}"
            for function in sorted(named & functions - {name})
            if kind not in NAMING_THE_FUNCTION or not qualified
        ]
        if named & aliases:
            callers[kind] = callers.get(kind, 0) + 1
    return bare, callers


def test_nothing_invokes_a_function_but_through_its_alias(cfn: dict[str, Any]) -> None:
    """SnapStart applies to published versions only: a route, rule, schedule, event source or permission naming the
    function itself would invoke $LATEST, initialised from scratch at every cold start."""
    bare, callers = _invocations(cfn)

    assert bare == []
    assert set(callers) >= CALLERS, sorted(callers)
    assert callers["AWS::Lambda::EventSourceMapping"] == len(resources("AWS::Lambda::EventSourceMapping", cfn))


def test_an_event_source_naming_the_function_itself_is_reported() -> None:
    template = copy.deepcopy(load_template())
    template["Resources"]["NumbersOutboxStream"]["Properties"]["FunctionName"] = {"Ref": "NumbersOutboxFunction"}
    config = template["Resources"]["NumbersMetaEventsFunction"]["Properties"]
    config["AutoPublishAlias"] = ""  # no alias: its rule, permission and invoke settings name $LATEST

    bare, _ = _invocations(_transformed(_packaged(template)))

    assert "NumbersOutboxStream (AWS::Lambda::EventSourceMapping) names NumbersOutboxFunction" in bare
    assert {line.split(" ", 1)[1] for line in bare if "NumbersMetaEventsFunction" in line} >= {
        "(AWS::Events::Rule) names NumbersMetaEventsFunction",
        "(AWS::Lambda::Permission) names NumbersMetaEventsFunction",
        "(AWS::Lambda::EventInvokeConfig) names NumbersMetaEventsFunction",
    }


def test_a_new_layer_alone_publishes_a_new_version_of_every_function() -> None:
    """A change of shared/ only (a new layer, the functions' code unchanged) reaches every alias."""
    template = _packaged(load_template())
    template["Resources"] = {  # the layer and the functions suffice, and transform in a fraction of the time
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] in {"AWS::Serverless::Function", "AWS::Serverless::LayerVersion"}
    }
    for function in resources("AWS::Serverless::Function", template).values():
        function["Properties"].pop("Events", None)
        function["Properties"].pop("Policies", None)
        function["Properties"].pop("EventInvokeConfig", None)
    changed = copy.deepcopy(template)
    changed["Resources"]["SharedLayer"]["Properties"]["ContentUri"] = "s3://artifacts/SharedLayer-changed.zip"

    before, after = (
        {
            v["Properties"]["FunctionName"]["Ref"]: n
            for n, v in resources("AWS::Lambda::Version", _transformed(t)).items()
        }
        for t in (copy.deepcopy(template), changed)
    )

    assert set(before) == set(after) == set(function_handlers())
    assert {f for f in before if before[f] == after[f]} == set()


# ---------------------------------------------------------------- least privilege


def _function_services(template: dict[str, Any] | None = None) -> dict[str, str]:
    """Function logical id → its service: the folder of its CodeUri (`../services/<service>/`)."""
    return {
        name: PurePosixPath(fn["Properties"]["CodeUri"]).name
        for name, fn in resources("AWS::Serverless::Function", template).items()
    }


def _owners(template: dict[str, Any]) -> dict[str, str | None]:
    """Table logical id → its `Metadata.Owner` (None when it has none)."""
    return {
        name: table.get("Metadata", {}).get("Owner")
        for name, table in resources("AWS::DynamoDB::Table", template).items()
    }


def _resource_text(resource: Any) -> str | None:
    """The ARN text of a statement's resource where it is text (`*`, or an `Fn::Sub` string); None for Ref/GetAtt."""
    if isinstance(resource, str):
        return resource
    if isinstance(resource, dict) and "Fn::Sub" in resource:
        value = resource["Fn::Sub"]
        return str(value[0] if isinstance(value, list) else value)
    return None


def _explained(resource: str) -> bool:
    return any(pattern.match(resource) for pattern in ALLOWED_WILDCARD_RESOURCES)


def _wildcard_grants(cfn: dict[str, Any]) -> list[str]:
    """Every statement part that grants more than it names: a wildcard action, a `*` resource for actions AWS lets
    name a resource, a wildcard inside an ARN that ALLOWED_WILDCARD_RESOURCES does not explain, NotAction or
    NotResource."""
    found: list[str] = []
    for role in resources("AWS::IAM::Role", cfn):
        for statement in _statements(cfn, role):
            negated = {"NotAction", "NotResource"} & set(statement)
            if negated:
                found.append(f"{role}: {sorted(negated)} grants everything but what it names")
            actions = _as_list(statement.get("Action", []))
            for action in actions:
                if ("*" in action or "?" in action) and action not in ALLOWED_WILDCARD_ACTIONS:
                    found.append(f"{role}: wildcard action {action}")
            for resource in _as_list(statement.get("Resource", [])):
                text = _resource_text(resource)
                if text == "*":
                    found += [f"{role}: {a} on every resource" for a in actions if not STAR_RESOURCE_ACTIONS.match(a)]
                elif text and ("*" in text or "?" in text) and not _explained(text):
                    found.append(f"{role}: wildcard resource {text}")
    return found


def _dynamodb_access(cfn: dict[str, Any]) -> dict[str, dict[str, tuple[set[str], set[str]]]]:
    """Function → table → (the DynamoDB actions its role grants on the table, the resource texts it grants them on).

    A DynamoDB statement whose resource names no table of the template is reported under the table `?`."""
    tables = set(resources("AWS::DynamoDB::Table", cfn))
    access: dict[str, dict[str, tuple[set[str], set[str]]]] = {}
    for function, role in _function_roles(cfn).items():
        granted = access.setdefault(function, {})
        for statement in _statements(cfn, role):
            actions = {a for a in _as_list(statement.get("Action", [])) if a.startswith("dynamodb:")}
            if not actions:
                continue
            for resource in _as_list(statement.get("Resource", [])):
                for table in _references(resource) & tables or {"?"}:
                    table_actions, texts = granted.setdefault(table, (set(), set()))
                    table_actions |= actions
                    texts.add(_resource_text(resource) or str(resource))
    return access


def _kind(actions: set[str]) -> str:
    return READ if actions <= DYNAMODB_READ_ACTIONS else WRITE


def _writes_beyond_ownership(cfn: dict[str, Any], template: dict[str, Any]) -> list[str]:
    """Every function that can write a table its service does not own, as `Function (service) can write Table,
    owned by owner: actions`; a `shared` table may be written only with the item actions of Powertools idempotency,
    on the table itself (not its indexes)."""
    owners, services = _owners(cfn), _function_services(template)
    found: list[str] = []
    for function, tables in sorted(_dynamodb_access(cfn).items()):
        service = services[function]
        for table, (actions, texts) in sorted(tables.items()):
            writes = sorted(actions - DYNAMODB_READ_ACTIONS)
            owner = owners.get(table)
            if not writes or owner == service:
                continue
            if owner == SHARED_OWNER:
                beyond = sorted(actions - POWERTOOLS_IDEMPOTENCY_ACTIONS)
                indexes = sorted(text for text in texts if "/index/" in text)
                if beyond or indexes:
                    found.append(
                        f"{function} ({service}) can write the shared table {table} beyond Powertools idempotency: "
                        f"{beyond + indexes}"
                    )
                continue
            found.append(f"{function} ({service}) can write {table}, owned by {owner}: {', '.join(writes)}")
    return found


def test_no_iam_statement_grants_a_wildcard_action_or_resource_aws_does_not_require(cfn: dict[str, Any]) -> None:
    assert _wildcard_grants(cfn) == []


@pytest.mark.parametrize(
    ("statement", "reported"),
    [
        ({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:::table/x"}, "wildcard action"),
        ({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:dynamodb:::table/x"}, "wildcard action *"),
        ({"Effect": "Allow", "Action": "s3:Get?bject", "Resource": "arn:aws:s3:::b/k"}, "wildcard action"),
        ({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}, "dynamodb:GetItem on every resource"),
        (
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": {"Fn::Sub": "arn:x:secret:*"}},
            "wildcard resource arn:x:secret:*",
        ),
        ({"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::b"}, "grants everything but"),
    ],
    ids=["service-wildcard", "star", "question-mark", "star-resource", "arn-wildcard", "not-action"],
)
def test_a_wildcard_grant_is_reported_with_its_role(
    cfn: dict[str, Any], statement: dict[str, Any], reported: str
) -> None:
    widened = copy.deepcopy(cfn)
    role = widened["Resources"]["AccountsFunctionRole"]["Properties"]
    role["Policies"] = [*role.get("Policies", []), {"PolicyName": "x", "PolicyDocument": {"Statement": [statement]}}]

    (found,) = set(_wildcard_grants(widened)) - set(_wildcard_grants(cfn))

    assert found.startswith("AccountsFunctionRole: ") and reported in found, found


def test_function_roles_carry_only_the_basic_aws_managed_policies(cfn: dict[str, Any]) -> None:
    for role in _function_roles(cfn).values():
        arns = cfn["Resources"][role]["Properties"].get("ManagedPolicyArns", [])
        assert {arn.split(":policy/", 1)[1] for arn in arns} <= MANAGED_POLICIES


def test_every_table_has_an_owner_that_is_a_service_folder_or_shared() -> None:
    services = {path.name for path in (ROOT / "services").iterdir() if path.is_dir()}
    owners = _owners(load_template())
    assert owners
    assert {table: owner for table, owner in owners.items() if owner not in services | {SHARED_OWNER}} == {}


def test_no_function_writes_a_table_its_service_does_not_own(cfn: dict[str, Any]) -> None:
    """A table's one writing service is its `Metadata.Owner`; other services read it, or learn from events."""
    assert _writes_beyond_ownership(cfn, load_template()) == []


def test_write_access_to_another_services_table_is_reported_by_function_and_table(cfn: dict[str, Any]) -> None:
    widened = copy.deepcopy(cfn)
    role = widened["Resources"]["BillingNumberEventsFunctionRole"]["Properties"]
    numbers_table = {"Fn::GetAtt": ["NumbersTable", "Arn"]}
    statement = {"Effect": "Allow", "Action": ["dynamodb:Query", "dynamodb:PutItem"], "Resource": numbers_table}
    role["Policies"].append({"PolicyName": "x", "PolicyDocument": {"Statement": [statement]}})

    assert set(_writes_beyond_ownership(widened, load_template())) - set(
        _writes_beyond_ownership(cfn, load_template())
    ) == {"BillingNumberEventsFunction (billing) can write NumbersTable, owned by numbers: dynamodb:PutItem"}


def test_the_shared_table_is_written_only_with_powertools_idempotencys_item_actions(cfn: dict[str, Any]) -> None:
    widened = copy.deepcopy(cfn)
    role = widened["Resources"]["WebhooksFunctionRole"]["Properties"]
    statement = {
        "Effect": "Allow",
        "Action": ["dynamodb:PutItem", "dynamodb:Scan", "dynamodb:BatchWriteItem"],
        "Resource": {"Fn::GetAtt": ["IdempotencyTable", "Arn"]},
    }
    role["Policies"].append({"PolicyName": "x", "PolicyDocument": {"Statement": [statement]}})

    (found,) = set(_writes_beyond_ownership(widened, load_template())) - set(
        _writes_beyond_ownership(cfn, load_template())
    )

    assert found == (
        "WebhooksFunction (webhooks) can write the shared table IdempotencyTable beyond Powertools idempotency: "
        "['dynamodb:BatchWriteItem', 'dynamodb:Scan']"
    )


def test_shared_tables_are_named_in_code_only_where_powertools_idempotency_uses_them() -> None:
    """The settings field of a `shared` table appears in one module, which hands it to Powertools'
    DynamoDBPersistenceLayer: no service reads or writes those records directly."""
    template = load_template()
    shared = {table for table, owner in _owners(template).items() if owner == SHARED_OWNER}
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    fields = {
        name.lower() for name, value in variables.items() if isinstance(value, dict) and value.get("Ref") in shared
    }
    assert fields == {"idempotency_table"}
    code = sorted((ROOT / "services").rglob("*.py")) + sorted((ROOT / "shared").rglob("*.py"))
    for field in fields:
        using = {path.relative_to(ROOT).as_posix(): path.read_text() for path in code if field in path.read_text()}
        assert set(using) == {"shared/hub_shared/settings.py", "shared/hub_shared/idempotency.py"}, sorted(using)
        assert (
            f"DynamoDBPersistenceLayer(table_name=get_settings().{field}" in using["shared/hub_shared/idempotency.py"]
        )


def test_each_function_reaches_only_the_tables_it_is_declared_to_use(cfn: dict[str, Any]) -> None:
    """TABLE_ACCESS says why a function may read a table at all; the template grants exactly that."""
    differences: list[str] = []
    for function, tables in sorted(_dynamodb_access(cfn).items()):
        granted = {table: _kind(actions) for table, (actions, _) in tables.items()}
        declared = TABLE_ACCESS.get(function, {})
        differences += [
            f"{function}: {table} is {granted.get(table, 'not reachable')} in the template, "
            f"{declared.get(table, 'undeclared')} in TABLE_ACCESS"
            for table in sorted(granted.keys() | declared.keys())
            if granted.get(table) != declared.get(table)
        ]
    assert differences == []


def test_users_cannot_write_their_own_tenant_attributes() -> None:
    clients = resources("AWS::Cognito::UserPoolClient")
    assert clients
    for client in clients.values():
        # Without WriteAttributes a user may write every writable attribute, the tenant's included.
        assert "WriteAttributes" in client["Properties"]
        assert {"custom:client_id", "custom:partner_id"}.isdisjoint(client["Properties"]["WriteAttributes"])


# ---------------------------------------------------------------- tables


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("dynamodb", region_name=REGION)


def _template_gsis(logical_id: str) -> dict[str, dict[str, Any]]:
    props = load_template()["Resources"][logical_id]["Properties"]
    return {gsi["IndexName"]: gsi for gsi in props["GlobalSecondaryIndexes"]}


def test_numbers_table_has_its_indexes_stream_and_ttl(dynamodb: Any) -> None:
    name = create_tables(dynamodb)["NumbersTable"]
    table = dynamodb.describe_table(TableName=name)["Table"]
    created = {gsi["IndexName"]: gsi for gsi in table["GlobalSecondaryIndexes"]}
    declared = _template_gsis("NumbersTable")
    assert set(NUMBERS_GSIS) <= set(created)
    for index in NUMBERS_GSIS:
        assert created[index]["KeySchema"] == declared[index]["KeySchema"]
        assert created[index]["Projection"]["ProjectionType"] == declared[index]["Projection"]["ProjectionType"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["LatestStreamArn"]
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_idempotency_table_expires_records_on_expiration(dynamodb: Any) -> None:
    name = create_tables(dynamodb)["IdempotencyTable"]
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiration"}


# ---------------------------------------------------------------- environment


def test_globals_environment_names_every_table() -> None:
    tables = {table_name(logical_id) for logical_id in resources("AWS::DynamoDB::Table")}
    assert set(table_environment().values()) == tables


def _resource_fields(settings: type[Settings]) -> list[str]:
    return sorted(f for f in settings.model_fields if any(f.endswith(suffix) for suffix in SETTINGS_RESOURCES))


def _names(field: str, value: Any, template: dict[str, Any]) -> None:
    """`value` is a Ref to a resource of the kind `field` names."""
    (kind,) = (kind for suffix, kind in SETTINGS_RESOURCES.items() if field.endswith(suffix))
    assert isinstance(value, dict)
    assert value.keys() == {"Ref"}
    assert template["Resources"][value["Ref"]]["Type"] == kind


@pytest.mark.parametrize("field", _resource_fields(Settings))
def test_template_sets_every_resource_name_the_shared_settings_read(field: str) -> None:
    template = load_template()
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert field.upper() in variables
    _names(field, variables[field.upper()], template)


SERVICE_SETTINGS: dict[str, type[Settings]] = {
    "numbers": NumbersSettings,
    "webhooks": WebhooksSettings,
    "billing": BillingSettings,
}


@pytest.mark.parametrize(
    ("service", "field"),
    [(service, field) for service, cls in SERVICE_SETTINGS.items() for field in _resource_fields(cls)],
)
def test_a_services_resources_are_named_by_its_own_functions_only(service: str, field: str) -> None:
    """A service's own settings (its table, its secrets) are set on its functions, never in the Globals or on another
    service's functions: adding a service never edits another's configuration."""
    if field in Settings.model_fields:
        return
    template = load_template()
    assert field.upper() not in template["Globals"]["Function"]["Environment"]["Variables"]
    setting: dict[str, Any] = {}
    for name, function in resources("AWS::Serverless::Function", template).items():
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        if field.upper() in variables:
            setting[name] = variables[field.upper()]
            _names(field, variables[field.upper()], template)
    owners = {  # the service of each function setting it: its CodeUri's folder
        PurePosixPath(function["Properties"]["CodeUri"]).name
        for name, function in resources("AWS::Serverless::Function", template).items()
        if name in setting
    }
    declaring = {other for other, cls in SERVICE_SETTINGS.items() if field in cls.model_fields}
    assert service in owners
    assert owners <= declaring


# ---------------------------------------------------------------- the portal's static files


@pytest.mark.parametrize("name", ["PortalBucket", "AttachmentsBucket"])
def test_every_bucket_is_private_and_encrypted(name: str) -> None:
    props = resources("AWS::S3::Bucket")[name]["Properties"]

    assert props["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
    )
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert props["LifecycleConfiguration"]["Rules"]


def test_the_template_has_exactly_the_buckets_these_tests_check() -> None:
    assert set(resources("AWS::S3::Bucket")) == {"PortalBucket", "AttachmentsBucket"}


def test_tickets_files_are_kept_a_while_and_uploaded_only_from_the_portal() -> None:
    props = resources("AWS::S3::Bucket")["AttachmentsBucket"]["Properties"]
    (rule,) = props["LifecycleConfiguration"]["Rules"]
    (cors,) = props["CorsConfiguration"]["CorsRules"]

    assert rule["Status"] == "Enabled"
    assert rule["ExpirationInDays"] >= 365
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert cors["AllowedMethods"] == ["GET", "POST"]
    assert _references(cors["AllowedOrigins"]) == {"AllowedOrigin", "PortalDistribution"}


def test_only_the_portals_cloudfront_distribution_reads_the_portal_bucket_over_https() -> None:
    policy = resources("AWS::S3::BucketPolicy")["PortalBucketPolicy"]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    allowed = [s for s in statements if s["Effect"] == "Allow"]
    denied = [s for s in statements if s["Effect"] == "Deny"]

    assert [(s["Principal"], s["Action"]) for s in allowed] == [
        ({"Service": "cloudfront.amazonaws.com"}, "s3:GetObject")
    ]
    assert _references(allowed[0]["Condition"]) == {"PortalDistribution"}
    assert [s["Condition"] for s in denied] == [{"Bool": {"aws:SecureTransport": False}}]


def test_the_attachments_bucket_is_reached_over_https_only_and_through_the_support_function() -> None:
    policy = resources("AWS::S3::BucketPolicy")["AttachmentsBucketPolicy"]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]

    assert [(s["Effect"], s["Condition"]) for s in statements] == [("Deny", {"Bool": {"aws:SecureTransport": False}})]
    readers = [
        name
        for name, fn in resources("AWS::Serverless::Function").items()
        if "AttachmentsBucket" in json.dumps(fn["Properties"].get("Policies", []))
    ]
    assert readers == ["SupportFunction"]


def test_cloudfront_signs_with_origin_access_control_and_answers_deep_links_with_the_app() -> None:
    (distribution,) = resources("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    (control,) = resources("AWS::CloudFront::OriginAccessControl").values()

    assert _references(origin["OriginAccessControlId"]) == {"PortalOriginAccessControl"}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy origin access identity
    assert control["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert {(e["ErrorCode"], e["ResponsePagePath"]) for e in config["CustomErrorResponses"]} == {
        (403, "/index.html"),
        (404, "/index.html"),
    }
    assert {b["PathPattern"] for b in config["CacheBehaviors"]} == {"/index.html", "/config.json"}


def test_the_portal_config_output_has_the_keys_the_local_gateway_serves() -> None:
    output = load_template()["Outputs"]["PortalConfig"]["Value"]["Fn::Sub"]
    rendered = json.loads(re.sub(r"\$\{[^}]+\}", "x", output))
    local = portal_config(
        api_url="http://127.0.0.1:8750",
        meta_url="http://127.0.0.1:8752",
        user_pool_id="eu-central-1_x",
        user_pool_client_id="x",
        cognito_endpoint=None,
        meta_app_id="x",
        graph_api_version="v23.0",
    )

    assert _keys(rendered) == _keys(local)
    assert _references({"Fn::Sub": output}) >= {
        "HubApi",
        "UserPool",
        "UserPoolClient",
        "MetaAppId",
        "EmbeddedSignupConfigId",
        "GraphApiVersion",
        "Stage",
    }


def test_the_stages_portal_runs_embedded_signup_with_metas_sdk() -> None:
    output = load_template()["Outputs"]["PortalConfig"]["Value"]["Fn::Sub"]
    rendered = json.loads(re.sub(r"\$\{[^}]+\}", "x", output))

    assert rendered["embedded_signup"] == {
        "sdk": "facebook",
        "url": "https://connect.facebook.net/en_US/sdk.js",
        "origin": "https://www.facebook.com",
        "config_id": "x",
        "graph_api_version": "x",
    }


def _keys(node: Any, prefix: str = "") -> set[str]:
    if not isinstance(node, dict):
        return {prefix}
    return {key for name, value in node.items() for key in _keys(value, f"{prefix}{name}.")}


def test_cors_allows_the_portals_cloudfront_domain() -> None:
    api = resources("AWS::Serverless::HttpApi")["HubApi"]["Properties"]

    assert any(_references(origin) == {"PortalDistribution"} for origin in api["CorsConfiguration"]["AllowOrigins"])
