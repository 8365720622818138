"""`python -m local` (what `make run` calls): start the whole hub on this machine, seeded, until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

# Powertools names a module's logger (`Logger(child=True)`) `<POWERTOOLS_SERVICE_NAME>.<module>` when the module is
# imported: set the name before the hub's modules are imported (`log_like_lambda`).
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "hub")

from aws_lambda_powertools import Logger

from local.hub import HOST, PortBusy, Ports, RunningHub, start_hub
from local.output import WholeLines
from local.state import STATE_FILE_VARIABLE


def log_like_lambda() -> Logger:
    """The parent of the functions' module loggers (`hub.<module>`), so their lines reach this process's output as
    Lambda writes them: JSON, with their fields. In Lambda each function's service logger is that parent; here one
    process runs every service, and without a parent those loggers had no handler: Python printed the bare message
    of a warning and dropped everything at INFO, so neither a developer nor the end-to-end log scan saw them."""
    return Logger(service=os.environ["POWERTOOLS_SERVICE_NAME"])


def main(argv: list[str] | None = None) -> int:
    defaults = Ports()
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    parser.add_argument("--port", type=int, default=defaults.api, help="the API gateway's port (0: any free port)")
    parser.add_argument("--aws-port", type=int, default=defaults.aws, help="moto's port (0: any free port)")
    parser.add_argument("--meta-port", type=int, default=defaults.meta, help="the Meta sandbox's port (0: any)")
    parser.add_argument("--getchat-port", type=int, default=defaults.getchat, help="get.chat's sandbox port (0: any)")
    parser.add_argument("--stripe-port", type=int, default=defaults.stripe, help="the Stripe sandbox's port (0: any)")
    parser.add_argument("--review-delay", type=float, default=20.0, help="seconds before Meta's sandbox decides")
    parser.add_argument(
        "--state-file",
        type=Path,
        help=f"where to write the running hub's state (default: ${STATE_FILE_VARIABLE} or .local-state/hub.json)",
    )
    args = parser.parse_args(argv)

    sys.stdout = WholeLines(sys.stdout)  # before any handler holds it: the functions' threads share it
    print("Starting the Client Hub locally …", flush=True)
    log_like_lambda()
    try:
        hub = start_hub(
            Ports(
                api=args.port,
                aws=args.aws_port,
                meta=args.meta_port,
                getchat=args.getchat_port,
                stripe=args.stripe_port,
            ),
            state_file=args.state_file,
            review_delay_seconds=args.review_delay,
        )
    except PortBusy as busy:
        print(f"error: {busy}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(banner(hub), flush=True)
    # A timed wait: Python runs signal handlers in the main thread only, and an untimed wait may never wake
    # up for them when the kernel hands the signal to one of the hub's other threads.
    while not stop.wait(0.5):
        pass
    print("\nStopping …", flush=True)
    hub.stop()
    print("Stopped.", flush=True)
    return 0


def banner(hub: RunningHub) -> str:
    api = hub.api_url
    portal = f"{api}/" if hub.portal is None or hub.portal.built else "not built: make run builds it (web/)"
    return f"""
Client Hub is running (local, no AWS account).
  Portal     {portal}   (sign in as a demo user below)
  API        {api}/v1
  API docs   {api}/docs   (OpenAPI: {api}/openapi.json)
  Meta       http://{HOST}:{hub.ports.meta}   (Graph API sandbox; admin: /_sandbox/state)
  get.chat   http://{HOST}:{hub.ports.getchat}   (inbox sandbox)
  Stripe     http://{HOST}:{hub.ports.stripe}   (Stripe API sandbox, for the stripe SDK's api_base)
  AWS        http://{HOST}:{hub.ports.aws}   (moto)
  Jobs       make job NAME=<job>   (list: make job)

Demo users:
{hub.report.users_table()}

Get a token and list numbers:
  TOKEN=$(make -s token USER=anna@acme.example)
  curl -s -H "Authorization: Bearer $TOKEN" {api}/v1/numbers

Ctrl-C stops everything."""


if __name__ == "__main__":
    raise SystemExit(main())
