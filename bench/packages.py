"""Package sizes: the layer and each function as `sam build` assembles them for Lambda (tools.package: arm64
CPython 3.12 wheels, with bytecode), unzipped, each function with the layer against Lambda's 250 MB limit."""

from __future__ import annotations

from typing import Any

from bench.harness import row
from tools.package import BUILD, LIMIT_BYTES, build, report

MIB = 1024 * 1024


def packages(runs: int) -> dict[str, Any]:
    """`runs` is ignored: a size is measured once."""
    built = build(BUILD / "lambda", platform="lambda", bytecode=True)
    print("packages — unzipped sizes as sam build assembles them, against Lambda's 250 MB")
    print(report(built))
    sizes = {service: built.deployed_bytes(service) for service in built.functions}
    rows = [row("packages", "layer", f"{built.layer.bytes / MIB:.1f} MiB", "", None)]
    rows += [
        row(
            "packages",
            f"{service} + layer",
            f"{size / MIB:.1f} MiB ({size / LIMIT_BYTES:.0%})",
            "≤ 250 MB",
            size <= LIMIT_BYTES,
        )
        for service, size in sizes.items()
    ]
    return {
        "compiled_by": str(built.compiler) if built.compiler else None,
        "layer_bytes": built.layer.bytes,
        "functions_bytes": {service: built.functions[service].bytes for service in built.functions},
        "deployed_bytes": sizes,
        "limit_bytes": LIMIT_BYTES,
        "rows": rows,
    }
