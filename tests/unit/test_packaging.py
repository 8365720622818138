"""What `sam build`, CI and `make` rely on: pinned requirements, service layout, the CI entry point, the docs."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from hub_shared.settings import Settings
from local.template import ROOT
from tools import openapi

SERVICES = ROOT / "services"
LOCK = ROOT / "requirements" / "dev.lock"
README = (ROOT / "README.md").read_text()


def _service_settings() -> dict[str, type[Settings]]:
    """Each service's own settings class (`hub_<area>.settings`), found in the code: area → class."""
    found: dict[str, type[Settings]] = {}
    for module_file in sorted(SERVICES.glob("*/hub_*/settings.py")):
        module = importlib.import_module(f"{module_file.parent.name}.settings")
        classes = [
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, Settings) and cls is not Settings and cls.__module__ == module.__name__
        ]
        assert len(classes) == 1, f"{module.__name__}: one Settings class per service, found {classes}"
        found[module_file.parent.name.removeprefix("hub_")] = classes[0]
    return found


SERVICE_SETTINGS = _service_settings()


def _requirements(path: Path) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line]


def _locked() -> dict[str, str]:
    """Package (canonical name) → the version requirements/dev.lock pins."""
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", LOCK.read_text(), flags=re.MULTILINE)
    return {canonicalize_name(name): version for name, version in pins}


def _pinned(requirement: Requirement) -> str:
    (specifier,) = requirement.specifier
    assert specifier.operator == "==", requirement
    return specifier.version


def _service_dirs() -> list[Path]:
    return sorted(path for path in SERVICES.iterdir() if path.is_dir() and not path.name.startswith((".", "_")))


def _makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", text, flags=re.MULTILINE))


def test_layer_requirements_pin_the_locked_versions() -> None:
    locked = _locked()
    requirements = _requirements(ROOT / "shared" / "requirements.txt")
    assert requirements
    for requirement in requirements:
        assert _pinned(requirement) == locked[canonicalize_name(requirement.name)], requirement


def test_only_billing_adds_stripe_at_the_locked_version() -> None:
    stripe_pins = {
        path.parent.name: _pinned(requirement)
        for path in [ROOT / "shared" / "requirements.txt", *SERVICES.glob("*/requirements.txt")]
        for requirement in _requirements(path)
        if canonicalize_name(requirement.name) == "stripe"
    }
    assert stripe_pins == {"billing": _locked()["stripe"]}


def test_service_requirements_pin_the_locked_versions() -> None:
    locked = _locked()
    for path in SERVICES.glob("*/requirements.txt"):
        for requirement in _requirements(path):
            assert _pinned(requirement) == locked[canonicalize_name(requirement.name)], (path, requirement)


def test_every_service_has_requirements_and_its_own_package_with_an_app() -> None:
    services = _service_dirs()
    assert services
    for service in services:
        assert (service / "requirements.txt").is_file(), service
        assert (service / f"hub_{service.name}" / "__init__.py").is_file(), service
        assert (service / f"hub_{service.name}" / "app.py").is_file(), service


STUB_MAKE = """#!/usr/bin/env bash
{ echo "args=$*"; echo "cwd=$PWD"; echo "head=$(git rev-parse HEAD)"; echo "changed=$(git status --porcelain | wc -l)"
  echo "beside=$(ls -A .. | tr '\n' ' ')"; } >> "$CI_STUB_LOG"
exit "$CI_STUB_STATUS"
"""


def _run_ci_with_a_stub_make(tmp_path: Path, status: int) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """.ci/run with `make` replaced by a stub that records where and how it ran and exits with `status`."""
    stub = tmp_path / "bin" / "make"
    stub.parent.mkdir(exist_ok=True)
    stub.write_text(STUB_MAKE)
    stub.chmod(0o755)
    log = tmp_path / f"make-{status}.log"
    env = {**os.environ, "PATH": f"{stub.parent}{os.pathsep}{os.environ['PATH']}", "CI_STUB_LOG": str(log)}
    env["CI_STUB_STATUS"] = str(status)
    ci = [ROOT / ".ci" / "run"]
    run = subprocess.run(ci, check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
    lines = log.read_text().splitlines() if log.exists() else []
    assert [line for line in lines if line.startswith("args=")] == ["args=test"], (lines, run.stderr)  # once
    return run, dict(line.split("=", 1) for line in lines)


def _head() -> str:
    git = ["git", "-C", str(ROOT), "rev-parse", "HEAD"]
    return subprocess.run(git, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603


@pytest.mark.parametrize("status", [0, 3])
def test_ci_runs_make_test_and_nothing_else(tmp_path: Path, status: int) -> None:
    """`make test` once, in a fresh clone of HEAD in an empty temporary folder, removed afterwards; make's status."""
    run, made = _run_ci_with_a_stub_make(tmp_path, status)

    assert run.returncode == status, run.stderr
    clone = Path(made["cwd"])
    assert not clone.is_relative_to(ROOT)
    assert not ROOT.is_relative_to(clone.parent)
    assert made["head"] == _head()
    assert made["changed"].strip() == "0"  # committed files only: nothing untracked or changed comes along
    assert made["beside"].split() == [clone.name]  # nothing beside the clone
    assert not clone.parent.exists()  # cleaned up
    assert "test" in _makefile_targets()


def test_makefile_has_a_help_target() -> None:
    assert "help" in _makefile_targets()


def test_every_make_command_the_readme_lists_exists() -> None:
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.skip("no README.md yet")
    table_rows = [line for line in readme.read_text().splitlines() if line.lstrip().startswith("|")]
    listed = {target for row in table_rows for target in re.findall(r"`make ([A-Za-z][\w-]*)", row)}
    assert listed
    assert listed <= _makefile_targets()


def test_committed_openapi_document_matches_the_code() -> None:
    assert openapi.main(["--check"]) == 0


def test_the_readme_configuration_table_lists_every_setting_of_every_service() -> None:
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = {
        (cells[0].strip("` "), cells[1].strip(), cells[2].strip())
        for line in section.splitlines()
        if line.startswith("| `") and (cells := [c.strip() for c in line.strip("|").split("|")])
    }
    expected: set[tuple[str, str, str]] = set()
    readers: list[tuple[str, type[Settings]]] = [("every function", Settings), *SERVICE_SETTINGS.items()]
    for who, settings in readers:
        for name, field in settings.model_fields.items():
            if who != "every function" and name in Settings.model_fields:
                continue
            default = "unset" if field.default is None else "empty" if field.default == "" else f"`{field.default}`"
            expected.add((name.upper(), who, default))
    assert documented == expected


def test_every_v1_operation_names_the_bearer_jwt_scheme_and_documents_its_401() -> None:
    document = json.loads((ROOT / "docs" / "openapi.json").read_text())
    scheme = document["components"]["securitySchemes"]["cognito"]
    operations = [
        (path, operation)
        for path, item in document["paths"].items()
        if path.startswith("/v1/")
        for operation in item.values()
    ]

    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    assert operations
    for path, operation in operations:
        assert operation["security"] == [{"cognito": []}], path
        assert "401" in operation["responses"], path
        assert operation["responses"]["401"]["content"] == {  # the authorizer's own answer, not a problem
            "application/json": {"schema": {"$ref": "#/components/schemas/GatewayMessage"}}
        }, path
    assert document["paths"]["/webhooks/meta"]["post"]["security"] == []  # Meta signs instead


def test_every_reference_of_the_openapi_document_resolves_in_it() -> None:
    """A `$ref` names a place in the document itself (a pydantic `#/$defs/…` left in one did not: tools saw no body)."""
    document = json.loads((ROOT / "docs" / "openapi.json").read_text())

    def references(node: object) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if "$ref" in node else []
            return own + [ref for value in node.values() for ref in references(value)]
        return [ref for value in node for ref in references(value)] if isinstance(node, list) else []

    found = references(document)
    assert found
    for reference in found:
        assert reference.startswith("#/"), reference
        target: object = document
        for part in reference[2:].split("/"):
            assert isinstance(target, dict) and part in target, f"{reference} names nothing in the document"
            target = target[part]


def test_an_operation_without_a_documented_401_is_refused_by_the_generator() -> None:
    schema = {"paths": {"/v1/things": {"get": {"responses": {"200": {"description": "ok"}}}}}}

    with pytest.raises(ValueError, match="GET /v1/things does not document its 401"):
        openapi.secured(schema)
