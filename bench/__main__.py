"""The hub's benchmarks, each reported against a baseline measured in the same run (never a timing assertion;
a benchmark exits non-zero only when its own check of the work fails).

    python -m bench                       # every benchmark
    python -m bench cold_start            # one, by name
    python -m bench --runs 21             # more runs per side
    python -m bench.deletion --help       # the deletion job's own options (a smaller --numbers runs faster)
    python -m bench.display_names --help  # the display-name polling job's own options (likewise)

A benchmark is a function `(runs) -> None` that prints its report; add one as a module in bench/ and
register it in BENCHMARKS.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from bench.cold_start import cold_start
from bench.deletion import deletion
from bench.display_names import display_names
from bench.ingress import ingress
from bench.templates import templates
from bench.waba_page import waba_page

Benchmark = Callable[[int], None]
BENCHMARKS: dict[str, Benchmark] = {
    "cold_start": cold_start,
    "ingress": ingress,
    "deletion": deletion,
    "display_names": display_names,
    "waba_page": waba_page,
    "templates": templates,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run: {', '.join(BENCHMARKS)}")
    parser.add_argument("--runs", type=int, default=15, help="measured runs per side (default 15)")
    args = parser.parse_args(argv)
    if unknown := sorted(set(args.names) - set(BENCHMARKS)):
        parser.error(f"no benchmark named {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    for name in args.names or BENCHMARKS:
        BENCHMARKS[name](args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
