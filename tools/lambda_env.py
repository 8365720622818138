"""A cold start as Lambda makes it, in a fresh interpreter: what the cold-start benchmark times and what the
cold-start import guard (tests/unit/test_cold_start_imports.py) inspects.

Lambda sets `LAMBDA_TASK_ROOT`, `_X_AMZN_TRACE_ID`, `AWS_LAMBDA_FUNCTION_NAME` and more before it imports the
handler; without them the X-Ray SDK takes its non-Lambda path (it builds two botocore clients at import) and
Powertools turns tracing off, so a cold start measured without them is not Lambda's. A cold start here is the handler
module's import and the first DynamoDB client (what every function's first request makes), the same yardstick as
the floor, `import boto3` and one DynamoDB client.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from local.template import load_template, resources

REGION = "eu-central-1"
FLOOR = f'import boto3; boto3.client("dynamodb", region_name="{REGION}")'
"""The yardstick: a bare boto3 and one DynamoDB client."""

NEVER_AT_COLD_START = frozenset(
    {
        "boto3",  # clients come from botocore (hub_shared.aws); boto3 imports s3transfer too
        "s3transfer",
        "pydantic_settings",  # settings are a plain pydantic model over the environment
        "httpx",  # loaded with the first HTTP client (hub_shared.http_clients)
        "httpcore",
        "aws_xray_sdk.ext.httpx",  # the Tracer patches botocore at creation, httpx with its first client
        "aws_xray_sdk.ext.sqlite3",
        "aws_xray_sdk.ext.requests",
        "sqlite3",
        "requests",
        "aws_lambda_powertools.utilities.parameters",  # loaded with the first secret (hub_shared.secrets)
        "aws_lambda_powertools.utilities.idempotency",  # loaded with the first keyed request (hub_shared.idempotency)
        "aws_lambda_powertools.event_handler.openapi.models",  # the OpenAPI document's models (tools.openapi only)
    }
)
"""Modules no function imports at a cold start: each is either not needed at all or loaded on first use."""

STRIPE = "stripe"
STRIPE_FUNCTIONS = frozenset({"BillingStripeWebhookFunction"})
"""The functions that load Stripe's SDK at a cold start, which every one of their requests needs (to check the
signature of Stripe's events), with what it loads; the others load it with their first payment."""
STRIPE_LOADS = frozenset({STRIPE, "httpx", "httpcore", "requests"})


@dataclass(frozen=True)
class LambdaFunction:
    name: str
    """The template's logical id."""
    handler: str
    """`module.function`."""
    service: str
    """The folder under services/ of its code."""

    @property
    def module(self) -> str:
        return self.handler.rpartition(".")[0]

    @property
    def forbidden(self) -> frozenset[str]:
        """The modules its cold start must not import."""
        return NEVER_AT_COLD_START - STRIPE_LOADS if self.name in STRIPE_FUNCTIONS else NEVER_AT_COLD_START | {STRIPE}

    @property
    def cold_start(self) -> str:
        """Python code making this function's cold start: its handler module, then its first DynamoDB client."""
        return f"import {self.module}\nfrom hub_shared.aws import dynamodb\ndynamodb()"


def lambda_functions(template: dict[str, Any] | None = None) -> list[LambdaFunction]:
    """Every function of infra/template.yaml, in template order."""
    return [
        LambdaFunction(
            name=name,
            handler=function["Properties"]["Handler"],
            service=function["Properties"]["CodeUri"].rstrip("/").rpartition("/")[2],
        )
        for name, function in resources("AWS::Serverless::Function", template or load_template()).items()
    ]


def lambda_environment(function: str, path: list[str] | None = None) -> dict[str, str]:
    """The variables Lambda sets for `function` (made-up credentials: nothing is called), with PYTHONPATH = `path`
    when given (the function's package, then the layer's, as Lambda orders them)."""
    environment = {
        "LAMBDA_TASK_ROOT": "/var/task",
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_LAMBDA_FUNCTION_VERSION": "1",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/12/01/[1]0123456789abcdef0123456789abcdef",
        "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
        "_HANDLER": "handler",
        "_X_AMZN_TRACE_ID": "Root=1-674c0d2e-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000",
        "AWS_ACCESS_KEY_ID": "ASIABENCHMARKKEY0000",
        "AWS_SECRET_ACCESS_KEY": "benchmark-secret-access-key",
        "AWS_SESSION_TOKEN": "benchmark-session-token",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "TZ": ":UTC",
        "LANG": "en_US.UTF-8",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    if path is not None:
        environment["PYTHONPATH"] = os.pathsep.join(path)
    return environment
