"""tools/package.py, the packaging sam build runs (BuildMethod: makefile): a function's package carries the
service's code with hash-based, unchecked bytecode, and imports from there without compiling or writing anything.
No registry is needed: the requirements are left out (they are installed from it, and cached, in a real build)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from local.template import ROOT
from tools.package import PackagingError, find_compiler, package_function, package_layer, services

SERVICE = "numbers"
# Imports the handler as Lambda does: the function's package, then the layer's python/ (the interpreter's own
# site-packages after them stand in for the layer's requirements, left out here); reports where modules came from.
IMPORT = """
import json, sys
sys.path[:0] = [{function!r}, {layer!r}]
import {handler}
import hub_numbers, hub_shared
print(json.dumps({{"hub_numbers": hub_numbers.__file__, "hub_shared": hub_shared.__file__,
                  "modules": [m.__file__ for m in list(sys.modules.values()) if getattr(m, "__file__", None)]}}))
"""
HASH_BASED = 0b01  # PEP 552 flags: hash-based, check_source off ("unchecked-hash")


def _files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


def test_a_function_package_ships_unchecked_hash_bytecode_and_imports_without_writing(tmp_path: Path) -> None:
    compiler = find_compiler("local")
    function = package_function(SERVICE, tmp_path / "function", platform="local", compiler=compiler, requirements=False)
    layer = package_layer(tmp_path / "layer", platform="local", compiler=compiler, requirements=False)
    sources = sorted(function.path.rglob("*.py")) + sorted(layer.import_root.rglob("*.py"))

    assert function.code_bytes > 0 and function.requirements_bytes == 0
    assert {path.name for path in function.path.iterdir()} == {f"hub_{SERVICE}"}  # no requirements.txt, no Makefile
    assert compiler.cache_tag == sys.implementation.cache_tag
    for source in sources:
        compiled = Path(importlib.util.cache_from_source(str(source)))
        header = compiled.read_bytes()[:16]
        assert header[:4] == importlib.util.MAGIC_NUMBER, source
        assert int.from_bytes(header[4:8], "little") == HASH_BASED, source
        assert header[8:16] == importlib.util.source_hash(source.read_bytes()), source
    # The bytecode is used as it is, its source never read again: a source changed after the build goes unnoticed.
    package_init = function.path / f"hub_{SERVICE}" / "__init__.py"
    package_init.write_text(package_init.read_text() + "\nraise RuntimeError('the source was compiled again')\n")
    before = _files(tmp_path)

    handler = "hub_numbers.app"
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    done = subprocess.run(  # noqa: S603 - this interpreter, on code of its own
        [
            sys.executable,
            "-B",  # Lambda's file system is read-only: nothing may be written, whatever is missing
            "-c",
            IMPORT.format(function=str(function.import_root), layer=str(layer.import_root), handler=handler),
        ],
        cwd=tmp_path,
        env=environment | {"AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "eu-central-1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    imported = json.loads(done.stdout.splitlines()[-1])
    assert Path(imported["hub_numbers"]).is_relative_to(function.path)
    assert Path(imported["hub_shared"]).is_relative_to(layer.path)
    from_packages = [m for m in imported["modules"] if Path(m).is_relative_to(tmp_path)]
    assert len(from_packages) > 20
    assert _files(tmp_path) == before  # nothing compiled, nothing written


def test_lambda_bytecode_is_compiled_by_cpython_312_or_refused() -> None:
    if sys.implementation.cache_tag == "cpython-312":
        pytest.skip("this interpreter is Lambda's version")

    with pytest.raises(PackagingError, match=r"only uses bytecode a CPython 3\.12 compiled"):
        find_compiler("lambda", sys.executable, strict=True)


def test_a_package_is_never_built_over_the_repository_or_its_sources() -> None:
    for folder in (ROOT, ROOT / "services" / SERVICE, ROOT.parent):  # outside-repository: the folder holding it
        with pytest.raises(PackagingError, match="refusing to build into"):
            package_function(SERVICE, folder, platform="local", compiler=None, requirements=False)


def test_every_service_folder_has_a_function_package() -> None:
    assert services() == sorted(path.parent.parent.name for path in (ROOT / "services").glob("*/hub_*/app.py"))
