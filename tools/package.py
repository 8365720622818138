"""The deployment packages `sam build` makes — the shared layer and each service's function — assembled the way the
template's makefile builds assemble them (shared/Makefile, services/<area>/Makefile call this module), with their
bytecode compiled, and their sizes against Lambda's limit.

    python -m tools.package                              # every package for Lambda into build/lambda, and the sizes
    python -m tools.package --platform local             # for this machine's Python (the benchmarks import them)
    python -m tools.package --no-bytecode                # without bytecode (what a plain `sam build` ships)
    python -m tools.package layer --artifacts DIR        # sam build's target of the layer: DIR/python/…
    python -m tools.package function numbers --artifacts DIR   # … of a function of services/numbers: DIR/hub_numbers/…

The layer is what Lambda unpacks in /opt: python/ holds shared/requirements.txt's packages and hub_shared beside them.
A function is what it unpacks in /var/task: the service's code (services/<area>/, its requirements.txt and Makefile
left out) and its own requirements. Requirements are installed with uv (`make setup` puts it in .venv), constrained
to requirements/dev.lock's versions (the ones the tests ran with): for Lambda, manylinux2014 aarch64 wheels for
CPython 3.12 (the template's runtime and architecture); for `--platform local`, wheels for the running interpreter,
so that a benchmark can import them. An install is kept in build/cache/, keyed by the requirements, the lock and the
platform, so a build after the first one links files instead of fetching them.

Bytecode: Lambda's file system is read-only, so a package shipped without .pyc files compiles every module it
imports at every cold start (the compiled code cannot be written back). Each package's .py files are compiled
into __pycache__ beside them with `compileall --invalidation-mode unchecked-hash` (PEP 552): the .pyc records the
source's hash, not its modification time — which zipping and unzipping need not keep —, and the import system uses
it without reading the source again: a deployed package is immutable (any change is a new build, compiled anew),
so a check at every import would only cost a read and a hash of every module's source. A .pyc is only used by the
Python version that wrote it (its name carries the interpreter's cache tag, `cpython-312`); one written by another
version is never read — dead weight, not an error —, so for Lambda the bytecode must be compiled by a CPython 3.12
(`--compile-with`, `$LAMBDA_PYTHON`, `python3.12` on the PATH or pyenv's), and the report says which interpreter
compiled it. The file names recorded in the .pyc are Lambda's (/opt/python/…, /var/task/…), as tracebacks show them.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform as platform_module
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT / "shared"
SERVICES = ROOT / "services"
LOCK = ROOT / "requirements" / "dev.lock"
BUILD = ROOT / "build"
CACHE = BUILD / "cache"

Platform = Literal["lambda", "local"]
PLATFORMS: tuple[Platform, ...] = get_args(Platform)

LAMBDA_RUNTIME = "python3.12"
LAMBDA_CACHE_TAG = "cpython-312"
LAMBDA_WHEELS = ("--python-platform", "aarch64-manylinux2014", "--python-version", "3.12")
LAYER_ROOT = "/opt/python"  # where Lambda unpacks the layer's python/ (on sys.path)
FUNCTION_ROOT = "/var/task"  # where Lambda unpacks a function's package (first on sys.path)
LIMIT_BYTES = 250 * 1024 * 1024
"""Lambda's limit on a function's unzipped code and all its layers: 250 MB (262,144,000 bytes)."""

CACHE_FORMAT = "1"  # part of every cache key: bump it when what is cached changes shape
NOT_PACKAGED = frozenset({"requirements.txt", "Makefile", "__pycache__"})
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".*")


class PackagingError(Exception):
    """A package could not be built (no uv, no CPython 3.12 for Lambda's bytecode, an install that failed)."""


@dataclass(frozen=True)
class Interpreter:
    """The Python that compiled a package's bytecode."""

    path: str
    version: str  # "3.12.1"
    cache_tag: str  # "cpython-312": the .pyc files it writes are used by this version only

    def __str__(self) -> str:
        return f"CPython {self.version} ({self.cache_tag}, {self.path})"


@dataclass(frozen=True)
class Package:
    """One deployment package: a folder laid out as Lambda unpacks it."""

    name: str  # "layer", or the service ("numbers")
    path: Path  # the layer: what Lambda unpacks in /opt; a function: what it unpacks in /var/task
    code_bytes: int  # hub_shared or the service's code (with its bytecode), unzipped
    requirements_bytes: int  # the installed requirements (with their bytecode), unzipped

    @property
    def bytes(self) -> int:
        return self.code_bytes + self.requirements_bytes

    @property
    def import_root(self) -> Path:
        """The folder Lambda puts on sys.path: a function's root, the layer's python/."""
        return self.path / "python" if self.name == "layer" else self.path


@dataclass(frozen=True)
class Packages:
    """The layer and every service's function package, as `build` left them."""

    root: Path
    platform: Platform
    bytecode: bool
    compiler: Interpreter | None  # who compiled the bytecode (None: none was)
    layer: Package
    functions: dict[str, Package]  # by service ("numbers")

    def sys_path(self, service: str) -> list[Path]:
        """sys.path's first entries in a function of `service`, as Lambda sets them: its code, then the layer."""
        return [self.functions[service].import_root, self.layer.import_root]

    def deployed_bytes(self, service: str) -> int:
        """What counts against LIMIT_BYTES for a function of `service`: its package and the layer, unzipped."""
        return self.functions[service].bytes + self.layer.bytes


def services() -> list[str]:
    """The services that have a function package: the folders of services/ with a requirements.txt."""
    return sorted(path.parent.name for path in SERVICES.glob("*/requirements.txt"))


def build(
    dest: Path = BUILD / "lambda",
    *,
    platform: Platform = "lambda",
    bytecode: bool = True,
    compile_with: str | None = None,
    strict: bool = False,
    only: Iterable[str] | None = None,
) -> Packages:
    """The layer in `dest`/layer and each service's function in `dest`/functions/<service>, built anew.

    `platform`: "lambda" (arm64 CPython 3.12 wheels, Lambda's file names in the bytecode) or "local" (wheels and
    bytecode for the running interpreter). `compile_with`: the interpreter that compiles the bytecode (default: for
    Lambda a CPython 3.12 found on this machine, locally the running one); `strict`: for Lambda, refuse to compile
    with anything but CPython 3.12 instead of warning. `only`: some services (default: all)."""
    compiler = find_compiler(platform, compile_with, strict=strict) if bytecode else None
    layer = package_layer(dest / "layer", platform=platform, compiler=compiler)
    functions = {
        service: package_function(service, dest / "functions" / service, platform=platform, compiler=compiler)
        for service in (sorted(only) if only is not None else services())
    }
    return Packages(dest, platform, bytecode, compiler, layer, functions)


def package_layer(
    artifacts: Path, *, platform: Platform, compiler: Interpreter | None, requirements: bool = True
) -> Package:
    """The shared layer in `artifacts`: python/ with shared/requirements.txt's packages and hub_shared."""
    python = artifacts / "python"
    return _package("layer", artifacts, python, SHARED, LAYER_ROOT, platform, compiler, requirements)


def package_function(
    service: str, artifacts: Path, *, platform: Platform, compiler: Interpreter | None, requirements: bool = True
) -> Package:
    """A function of services/`service` in `artifacts`: the service's code and its own requirements.
    `requirements=False` leaves them out (no registry needed: the code and its bytecode only)."""
    source = SERVICES / service
    if not (source / "requirements.txt").is_file():
        raise PackagingError(f"no service {service!r}: services/{service}/requirements.txt is missing")
    return _package(service, artifacts, artifacts, source, FUNCTION_ROOT, platform, compiler, requirements)


def _package(
    name: str,
    artifacts: Path,
    target: Path,
    source: Path,
    lambda_root: str,
    platform: Platform,
    compiler: Interpreter | None,
    requirements: bool,
) -> Package:
    """`source`'s code and requirements in `target` (inside `artifacts`, emptied first), compiled by `compiler`.
    `lambda_root` is where Lambda puts `target`: the file names the bytecode records for Lambda."""
    _empty(artifacts)
    target.mkdir(parents=True, exist_ok=True)
    prefix = lambda_root if platform == "lambda" else None
    installed = _installed(source / "requirements.txt", platform, compiler, prefix) if requirements else None
    requirements_bytes = _link_tree(installed, target) if installed else 0
    code = _copy_code(source, target)
    if compiler is not None:
        _compile(compiler, target, code, prefix)
    code_bytes = sum(_size(target / entry) for entry in code)
    return Package(name, artifacts, code_bytes, requirements_bytes)


def _copy_code(source: Path, target: Path) -> list[str]:
    """`source`'s code into `target` (copies, never links: the repository's files stay apart from the build's);
    answers the top-level names copied."""
    copied: list[str] = []
    for entry in sorted(source.iterdir()):
        if entry.name in NOT_PACKAGED or entry.name.startswith("."):
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, ignore=IGNORED)
        else:
            shutil.copy2(entry, target / entry.name)
        copied.append(entry.name)
    return copied


# ---------------------------------------------------------------- requirements


def _requirement_lines(requirements: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in requirements.read_text().splitlines())
    return [line for line in lines if line]


def _installed(requirements: Path, platform: Platform, compiler: Interpreter | None, prefix: str | None) -> Path | None:
    """The folder holding `requirements` installed for `platform` (and compiled by `compiler`, if any), made once
    and kept in the cache; None when there is nothing to install."""
    lines = _requirement_lines(requirements)
    if not lines:
        return None
    lock = LOCK.read_text() if LOCK.is_file() else ""
    wheels = LAMBDA_WHEELS if platform == "lambda" else (sys.implementation.cache_tag, sys.platform, os.uname().machine)
    key = _digest(CACHE_FORMAT, platform, *wheels, *lines, lock)
    plain = _cached(
        CACHE / "requirements" / f"{platform}-{key}", lambda scratch: _install(requirements, platform, scratch)
    )
    if compiler is None:
        return plain
    compiled = (
        CACHE / "requirements" / f"{platform}-{_digest(key, compiler.version, prefix or '')}-{compiler.cache_tag}"
    )
    # the file names recorded: Lambda's, or locally the cache's own (the sources are there, for tracebacks)
    recorded = prefix or str(compiled)

    def link_and_compile(scratch: Path) -> None:
        _link_tree(plain, scratch)
        _compile(compiler, scratch, None, recorded)

    return _cached(compiled, link_and_compile)


def _install(requirements: Path, platform: Platform, target: Path) -> None:
    command = [_uv(), "pip", "install", "--quiet", "--target", str(target), "--only-binary", ":all:"]
    command += LAMBDA_WHEELS if platform == "lambda" else ("--python", sys.executable)
    if LOCK.is_file():
        command += ["--constraint", str(LOCK)]
    done = subprocess.run([*command, "--requirement", str(requirements)], capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise PackagingError(f"installing {requirements} for {platform} failed:\n{done.stderr.strip()}")


def _uv() -> str:
    """uv: beside the running interpreter (`make setup` installs it in .venv), else on the PATH."""
    beside = Path(sys.executable).parent / "uv"
    found = str(beside) if beside.is_file() else shutil.which("uv")
    if not found:
        raise PackagingError("uv is needed to install requirements: run `make setup` (it installs uv in .venv)")
    return found


def _cached(final: Path, make: Callable[[Path], None]) -> Path:
    """`final`, made by `make` into a temporary folder beside it and renamed into place: a folder of the cache is
    complete once it exists, and two builds at once (sam build --parallel) never see half of one."""
    if final.is_dir():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
    try:
        make(scratch)
        scratch.rename(final)
    except OSError:
        if not final.is_dir():  # not another build that got there first
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return final


# ---------------------------------------------------------------- bytecode


def find_compiler(platform: Platform, compile_with: str | None = None, *, strict: bool = False) -> Interpreter:
    """Who compiles the bytecode: `compile_with`; else for Lambda a CPython 3.12 of this machine (without one: an
    error if `strict`, else the running interpreter and a warning); else locally the running interpreter."""
    if compile_with is not None:
        chosen = _interpreter(compile_with)
        if chosen is None:
            raise PackagingError(f"{compile_with} is no CPython interpreter")
    elif platform == "local":
        chosen = _running()
    else:
        candidates = (_interpreter(path) for path in _runtime_candidates())
        runtime = (found for found in candidates if found is not None and found.cache_tag == LAMBDA_CACHE_TAG)
        chosen = next(runtime, None) or _running()
    if platform == "lambda" and chosen.cache_tag != LAMBDA_CACHE_TAG:
        if strict:
            raise PackagingError(
                f"Lambda's {LAMBDA_RUNTIME} only uses bytecode a CPython 3.12 compiled, not {chosen}: install "
                "python3.12, or name one with LAMBDA_PYTHON=/path/to/python3.12"
            )
        print(f"warning: {chosen} compiles bytecode that Lambda's {LAMBDA_RUNTIME} ignores", file=sys.stderr)
    return chosen


def _running() -> Interpreter:
    return Interpreter(sys.executable, platform_module.python_version(), sys.implementation.cache_tag)


def _runtime_candidates() -> Iterator[str]:
    """Where a CPython 3.12 may be: $LAMBDA_PYTHON, every python3.12 on the PATH (a pyenv shim may refuse to run),
    pyenv's own versions."""
    if os.environ.get("LAMBDA_PYTHON"):
        yield os.environ["LAMBDA_PYTHON"]
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if folder and (Path(folder) / "python3.12").is_file():
            yield str(Path(folder) / "python3.12")
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    yield from (str(path) for path in sorted(pyenv.glob("3.12*/bin/python3.12"), reverse=True))


def _interpreter(path: str) -> Interpreter | None:
    """The CPython at `path`, or None if it is none (or does not run)."""
    probe = "import sys; print(sys.implementation.name, sys.implementation.cache_tag, sys.version.split()[0])"
    try:
        done = subprocess.run([path, "-c", probe], capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
    except OSError:
        return None
    words = done.stdout.split()
    if done.returncode != 0 or len(words) != 3 or words[0] != "cpython":
        return None
    return Interpreter(path=path, version=words[2], cache_tag=words[1])


def _compile(compiler: Interpreter, tree: Path, entries: Iterable[str] | None, prefix: str | None) -> None:
    """Every .py under `tree` (or only under its `entries`) compiled by `compiler`, hash-based and unchecked; with
    `prefix`, the file names recorded are `prefix` + the path below `tree` (where Lambda will have them)."""
    paths = [str(tree)] if entries is None else [str(tree / entry) for entry in entries]
    if not paths:
        return
    command = [compiler.path, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash"]
    if prefix is not None:
        command += ["-s", str(tree), "-p", prefix]
    done = subprocess.run([*command, *paths], capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise PackagingError(f"compiling {tree} with {compiler} failed:\n{(done.stdout + done.stderr).strip()}")


# ---------------------------------------------------------------- files


def _link_tree(source: Path, target: Path) -> int:
    """`source`'s files in `target` as hard links (copies across file systems); answers their bytes. Safe for the
    cache's files: nothing writes a package's files in place (compiling writes new ones)."""
    shutil.copytree(source, target, copy_function=_link_or_copy, dirs_exist_ok=True)
    return _size(source)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _size(path: Path) -> int:
    """The bytes of the files under `path` (or of the file itself), as Lambda counts them: unzipped."""
    if path.is_file():
        return path.stat().st_size
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file() and not file.is_symlink())


def _empty(folder: Path) -> None:
    """`folder`, emptied: never the repository, a folder holding it, or one of its sources."""
    folder = folder.resolve()
    if ROOT.is_relative_to(folder) or any(folder.is_relative_to(source) for source in (SHARED, SERVICES)):
        raise PackagingError(f"refusing to build into {folder}: it holds the repository or its sources")
    if folder.is_dir():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- report and command line


def _mib(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MiB"


def report(packages: Packages) -> str:
    """The packages' sizes, unzipped, each function's with the layer against Lambda's 250 MB."""
    wheels = "arm64 CPython 3.12 wheels" if packages.platform == "lambda" else f"wheels for {sys.executable}"
    compiled = f"bytecode by {packages.compiler}" if packages.compiler else "no bytecode"
    lines = [
        f"{packages.root}: {wheels}, {compiled}",
        f"  {'package':<10}{'code':>12}{'requirements':>15}{'package':>12}{'+ layer':>12}{'of 250 MB':>11}",
    ]
    rows = [(packages.layer, packages.layer.bytes)]
    rows += [(function, packages.deployed_bytes(service)) for service, function in packages.functions.items()]
    for package, deployed in rows:
        lines.append(
            f"  {package.name:<10}{_mib(package.code_bytes):>12}{_mib(package.requirements_bytes):>15}"
            f"{_mib(package.bytes):>12}{_mib(deployed) if package.name != 'layer' else '':>12}"
            f"{deployed / LIMIT_BYTES:>10.0%}{'' if deployed <= LIMIT_BYTES else '  OVER THE LIMIT'}"
        )
    return "\n".join(lines)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--platform", choices=PLATFORMS, default="lambda", help="lambda (default) or local")
    parser.add_argument("--no-bytecode", dest="bytecode", action="store_false", help="ship no .pyc files")
    parser.add_argument("--compile-with", metavar="PYTHON", help="the interpreter that compiles the bytecode")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.package", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    _common(parser)
    parser.add_argument("--dest", type=Path, help="where to build every package (default build/<platform>)")
    commands = parser.add_subparsers(dest="command", metavar="{layer,function}")
    layer = commands.add_parser("layer", help="sam build's target of the shared layer")
    function = commands.add_parser("function", help="sam build's target of a service's function")
    function.add_argument("service", choices=services())
    for command in (layer, function):
        command.add_argument("--artifacts", type=Path, required=True, help="sam build's $ARTIFACTS_DIR")
        _common(command)
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            dest = args.dest or BUILD / args.platform
            packages = build(dest, platform=args.platform, bytecode=args.bytecode, compile_with=args.compile_with)
            print(report(packages))
            return 0 if all(packages.deployed_bytes(s) <= LIMIT_BYTES for s in packages.functions) else 1
        # sam build: Lambda's bytecode or none, never bytecode Lambda would ignore
        compiler = find_compiler(args.platform, args.compile_with, strict=True) if args.bytecode else None
        if args.command == "layer":
            built = package_layer(args.artifacts, platform=args.platform, compiler=compiler)
        else:
            built = package_function(args.service, args.artifacts, platform=args.platform, compiler=compiler)
    except PackagingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    compiled = f"bytecode by {compiler}" if compiler else "no bytecode"
    print(f"{built.name}: {_mib(built.bytes)} unzipped in {built.path} ({compiled})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
