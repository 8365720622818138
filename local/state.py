"""The running local hub's state file, `.local-state/hub.json`: the runner writes it, tools (local.tokens) read it.

`LOCAL_HUB_STATE` names another file, for the runner and the tools alike (`state_path()`): a hub started with
`--state-file` elsewhere, e.g. by a test, is then what `make token` and `make job` talk to.

Keys (JSON object; readers ignore keys they do not know, so the runner may add its own):
- `aws_endpoint`: the moto server's URL, e.g. `http://127.0.0.1:40123`
- `region`: the region of every local AWS resource, e.g. `eu-central-1`
- `user_pool_client_id`: the Cognito app client the demo users log in with
(`local.cloud.AwsInfo.state()` answers these three.)
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from local.template import ROOT

STATE_FILE = ROOT / ".local-state" / "hub.json"
STATE_FILE_VARIABLE = "LOCAL_HUB_STATE"


class NoLocalHub(Exception):
    """No state file: the local hub is not running (or never ran here)."""


def state_path() -> Path:
    """The state file: `$LOCAL_HUB_STATE` when set (read now, not at import), else `.local-state/hub.json`."""
    return Path(os.environ.get(STATE_FILE_VARIABLE) or STATE_FILE)


def save_state(values: Mapping[str, Any], path: Path | None = None) -> None:
    """Write the state file (`state_path()` by default) whole: a reader never sees half of it."""
    path = path or state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(values, indent=2, sort_keys=True) + "\n")
    partial.replace(path)


def load_state(path: Path | None = None) -> dict[str, Any]:
    """The running hub's state (`state_path()` by default); NoLocalHub when there is none."""
    path = path or state_path()
    try:
        loaded: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        raise NoLocalHub(f"{path} does not exist: start the local hub with `make run`.") from None
    return loaded
