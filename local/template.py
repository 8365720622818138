"""Reads infra/template.yaml: its tables, HTTP routes, functions and environment.

The tests and the local cloud build everything from here, so they cannot drift from what SAM deploys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "infra" / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form intrinsics (`!Ref X` → `{"Ref": "X"}`)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


@cache
def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass
    return loaded


def resources(kind: str, template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    template = template or load_template()
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def table_name(logical_id: str, prefix: str = "hub") -> str:
    """`NumbersTable` → `hub-numbers`: the physical name used locally and in tests."""
    stem = re.sub(r"Table$", "", logical_id)
    return f"{prefix}-" + re.sub(r"(?<!^)(?=[A-Z])", "-", stem).lower()


def table_environment(template: dict[str, Any] | None = None) -> dict[str, str]:
    """The environment variables that name tables (the Globals' and each function's own), resolved to local table
    names."""
    template = template or load_template()
    tables = resources("AWS::DynamoDB::Table", template)
    variables = dict(template["Globals"]["Function"]["Environment"]["Variables"])
    for function in resources("AWS::Serverless::Function", template).values():
        variables.update(function["Properties"].get("Environment", {}).get("Variables", {}))
    return {
        env: table_name(value["Ref"])
        for env, value in variables.items()
        if isinstance(value, dict) and value.get("Ref") in tables
    }


def create_tables(client: DynamoDBClient, template: dict[str, Any] | None = None) -> dict[str, str]:
    """Create every table of the template (keys, GSIs, streams, TTL); answer logical id → name."""
    names: dict[str, str] = {}
    for logical_id, resource in resources("AWS::DynamoDB::Table", template).items():
        props = resource["Properties"]
        name = table_name(logical_id)
        kwargs: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if "GlobalSecondaryIndexes" in props:
            kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        if "StreamSpecification" in props:
            kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        client.create_table(**kwargs)
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": bool(ttl["Enabled"])},
            )
        names[logical_id] = name
    return names


@dataclass(frozen=True)
class HttpRoute:
    function: str  # logical id
    handler: str  # "hub_numbers.app.handler"
    method: str
    path: str  # "/v1/numbers/{number_id}"
    authorized: bool


def http_routes(template: dict[str, Any] | None = None) -> list[HttpRoute]:
    """Every HttpApi event of every function, with whether the JWT authorizer guards it."""
    template = template or load_template()
    out: list[HttpRoute] = []
    for logical_id, fn in resources("AWS::Serverless::Function", template).items():
        props = fn["Properties"]
        for event in props.get("Events", {}).values():
            if event["Type"] != "HttpApi":
                continue
            ev = event["Properties"]
            authorizer = ev.get("Auth", {}).get("Authorizer")
            out.append(
                HttpRoute(
                    function=logical_id,
                    handler=props["Handler"],
                    method=ev["Method"].upper(),
                    path=ev["Path"],
                    authorized=authorizer != "NONE",
                )
            )
    return out


ALIAS_SUFFIX = ".Alias"
"""SAM's name for a function's published alias (`!Ref NumbersOutboxFunction.Alias`, AutoPublishAlias)."""


def referenced_function(name: Any, where: str) -> str:
    """The function logical id a `FunctionName` names: `!Ref <Function>`, or `!Ref <Function>.Alias` — the alias
    the deployed stack invokes (every function publishes versions behind one); locally both are the function."""
    if isinstance(name, dict) and isinstance(name.get("Ref"), str):
        return str(name["Ref"]).removesuffix(ALIAS_SUFFIX)
    raise ValueError(f"{where}: FunctionName must be !Ref <Function> (or <Function>.Alias) locally")


def function_handlers(template: dict[str, Any] | None = None) -> dict[str, str]:
    """Function logical id → handler (`hub_numbers.app.handler`)."""
    return {name: fn["Properties"]["Handler"] for name, fn in resources("AWS::Serverless::Function", template).items()}
