"""The end-to-end wall: one local hub per test session, started as `python -m local` is, driven over HTTP only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from local.hub import Ports
from local.state import load_state
from local.story import DEMO_PASSWORD
from local.template import ROOT
from local.tokens import id_token

START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class LocalHubUnderTest:
    api: str
    meta: str
    aws_endpoint: str
    region: str
    user_pool_client_id: str

    def token(self, email: str, password: str = DEMO_PASSWORD) -> str:
        return id_token(
            email, password, endpoint=self.aws_endpoint, region=self.region, client_id=self.user_pool_client_id
        )

    def get(self, path: str, token: str | None = None, **params: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.get(f"{self.api}{path}", headers=headers, params=params, timeout=30)


@dataclass(frozen=True)
class HubProcess:
    """`python -m local` started by a test: its process, its state file and its log."""

    process: subprocess.Popen[bytes]
    state_file: Path
    log: Path

    def under_test(self) -> LocalHubUnderTest:
        """Wait until the hub wrote its state file (it is ready then) and describe it."""
        state = self._wait_for_state()
        return LocalHubUnderTest(
            api=state["api_url"],
            meta=state["meta_url"],
            aws_endpoint=state["aws_endpoint"],
            region=state["region"],
            user_pool_client_id=state["user_pool_client_id"],
        )

    def _wait_for_state(self) -> dict[str, str]:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.log.read_text()[-2000:]
                raise RuntimeError(f"the local hub exited with {self.process.returncode} before it was ready:\n{log}")
            if self.state_file.exists():
                return load_state(self.state_file)
            time.sleep(0.2)
        raise RuntimeError(f"the local hub was not ready within {START_TIMEOUT_SECONDS} s")

    def stop(self) -> int:
        """Ctrl-C, as a developer stops `make run`; its exit status (killed after STOP_TIMEOUT_SECONDS)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(STOP_TIMEOUT_SECONDS)


def start_local_hub(folder: Path, ports: Ports | None = None, *, review_delay: float = 1) -> HubProcess:
    """`python -m local` on `ports` (every one free, picked by the system, when None), its state file and its
    log in `folder`; it does not inherit the test's AWS settings (moto's state must not meet mock_aws)."""
    ports = ports or Ports(api=0, aws=0, meta=0, getchat=0, stripe=0)
    state_file = folder / "hub.json"
    state_file.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "local",
        "--port",
        str(ports.api),
        "--aws-port",
        str(ports.aws),
        "--meta-port",
        str(ports.meta),
        "--getchat-port",
        str(ports.getchat),
        "--stripe-port",
        str(ports.stripe),
    ]
    command += ["--review-delay", str(review_delay), "--state-file", str(state_file)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    log = folder / "hub.log"
    with log.open("ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    return HubProcess(process=process, state_file=state_file, log=log)


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHubUnderTest]:
    """`python -m local` on free loopback ports, in its own process, for the whole session."""
    started = start_local_hub(tmp_path_factory.mktemp("hub"))
    try:
        yield started.under_test()
    finally:
        started.stop()
