"""hub_shared.snapstart: the after-restore hook renews, in an execution environment resumed from a SnapStart snapshot,
what must not be shared with the others resumed from it; `install()` registers it once with the runtime's library."""

from __future__ import annotations

import random
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest

from hub_shared import aws, snapstart
from hub_shared.singletons import singleton

LIBRARY = "snapshot_restore_py"


@pytest.fixture
def installable(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Callable[..., object]]]:
    """The Lambda runtime's hook library, as a fake recording what is registered; install() not yet called."""
    registered: list[Callable[..., object]] = []

    def register_after_restore(hook: Callable[..., object], *args: object, **kwargs: object) -> Callable[..., object]:
        registered.append(hook)
        return hook

    library: Any = types.ModuleType(LIBRARY)
    library.register_after_restore = register_after_restore
    monkeypatch.setitem(sys.modules, LIBRARY, library)
    snapstart.install.cache_clear()
    yield registered
    snapstart.install.cache_clear()


def test_install_registers_the_after_restore_hook_once(installable: list[Callable[..., object]]) -> None:
    assert snapstart.install() is True
    assert snapstart.install() is True

    assert installable == [snapstart.after_restore]


def test_install_registers_nothing_where_nothing_is_ever_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, LIBRARY, None)  # not importable: tests, the local cloud, no SnapStart
    snapstart.install.cache_clear()
    try:
        assert snapstart.install() is False
    finally:
        snapstart.install.cache_clear()


def test_after_restore_renews_random_state_cached_factories_and_aws_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []

    @singleton
    def cached_secret_store() -> object:
        made.append(object())
        return made[-1]

    client = mock.Mock(name="botocore client")
    monkeypatch.setattr(aws, "_made", {("dynamodb", "eu-central-1", None, ""): client})
    store = cached_secret_store()
    random.seed(42)  # the state every environment resumed from one snapshot would share
    shared_draw = random.random()
    random.seed(42)

    snapstart.after_restore()

    assert random.random() != shared_draw
    assert cached_secret_store() is not store  # made again on first use
    assert aws._made == {}
    client.close.assert_called_once_with()


def test_after_restore_clears_powertools_parameters_caches_only_if_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    parameters: Any = types.ModuleType(snapstart.POWERTOOLS_PARAMETERS)
    parameters.clear_caches = mock.Mock()
    monkeypatch.setitem(sys.modules, snapstart.POWERTOOLS_PARAMETERS, parameters)
    monkeypatch.setattr(aws, "forget_clients", mock.Mock())

    snapstart.after_restore()
    parameters.clear_caches.assert_called_once_with()

    monkeypatch.delitem(sys.modules, snapstart.POWERTOOLS_PARAMETERS)
    snapstart.after_restore()  # not loaded: nothing to clear, and nothing loaded for it
    assert snapstart.POWERTOOLS_PARAMETERS not in sys.modules
