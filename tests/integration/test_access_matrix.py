"""The tenant-isolation matrix, generated from `docs/openapi.json`: every operation × every kind of caller × every
kind of id in its path, the expected answer derived from the access rule the operation declares (`x-hub-access`,
`hub_shared.access.AccessRule`), run against the handlers in this process behind the local gateway's authorizer.

- No token, an expired one, one signed by another key or issued to another app: 401, whatever the id (each bad
  token on one kind of id per operation, the four kinds of id taken in turn: the authorizer answers before any id is
  read, so every bad token and every kind of id is still met on every operation).
- A malformed id: 422 (it is refused before anyone looks anything up).
- A nonexistent id, and another tenant's: 404, the same status, type, title and shape for both — on every route,
  those the caller's role may not use included (ownership is checked before role).
- The caller's own resource: the rule decides — allowed (2xx for a read), 403 for a role or a missing scope, 404
  for a partner who was granted nothing that reveals the resource.
- A list answers only what the caller may see (never 403).
- A refused call changes nothing: every table reads the same after it.

An operation without a rule fails; a new route is covered the moment it is in the document.
"""

from __future__ import annotations

import functools
import json
import string
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

import httpx
import pytest
from hypothesis import find
from hypothesis import strategies as st

from hub_shared.access import ANY_PARTNER, EXTENSION, AccessRule
from local.template import ROOT
from tests.builders import (
    ACME,
    ALL_SCOPES,
    BAD_TOKENS,
    GLOBEX,
    OWN_BUSINESS,
    Business,
    InProcessHub,
    Who,
    a_png,
    in_process_hub,
)

DOCUMENT: dict[str, Any] = json.loads((ROOT / "docs" / "openapi.json").read_text())
MALFORMED = "not~an~id"
PROBLEM_JSON = "application/problem+json"


class IdKind(StrEnum):
    OWN = "own"
    OTHER = "another_tenants"
    NONEXISTENT = "nonexistent"
    MALFORMED = "malformed"
    NONE = "no_id"


class Expected(StrEnum):
    ALLOWED = "allowed"
    UNAUTHORIZED = "401"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    INVALID = "422"


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    rule: AccessRule | None
    who: Who
    kind: IdKind

    @property
    def name(self) -> str:
        return f"{self.method} {self.path} | {self.who.value} | {self.kind.value}"

    @property
    def operation(self) -> dict[str, Any]:
        operation: dict[str, Any] = DOCUMENT["paths"][self.path][self.method.lower()]
        return operation


def _cases() -> list[Case]:
    found: list[Case] = []
    for path, item in sorted(DOCUMENT["paths"].items()):
        for method, operation in sorted(item.items()):
            declared = operation.get(EXTENSION)
            if declared is None:
                found.append(Case(method.upper(), path, None, Who.CLIENT, IdKind.NONE))
                continue
            rule = AccessRule.model_validate(declared)
            if rule.public:
                continue  # no token at all: the signed-webhook suites cover them
            kinds = list(IdKind)[:-1] if rule.resource or rule.tenant_query else [IdKind.NONE]
            found += [Case(method.upper(), path, rule, who, kind) for who in Who for kind in kinds_for(who, kinds)]
    return found


def kinds_for(who: Who, kinds: list[IdKind]) -> list[IdKind]:
    """The kinds of id a caller is tried on: every kind, but a bad token only on one, in turn (BAD_TOKEN_KIND)."""
    return [BAD_TOKEN_KIND[who] if BAD_TOKEN_KIND[who] in kinds else kinds[0]] if who in BAD_TOKENS else kinds


#: The kind of id each bad token is tried on (a 401 comes before any id is read): four tokens, four kinds.
BAD_TOKEN_KIND = dict(zip(sorted(BAD_TOKENS), list(IdKind)[:-1], strict=True))


CASES = _cases()


def _partner_grants(rule: AccessRule, who: Who) -> frozenset[str]:
    """What the caller's client granted it: every scope, but for PARTNER_WITHOUT those the operation needs."""
    if who is Who.PARTNER_WITHOUT and ANY_PARTNER not in rule.partner:
        return ALL_SCOPES - set(rule.partner)
    return ALL_SCOPES


def expected(rule: AccessRule, who: Who, kind: IdKind) -> Expected:
    """The answer the rule promises this caller on this kind of id."""
    if who in BAD_TOKENS:
        return Expected.UNAUTHORIZED
    if kind is IdKind.MALFORMED:
        return Expected.INVALID
    support_sees_all = who is Who.SUPPORT
    if kind is IdKind.NONEXISTENT and not (support_sees_all and rule.tenant_query):
        return Expected.NOT_FOUND  # support may name any client: a list of one that has nothing is empty
    if kind is IdKind.OTHER and not support_sees_all:
        return Expected.NOT_FOUND
    if who in (Who.CLIENT, Who.OTHER_CLIENT):
        sees, may = True, rule.client
    elif who is Who.SUPPORT:
        sees, may = True, rule.support
    else:
        grants = _partner_grants(rule, who)
        sees = bool(grants & set(rule.partner_sees)) or ANY_PARTNER in rule.partner
        may = ANY_PARTNER in rule.partner or bool(grants & set(rule.partner))
    if rule.lists and kind is IdKind.NONE:  # a partner may list whatever its grants let it see, even nothing
        lists = bool(rule.partner) if who in (Who.PARTNER, Who.PARTNER_WITHOUT, Who.OTHER_PARTNER) else may
        return Expected.ALLOWED if lists else Expected.FORBIDDEN
    if (rule.resource or rule.tenant_query) and not sees:
        return Expected.NOT_FOUND
    return Expected.ALLOWED if may else Expected.FORBIDDEN


def _visible_clients(who: Who, rule: AccessRule) -> set[str] | None:
    """The clients whose resources a list may show `who` (None: any); PARTNER_WITHOUT lacks only the scopes the
    operation needs, so it sees ACME's on a list open to any partner."""
    return {
        Who.CLIENT: {ACME.client_id},
        Who.OTHER_CLIENT: {GLOBEX.client_id},
        Who.PARTNER: {ACME.client_id},
        Who.PARTNER_WITHOUT: {ACME.client_id} if ANY_PARTNER in rule.partner else set(),
        Who.OTHER_PARTNER: {GLOBEX.client_id},
        Who.SUPPORT: None,
    }[who]


# ---------------------------------------------------------------- requests


def _id(case: Case, parameter: dict[str, Any]) -> str:
    """The value of the case's id: its caller's own resource, another tenant's, one that does not exist (the least
    value the parameter's pattern accepts), or one the pattern refuses."""
    rule = case.rule
    assert rule is not None
    if case.kind is IdKind.MALFORMED:
        return MALFORMED
    if case.kind is IdKind.NONEXISTENT:
        return _unknown(parameter["schema"].get("pattern", "^[a-z]{1,8}$"))
    owner = _owner(case)
    if rule.kind is not None:
        return owner.resource(rule.kind)
    return owner.client_id


def _owner(case: Case) -> Business:
    """Whose resource the case names: the caller's own business's, or the other one's."""
    business = OWN_BUSINESS.get(case.who, ACME)
    return business if case.kind is IdKind.OWN else GLOBEX if business is ACME else ACME


@cache
def _unknown(pattern: str) -> str:
    """The least value `pattern` accepts that names nothing of the world."""
    known = {b.resource(kind) for b in (ACME, GLOBEX) for kind in ("number", "import", "ticket")} | {
        ACME.client_id,
        GLOBEX.client_id,
    }
    return str(find(st.from_regex(pattern, fullmatch=True), lambda text: text not in known))


def _request(case: Case) -> tuple[str, dict[str, str], Any]:
    """The case's path, query and body."""
    rule = case.rule
    assert rule is not None
    path, query = case.path, {}
    for parameter in case.operation.get("parameters", []):
        if case.kind is IdKind.NONE:
            break
        if parameter["in"] == "path" and parameter["name"] == rule.resource:
            path = path.replace(f"{{{parameter['name']}}}", _id(case, parameter))
        elif parameter["in"] == "path":  # a part of the resource (a template's name): its owner's
            path = path.replace(f"{{{parameter['name']}}}", _owner(case).path_value(parameter["name"]))
        elif parameter["in"] == "query" and parameter["name"] in (rule.tenant_query, rule.resource):
            query[parameter["name"]] = _id(case, parameter)
        elif parameter["in"] == "query" and parameter.get("required"):  # what the operation needs besides the id
            query[parameter["name"]] = example_of(parameter["schema"])
    return path, query, _body(case)


def _send(hub: InProcessHub, case: Case, path: str, query: dict[str, str], body: Any) -> httpx.Response:
    """The case's request: its body as JSON, or as the parts of a form (`_body` of a `multipart/form-data` one)."""
    if "multipart/form-data" in case.operation.get("requestBody", {}).get("content", {}):
        return hub.call(case.method, path, case.who, files=body, params=query)
    return hub.call(case.method, path, case.who, body=body, params=query)


def _body(case: Case) -> Any:
    """A valid body for the operation (the least its schema accepts), naming the caller's own resources; a form's
    parts (`multipart/form-data`): each field a PNG that Meta would take as a profile picture."""
    form = case.operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
    if form is not None:
        schema = DOCUMENT["components"]["schemas"][form["schema"]["$ref"].rsplit("/", 1)[-1]]
        return {name: (f"{name}.png", a_png(256, 256)) for name in schema["properties"]}
    content = case.operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    body = example_of(content["schema"])
    business = OWN_BUSINESS.get(case.who, ACME)
    references = {"waba_id": business.waba_id, "phone_number_id": business.number_id, "number_id": business.number_id}
    if isinstance(body, dict):
        body.update({key: value for key, value in references.items() if key in body})
    return body


@functools.cache
def _matching(pattern: str) -> str:
    """The least string hypothesis finds for `pattern` (found once per pattern: finding is most of a case's time)."""
    found: str = find(st.from_regex(pattern, fullmatch=True), lambda _: True)
    return found


def example_of(schema: dict[str, Any]) -> Any:
    """The least instance of a JSON schema of the document: documented examples first, required properties only."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return example_of(DOCUMENT["components"]["schemas"][name])
    if "examples" in schema:
        return schema["examples"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [option for option in schema[key] if option.get("type") != "null"]
            return example_of(options[0])
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: example_of(properties[name]) for name in schema.get("required", [])}
    if kind == "string":
        if "pattern" in schema:
            return _matching(schema["pattern"])
        return string.ascii_letters[: max(schema.get("minLength", 1), 1)]
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    return [example_of(schema["items"])] * schema.get("minItems", 0)


# ---------------------------------------------------------------- the matrix


@pytest.fixture(scope="module")
def hub() -> Any:
    with in_process_hub() as started:
        yield started


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_access(hub: InProcessHub, case: Case) -> None:
    if case.rule is None:
        pytest.fail(f"{case.method} {case.path} declares no access rule ({EXTENSION}, hub_shared.access.AccessRule)")
    rule = case.rule
    want = expected(rule, case.who, case.kind)
    mutating = case.method != "GET"
    if mutating and want is Expected.ALLOWED:
        hub.seed()  # an allowed call may change the world: the next case gets a fresh one
    hub.grant(ACME, _partner_grants(rule, case.who))
    try:
        _check(hub, case, want, mutating)
    finally:  # what the world assumes (a client's allowed call may have changed its grants)
        hub.grant(ACME, ALL_SCOPES)
        hub.grant(GLOBEX, ALL_SCOPES)


def _check(hub: InProcessHub, case: Case, want: Expected, mutating: bool) -> None:
    path, query, body = _request(case)
    before = hub.snapshot() if mutating and want is not Expected.ALLOWED else None

    answer = _send(hub, case, path, query, body)

    status = answer.status_code
    assert status < 500, f"{case.name}: {status} {answer.text}"
    if want is Expected.ALLOWED:
        assert status not in (401, 403, 404), f"{case.name}: allowed, but answered {status} {answer.text}"
        if case.method == "GET":
            assert 200 <= status < 300, f"{case.name}: {status} {answer.text}"
        if case.rule is not None and case.rule.lists and status == 200:
            _check_listed(case, case.rule, answer.json())
    else:
        expected_status = {"401": 401, "403": 403, "404": 404, "422": 422}[want.value]
        assert status == expected_status, f"{case.name}: expected {want.value}, answered {status} {answer.text}"
        if want is not Expected.UNAUTHORIZED:
            assert answer.headers["content-type"] == PROBLEM_JSON
            assert answer.json()["status"] == status
        if case.kind is IdKind.OTHER and want is Expected.NOT_FOUND:
            _check_same_as_nonexistent(hub, case, answer.json())
    if before is not None:
        assert hub.snapshot() == before, f"{case.name}: refused ({status}), yet the tables changed"


def _check_listed(case: Case, rule: AccessRule, page: dict[str, Any]) -> None:
    visible = _visible_clients(case.who, rule)
    owners = {item["client_id"] for item in page["items"]}
    if visible is not None:
        assert owners <= visible, f"{case.name}: lists {owners - visible}, which it may not see"
    if case.kind is IdKind.NONE and visible:
        assert owners == visible, f"{case.name}: lists {owners}, not every client it may see ({visible})"


def _check_same_as_nonexistent(hub: InProcessHub, case: Case, problem: dict[str, Any]) -> None:
    nonexistent = Case(case.method, case.path, case.rule, case.who, IdKind.NONEXISTENT)
    path, query, body = _request(nonexistent)
    missing = _send(hub, case, path, query, body).json()
    same = ("type", "title", "status")
    assert {k: problem[k] for k in same} == {k: missing[k] for k in same}, f"{case.name}: {problem} vs {missing}"
    assert problem.keys() == missing.keys(), case.name


# ---------------------------------------------------------------- the rule's own checks


def test_every_operation_of_the_document_is_in_the_matrix_or_public() -> None:
    covered = {(case.method, case.path) for case in CASES}
    public = {
        (method.upper(), path)
        for path, item in DOCUMENT["paths"].items()
        for method, operation in item.items()
        if operation.get(EXTENSION, {}).get("public")
    }
    every = {(method.upper(), path) for path, item in DOCUMENT["paths"].items() for method in item}
    assert covered | public == every
    assert public == {("GET", "/webhooks/meta"), ("POST", "/webhooks/meta"), ("POST", "/webhooks/stripe")}


def test_each_bad_token_meets_every_operation_and_together_every_kind_of_id() -> None:
    operations = {(case.method, case.path, case.rule) for case in CASES if case.rule is not None}
    for method, path, rule in operations:
        tried = {(case.who, case.kind) for case in CASES if (case.method, case.path) == (method, path)}
        bad = {(who, kind) for who, kind in tried if who in BAD_TOKENS}
        kinds = set(list(IdKind)[:-1]) if rule.resource or rule.tenant_query else {IdKind.NONE}
        assert {who for who, _ in bad} == BAD_TOKENS, f"{method} {path}"
        assert {kind for _, kind in bad} == kinds, f"{method} {path}"
        assert len(bad) == len(BAD_TOKENS), f"{method} {path}: a bad token tried twice"
        assert {(who, kind) for who in set(Who) - BAD_TOKENS for kind in kinds} <= tried, f"{method} {path}"


def test_an_operation_without_a_rule_becomes_a_failing_case(monkeypatch: pytest.MonkeyPatch) -> None:
    operation = {"responses": {"200": {"description": "ok"}}}
    monkeypatch.setitem(DOCUMENT["paths"], "/v1/unclassified", {"get": operation})

    (case,) = [case for case in _cases() if case.path == "/v1/unclassified"]

    assert case.rule is None


def test_the_snapshot_sees_any_change_to_any_table(hub: InProcessHub) -> None:
    before = hub.snapshot()
    key = {"pk": {"S": "SNAPSHOT#probe"}, "sk": {"S": "PROBE"}}
    hub.world.dynamodb.put_item(TableName="hub-templates", Item=key)
    changed = hub.snapshot()
    hub.world.dynamodb.delete_item(TableName="hub-templates", Key=key)

    assert changed != before
    assert hub.snapshot() == before


def test_a_path_part_nobody_seeds_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no value of path parameter 'flow'"):
        Business("c", "p", "1", "2", "3", ("t", "en")).path_value("flow")


def test_the_business_owning_a_kind_nobody_seeds_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="seeds no resource of kind 'template'"):
        Business("c", "p", "1", "2", "3", ("t", "en")).resource("template")
