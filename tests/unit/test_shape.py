"""The one shape every service follows (README, Layout), checked on the code itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from local.template import ROOT

SERVICES = sorted(p for p in (ROOT / "services").iterdir() if p.is_dir())
PACKAGES = [next(s.glob("hub_*")) for s in SERVICES]
WALL_CLOCK = re.compile(r"\b(utc_now|datetime\.now|datetime\.utcnow|time\.time|date\.today)\b")


def _modules(folder: str) -> list[Path]:
    return sorted(path for package in PACKAGES for path in (package / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("usecases") + _modules("routes"), ids=lambda p: str(p.relative_to(ROOT)))
def test_use_cases_and_routes_never_read_the_wall_clock(path: Path) -> None:
    """Use cases take `now` as an argument; routes get it from `hub_shared.api.Now`."""
    assert not WALL_CLOCK.search(path.read_text())


@pytest.mark.parametrize("path", _modules("usecases"), ids=lambda p: str(p.relative_to(ROOT)))
def test_use_cases_never_touch_boto3(path: Path) -> None:
    imported: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not {m for m in imported if m.split(".")[0] in {"boto3", "botocore"}}
    assert not {m for m in imported if ".store" in m or m.endswith(".deps")}


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_every_service_has_the_shape(package: Path) -> None:
    assert (package / "app.py").is_file()
    for flat in ("models.py", "store.py", "ports.py"):
        assert not (package / flat).exists(), f"{package.name}/{flat}: use the {flat[:-3]}/ package"
    service_settings = package / "settings.py"
    if any((package / folder).is_dir() for folder in ("store", "integrations")):
        assert service_settings.is_file(), f"{package.name} has resources of its own but no settings.py"


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_settings_are_read_through_the_services_own_class(package: Path) -> None:
    """A service reads its own settings (`hub_<area>.settings`), never the shared class for its resources."""
    for path in package.rglob("*.py"):
        assert "get_settings()" not in path.read_text(), f"{path.relative_to(ROOT)} reads the shared settings"


@pytest.mark.parametrize("path", sorted((ROOT / "tests").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_test_imports_another_test_module(path: Path) -> None:
    """Helpers live once in tests/builders.py; test modules and conftests are never imported."""
    for node in ast.walk(ast.parse(path.read_text())):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        for module in modules:
            last = module.rsplit(".", 1)[-1]
            assert not (module.startswith("tests.") and (last.startswith("test_") or last == "conftest")), module
