"""The portal (web/) on the local gateway: its built files at `/` with an SPA fallback, and its `/config.json`.

`make run` and `make test` build the portal (`npm ci`, `npm run build`) into `web/dist`; the gateway serves it next
to the API (same origin, the API under `/v1`). `/config.json` holds the local settings: the API base, the local
Cognito pool and app client with the moto endpoint Amplify signs in against, the Meta app id, how Embedded Signup runs
(locally: the Meta sandbox's consent page, `local.sandboxes.meta.signup_page`) and the menu links. In AWS the same keys
come from the stack's `PortalConfig` output (`infra/template.yaml`), Embedded Signup there being Meta's JS SDK.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response

from local.template import ROOT

DIST = ROOT / "web" / "dist"
INDEX = "index.html"
#: The menu links of the local portal that have no local page (Documentation is the local API docs).
ROADMAP_URL = "https://roadmap.client-hub.example"
STATUS_URL = "https://status.client-hub.example"
#: Embedded Signup's configuration id (Meta's App Dashboard → Facebook Login for Business); the sandbox takes any.
SANDBOX_SIGNUP_CONFIG_ID = "000000000000001"


def portal_config(
    *,
    api_url: str,
    meta_url: str,
    user_pool_id: str,
    user_pool_client_id: str,
    cognito_endpoint: str | None,
    meta_app_id: str,
    graph_api_version: str,
) -> dict[str, Any]:
    """The local `config.json` (keys as the template's PortalConfig output has them). Embedded Signup opens the Meta
    sandbox's consent page (`url`), whose messages come from the sandbox's origin."""
    cognito: dict[str, str] = {"user_pool_id": user_pool_id, "user_pool_client_id": user_pool_client_id}
    if cognito_endpoint:
        cognito["endpoint"] = cognito_endpoint
    return {
        "api_base_url": "/v1",
        "cognito": cognito,
        "meta_app_id": meta_app_id,
        "embedded_signup": {
            "sdk": "sandbox",
            "url": f"{meta_url}/embedded-signup",
            "origin": meta_url,
            "config_id": SANDBOX_SIGNUP_CONFIG_ID,
            "graph_api_version": graph_api_version,
        },
        "links": {"documentation": f"{api_url}/docs", "roadmap": ROADMAP_URL, "status": STATUS_URL},
    }


@dataclass(frozen=True)
class PortalSite:
    """The built portal in `root` and the settings it reads at `/config.json`."""

    config: dict[str, Any]
    root: Path = DIST
    api_prefixes: tuple[str, ...] = field(default=("/v1", "/webhooks"))

    @property
    def built(self) -> bool:
        return (self.root / INDEX).is_file()

    def serves(self, method: str, path: str) -> bool:
        """Whether a request is the portal's (GET/HEAD outside the API's paths) rather than the API's."""
        if method not in ("GET", "HEAD"):
            return False
        return not any(path == prefix or path.startswith(prefix + "/") for prefix in self.api_prefixes)

    def config_json(self, request: Request) -> Response:
        return JSONResponse(self.config, headers={"cache-control": "no-store"})

    def respond(self, path: str) -> Response:
        """A file of the build; any other path without a file extension is a route of the app: its entry page."""
        root = self.root.resolve()
        if not self.built:
            return PlainTextResponse(
                "The portal is not built: `make run` builds it (cd web && npm ci && npm run build).", status_code=503
            )
        wanted = (root / path.lstrip("/")).resolve()
        if wanted.is_relative_to(root) and wanted.is_file() and wanted.name != INDEX:
            immutable = wanted.parent == root / "assets"  # hashed file names: cached for good
            cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
            return FileResponse(wanted, headers={"cache-control": cache})
        if "." in path.rsplit("/", 1)[-1]:
            return PlainTextResponse("Not Found", status_code=404)
        return FileResponse(root / INDEX, headers={"cache-control": "no-cache"})
