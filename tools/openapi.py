"""Generate docs/openapi.json from every service's resolver (Powertools), or check it has not drifted.

python -m tools.openapi --write    # regenerate
python -m tools.openapi --check    # exit 1 when the committed file differs from the code
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import sys
from typing import Any

from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

from local.template import ROOT, http_routes

OPENAPI_FILE = ROOT / "docs" / "openapi.json"
TITLE = "Client Hub API"
VERSION = "1.0.0"
DESCRIPTION = (
    "The back end of a WhatsApp Business Solution Provider's self-service portal: numbers, WABA, "
    "templates, billing, support and accounts. Every route needs a Cognito ID token; errors are "
    "RFC 9457 `application/problem+json`."
)


API_PREFIX = "/v1/"
SCHEME = "cognito"
SECURITY_SCHEMES: dict[str, Any] = {
    SCHEME: HTTPBearer(
        bearerFormat="JWT",
        description="A Cognito ID token of the hub's user pool, sent as `Authorization: Bearer <token>`. The pool is "
        "an OpenID Connect provider: its issuer `https://cognito-idp.<region>.amazonaws.com/<user pool id>` publishes "
        "`/.well-known/openid-configuration` and the keys the API's JWT authorizer checks the token with "
        "(`/.well-known/jwks.json`). The portal signs in with the pool's app client; locally, "
        "`make token USER=anna@acme.example` prints a token to paste into this page's *Authorize*.",
    )
}
SECURITY: list[dict[str, list[str]]] = [{SCHEME: []}]


def resolver_modules() -> list[str]:
    """The module of every function that serves HTTP routes in the template (`hub_numbers.app`), in order."""
    return sorted({route.handler.rsplit(".", 1)[0] for route in http_routes()})


def _refuse_homonyms(merged: dict[str, Any], documents: list[Any]) -> None:
    """Two services' different models of one name would be one schema of the merged document (the merge keeps one
    silently): refuse it, naming the name."""
    kept = merged.get("components", {}).get("schemas", {})
    for document in documents:
        own = json.loads(document.model_dump_json(by_alias=True, exclude_none=True)).get("components", {})
        for name, definition in own.get("schemas", {}).items():
            if kept.get(name) != definition:
                raise ValueError(f"two services' models are both named {name} in the API document: rename one")


def build_schema() -> dict[str, Any]:
    merge = OpenAPIMerge(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        servers=[Server(url="/")],
        security_schemes=SECURITY_SCHEMES,
        security=SECURITY,
        on_conflict="error",
    )
    documents = [importlib.import_module(module).app.get_openapi_schema() for module in resolver_modules()]
    for document in documents:
        merge.add_schema(document)
    schema: dict[str, Any] = json.loads(merge.get_openapi_json_schema())
    _refuse_homonyms(schema, documents)
    return hoisted(secured(without_default_validation_errors(schema)))


POWERTOOLS_VALIDATION_ERROR = "#/components/schemas/HTTPValidationError"


def without_default_validation_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Powertools documents a 422 `HTTPValidationError` on every operation that declares none; the hub answers
    validation errors as problems, declared with `problem_responses` by every route that takes input. An operation
    left with Powertools' own has no input to refuse, and can never answer it: it goes."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            content = operation.get("responses", {}).get("422", {}).get("content", {})
            if any(media.get("schema", {}).get("$ref") == POWERTOOLS_VALIDATION_ERROR for media in content.values()):
                del operation["responses"]["422"]
    return schema


def hoisted(schema: dict[str, Any]) -> dict[str, Any]:
    """Nested `$defs` (pydantic puts them inside a body schema that Powertools inlines, with `#/$defs/…` references
    that resolve against the document's root, where there is no `$defs`) moved to `components/schemas`, and their
    references rewritten: every `$ref` of the document then resolves, for Swagger UI and for generated clients."""
    components: dict[str, Any] = schema.setdefault("components", {}).setdefault("schemas", {})

    def visit(node: Any) -> Any:
        if isinstance(node, list):
            return [visit(item) for item in node]
        if not isinstance(node, dict):
            return node
        for name, nested in node.pop("$defs", {}).items():
            definition = visit(nested)
            if components.setdefault(name, definition) != definition:
                raise ValueError(f"two different schemas are named {name}: rename one of the models")
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            node["$ref"] = "#/components/schemas/" + ref.removeprefix("#/$defs/")
        return {key: visit(value) for key, value in node.items()}

    schema["paths"] = visit(schema.get("paths", {}))
    return schema


def secured(schema: dict[str, Any]) -> dict[str, Any]:
    """Every `/v1` operation names the bearer JWT scheme itself (not only through the document's default), and every
    one documents its 401; an operation without one is a defect of its route, refused here."""
    for path, item in schema.get("paths", {}).items():
        if not path.startswith(API_PREFIX):
            continue
        for method, operation in item.items():
            if "401" not in operation.get("responses", {}):
                raise ValueError(f"{method.upper()} {path} does not document its 401 (use problem_responses)")
            operation["security"] = SECURITY
    return schema


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate docs/openapi.json")
    mode.add_argument("--check", action="store_true", help="fail when docs/openapi.json drifts from the code")
    args = parser.parse_args(argv)
    fresh = render(build_schema())
    if args.write:
        OPENAPI_FILE.parent.mkdir(parents=True, exist_ok=True)
        OPENAPI_FILE.write_text(fresh)
        print(f"wrote {OPENAPI_FILE.relative_to(ROOT)}")
        return 0
    committed = OPENAPI_FILE.read_text() if OPENAPI_FILE.exists() else ""
    if committed == fresh:
        print(f"{OPENAPI_FILE.relative_to(ROOT)} is up to date")
        return 0
    diff = difflib.unified_diff(
        committed.splitlines(), fresh.splitlines(), "docs/openapi.json (committed)", "from code", lineterm="", n=2
    )
    print("\n".join(list(diff)[:80]), file=sys.stderr)
    print("docs/openapi.json has drifted from the code: run `make openapi` and commit it.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
