"""What every benchmark shares: fresh interpreters, samples and their medians."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

REGION = "eu-central-1"
CHILD_TIMEOUT_SECONDS = 120

# Each side runs in a fresh interpreter; the child prints how long its own code took.
CHILD = "import time\nstarted = time.perf_counter()\n{code}\nprint(time.perf_counter() - started)"


@dataclass
class Samples:
    """Seconds per run: inside the child (imports and building) and the whole process (interpreter start too)."""

    code: list[float] = field(default_factory=list)
    process: list[float] = field(default_factory=list)

    def median_ms(self) -> tuple[float, float]:
        return statistics.median(self.code) * 1000, statistics.median(self.process) * 1000


def child_environment() -> dict[str, str]:
    """This environment with dummy AWS credentials and region, so nothing is looked up (no network)."""
    return {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def run_child(code: str, env: dict[str, str], samples: Samples | None = None) -> None:
    """Run `code` in a fresh interpreter; record its timings in `samples` (None: a warm-up)."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", CHILD.format(code=code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"benchmark child failed ({result.returncode}): {code}\n{result.stderr}")
    if samples is not None:
        samples.code.append(float(result.stdout.split()[-1]))
        samples.process.append(elapsed)
