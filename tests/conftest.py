"""Fixtures shared by every test: a moto AWS built from infra/template.yaml, and event builders.

It also installs, once per test process, an audit hook that refuses to read beside the checkout
(`repository_guard`): a test that depends on a folder next to the repository passes on one machine
and fails on a fresh clone.
"""

from __future__ import annotations

import os
import site
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from hub_shared.singletons import reset_all
from local.moto_fixes import serialize_dynamodb
from local.template import ROOT, create_tables, table_environment
from tests.builders import CURSOR_KEY, REGION, AwsWorld

E2E = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """pytest-xdist's groups (`--dist=loadgroup`): a module's tests run on one worker, so its module fixtures (a
    moto server, a Meta sandbox) are built once; the end-to-end tests all run on one worker, so the local hub they
    share starts once while the other workers take the rest of the suite."""
    for item in items:
        group = "e2e" if item.path.is_relative_to(E2E) else str(item.path.relative_to(E2E.parent))
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(autouse=True, scope="session")
def thread_safe_moto() -> None:
    """Jobs and concurrent requests write from several threads: moto's DynamoDB needs serializing for that (real
    DynamoDB does not), in every test, as in the local cloud (`local.moto_fixes`)."""
    serialize_dynamodb()


#: The audit events of reading a file or a folder (glob.glob/2 is glob.glob with root_dir or dir_fd).
READ_EVENTS = frozenset({"open", "os.listdir", "os.scandir", "glob.glob", "glob.glob/2"})

AuditHook = Callable[[str, tuple[object, ...]], None]


class ReadOutsideRepository(RuntimeError):
    """A read beside the checkout. Not an OSError on purpose: pathlib's glob swallows those, and a
    refused read must fail the test rather than look like an empty folder."""


def repository_guard(root: Path) -> AuditHook | None:
    """An audit hook refusing every read (open, listdir, scandir, glob) of a path inside `root`'s parent
    folder but outside `root`: where sibling checkouts and machine-local material live.

    Only that folder is policed: not the interpreter, site-packages, the temporary folder or /proc, nor
    those of them that happen to lie in the parent folder, nor the hidden entries of a home folder holding
    the checkout (~/.aws/config, which botocore reads). None when the checkout sits at the filesystem's
    root, where "beside it" would be everything. Cheap: one set lookup for every other audit event; for a
    read, one normalised path and a few prefix tests.
    """
    root = root.resolve()
    beside = root.parent
    if beside.parent == beside:
        return None
    inside, inside_prefix = str(root), f"{root}{os.sep}"
    beside_text, beside_prefix = str(beside), f"{beside}{os.sep}"
    exempt = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, tempfile.gettempdir()}
    exempt.update(site.getsitepackages())
    exempt.add(site.getusersitepackages())
    # only what lies inside the parent folder matters; /tmp holding a CI clone's parent is no exemption
    exempt_paths = {Path(path).resolve() for path in exempt}
    exempt_prefixes = tuple(
        f"{path}{os.sep}" for path in exempt_paths if path != beside and path.is_relative_to(beside)
    )
    if beside == Path.home():
        exempt_prefixes += (f"{beside_prefix}.",)  # the home folder's hidden entries

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event not in READ_EVENTS:
            return
        target = args[0] if args else None
        if isinstance(target, int):  # a file descriptor: its path was checked when it was opened
            return
        # os.path on strings, not pathlib: this runs on every open of the test process
        path = os.fsdecode(target) if isinstance(target, str | bytes | os.PathLike) else "."
        if event == "glob.glob/2" and isinstance(args[2], str | bytes | os.PathLike):
            path = os.path.join(os.fsdecode(args[2]), path)  # noqa: PTH118
        path = os.path.abspath(path)  # noqa: PTH100
        if (
            (path == beside_text or path.startswith(beside_prefix))
            and path != inside
            and not path.startswith(inside_prefix)
            and not path.startswith(exempt_prefixes)
        ):
            raise ReadOutsideRepository(
                f"{event} {path}: tests must not read beside the checkout ({beside}); "
                f"put what they need inside the repository (tests/fixtures)."
            )

    return hook


def _install_repository_guard() -> None:
    """Once per test process (an audit hook cannot be removed, so a second one would only repeat it)."""
    if getattr(sys, "_client_hub_repository_guard", False):
        return
    hook = repository_guard(ROOT)
    if hook is not None:
        sys.addaudithook(hook)
    sys._client_hub_repository_guard = True  # type: ignore[attr-defined]


_install_repository_guard()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsWorld]:
    """A fresh moto account: every table of the template, the bus, and the secrets the functions read."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "STAGE": "test",
        "EVENT_BUS_NAME": "hub",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "ClientHub",
        **table_environment(),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        reset_all()
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        create_tables(dynamodb)
        boto3.client("events", region_name=REGION).create_event_bus(Name="hub")
        boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="hub/cursor-signing-key", SecretString=CURSOR_KEY
        )
        yield AwsWorld(dynamodb=dynamodb)
    reset_all()
