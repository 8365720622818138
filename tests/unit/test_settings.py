"""Settings are read from the environment once, on first use; each service reads its own on top of the shared ones."""

from __future__ import annotations

import importlib
import sys

import pytest

from hub_billing.settings import BillingSettings
from hub_numbers.settings import NumbersSettings, numbers_settings
from hub_shared.settings import Settings, get_settings
from hub_webhooks.settings import WebhooksSettings

SERVICE_SETTINGS = (NumbersSettings, WebhooksSettings, BillingSettings)


def test_settings_come_from_the_environment_and_are_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    numbers_settings.cache_clear()  # type: ignore[attr-defined]
    monkeypatch.setenv("NUMBERS_TABLE", "numbers-from-env")
    monkeypatch.setenv("EVENT_BUS_NAME", "bus-from-env")
    first = numbers_settings()
    monkeypatch.setenv("NUMBERS_TABLE", "changed-later")

    assert (first.numbers_table, first.event_bus_name) == ("numbers-from-env", "bus-from-env")
    assert numbers_settings() is first
    numbers_settings.cache_clear()  # type: ignore[attr-defined]


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_MAX_RETRIES", "99")

    with pytest.raises(ValueError, match="graph_max_retries"):
        Settings()
    with pytest.raises(ValueError, match="graph_max_retries"):
        NumbersSettings()


@pytest.mark.parametrize("service", SERVICE_SETTINGS, ids=lambda cls: cls.__name__)
def test_a_service_adds_only_its_own_fields_to_the_shared_ones(service: type[Settings]) -> None:
    own = set(service.model_fields) - set(Settings.model_fields)
    others = {field for other in SERVICE_SETTINGS if other is not service for field in other.model_fields}

    assert own
    assert service.model_fields.keys() >= Settings.model_fields.keys()
    assert not (own & others - {"meta_app_secret"}), "a field is declared by two services"


def test_the_shared_settings_name_no_service_table() -> None:
    service_tables = {f for cls in SERVICE_SETTINGS for f in cls.model_fields if f.endswith("_table")}
    shared_tables = {f for f in Settings.model_fields if f.endswith("_table")}

    # the tables hub_shared's read models read for every service (accounts, the waba registry), and idempotency's
    assert shared_tables == {"accounts_table", "waba_table", "idempotency_table"}
    assert not shared_tables & (service_tables - shared_tables)


def test_importing_a_service_reads_no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()  # type: ignore[attr-defined]
    numbers_settings.cache_clear()  # type: ignore[attr-defined]
    monkeypatch.setenv("GRAPH_MAX_RETRIES", "not-a-number")
    for name in [m for m in sys.modules if m.startswith("hub_numbers")]:
        monkeypatch.delitem(sys.modules, name)

    importlib.import_module("hub_numbers.app")

    with pytest.raises(ValueError, match="graph_max_retries"):
        get_settings()
    with pytest.raises(ValueError, match="graph_max_retries"):
        importlib.import_module("hub_numbers.settings").numbers_settings()
    get_settings.cache_clear()  # type: ignore[attr-defined]
