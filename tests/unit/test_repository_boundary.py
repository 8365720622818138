"""Nothing in tests/, tools/, local/ or bench/ reads beside the checkout: a fresh clone must pass alone.

Twice enforced: statically here (the code names no path leaving the repository), and at run time by
the audit hook tests/conftest.py installs (`repository_guard`), whose refusals are checked here too.
A line that must name such a path (the guard and these tests do) says why with `# outside-repository: …`.
"""

from __future__ import annotations

import ast
import glob
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest

from local.template import ROOT
from tests.builders import ReadOutsideRepository, repository_guard

SCANNED = ("tests", "tools", "local", "bench")
ALLOWED = re.compile(r"#\s*outside-repository:\s*\S")
#: Names that hold the repository's root wherever they are imported from (local.template.ROOT).
ROOT_NAMES = frozenset({"ROOT"})
SAME_PATH_METHODS = frozenset({"resolve", "absolute"})
SAME_PATH_FUNCTIONS = frozenset({"abspath", "realpath", "normpath"})
MACHINE_PREFIX = "/work"  # outside-repository: where this machine keeps its checkouts and reference material
REFERENCE_FOLDER = "shared/reference"  # outside-repository: the machine-local reference material


@dataclass(frozen=True)
class Escape:
    file: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


def _climb(depth: int, text: str) -> int:
    """The depth after walking the relative path `text` from `depth`; below 0 as soon as it leaves the root."""
    for part in text.replace("\\", "/").split("/"):
        if part == "..":  # outside-repository: what a climbing path looks like
            depth -= 1
            if depth < 0:
                return depth
        elif part not in {"", "."}:
            depth += 1
    return depth


class _Depths:
    """How deep below the repository's root a path expression points (0: the root, < 0: outside), or None.

    Follows `__file__`, `Path(…)`, `.parent`, `.parents[n]`, `.resolve()`, `/ "literal"`, `os.path.dirname`,
    `os.path.join` with literals, the root's name and the module's own top-level assignments of those.
    """

    def __init__(self, file_depth: int) -> None:
        self.file_depth = file_depth
        self.names: dict[str, int] = dict.fromkeys(ROOT_NAMES, 0)

    def of(self, node: ast.expr) -> int | None:
        match node:
            case ast.Name(id="__file__"):
                return self.file_depth
            case ast.Name(id=name):
                return self.names.get(name)
            case ast.Call(func=ast.Name(id="Path" | "PurePath" | "PosixPath"), args=[inner], keywords=[]):
                return self.of(inner)
            case ast.Attribute(value=inner, attr="parent"):
                return _minus(self.of(inner), 1)
            case ast.Subscript(value=ast.Attribute(value=inner, attr="parents"), slice=ast.Constant(value=int(n))):
                return _minus(self.of(inner), n + 1)
            case ast.Call(func=ast.Attribute(value=inner, attr=method), args=[]) if method in SAME_PATH_METHODS:
                return self.of(inner)
            case ast.Call(func=ast.Attribute(value=inner, attr="joinpath"), args=parts):
                return self._joined(self.of(inner), parts)
            case ast.BinOp(left=left, op=ast.Div(), right=right):
                return self._joined(self.of(left), [right])
            case ast.Call(func=ast.Attribute(attr="dirname"), args=[inner]):
                return _minus(self.of(inner), 1)
            case ast.Call(func=ast.Attribute(attr=function), args=[inner]) if function in SAME_PATH_FUNCTIONS:
                return self.of(inner)
            case ast.Call(func=ast.Attribute(attr="join"), args=[first, *parts]):
                return self._joined(self.of(first), parts)
        return None

    def _joined(self, depth: int | None, parts: list[ast.expr]) -> int | None:
        for part in parts:
            if depth is None or depth < 0:
                return depth
            if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                return None
            depth = _climb(depth, part.value)
        return depth


def _minus(depth: int | None, levels: int) -> int | None:
    return None if depth is None else depth - levels


def _leaves(depths: _Depths, node: ast.AST) -> bool:
    depth = depths.of(node) if isinstance(node, ast.expr) else None
    return depth is not None and depth < 0


def _literal_escape(text: str) -> str | None:
    if text == ".." or text.startswith(("../", "..\\")):  # outside-repository: the shapes looked for
        return f"a relative path climbing out of the repository ({text!r})"
    if text == MACHINE_PREFIX or text.startswith(MACHINE_PREFIX + "/"):
        return f"an absolute path of this machine ({text!r})"
    if REFERENCE_FOLDER in text:
        return f"the reference folder beside the checkout ({text!r})"
    return None


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the docstring constants: prose may say where things do not live."""
    holders = [
        tree,
        *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)),
    ]
    return {
        id(holder.body[0].value)
        for holder in holders
        if holder.body
        and isinstance(holder.body[0], ast.Expr)
        and isinstance(holder.body[0].value, ast.Constant)
        and isinstance(holder.body[0].value.value, str)
    }


def escapes(source: str, relative: PurePosixPath) -> list[Escape]:
    """Every place in one module's source that names a path outside the repository."""
    tree = ast.parse(source)
    lines = source.splitlines()
    depths = _Depths(file_depth=len(relative.parts))
    for statement in tree.body:  # the module's own names for paths, in order
        match statement:
            case ast.ImportFrom(names=aliases):
                for alias in aliases:
                    if alias.name in ROOT_NAMES:
                        depths.names[alias.asname or alias.name] = 0
            case (
                ast.Assign(targets=[ast.Name(id=name)], value=value)
                | ast.AnnAssign(target=ast.Name(id=name), value=ast.expr() as value)
            ):
                # a name for a path outside is reported where it is assigned, not again at each use
                depth = depths.of(value)
                if depth is None or depth < 0:
                    depths.names.pop(name, None)
                else:
                    depths.names[name] = depth
    docstrings = _docstrings(tree)
    found: list[Escape] = []
    for node in ast.walk(tree):
        what: str | None = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            what = _literal_escape(node.value)
        elif isinstance(node, ast.Attribute) and node.attr == "pardir":
            what = "os.pardir"
        elif (
            isinstance(node, ast.expr)
            and _leaves(depths, node)
            and not any(_leaves(depths, child) for child in ast.iter_child_nodes(node))
        ):  # where the path leaves, not again for each expression built on it
            what = f"{ast.unparse(node)} leaves the repository"
        line = getattr(node, "lineno", 0)
        if what and not ALLOWED.search(lines[line - 1]):
            found.append(Escape(str(relative), line, what))
    return found


def _scanned_files() -> list[Path]:
    return sorted(path for folder in SCANNED for path in (ROOT / folder).rglob("*.py") if ".venv" not in path.parts)


# ---------------------------------------------------------------- the static check


def test_no_module_of_tests_tools_local_or_bench_names_a_path_outside_the_repository() -> None:
    files = _scanned_files()
    assert len(files) > 50  # every folder is there

    found = [
        escape
        for path in files
        for escape in escapes(path.read_text(), PurePosixPath(path.relative_to(ROOT).as_posix()))
    ]

    assert not found, "\n".join(map(str, found))


@pytest.mark.parametrize(
    ("file", "source"),
    [
        ("tests/builders.py", 'SAMPLES = ROOT.parent / "shared" / "reference" / "meta-webhooks"'),
        ("tests/builders.py", "from local.template import ROOT as R\nSAMPLES = R.parents[0]"),
        ("tests/unit/test_x.py", 'SPEC = Path(__file__).parents[3] / "spec.yaml"'),
        ("tests/unit/test_x.py", 'SPEC = Path(__file__).resolve().parent.parent.parent.parent / "spec.yaml"'),
        ("tests/unit/test_x.py", 'HERE = Path(__file__).parents[2]\nSPEC = HERE.parent / "x"'),
        ("tests/unit/test_x.py", 'SPEC = Path(__file__).parents[2] / ".." / "shared"'),
        ("tests/unit/test_x.py", 'SPEC = ROOT / "../shared"'),
        ("local/x.py", 'SPEC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "x")'),
        ("local/x.py", 'SPEC = os.path.join(ROOT, "..", "shared")'),
        ("local/x.py", f'open("{REFERENCE_FOLDER}/x.json")'),
        ("local/x.py", 'text = Path(f"../{name}.json").read_text()'),
        ("bench/x.py", f'open("{MACHINE_PREFIX}/shared/x")'),
        ("bench/x.py", f'open(Path("{MACHINE_PREFIX}") / "shared" / "x")'),
        ("tools/x.py", "UP = os.path.join(ROOT, os.pardir)"),
    ],
)
def test_the_check_finds_each_way_of_leaving_the_repository(file: str, source: str) -> None:
    assert escapes(source, PurePosixPath(file))


@pytest.mark.parametrize(
    ("file", "source"),
    [
        ("tests/integration/test_x.py", 'T = Path(__file__).parents[1] / "fixtures" / "templates" / "streams.yaml"'),
        ("tests/integration/test_x.py", 'T = Path(__file__).resolve().parent.parent.parent / "README.md"'),
        ("local/template.py", "ROOT = Path(__file__).resolve().parent.parent"),
        ("local/x.py", 'STATE = ROOT / ".local-state" / "hub.json"\nSTATE.parent.mkdir()'),
        ("local/x.py", 'T = ROOT / "infra" / "template.yaml"\ncode = (T.parent / props["CodeUri"]).resolve()'),
        ("tests/e2e/test_x.py", 'key = Path(moto.__file__).parent / "cognitoidp" / "resources"'),
        ("tests/integration/test_x.py", 'claims(client_id="acme/../globex")'),
        ("local/x.py", f'"""Never read ../{REFERENCE_FOLDER}: the repository holds what it needs."""'),
    ],
)
def test_the_check_lets_paths_inside_the_repository_and_the_packages_pass(file: str, source: str) -> None:
    assert escapes(source, PurePosixPath(file)) == []


# ---------------------------------------------------------------- the run-time guard (tests/conftest.py)

BESIDE = ROOT.parent / "shared"  # outside-repository: what the guard must refuse
SIBLING = ROOT.parent / f"{ROOT.name}-copy"  # outside-repository: a sibling whose name starts with the checkout's


@pytest.mark.parametrize(
    "read",
    [
        lambda: open(BESIDE / "x"),  # noqa: SIM115, PTH123
        (BESIDE / "reference" / "x.json").read_text,
        lambda: os.listdir(BESIDE),  # noqa: PTH208
        lambda: list(BESIDE.iterdir()),
        lambda: os.scandir(BESIDE),
        lambda: glob.glob(str(BESIDE / "*.json")),  # noqa: PTH207
        lambda: glob.glob("*.json", root_dir=BESIDE),  # noqa: PTH207
        lambda: sorted(ROOT.parent.glob("*.json")),  # outside-repository: ../shared may not exist
        lambda: open(SIBLING / "README.md"),  # noqa: SIM115, PTH123
    ],
    ids=["open", "read_text", "listdir", "iterdir", "scandir", "glob", "glob-root_dir", "Path.glob", "sibling"],
)
def test_the_guard_refuses_a_read_beside_the_checkout(read: Callable[[], object]) -> None:
    with pytest.raises(ReadOutsideRepository, match="must not read beside the checkout"):
        read()


def test_the_guard_refuses_a_relative_path_climbing_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "tests")
    with pytest.raises(ReadOutsideRepository):
        Path("../../shared/x").read_text()  # outside-repository: climbing out of the checkout from tests/


def test_reads_inside_the_repository_and_in_the_temporary_folder_still_work(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("x")

    assert (ROOT / "README.md").read_text().startswith("# Client Hub")
    assert "conftest.py" in os.listdir(ROOT / "tests")  # noqa: PTH208
    assert sorted(ROOT.glob("tests/fixtures/meta-webhooks/*.json"))
    assert (tmp_path / "x.txt").read_text() == "x"


def test_the_guard_polices_only_the_parent_folder_outside_the_checkout(tmp_path: Path) -> None:
    checkout = tmp_path / "client-hub"
    hook = repository_guard(checkout)
    assert hook is not None

    with pytest.raises(ReadOutsideRepository):
        hook("open", (str(tmp_path / "shared" / "x"), "r", 0))
    with pytest.raises(ReadOutsideRepository):
        hook("os.scandir", (tmp_path,))
    with pytest.raises(ReadOutsideRepository):
        hook("glob.glob/2", ("*.json", False, str(tmp_path / "shared"), None))
    for event, args in [
        ("open", (str(checkout / "README.md"), "r", 0)),
        ("os.listdir", (checkout,)),
        ("open", (3, "r", 0)),  # a file descriptor
        ("open", ("/proc/self/status", "r", 0)),
        ("glob.glob/2", ("*.json", False, str(checkout / "tests"), None)),
        ("exec", (str(tmp_path / "shared" / "x"),)),  # not a read
    ]:
        hook(event, args)


def test_a_checkout_at_the_filesystem_root_is_not_policed() -> None:
    assert repository_guard(Path("/client-hub")) is None
