"""The access rule each operation declares: who may call it, on which tenant's resource (OpenAPI `x-hub-access`).

A route declares its rule once, in its decorator (`openapi_extensions=declared(AccessRule(...))`), so it is part of
`docs/openapi.json`; the tenant-isolation matrix (`tests/integration/test_access_matrix.py`) derives from it what
every kind of caller must be answered — on every id kind in the path, and with every kind of bad token — and fails
on an operation that declares none. The code enforces the rule with `hub_shared.auth.authorize`; the matrix checks
that the two agree.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from hub_shared.model import HubModel

EXTENSION = "x-hub-access"
ANY_PARTNER = "*"


class AccessRule(HubModel):
    """Who may call an operation (every one needs a Cognito ID token, except `public` ones)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    public: bool = Field(
        default=False, description="No token: the caller proves itself another way (a signed webhook)."
    )
    resource: str | None = Field(
        default=None, description="The path parameter naming the tenant's resource acted on, e.g. `number_id`."
    )
    kind: Literal["number", "import", "waba", "ticket", "change_request"] | None = Field(
        default=None, description="What kind of resource it names."
    )
    tenant_query: str | None = Field(
        default=None, description="A query parameter naming a client whose resources a list is limited to."
    )
    lists: bool = Field(default=False, description="A list: it answers only what the caller may see, never 403.")
    client: bool = Field(default=False, description="The client's own users may.")
    partner: tuple[str, ...] = Field(
        default=(),
        description="The scopes, any one of which the client must have granted a partner for it to act ('*': any "
        "partner); none: partners never may.",
    )
    partner_sees: tuple[str, ...] = Field(
        default=("numbers:read",),
        description="Scopes that let a partner know the resource exists (without one of them: 404, not 403).",
    )
    support: bool = Field(default=False, description="Support agents may (on every client).")


def declared(rule: AccessRule, **extensions: Any) -> dict[str, Any]:
    """A route's `openapi_extensions`: its access rule, and any other extension."""
    return {EXTENSION: rule.model_dump(mode="json", exclude_defaults=True), **extensions}
