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


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHubUnderTest]:
    """`python -m local` on free loopback ports, in its own process (moto's state must not meet mock_aws)."""
    state_file = tmp_path_factory.mktemp("hub") / "hub.json"
    log = (tmp_path_factory.getbasetemp() / "hub.log").open("w")
    command = [
        sys.executable,
        "-m",
        "local",
        "--port",
        "0",
        "--aws-port",
        "0",
        "--meta-port",
        "0",
        "--getchat-port",
        "0",
        "--stripe-port",
        "0",
    ]
    command += ["--review-delay", "1", "--state-file", str(state_file)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        state = _wait_for(state_file, process)
        yield LocalHubUnderTest(
            api=state["api_url"],
            meta=state["meta_url"],
            aws_endpoint=state["aws_endpoint"],
            region=state["region"],
            user_pool_client_id=state["user_pool_client_id"],
        )
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT_SECONDS)
        log.close()


def _wait_for(state_file: Path, process: subprocess.Popen[bytes]) -> dict[str, str]:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local hub exited with {process.returncode} before it was ready")
        if state_file.exists():
            return load_state(state_file)
        time.sleep(0.2)
    raise RuntimeError(f"the local hub was not ready within {START_TIMEOUT_SECONDS} s")
