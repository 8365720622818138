"""The hub's HTTP API on this machine: API Gateway (payload format 2.0) with its Cognito JWT authorizer.

`build_gateway()` answers a Starlette app that behaves like the deployed `HubApi`:

- Routes are the template's HttpApi events (`local.template.http_routes()`); the most specific path wins, as in
  API Gateway. An unknown path or a known path with another method answers 404 `{"message":"Not Found"}`.
- A guarded route verifies `Authorization` (`Bearer <token>` or the bare token) with `JwtVerifier`, as the JWT
  authorizer does (RS256 key by `kid` from the JWKS, `iss`, `aud` — or `client_id` when there is no `aud` —,
  `exp`, `nbf`, `iat`); a refused token answers 401 `{"message":"Unauthorized"}` and nothing is invoked
  (the reason is logged at INFO on this module's logger).
- The function gets the event AWS sends (`build_event`): lower-cased headers with repeated ones comma-joined
  (plus the `x-forwarded-for/-port/-proto` and `x-amzn-trace-id` API Gateway adds), the `cookie` header moved
  to `cookies`, repeated query parameters comma-joined, URL-decoded path parameters,
  a text body for `text/*`, `application/json`, `application/xml` and `application/javascript` and a base64
  one (`isBase64Encoded`) for every other or missing content type, and the verified claims as strings the way
  the authorizer passes them (`authorizer_claims`). Keys AWS leaves out when empty (`cookies`,
  `queryStringParameters`, `pathParameters`, `body`, `stageVariables`) are left out; `jwt.scopes` is null, as
  for routes without authorization scopes. Locally `domainName` is the `Host` the client called (with its port,
  so links the handler builds work).
- The handler's answer becomes the HTTP response (`to_response`): `statusCode`, `headers`, `cookies` (one
  `set-cookie` each), `body` and `isBase64Encoded`; an answer without `statusCode` is 200 JSON, as format 2.0
  infers it (`multiValueHeaders` is not part of format 2.0 and is ignored). A handler that raises, or answers
  something API Gateway cannot use, gives 500 `{"message":"Internal Server Error"}`. Every answer carries
  `apigw-requestid`.
- CORS follows the template's `CorsConfiguration`, allowing the given origins and, locally, any
  `http://localhost:<port>` or `http://127.0.0.1:<port>` instead of the portal's origin (`template_cors`).

The portal (`local.portal`): given one, the gateway serves its built files at `/` (a deep link such as `/numbers`
answers the app's `index.html`) and its settings at `/config.json`; the API keeps `/v1` and `/webhooks`.

Local only: `GET /openapi.json` (the document passed in, built on the first request) and Swagger UI at `GET /docs`.
The page is Powertools' own (`generate_swagger_html`, the one its `enable_swagger()` serves) with the swagger-ui
bundle and stylesheet Powertools ships in its package, served from `/docs/…`: it works without any network. Extra
local routes (`admin`) are mounted under `/_local`.

`serve()` runs the app with uvicorn in a background thread.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import jwt
import uvicorn
from aws_lambda_powertools.event_handler.openapi import swagger_ui
from jwt.types import Options
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route, Router, compile_path
from starlette.types import Receive, Scope, Send

from local.functions import Invoker
from local.portal import PortalSite
from local.template import HttpRoute, resources

logger = logging.getLogger(__name__)

ACCOUNT_ID = "123456789012"
API_ID = "hublocal00"
HTTP_API = "HubApi"
TEXT_TYPES = frozenset({"application/json", "application/xml", "application/javascript"})
LOCAL_ORIGINS = r"http://(localhost|127\.0\.0\.1)(:\d+)?"
SWAGGER_ASSETS = Path(swagger_ui.__file__).parent
SWAGGER_JS = "swagger-ui-bundle.min.js"
SWAGGER_CSS = "swagger-ui.min.css"


# ---------------------------------------------------------------- the JWT authorizer


class TokenRejected(Exception):
    """The bearer token is missing or not valid: API Gateway answers 401 and invokes nothing."""


class JwtVerifier:
    """Verifies tokens as an HTTP API JWT authorizer configured with `issuer` and `audience` does.

    Keys come from the issuer's JWKS (`PyJWKClient`, cached; inject `keys` to serve them from elsewhere);
    `clock` (epoch seconds) and `leeway` (seconds) decide `exp`, `nbf` and `iat`.
    """

    def __init__(
        self,
        jwks_url: str,
        issuer: str,
        audience: str | Sequence[str],
        leeway: float = 0,
        clock: Callable[[], float] | None = None,
        keys: jwt.PyJWKClient | None = None,
    ):
        self._keys = keys or jwt.PyJWKClient(jwks_url, cache_keys=True)
        self._issuer = issuer
        self._audience = frozenset([audience] if isinstance(audience, str) else audience)
        self._leeway = leeway
        self._clock = clock or time.time

    def verify(self, authorization: str | None) -> dict[str, Any]:
        """The verified claims of the token in an `Authorization` header value."""
        token = (authorization or "").strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        if not token:
            raise TokenRejected("no token")
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != "RS256":
                raise TokenRejected(f"signing method {header.get('alg')} is not allowed")
            key = self._keys.get_signing_key(str(header.get("kid")))
            options: Options = {
                "verify_aud": False,
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            }
            claims: dict[str, Any] = jwt.decode(token, key, algorithms=["RS256"], issuer=self._issuer, options=options)
        except jwt.PyJWTError as error:
            raise TokenRejected(str(error)) from error
        self._check_audience(claims)
        self._check_times(claims)
        return claims

    def _check_audience(self, claims: Mapping[str, Any]) -> None:
        audience = claims["aud"] if "aud" in claims else claims.get("client_id")
        named = audience if isinstance(audience, list) else [audience]
        if not any(isinstance(name, str) and name in self._audience for name in named):
            raise TokenRejected("the token does not have a valid audience")

    def _check_times(self, claims: Mapping[str, Any]) -> None:
        now = self._clock()
        exp, nbf, iat = (_numeric(claims, name) for name in ("exp", "nbf", "iat"))
        if exp is None or exp <= now - self._leeway:
            raise TokenRejected("the token has expired")
        if nbf is not None and nbf > now + self._leeway:
            raise TokenRejected("the token is not valid yet")
        if iat is not None and iat > now + self._leeway:
            raise TokenRejected("the token was issued in the future")


def _numeric(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenRejected(f"the claim {name} is not a number")
    return float(value)


def authorizer_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """Claims as the JWT authorizer hands them on: strings (`true`, `1700000000`, lists as `[a b]`), no nulls."""
    return {name: _claim_text(value) for name, value in claims.items() if value is not None}


def _claim_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + " ".join(_claim_text(item) for item in value) + "]"
    return json.dumps(value, separators=(",", ":"))


# ---------------------------------------------------------------- events and responses


def build_event(
    request: Request,
    body: bytes,
    route: HttpRoute,
    path_parameters: Mapping[str, str],
    claims: Mapping[str, str] | None,
    *,
    stage: str,
    request_id: str,
    now: float,
) -> dict[str, Any]:
    """The payload format 2.0 event API Gateway sends for `request` on `route`."""
    route_key = f"{route.method} {route.path}"
    raw_path = _raw_path(request)
    raw_query = request.scope.get("query_string", b"").decode("latin-1")
    source_ip = request.client.host if request.client else "127.0.0.1"
    headers, cookies = _headers(request, source_ip, now)
    host = headers.get("host", "localhost")
    context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": API_ID,
        "domainName": host,
        "domainPrefix": host.split(":")[0].split(".")[0],
        "http": {
            "method": request.method,
            "path": raw_path,
            "protocol": f"HTTP/{request.scope.get('http_version', '1.1')}",
            "sourceIp": source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": route_key,
        "stage": stage,
        "time": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(now * 1000),
    }
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": dict(claims), "scopes": None}}
    event: dict[str, Any] = {"version": "2.0", "routeKey": route_key, "rawPath": raw_path, "rawQueryString": raw_query}
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    query: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        query[name] = f"{query[name]},{value}" if name in query else value
    if query:
        event["queryStringParameters"] = query
    event["requestContext"] = context
    if body:
        event["body"], event["isBase64Encoded"] = _encode_body(body, headers.get("content-type"))
    else:
        event["isBase64Encoded"] = False
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    return event


def _raw_path(request: Request) -> str:
    raw: bytes | None = request.scope.get("raw_path")
    return raw.decode("latin-1") if raw else quote(request.scope["path"])


def _headers(request: Request, source_ip: str, now: float) -> tuple[dict[str, str], list[str]]:
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in request.headers.items():
        if name == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
        else:
            headers[name] = f"{headers[name]},{value}" if name in headers else value
    headers.setdefault("x-forwarded-for", source_ip)
    headers.setdefault("x-forwarded-port", str(request.url.port or (443 if request.url.scheme == "https" else 80)))
    headers.setdefault("x-forwarded-proto", request.url.scheme)
    headers.setdefault("x-amzn-trace-id", f"Root=1-{int(now):08x}-{secrets.token_hex(12)}")
    return headers, cookies


def _encode_body(body: bytes, content_type: str | None) -> tuple[str, bool]:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type.startswith("text/") or media_type in TEXT_TYPES:
        return body.decode("utf-8", errors="replace"), False
    return base64.b64encode(body).decode("ascii"), True


def to_response(result: Any, request_id: str) -> Response:
    """The HTTP response API Gateway makes of a function's format 2.0 answer (ValueError: not a usable one)."""
    headers = {"apigw-requestid": request_id}
    if not (isinstance(result, dict) and "statusCode" in result):
        body = result if isinstance(result, str) else json.dumps(result)
        return Response(body, status_code=200, headers=headers, media_type="application/json")
    status, body = result["statusCode"], result.get("body") or ""
    if isinstance(status, bool) or not isinstance(status, int) or not isinstance(body, str):
        raise ValueError("statusCode must be an integer and body a string")
    headers.update({str(name).lower(): str(value) for name, value in (result.get("headers") or {}).items()})
    content = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    response = Response(content, status_code=status, headers=headers)
    for cookie in result.get("cookies") or []:
        response.raw_headers.append((b"set-cookie", str(cookie).encode("latin-1")))
    return response


def _message(status: int, message: str, request_id: str) -> Response:
    return JSONResponse({"message": message}, status_code=status, headers={"apigw-requestid": request_id})


def _request_id() -> str:
    """An id shaped like API Gateway's (`Ab1cDefGhIjkLmn=`)."""
    return base64.b64encode(secrets.token_bytes(11)).decode("ascii")


# ---------------------------------------------------------------- the gateway


@dataclass(frozen=True)
class _Route:
    route: HttpRoute
    pattern: re.Pattern[str]

    @property
    def specificity(self) -> tuple[bool, int, bool]:
        """Sort key: literal paths before parameters, greedy parameters last, ANY after a named method."""
        segments = self.route.path.split("/")
        return ("+}" in self.route.path, -sum("{" not in s for s in segments), self.route.method == "ANY")


def _compile(route: HttpRoute) -> _Route:
    pattern, _, _ = compile_path(route.path.replace("+}", ":path}"))
    return _Route(route=route, pattern=pattern)


class _Gateway:
    def __init__(
        self,
        routes: Sequence[HttpRoute],
        invoke: Invoker,
        verifier: JwtVerifier,
        stage: str,
        clock: Callable[[], float],
        portal: PortalSite | None = None,
    ):
        self._routes = sorted((_compile(r) for r in routes), key=lambda r: r.specificity)
        self._invoke = invoke
        self._verifier = verifier
        self._stage = stage
        self._clock = clock
        self._portal = portal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if self._portal is not None and self._portal.serves(request.method, request.url.path):
            response = await run_in_threadpool(self._portal.respond, request.url.path)
            await response(scope, receive, send)
            return
        body = await request.body()
        response = await run_in_threadpool(self._dispatch, request, body)
        await response(scope, receive, send)

    def _match(self, method: str, raw_path: str) -> tuple[HttpRoute, dict[str, str]] | None:
        if self._stage != "$default":
            prefix = f"/{self._stage}"
            if raw_path != prefix and not raw_path.startswith(prefix + "/"):
                return None
            raw_path = raw_path[len(prefix) :] or "/"
        for candidate in self._routes:
            found = candidate.pattern.match(raw_path)
            if found and candidate.route.method in (method, "ANY"):
                return candidate.route, {name: unquote(value) for name, value in found.groupdict().items()}
        return None

    def _dispatch(self, request: Request, body: bytes) -> Response:
        request_id = _request_id()
        matched = self._match(request.method, _raw_path(request))
        if matched is None:
            return _message(404, "Not Found", request_id)
        route, path_parameters = matched
        claims = None
        if route.authorized:
            try:
                claims = authorizer_claims(self._verifier.verify(request.headers.get("authorization")))
            except TokenRejected as rejected:
                logger.warning("401 on %s %s: %s", request.method, request.url.path, rejected)  # why, in the log
                return _message(401, "Unauthorized", request_id)
        event = build_event(
            request, body, route, path_parameters, claims, stage=self._stage, request_id=request_id, now=self._clock()
        )
        try:
            return to_response(self._invoke(route.function, event), request_id)
        except Exception:
            logger.exception("%s failed on %s %s", route.function, route.method, route.path)
            return _message(500, "Internal Server Error", request_id)


@dataclass(frozen=True)
class Cors:
    """What the gateway's CORS allows (Starlette's CORSMiddleware answers preflights and decorates answers)."""

    allow_origins: tuple[str, ...] = ()
    allow_origin_regex: str | None = LOCAL_ORIGINS
    allow_methods: tuple[str, ...] = ("GET",)
    allow_headers: tuple[str, ...] = ()
    max_age: int = 600


def template_cors(*origins: str, template: dict[str, Any] | None = None) -> Cors:
    """The HTTP API's CorsConfiguration, allowing `origins` and local http origins instead of the portal's."""
    config = resources("AWS::Serverless::HttpApi", template)[HTTP_API]["Properties"]["CorsConfiguration"]
    return Cors(
        allow_origins=origins,
        allow_methods=tuple(config["AllowMethods"]),
        allow_headers=tuple(config["AllowHeaders"]),
        max_age=int(config.get("MaxAge", 600)),
    )


def build_gateway(
    *,
    routes: Sequence[HttpRoute],
    invoke: Invoker,
    verifier: JwtVerifier,
    openapi: Callable[[], dict[str, Any]],
    stage: str = "$default",
    admin: Router | Sequence[BaseRoute] | None = None,
    cors: Cors | None = None,
    clock: Callable[[], float] = time.time,
    portal: PortalSite | None = None,
) -> Starlette:
    """The local HTTP API: `routes` invoking functions through `invoke`, plus /openapi.json, /docs and /_local; with
    `portal`, the built portal at `/` (every GET outside `/v1` and `/webhooks`) and its `/config.json`."""
    cors = cors or template_cors()
    document = functools.cache(openapi)  # two seconds to build from every route: not before someone asks

    def openapi_json(request: Request) -> Response:
        return JSONResponse(document())

    def docs(request: Request) -> Response:
        if request.query_params.get("format") == "json":
            return JSONResponse(document())
        spec = json.dumps(document()).replace("</", "<\\/")
        page = swagger_ui.generate_swagger_html(
            spec, f"/docs/{SWAGGER_JS}", f"/docs/{SWAGGER_CSS}", "/docs", None, persist_authorization=True
        )
        return HTMLResponse(page)

    def asset(name: str) -> Route:
        return Route(f"/docs/{name}", lambda request: FileResponse(SWAGGER_ASSETS / name), methods=["GET"])

    local: list[BaseRoute] = [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        asset(SWAGGER_JS),
        asset(SWAGGER_CSS),
    ]
    if isinstance(admin, Router):
        local.append(Mount("/_local", app=admin))
    elif admin is not None:
        local.append(Mount("/_local", routes=list(admin)))
    if portal is not None:
        local.append(Route("/config.json", portal.config_json, methods=["GET"]))
    api = _Gateway(routes, invoke, verifier, stage, clock, portal)
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=list(cors.allow_origins),
            allow_origin_regex=cors.allow_origin_regex,
            allow_methods=list(cors.allow_methods),
            allow_headers=list(cors.allow_headers),
            max_age=cors.max_age,
        )
    ]
    app = Starlette(routes=[*local, Route("/{path:path}", api)], middleware=middleware)
    app.router.default = api  # a path `{path:path}` cannot match (one with an encoded newline) goes to the API too
    return app


# ---------------------------------------------------------------- serving


@dataclass(frozen=True)
class Served:
    """A running uvicorn server; `stop()` ends it."""

    server: uvicorn.Server
    thread: threading.Thread
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)


def serve(
    app: Starlette, host: str = "127.0.0.1", port: int = 0, *, timeout: float = 10.0, log_level: str = "warning"
) -> Served:
    """Run `app` with uvicorn in a daemon thread; answer once it listens (port 0: the OS picks one)."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level=log_level))
    thread = threading.Thread(target=server.run, name=f"gateway-{host}:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"the gateway could not listen on {host}:{port}")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise TimeoutError(f"the gateway did not listen on {host}:{port} within {timeout}s")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    return Served(server=server, thread=thread, host=host, port=int(bound))
