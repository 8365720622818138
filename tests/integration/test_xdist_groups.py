"""The suite's pytest-xdist groups take effect (tests/conftest.py, `xdist_group_of`): run as `make test` runs it, on
two workers, each module's tests run on one worker (every end-to-end test is in one group, every browser test in
another)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from local.template import ROOT
from tests.builders import xdist_group_of

#: Two small modules; a broken grouping (a group per test) spreads each over both workers.
MODULES = ("tests/unit/test_clock.py", "tests/unit/test_deadline.py")
RAN = re.compile(r"^\[(gw\d+)\] .*?(?:PASSED|FAILED|SKIPPED|ERROR) (\S+)", re.MULTILINE)


@pytest.mark.parametrize(
    ("nodeid", "group"),
    [
        ("tests/e2e/test_local_hub.py::test_x[anna@acme.example]", "e2e"),
        ("tests/e2e/test_make_run.py::test_y", "e2e"),
        ("tests/browser/test_numbers.py::test_w", "browser"),
        ("tests/browser/test_sign_in.py::test_v[client]", "browser"),
        ("tests/unit/test_clock.py::test_z[a::b]", "tests/unit/test_clock.py"),
        (
            "tests/integration/test_webhooks_forged.py::test_f[POST-webhooks-meta]",
            "tests/integration/test_webhooks_forged.py",
        ),
    ],
)
def test_each_test_is_grouped_by_its_module_and_each_hub_wall_together(nodeid: str, group: str) -> None:
    assert xdist_group_of(nodeid) == group


def test_on_two_workers_each_modules_tests_stay_on_one_worker() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_CORE", "AWS_", "POWERTOOLS_"))}
    command = [sys.executable, "-m", "pytest", *MODULES, "-o", "addopts=", "-p", "no:cacheprovider"]
    command += ["-n", "2", "--dist=loadgroup", "-v"]  # as make test runs (pyproject.toml's addopts), reported per test
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    workers: dict[str, set[str]] = {}
    for worker, nodeid in RAN.findall(run.stdout):
        workers.setdefault(xdist_group_of(nodeid), set()).add(worker)
    assert set(workers) == set(MODULES), run.stdout[-3000:]
    assert {group: len(used) for group, used in workers.items()} == dict.fromkeys(workers, 1)
