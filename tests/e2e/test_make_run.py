"""`make run` as a developer meets it: stopped with Ctrl-C it starts again at once on the same ports, and every
command of the README's console demos works when pasted, in order, into bash against it.

One hub is started on fixed free ports, used (so connections exist), stopped with SIGINT and started again on
the same ports; the README's commands then run against that second hub. Neither uses the README's own ports
(8750–8754), which a developer's `make run` may hold.
"""

from __future__ import annotations

import errno
import inspect
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from local.hub import HOST, Ports, start_hub
from local.state import STATE_FILE_VARIABLE
from local.template import ROOT
from tests.builders import LocalHubUnderTest, SecretLedger, plain_bind_error, start_local_hub

pytestmark = pytest.mark.e2e

README = ROOT / "README.md"
README_PORTS = Ports()  # what the README's commands name: make run's ports
#: The README waits out Meta's review with `sleep`s sized for the default review delay; the test hub reviews faster.
DEFAULT_REVIEW_DELAY = int(inspect.signature(start_hub).parameters["review_delay_seconds"].default)
REVIEW_DELAY = 1
#: Sections whose commands are not local demos (they need an AWS account).
NOT_LOCAL_SECTIONS = frozenset({"Deploying with SAM"})
SCRIPT_TIMEOUT_SECONDS = 240
#: curl as the README calls it, failing on any HTTP error and logging each answer on stderr.
CURL = (
    "curl() { command curl --fail-with-body "
    "--write-out '%{stderr}HTTP %{http_code} %{method} %{url_effective}\\n' \"$@\"; }"
)
HTTP_LOG = re.compile(r"^HTTP (\d{3}) ([A-Z]+) (\S+)$", re.MULTILINE)
INITECH_NUMBER = "108923456789001"
ACME_WABA = "102290129340398"


@dataclass(frozen=True)
class Restart:
    ports: Ports
    first_exit_status: int
    lingering: list[int]  # the ports a plain bind (no SO_REUSEADDR) found taken right after the first hub stopped
    hub: LocalHubUnderTest
    state_file: Path


@pytest.fixture(scope="module")
def restarted(tmp_path_factory: pytest.TempPathFactory, secret_ledger: SecretLedger) -> Iterator[Restart]:
    """A hub used, stopped with Ctrl-C, and started again at once on the same ports (both hubs' logs and secrets in
    the session's `secret_ledger`)."""
    folder = tmp_path_factory.mktemp("make-run")
    ports = Ports(api=0, aws=0, meta=0, getchat=0, stripe=0).resolved()
    first = start_local_hub(folder, ports, review_delay=REVIEW_DELAY)
    try:
        hub = secret_ledger.watch(first)
        token = hub.token("anna@acme.example")  # Cognito in moto
        with httpx.Client(base_url=hub.api, headers={"Authorization": f"Bearer {token}"}, timeout=30) as kept_open:
            for path in ("/v1/me", "/v1/numbers"):  # the gateway, the accounts and numbers functions, DynamoDB in moto
                answer = kept_open.get(path)
                refusals = [line for line in first.log.read_text(errors="replace").splitlines() if "401 on" in line]
                assert answer.status_code == 200, (path, answer.text, refusals)  # a 401's reason is in the hub's log
            assert httpx.get(f"{hub.meta}/_sandbox/state", timeout=30).status_code == 200
            # stopped while the client still holds its keep-alive connection: the server closes it first
            first_exit_status = secret_ledger.stop(first)
    finally:
        secret_ledger.stop(first)
    lingering = [port for port in vars(ports).values() if plain_bind_error(HOST, port) == errno.EADDRINUSE]
    second = start_local_hub(folder, ports, review_delay=REVIEW_DELAY)
    try:
        yield Restart(ports, first_exit_status, lingering, secret_ledger.watch(second), second.state_file)
    finally:
        secret_ledger.stop(second)


def test_a_hub_stopped_with_ctrl_c_starts_again_at_once_on_the_same_ports(restarted: Restart) -> None:
    hub = restarted.hub

    assert restarted.first_exit_status == 0
    assert restarted.lingering  # the first hub's connections still held its ports: what tripped the old check
    assert hub.api == f"http://{HOST}:{restarted.ports.api}"
    assert hub.meta == f"http://{HOST}:{restarted.ports.meta}"
    assert hub.aws_endpoint == f"http://{HOST}:{restarted.ports.aws}"
    me = hub.get("/v1/me", hub.token("anna@acme.example"))
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "client"


# ---------------------------------------------------------------- the README's commands


def console_commands(markdown: str) -> list[str]:
    """Every `$ ` command of the ```console blocks, in order, outside NOT_LOCAL_SECTIONS: `\\` continuation lines
    joined, a trailing `# comment` dropped, and `make run` itself (the hub the others talk to) left out."""
    commands: list[str] = []
    section, in_console = "", False
    lines = iter(markdown.splitlines())
    for line in lines:
        if line.startswith("## "):
            section = line.removeprefix("## ").strip()
        elif line.strip() == "```console":
            in_console = True
        elif line.strip() == "```":
            in_console = False
        elif in_console and line.startswith("$ ") and section not in NOT_LOCAL_SECTIONS:
            command = line.removeprefix("$ ")
            while command.endswith("\\"):
                command = command.removesuffix("\\").rstrip() + " " + next(lines).strip()
            command = without_comment(command)
            if command != "make run":
                commands.append(command)
    return commands


def without_comment(command: str) -> str:
    """`command` without a trailing shell comment: a `#` starting a word outside quotes."""
    quote: str | None = None
    escaped = False
    for index, char in enumerate(command):
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or command[index - 1].isspace()):
            return command[:index].rstrip()
    return command


def for_the_test_hub(command: str, ports: Ports) -> str:
    """The README's ports replaced by the test hub's, and its review waits by the test hub's review delay."""
    for name, readme_port in vars(README_PORTS).items():
        command = command.replace(f"{HOST}:{readme_port}", f"{HOST}:{getattr(ports, name)}")

    def shorter(wait: re.Match[str]) -> str:
        seconds = int(wait[1])
        assert seconds > DEFAULT_REVIEW_DELAY, f"the README's `{wait[0]}` does not wait out Meta's review"
        return f"sleep {seconds - DEFAULT_REVIEW_DELAY + REVIEW_DELAY}"

    return re.sub(r"\bsleep (\d+)\b", shorter, command)


def test_console_commands_are_read_as_bash_would_run_them() -> None:
    markdown = """## Here
```console
$ make run
Client Hub is running
$ curl -s -X POST http://127.0.0.1:8752/x -d '{"count": 1}'   # lose it,
$ curl -s -H "a # b" \\
    -d '#x' http://127.0.0.1:8750/v1/a#frag  # done
    # an answer, not a command
```
## Deploying with SAM
```console
$ sam deploy --guided
```
"""
    commands = console_commands(markdown)

    assert commands == [
        """curl -s -X POST http://127.0.0.1:8752/x -d '{"count": 1}'""",
        """curl -s -H "a # b" -d '#x' http://127.0.0.1:8750/v1/a#frag""",
    ]
    moved = Ports(api=1, aws=2, meta=3, getchat=4, stripe=5)
    assert for_the_test_hub(commands[0], moved).startswith("curl -s -X POST http://127.0.0.1:3/x")
    assert (
        for_the_test_hub("sleep 25; make job", moved) == f"sleep {25 - DEFAULT_REVIEW_DELAY + REVIEW_DELAY}; make job"
    )


def run_readme(hub_ports: Ports, state_file: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    commands = [for_the_test_hub(command, hub_ports) for command in console_commands(README.read_text())]
    script = folder / "readme.sh"
    script.write_text("\n".join([CURL, *commands]) + "\n")
    for command in commands:
        assert not re.search(rf":({'|'.join(map(str, vars(README_PORTS).values()))})\b", command), command
    inherited = ("AWS_", "POWERTOOLS_", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")
    env = {name: value for name, value in os.environ.items() if not name.startswith(inherited)}
    env[STATE_FILE_VARIABLE] = str(state_file)  # `make -s token` and `make job` find the test hub
    return subprocess.run(  # noqa: S603
        ["bash", "-euo", "pipefail", str(script)],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_SECONDS,
        check=False,
    )


def test_every_readme_command_works_pasted_in_order_against_a_running_hub(restarted: Restart, tmp_path: Path) -> None:
    hub = restarted.hub

    run = run_readme(restarted.ports, restarted.state_file, tmp_path)

    assert run.returncode == 0, f"stdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    answers = [(int(status), method, url) for status, method, url in HTTP_LOG.findall(run.stderr)]
    assert answers and all(200 <= status < 300 for status, _, _ in answers), answers
    assert [status for status, method, url in answers if method == "GET" and url == f"{hub.api}/v1/numbers"] == [200]
    signups = [status for status, method, url in answers if url == f"{hub.meta}/_sandbox/embedded_signup"]
    assert signups == [201]
    added = [status for status, method, url in answers if method == "POST" and url == f"{hub.api}/v1/numbers"]
    assert added in ([201], [202])
    renames = [status for status, method, url in answers if method == "POST" and url.endswith("/display-name")]
    assert renames == [201, 201]
    assert '"job": "DisplayNamePolling"' in run.stdout

    anna = hub.token("anna@acme.example")
    numbers: list[dict[str, Any]] = hub.get("/v1/numbers", anna, limit="100").json()["items"]
    (new,) = [number for number in numbers if number["phone_number"] == "+4915112345090"]
    assert new["waba_id"] == ACME_WABA
    assert new["number_id"] in run.stdout  # the add-number POST answered with it
    page = hub.get(f"/v1/numbers/{INITECH_NUMBER}/display-name", hub.token("ian@initech.example")).json()
    assert page["display_name"] == "Initech Helpline"
    decided = [(entry["display_name"], entry["status"], entry["decided_by"]) for entry in page["history"][:2]]
    assert decided == [
        ("Initech Helpline", "approved", "polling"),  # its webhook lost, the polling job found Meta's decision
        ("Initech Help Center", "approved", "webhook"),
    ]
