"""`python -m local.mail` (what `make mail` calls): the e-mails the running local hub has sent — ticket notifications
through SES, and Cognito's codes (a new e-mail address's, a password reset's), which the local cloud keeps instead of
delivering — oldest first.

`--to` keeps those to one address; `--last N` the latest N; `--wait S` waits up to S seconds for one (the hub mails
a moment after the change: its outbox, the bus, then the notifications function).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import httpx

from local.state import STATE_FILE_VARIABLE, NoLocalHub, load_state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.mail", description=__doc__)
    parser.add_argument("--to", help="only the e-mails to this address")
    parser.add_argument("--last", type=int, default=0, help="only the latest N")
    parser.add_argument("--wait", type=float, default=0, help="wait up to this many seconds for an e-mail")
    parser.add_argument(
        "--state",
        type=Path,
        help=f"the running hub's state file (default: ${STATE_FILE_VARIABLE} or .local-state/hub.json)",
    )
    args = parser.parse_args(argv)
    try:
        api = load_state(args.state)["api_url"]
    except NoLocalHub as missing:
        print(f"error: {missing}", file=sys.stderr)
        return 2
    deadline = time.monotonic() + args.wait
    while True:
        mail = httpx.get(f"{api}/_local/mail", timeout=10).json()["mail"]
        if args.to:
            mail = [message for message in mail if args.to in message["to"]]
        if mail or time.monotonic() >= deadline:
            break
        time.sleep(0.25)
    if args.last:
        mail = mail[-args.last :]
    if not mail:
        print("No e-mail sent yet.")
    for message in mail:
        print(f"From: {message['from']}\nTo: {', '.join(message['to'])}\nSubject: {message['subject']}\n")
        print(message["body"].rstrip(), end="\n\n" + "-" * 72 + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
