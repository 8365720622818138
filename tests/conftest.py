"""Fixtures shared by every test: a moto AWS built from infra/template.yaml, and event builders.

It also installs, once per test process, an audit hook that refuses to read beside the checkout
(`repository_guard`): a test that depends on a folder next to the repository passes on one machine
and fails on a fresh clone.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Iterator

import botocore.loaders
import botocore.session
import pytest
from moto import mock_aws
from xdist.remote import Producer
from xdist.scheduler import LoadScopeScheduling

from hub_shared.singletons import reset_all
from local.moto_fixes import enforce_post_policies, serialize_dynamodb_and_keep_streams
from local.template import ROOT
from tests.builders import (
    HUB_GROUPS,
    AwsWorld,
    SecretLedger,
    hub_environment,
    leak_report,
    moto_session,
    provision_moto,
    repository_guard,
    tracing_paused,
    xdist_group_of,
)


class ModuleAndEndToEndGroups(LoadScopeScheduling):  # type: ignore[misc]  # pytest-xdist has no type hints
    """pytest-xdist's `--dist=loadgroup` with the suite's groups (`xdist_group_of`): a module's tests run on one
    worker, so its module fixtures (a moto server, a Meta sandbox) are built once; the end-to-end tests all run on one
    worker, in collection order, so the local hub they share starts once while the other workers take the rest.

    The walls (`HUB_GROUPS`) are handed out first, then the modules by their number of tests (xdist's own order):
    a wall is a few dozen tests but minutes of a worker, so taken last, as xdist's count order would, it ran alone
    long after every other worker had finished.

    A scheduler rather than `xdist_group` marks: pytest-xdist 3.8 names a marked test's group by rewriting
    `item._nodeid`, which pytest 9 no longer reads for a test's id, so marks leave every test a group of its own
    (tests/integration/test_xdist_groups.py)."""

    def _split_scope(self, nodeid: str) -> str:
        return xdist_group_of(nodeid)

    def _assign_work_unit(self, node: object) -> None:
        walls = [scope for scope in self.workqueue if scope in HUB_GROUPS.values()]
        for scope in reversed(walls):  # to the front, in their own order
            self.workqueue.move_to_end(scope, last=False)
        super()._assign_work_unit(node)


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> LoadScopeScheduling | None:
    return ModuleAndEndToEndGroups(config, log) if config.getvalue("dist") == "loadgroup" else None


#: The generated suites whose case counts every run prints: name → what their test ids contain.
GENERATED_SUITES = {
    "tenant-isolation matrix": "test_access_matrix.py::test_access[",
    "forged and replayed webhooks": "test_webhooks_forged.py::",
    "schema fuzzing": "test_schema_fuzz.py::test_fuzz[",
}
UNTRACED_MODULES = frozenset(marker.split("::", 1)[0] for marker in GENERATED_SUITES.values())
"""The generated suites' modules (`generated_suites_untraced`)."""


@pytest.fixture(scope="module", autouse=True)
def generated_suites_untraced(request: pytest.FixtureRequest) -> Iterator[None]:
    """The generated suites run without coverage's tracer: the coverage floor counts the hand-written tests, which
    name what each line is for; the generated ones check properties of every operation (who may call it, what it
    answers to any input, what a forged webhook changes) and pass through lines without meaning to test them. Traced,
    they cost twice their time (CTracer on Python 3.11, branch coverage): a third of the whole suite's.

    Paused for the whole module, its fixtures included: the in-process hub's TestClient thread is started untraced
    (coverage traces new threads only while it runs), so its handlers stay untraced when tracing resumes for the
    next module's tests."""
    if request.path.name not in UNTRACED_MODULES:
        yield
        return
    with tracing_paused():
        yield


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how many cases each generated suite ran (and how many failed), under xdist too (from the reports), and
    the examples a fuzzed case recorded (its `fuzz` property)."""
    for name, marker in GENERATED_SUITES.items():
        reports = [
            (outcome, report)
            for outcome in ("passed", "failed")
            for report in terminalreporter.stats.get(outcome, [])
            if getattr(report, "when", "call") == "call" and marker in report.nodeid
        ]
        if reports:
            failed = sum(outcome == "failed" for outcome, _ in reports)
            line = f"{name}: {len(reports)} cases, {failed} failed"
            fuzzed = [json.loads(v) for _, r in reports for k, v in getattr(r, "user_properties", []) if k == "fuzz"]
            if fuzzed:
                refused = sum(n for f in fuzzed for status, n in f["statuses"].items() if status.startswith("4"))
                line += f", {sum(f['examples'] for f in fuzzed)} examples ({refused} refused with a 4xx)"
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def secret_ledger() -> Iterator[SecretLedger]:
    """Log hygiene for the walls that start local hubs (tests/e2e, tests/browser): the session's secrets and hub logs,
    each log searched for each secret (`scan_logs`) — a leak fails the run, naming the kind of secret and the log
    line, redacted. Scanned last, once every hub that uses it has stopped (a session fixture
    is torn down after every fixture that depends on it)."""
    ledger = SecretLedger()
    yield ledger
    leaks = ledger.leaks()
    if leaks:
        pytest.fail(leak_report(leaks), pytrace=False)


@pytest.fixture(autouse=True, scope="session")
def moto_as_aws() -> None:
    """moto made the AWS the hub runs on, in every test as in the local cloud (`local.moto_fixes`): DynamoDB safe
    for the jobs' and concurrent requests' threads, its streams kept through cancelled transactions, and S3 refusing
    a browser upload its POST policy refuses."""
    serialize_dynamodb_and_keep_streams()
    enforce_post_policies({"FOOBARKEY": "FOOBARSECRET"})  # mock_aws's credentials


# moto's `mock_aws` gives every test a new default boto3 session, and `reset_all` the hub's own: each new botocore
# session would read and parse its JSON models again (endpoints, retries, each service's API, ≈ 0.3 s a test). The
# models never change within a run, so every session of a test process shares one loader and its cache.
botocore.session.create_loader = functools.cache(botocore.loaders.create_loader)


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
        dynamodb = moto_session().client("dynamodb")  # its own: tests register handlers on it
        provision_moto(dynamodb)
        yield AwsWorld(dynamodb=dynamodb)
    reset_all()
