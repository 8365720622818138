"""Lambda SnapStart: what a function does when its execution environment is resumed from a snapshot.

With SnapStart (infra/template.yaml, parameter `SnapStart`) Lambda initialises a function once, when a version is
published — imports, Powertools, whatever the handler module builds — snapshots that memory, and resumes every new
execution environment of the version from the snapshot instead of initialising it again. Everything in memory at the
snapshot is then shared by all the environments resumed from it, so what must be unique or fresh per environment is
renewed by an after-restore hook, run before the environment's first invocation:

- `random`'s state: every environment would draw the same "random" numbers (the Graph client's retry jitter, so
  throttled environments would retry in lockstep). `secrets` and `uuid.uuid4` read the kernel's generator, which
  Lambda reseeds on restore; they need nothing.
- every cached factory of `hub_shared.singletons` (settings, stores, the Graph client and its httpx connections, the
  Secrets Manager provider and the secret values it caches, the idempotency layer): made again on first use.
- the botocore clients of `hub_shared.aws` (their connections and the credentials they resolved): closed and made
  again on first use, with the execution environment's own credentials.
- Powertools Parameters' default providers' caches, if that package was loaded before the snapshot.

The hooks are registered with `snapshot_restore_py`, which the Lambda Python runtime provides (it is not in the layer:
a copy of our own would shadow the runtime's, whose registry the runtime reads). Where it is missing — tests, the
local cloud, a runtime without SnapStart — nothing is ever restored, and `install()` registers nothing.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from functools import cache

from hub_shared.singletons import reset_all

POWERTOOLS_PARAMETERS = "aws_lambda_powertools.utilities.parameters"


@cache
def install() -> bool:
    """Register the after-restore hook with the runtime, once per process (later calls cost a dict lookup).
    Answers whether the runtime's hook library was there to register with."""
    register = _register_after_restore()
    if register is None:
        return False
    register(after_restore)
    return True


def after_restore() -> None:
    """Renew what must not be shared between execution environments resumed from one snapshot (see the module)."""
    random.seed()  # from os.urandom
    _forget_aws_clients()
    reset_all()
    parameters = sys.modules.get(POWERTOOLS_PARAMETERS)
    if parameters is not None:
        parameters.clear_caches()


def _forget_aws_clients() -> None:
    from hub_shared import aws  # noqa: PLC0415 - loaded with every handler; here only when a snapshot is restored

    aws.forget_clients()


def _register_after_restore() -> Callable[..., object] | None:
    try:
        from snapshot_restore_py import (  # type: ignore[import-not-found,import-untyped,unused-ignore]  # noqa: PLC0415
            register_after_restore,
        )
    except ImportError:
        return None
    registered: Callable[..., object] = register_after_restore
    return registered
