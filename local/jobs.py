"""`python -m local.jobs [NAME]` (what `make job` calls): run one scheduled job now against the running hub.

Without a name it lists the template's jobs and when each runs next.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import httpx

from local.state import STATE_FILE_VARIABLE, NoLocalHub, load_state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.jobs", description=__doc__)
    parser.add_argument("name", nargs="?", help="the job (its event name in infra/template.yaml)")
    parser.add_argument(
        "--state",
        type=Path,
        help=f"the running hub's state file (default: ${STATE_FILE_VARIABLE} or .local-state/hub.json)",
    )
    parser.add_argument(
        "--now", help="the time the job takes as now, RFC 3339 (e.g. 2026-12-01T00:00:00Z: past the month's end)"
    )
    args = parser.parse_args(argv)
    try:
        api = load_state(args.state)["api_url"]
    except NoLocalHub as missing:
        print(f"error: {missing}", file=sys.stderr)
        return 2
    if args.name is None:
        listing = httpx.get(f"{api}/_local/jobs", timeout=10).json()["jobs"]
        if not listing:
            print("The template declares no scheduled jobs yet.")
        for job in listing:
            print(f"{job['name']:<32} next run {job['next_run']}")
        return 0
    extra = {"now": args.now} if args.now else None
    answer = httpx.post(f"{api}/_local/jobs/{args.name}", json=extra, timeout=300)
    print(json.dumps(answer.json(), indent=2))
    return 0 if answer.is_success else 1


if __name__ == "__main__":
    raise SystemExit(main())
