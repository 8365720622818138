"""The cold-start import guard: each function of the template, imported as Lambda imports it (a fresh interpreter
with Lambda's variables, tools.lambda_env), loads none of the modules it must leave to first use, and hands the
garbage collector back once its handler is defined (hub_shared.cold_start)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tools.lambda_env import NEVER_AT_COLD_START, STRIPE, LambdaFunction, lambda_environment, lambda_functions

FUNCTIONS = lambda_functions()

REPORT = """
import gc, json, sys
{cold_start}
print(json.dumps({{"modules": sorted(sys.modules), "collector": gc.isenabled(), "frozen": gc.get_freeze_count()}}))
"""


def _cold_start(function: LambdaFunction) -> dict[str, object]:
    done = subprocess.run(  # noqa: S603 - this interpreter, the hub's own code
        [sys.executable, "-c", REPORT.format(cold_start=function.cold_start)],
        env=lambda_environment(function.name),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return report


def _loaded(modules: list[str], forbidden: frozenset[str]) -> list[str]:
    return sorted(m for m in modules if any(m == f or m.startswith(f"{f}.") for f in forbidden))


@pytest.mark.parametrize("function", FUNCTIONS, ids=[f.name for f in FUNCTIONS])
def test_a_cold_start_loads_nothing_left_to_first_use(function: LambdaFunction) -> None:
    report = _cold_start(function)
    modules = report["modules"]
    assert isinstance(modules, list)
    assert function.module in modules and "botocore.client" in modules  # the handler and its client were made
    assert _loaded(modules, function.forbidden) == []
    assert report["collector"] is True, "the handler's decorator resumes the collector paused for initialisation"
    assert isinstance(report["frozen"], int) and report["frozen"] > 0, "initialisation's objects are frozen"


def test_only_the_function_of_stripes_events_loads_stripe() -> None:
    assert {f.name for f in FUNCTIONS if STRIPE not in f.forbidden} == {"BillingStripeWebhookFunction"}
    assert STRIPE not in NEVER_AT_COLD_START


def test_the_guard_sees_a_module_loaded_at_a_cold_start() -> None:
    """The guard is not vacuous: a cold start that does import a forbidden module is caught."""
    numbers = next(f for f in FUNCTIONS if f.name == "NumbersFunction")
    eager = LambdaFunction(name=numbers.name, handler="hub_shared.secrets._provider", service=numbers.service)
    leaky = REPORT.format(cold_start=f"{eager.cold_start}\nhub_shared.secrets._provider()")
    done = subprocess.run(  # noqa: S603 - this interpreter, the hub's own code
        [sys.executable, "-c", leaky], env=lambda_environment(eager.name), capture_output=True, text=True, check=True
    )
    modules = json.loads(done.stdout.splitlines()[-1])["modules"]
    assert "aws_lambda_powertools.utilities.parameters" in _loaded(modules, eager.forbidden)
