"""Fixtures shared by every test: a moto AWS built from infra/template.yaml, and event builders.

It also installs, once per test process, an audit hook that refuses to read beside the checkout
(`repository_guard`): a test that depends on a folder next to the repository passes on one machine
and fails on a fresh clone.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from hub_shared.singletons import reset_all
from local.moto_fixes import serialize_dynamodb
from local.template import ROOT
from tests.builders import REGION, AwsWorld, hub_environment, provision_moto, repository_guard

E2E = Path(__file__).parent / "e2e"
BROWSER = Path(__file__).parent / "browser"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """pytest-xdist's groups (`--dist=loadgroup`): a module's tests run on one worker, so its module fixtures (a
    moto server, a Meta sandbox) are built once; the end-to-end tests all run on one worker, so the local hub they
    share starts once while the other workers take the rest of the suite; so do the browser tests, around theirs."""
    for item in items:
        if item.path.is_relative_to(E2E):
            group = "e2e"
        elif item.path.is_relative_to(BROWSER):
            group = "browser"
        else:
            group = str(item.path.relative_to(E2E.parent))
        item.add_marker(pytest.mark.xdist_group(group))


#: The generated suites whose case counts every run prints: name → what their test ids contain.
GENERATED_SUITES = {"tenant-isolation matrix": "test_access_matrix.py::test_access["}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how many cases each generated suite ran (and how many failed), under xdist too (from the reports)."""
    for name, marker in GENERATED_SUITES.items():
        outcomes = [
            outcome
            for outcome in ("passed", "failed")
            for report in terminalreporter.stats.get(outcome, [])
            if getattr(report, "when", "call") == "call" and marker in report.nodeid
        ]
        if outcomes:
            failed = outcomes.count("failed")
            terminalreporter.write_line(f"{name}: {len(outcomes)} cases, {failed} failed")


@pytest.fixture(autouse=True, scope="session")
def thread_safe_moto() -> None:
    """Jobs and concurrent requests write from several threads: moto's DynamoDB needs serializing for that (real
    DynamoDB does not), in every test, as in the local cloud (`local.moto_fixes`)."""
    serialize_dynamodb()


def _install_repository_guard() -> None:
    """Once per test process (an audit hook cannot be removed, so a second one would only repeat it)."""
    if getattr(sys, "_client_hub_repository_guard", False):
        return
    hook = repository_guard(ROOT)
    if hook is not None:
        sys.addaudithook(hook)
    sys._client_hub_repository_guard = True  # type: ignore[attr-defined]


_install_repository_guard()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsWorld]:
    """A fresh moto account: every table of the template, the bus, and the secrets the functions read."""
    for name, value in hub_environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        reset_all()
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        provision_moto(dynamodb)
        yield AwsWorld(dynamodb=dynamodb)
    reset_all()
