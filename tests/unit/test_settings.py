"""Settings are read from the environment once, on first use."""

from __future__ import annotations

import importlib
import sys

import pytest

from hub_shared.settings import Settings, get_settings


def test_settings_come_from_the_environment_and_are_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()  # type: ignore[attr-defined]
    monkeypatch.setenv("NUMBERS_TABLE", "numbers-from-env")
    first = get_settings()
    monkeypatch.setenv("NUMBERS_TABLE", "changed-later")

    assert first.numbers_table == "numbers-from-env"
    assert get_settings() is first
    get_settings.cache_clear()  # type: ignore[attr-defined]


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_MAX_RETRIES", "99")

    with pytest.raises(ValueError, match="graph_max_retries"):
        Settings()


def test_importing_a_service_reads_no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()  # type: ignore[attr-defined]
    monkeypatch.setenv("GRAPH_MAX_RETRIES", "not-a-number")
    for name in [m for m in sys.modules if m.startswith("hub_numbers")]:
        monkeypatch.delitem(sys.modules, name)

    importlib.import_module("hub_numbers.app")

    with pytest.raises(ValueError, match="graph_max_retries"):
        get_settings()
    get_settings.cache_clear()  # type: ignore[attr-defined]
