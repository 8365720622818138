"""The local hub's state file: `.local-state/hub.json`, or the file `LOCAL_HUB_STATE` names, for every tool."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from local import jobs, tokens
from local.state import STATE_FILE, STATE_FILE_VARIABLE, NoLocalHub, load_state, save_state, state_path


def test_the_state_file_is_the_checkouts_own_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATE_FILE_VARIABLE, raising=False)

    assert state_path() == STATE_FILE
    assert STATE_FILE.parts[-2:] == (".local-state", "hub.json")


def test_local_hub_state_names_the_file_the_runner_writes_and_the_tools_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "hubs" / "one.json"
    monkeypatch.setenv(STATE_FILE_VARIABLE, str(elsewhere))

    save_state({"api_url": "http://127.0.0.1:1"})

    assert state_path() == elsewhere
    assert elsewhere.is_file()
    assert load_state() == {"api_url": "http://127.0.0.1:1"}


def test_an_explicit_path_wins_over_local_hub_state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(STATE_FILE_VARIABLE, str(tmp_path / "named.json"))
    save_state({"which": "given"}, tmp_path / "given.json")

    assert load_state(tmp_path / "given.json") == {"which": "given"}
    with pytest.raises(NoLocalHub, match=r"named\.json"):
        load_state()


@pytest.mark.parametrize(
    "main",
    [lambda: jobs.main(["DisplayNamePolling"]), lambda: tokens.main(["anna@acme.example"])],
    ids=["make job", "make token"],
)
def test_make_job_and_make_token_look_for_the_hub_where_local_hub_state_says(
    main: Callable[[], int | None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-hub-here.json"
    monkeypatch.setenv(STATE_FILE_VARIABLE, str(missing))

    status: str | int | None
    try:
        status = main()
    except SystemExit as exit_:
        status = exit_.code

    assert status not in (0, None)
    assert str(missing) in f"{status}{capsys.readouterr().err}"
