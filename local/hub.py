"""The whole hub on this machine: moto, the seed, the sandboxes, the gateway, the bus, streams and schedules.

`start_hub(ports)` brings everything up in this process (the functions run in-process, as the
gateway, the event router, the stream relay and the scheduler invoke them) and `stop()` takes it down
in reverse order. `python -m local` (`make run`) is its command line.
"""

from __future__ import annotations

import errno
import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub_shared.clock import utc_now
from hub_shared.singletons import reset_all
from local.bus import EventRouter
from local.cloud import AwsInfo, MotoHandle, provision, start_moto
from local.functions import invoke
from local.gateway import JwtVerifier, Served, build_gateway, serve
from local.loop import BackgroundLoop
from local.portal import PortalSite, portal_config
from local.queues import QueuePoller
from local.sandboxes.getchat import GetChatState, build_getchat_sandbox
from local.sandboxes.meta import MetaSandbox, MetaState
from local.sandboxes.stripe import StripeState, build_stripe_sandbox
from local.scheduler import Scheduler, UnknownJob
from local.seed import SeedReport, seed, seed_stripe
from local.state import save_state, state_path
from local.streams import StreamRelay
from local.template import http_routes, load_template
from tools.openapi import build_schema

HOST = "127.0.0.1"
META_WEBHOOK_ROUTE = ("POST", "/webhooks/meta")
STRIPE_WEBHOOK_ROUTE = ("POST", "/webhooks/stripe")


class PortBusy(Exception):
    """A port the hub needs is taken (another `make run`?)."""


@dataclass(frozen=True)
class Ports:
    """Where each part listens; 0 lets the system pick a free port."""

    api: int = 8750
    aws: int = 8751
    meta: int = 8752
    getchat: int = 8753
    stripe: int = 8754

    def resolved(self) -> Ports:
        """Every 0 replaced by a free port; a fixed port that is taken raises PortBusy."""
        return Ports(**{name: _claim(name, port) for name, port in vars(self).items()})


def _claim(name: str, port: int) -> int:
    """`port` if nothing listens on it (0: a free port the system picks), else PortBusy.

    The probe binds with SO_REUSEADDR, as the servers themselves do (uvicorn, werkzeug): the connections
    of a hub stopped a moment ago linger in TIME_WAIT for a minute and must not make the port look taken,
    while a port something listens on still refuses the bind.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortBusy(
                    f"Port {port} ({name}) on {HOST} is already in use — is another local hub running? "
                    f"Stop it, or start this one on other ports (python -m local --help)."
                ) from None
            raise
        chosen: int = probe.getsockname()[1]
        return chosen


@dataclass
class RunningHub:
    """Every part of a started local hub; `stop()` takes them down in reverse order."""

    ports: Ports
    state_file: Path
    info: AwsInfo
    report: SeedReport
    meta: MetaSandbox
    router: EventRouter
    relay: StreamRelay
    queues: QueuePoller
    scheduler: Scheduler
    moto: MotoHandle
    servers: list[Served] = field(default_factory=list)
    reviews: BackgroundLoop[dict[str, int]] | None = None
    portal: PortalSite | None = None

    @property
    def api_url(self) -> str:
        return f"http://{HOST}:{self.ports.api}"

    def stop(self) -> None:
        for part in (self.reviews, self.scheduler, self.queues, self.relay, self.router):
            if part is not None:
                part.stop()
        for server in reversed(self.servers):
            server.stop()
        self.moto.stop()
        self.state_file.unlink(missing_ok=True)

    def admin_routes(self) -> list[Route]:
        """Local-only routes under /_local: run a job now, see the jobs, what could not be delivered, and the e-mails
        the hub sent (SES in the local cloud keeps them: the local outbox)."""

        def jobs(request: Request) -> JSONResponse:
            due = self.scheduler.next_due()
            listing = [{"name": name, "next_run": _iso(due.get(name))} for name in sorted(self.scheduler.jobs())]
            return JSONResponse({"jobs": listing})

        async def run_job(request: Request) -> JSONResponse:
            name = request.path_params["name"]
            body = await request.body()
            extra = json.loads(body) if body else None
            if extra is not None and not isinstance(extra, dict):
                return JSONResponse({"message": "the body, when given, must be a JSON object"}, 400)
            try:
                result = await run_in_threadpool(self.scheduler.run_job, name, extra)
            except UnknownJob as unknown:
                return JSONResponse({"message": str(unknown).strip("'\"")}, 404)
            return JSONResponse({"job": name, "result": _jsonable(result)})

        def dead_letters(request: Request) -> JSONResponse:
            return JSONResponse(
                {
                    "events": [_jsonable(vars(letter)) for letter in self.router.dead_letters],
                    "streams": [_jsonable(vars(letter)) for letter in self.relay.dead_letters],
                }
            )

        def mail(request: Request) -> JSONResponse:
            region = self.info.region
            sent = ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages
            return JSONResponse({"mail": [_mail(message) for message in sent]})

        return [
            Route("/mail", mail, methods=["GET"]),
            Route("/jobs", jobs, methods=["GET"]),
            Route("/jobs/{name}", run_job, methods=["POST"]),
            Route("/dead-letters", dead_letters, methods=["GET"]),
        ]


def start_hub(
    ports: Ports | None = None,
    *,
    state_file: Path | None = None,
    review_delay_seconds: float = 20.0,
    clock: Callable[[], datetime] = utc_now,
) -> RunningHub:
    """Bring up the whole hub in this process and write its state file (`local.state.state_path()` by default)."""
    state_file = state_file or state_path()
    ports = (ports or Ports()).resolved()
    template = load_template()
    moto = start_moto(ports.aws)
    info = provision(moto.endpoint)
    api_url, meta_url = f"http://{HOST}:{ports.api}", f"http://{HOST}:{ports.meta}"
    getchat_url, stripe_url = f"http://{HOST}:{ports.getchat}", f"http://{HOST}:{ports.stripe}"
    os.environ.update(info.function_environment())
    os.environ["GRAPH_API_BASE_URL"] = meta_url
    os.environ["GETCHAT_API_BASE_URL"] = getchat_url
    os.environ["STRIPE_API_BASE"] = stripe_url
    os.environ["PORTAL_URL"] = api_url
    reset_all()
    report = seed(info, clock())

    declared = {(r.method, r.path) for r in http_routes(template)}
    has_meta_webhooks = META_WEBHOOK_ROUTE in declared
    meta = MetaSandbox(
        MetaState.from_story(),
        app_secret=info.meta_app_secret,
        webhook_url=f"{api_url}/webhooks/meta" if has_meta_webhooks else None,
        review_delay_seconds=review_delay_seconds,
        clock=clock,
    )
    router = EventRouter(info.endpoint, template, invoke)
    router.install()
    relay = StreamRelay(info.endpoint, template, invoke)
    relay.open()
    queues = QueuePoller(info.endpoint, template, invoke)
    queues.open()
    hub = RunningHub(
        ports=ports,
        state_file=state_file,
        info=info,
        report=report,
        meta=meta,
        router=router,
        relay=relay,
        queues=queues,
        scheduler=Scheduler(template, invoke, clock=clock),
        moto=moto,
    )
    hub.servers.append(serve(meta.app, HOST, ports.meta))
    getchat = build_getchat_sandbox(GetChatState(), api_key=info.secret_values["GetChatApiKeySecret"])
    hub.servers.append(serve(getchat, HOST, ports.getchat))
    stripe = build_stripe_sandbox(
        StripeState(),
        webhook_secret=info.stripe_webhook_secret,
        webhook_url=f"{api_url}/webhooks/stripe" if STRIPE_WEBHOOK_ROUTE in declared else None,
        deliver_in_background=True,
    )
    hub.servers.append(serve(stripe, HOST, ports.stripe))
    verifier = JwtVerifier(info.jwks_url, info.issuer, info.user_pool_client_id)
    hub.portal = PortalSite(
        portal_config(
            api_url=api_url,
            meta_url=meta_url,
            user_pool_id=info.user_pool_id,
            user_pool_client_id=info.user_pool_client_id,
            cognito_endpoint=info.endpoint,
            meta_app_id=info.template_environment.get("META_APP_ID", ""),
            graph_api_version=info.template_environment.get("GRAPH_API_VERSION", "v23.0"),
        )
    )
    gateway = build_gateway(
        routes=http_routes(template),
        invoke=invoke,
        verifier=verifier,
        openapi=build_schema,
        admin=hub.admin_routes(),
        portal=hub.portal,
    )
    hub.servers.append(serve(gateway, HOST, ports.api))
    seed_stripe(info, stripe_url)
    router.start()
    relay.start()
    queues.start()
    hub.scheduler.start()
    # the Meta sandbox decides due reviews and sends their webhooks once a second
    hub.reviews = BackgroundLoop("meta-reviews", meta.tick, lambda _: 1.0)
    hub.reviews.start()
    save_state(
        {
            **info.state(),
            "api_url": api_url,
            "meta_url": meta_url,
            "getchat_url": getchat_url,
            "stripe_url": stripe_url,
            "portal_url": f"{api_url}/",
            "pid": os.getpid(),
        },
        state_file,
    )
    return hub


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _jsonable(value: Any) -> Any:
    """What a handler or a dead letter holds, as JSON (exceptions and times as text)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _mail(message: Any) -> dict[str, Any]:
    """An e-mail SES (moto) kept, as `/_local/mail` lists it."""
    return {
        "id": message.id,
        "from": message.source,
        "to": list(message.destinations.get("ToAddresses", [])),
        "subject": message.subject,
        "body": message.body,
    }
