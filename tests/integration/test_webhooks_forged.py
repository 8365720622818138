"""Forged and replayed webhooks, generated: every public webhook route of infra/template.yaml × each signing scheme
it is known to use × every sample payload of that scheme (globbed, so a new sample is covered without editing this
file) × every forgery and replay below.

- A forgery (no signature, another secret, a truncated or edited body, a malformed header, the signature of an
  earlier body) answers 401 problem+json, never a 5xx, and changes NOTHING: the route's table, its stream and the
  bus are exactly as before.
- A replay of a valid delivery (twice, ten times, interleaved with other deliveries) answers 200 every time, and
  each change is stored exactly once: one item, one stream record, one event on the bus.

Public routes come from the template (`Auth: { Authorizer: NONE }`). A public route that is neither a known
handshake (HANDSHAKES) nor has a forgery builder (SCHEMES) fails here, so a new webhook route cannot land without
its forgeries. Meta signs with X-Hub-Signature-256, Stripe with Stripe-Signature (a timestamp and its HMAC).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest
import stripe

from hub_billing.consumers.outbox import handler as billing_relay
from hub_shared.aws import from_item as aws_values
from hub_shared.singletons import reset_all
from hub_webhooks.consumers.relay import handler as meta_relay
from local.template import HttpRoute, http_routes
from tests.builders import (
    META_WEBHOOK_SAMPLES,
    STRIPE_WEBHOOK_SAMPLES,
    STRIPE_WEBHOOK_SECRET,
    WEBHOOK_APP_SECRET,
    WEBHOOK_CHANGES_TABLE,
    WEBHOOK_VERIFY_TOKEN,
    Answer,
    AwsWorld,
    context,
    encode_json,
    moto_client,
    post_webhook,
    quality_webhook,
    stored_changes_of,
    stripe_delivery,
    webhook_signature,
)

PROBLEM_JSON = "application/problem+json"
OTHER_SECRET = "not-the-app-secret"

Headers = dict[str, str]


@dataclass(frozen=True)
class Delivery:
    body: bytes
    headers: Headers


@dataclass(frozen=True)
class Snapshot:
    """What deliveries left behind: the route's table, its stream (event name, key) and the events on the bus."""

    items: list[dict[str, Any]]
    stream: list[tuple[str, str]]
    events: list[dict[str, Any]]


class Ingress(Protocol):
    """One public webhook route in a test's moto account: deliver to it, and see everything it changed."""

    def post(self, delivery: Delivery) -> Answer: ...

    def snapshot(self) -> Snapshot:
        """After relaying every new stream record to the bus, as the deployed stream consumer would."""
        ...

    def changes_in(self, body: bytes) -> set[str]:
        """The distinct changes a body carries, identified independently of the code under test."""
        ...

    def assert_kept_once(self, kept: Snapshot, expected: set[str]) -> None:
        """Each of `expected` (changes_in's) applied exactly once, by what the route leaves behind."""
        ...


@dataclass(frozen=True)
class SigningScheme:
    """How a route's deliveries are signed, and how a test delivers to it.

    `malformations` are the header values of this scheme's malformed signatures, each from (body, secret).
    `earlier` is the body of an earlier delivery of the same kind (another change), `extra` one of another kind.
    """

    name: str
    header: str
    secret: str
    samples: Callable[[], list[Path]]
    sign: Callable[[bytes, str], str]
    malformations: tuple[tuple[str, Callable[[bytes, str], str]], ...]
    earlier: Callable[[bytes], bytes]
    extra: Callable[[], bytes]
    ingress: Callable[[AwsWorld, pytest.MonkeyPatch], Ingress]

    def signed(self, body: bytes, secret: str | None = None) -> Delivery:
        return Delivery(body, {self.header: self.sign(body, secret or self.secret)})


# ---------------------------------------------------------------- Meta: X-Hub-Signature-256


def meta_digest(body: bytes, secret: str) -> str:
    return webhook_signature(body, secret).removeprefix("sha256=")


def meta_sha1(body: bytes, secret: str) -> str:
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def another_body(body: bytes) -> bytes:
    return body + b" "


META_MALFORMATIONS: tuple[tuple[str, Callable[[bytes, str], str]], ...] = (
    ("no-sha256-prefix", meta_digest),
    ("upper-case-hex-of-another-body", lambda b, s: "sha256=" + meta_digest(another_body(b), s).upper()),
    ("empty", lambda b, s: ""),
    ("prefix-only", lambda b, s: "sha256="),
    ("non-hex", lambda b, s: "sha256=" + "zz" * 32),
    ("non-ascii", lambda b, s: "sha256=" + "é" * 64),
    ("digest-cut-short", lambda b, s: "sha256=" + meta_digest(b, s)[:-2]),
    ("digest-with-more", lambda b, s: "sha256=" + meta_digest(b, s) + "00"),
    ("space-after-prefix", lambda b, s: "sha256= " + meta_digest(b, s)),
    ("space-inside-digest", lambda b, s: "sha256=" + meta_digest(b, s)[:32] + " " + meta_digest(b, s)[32:]),
    ("tab-inside-digest", lambda b, s: "sha256=" + meta_digest(b, s)[:32] + "\t" + meta_digest(b, s)[32:]),
    (
        "several-values-forged-first",
        lambda b, s: f"{webhook_signature(b, OTHER_SECRET)},{webhook_signature(b, s)}",
    ),
    ("several-values-valid-twice", lambda b, s: f"{webhook_signature(b, s)}, {webhook_signature(b, s)}"),
    ("sha1-scheme", meta_sha1),
)


def meta_earlier(body: bytes) -> bytes:
    """The same notification an hour earlier: another change of the same kind, which Meta sent before."""
    notification = json.loads(body)
    for entry in notification["entry"]:
        entry["time"] = int(entry.get("time", 1_760_000_000)) - 3600
    return encode_json(notification)


class MetaIngress:
    """POST /webhooks/meta in moto, with Meta's secrets, the relay of the changes table's stream to the bus, and a
    rule that forwards every `hub.meta` event to a queue (as tests/integration/test_webhooks_relay.py observes it)."""

    def __init__(self, aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> None:
        secrets = moto_client("secretsmanager")
        secrets.create_secret(Name="hub/meta/app-secret", SecretString=WEBHOOK_APP_SECRET)
        secrets.create_secret(Name="hub/meta/verify-token", SecretString=WEBHOOK_VERIFY_TOKEN)
        monkeypatch.setenv("OUTBOX_DEAD_LETTER_QUEUE_URL", aws.queue("outbox-dlq"))
        reset_all()
        self._aws = aws
        self._observed = aws.observe("hub.meta")
        self._relayed = 0
        self._events: list[dict[str, Any]] = []

    def post(self, delivery: Delivery) -> Answer:
        return post_webhook(delivery.body, delivery.headers)

    def snapshot(self) -> Snapshot:
        records = self._aws.stream_records(WEBHOOK_CHANGES_TABLE)
        fresh = records[self._relayed :]
        if fresh:
            answer = meta_relay({"Records": fresh}, context("WebhooksRelayFunction"))
            assert answer == {"batchItemFailures": []}
        self._relayed = len(records)
        self._events += self._aws.drain(self._observed)
        return Snapshot(
            items=sorted(stored_changes_of(self._aws), key=lambda item: str(item["change_id"])),
            stream=[(r["eventName"], r["dynamodb"]["Keys"]["change_id"]["S"]) for r in records],
            events=list(self._events),
        )

    def changes_in(self, body: bytes) -> set[str]:
        notification = json.loads(body)
        return {
            json.dumps([entry["id"], change["field"], entry.get("time", 0), change["value"]], sort_keys=True)
            for entry in notification["entry"]
            for change in entry["changes"]
        }

    def assert_kept_once(self, kept: Snapshot, expected: set[str]) -> None:
        ids = [str(item["change_id"]) for item in kept.items]
        assert len(ids) == len(set(ids)) == len(expected)
        assert [name for name, _ in kept.stream] == ["INSERT"] * len(expected)  # no second record, no MODIFY
        assert sorted(key for _, key in kept.stream) == sorted(ids)
        assert sorted(event["detail"]["metadata"]["event_id"] for event in kept.events) == sorted(ids)


META = SigningScheme(
    name="meta",
    header="x-hub-signature-256",
    secret=WEBHOOK_APP_SECRET,
    samples=lambda: sorted(META_WEBHOOK_SAMPLES.glob("*.json")),
    sign=webhook_signature,
    malformations=META_MALFORMATIONS,
    earlier=meta_earlier,
    extra=lambda: encode_json(quality_webhook("FLAGGED", 1_760_000_000)),
    ingress=MetaIngress,
)


# ---------------------------------------------------------------- Stripe: Stripe-Signature (t=<unix>,v1=<hex>)


def stripe_signature(body: bytes, secret: str, at: int | None = None) -> str:
    moment = int(time.time()) if at is None else at
    return str(stripe.WebhookSignature.generate_signature_header(body.decode(), secret, moment))


def stripe_digest(body: bytes, secret: str, at: int) -> str:
    return hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()


STRIPE_MALFORMATIONS: tuple[tuple[str, Callable[[bytes, str], str]], ...] = (
    ("no-timestamp", lambda b, s: f"v1={stripe_digest(b, s, int(time.time()))}"),
    ("no-v1", lambda b, s: f"t={int(time.time())}"),
    ("v0-scheme-only", lambda b, s: f"t={int(time.time())},v0={stripe_digest(b, s, int(time.time()))}"),
    ("empty", lambda b, s: ""),
    ("stale-by-an-hour", lambda b, s: stripe_signature(b, s, int(time.time()) - 3600)),
    ("signed-for-another-time", lambda b, s: f"t={int(time.time())},v1={stripe_digest(b, s, int(time.time()) - 1)}"),
    ("digest-cut-short", lambda b, s: stripe_signature(b, s)[:-2]),
    ("non-hex", lambda b, s: f"t={int(time.time())},v1={'zz' * 32}"),
    ("timestamp-not-a-number", lambda b, s: f"t=now,v1={stripe_digest(b, s, int(time.time()))}"),
)


def stripe_earlier(body: bytes) -> bytes:
    """The same kind of event an hour earlier: another event (its own id) Stripe sent before."""
    event = json.loads(body)
    event["id"] = f"{event['id']}_earlier"
    event["created"] = int(event["created"]) - 3600
    return encode_json(event)


def stripe_extra() -> bytes:
    return encode_json(
        {
            "id": "evt_forged_suite_other",
            "object": "event",
            "api_version": stripe.api_version,
            "created": 1_760_000_000,
            "type": "invoice.paid",
            "data": {"object": {"id": "in_other", "object": "invoice", "customer": "cus_unknown"}},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
        }
    )


class StripeIngress:
    """POST /webhooks/stripe in moto, with the endpoint's signing secret and the billing table's outbox relayed to a
    queue of every `hub.billing` event. A Stripe event is one change: its id, recorded once (`ONCE#stripe-event:`)."""

    def __init__(self, aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> None:
        moto_client("secretsmanager").create_secret(
            Name="hub/stripe/webhook-secret", SecretString=STRIPE_WEBHOOK_SECRET
        )
        monkeypatch.setenv("OUTBOX_DEAD_LETTER_QUEUE_URL", aws.queue("outbox-dlq"))
        reset_all()
        self._aws = aws
        self._observed = aws.observe("hub.billing")
        self._relayed = 0
        self._events: list[dict[str, Any]] = []

    def post(self, delivery: Delivery) -> Answer:
        status, body = stripe_delivery(delivery.body, delivery.headers)
        return status, body, {"Content-Type": PROBLEM_JSON if status >= 400 else "application/json"}

    def snapshot(self) -> Snapshot:
        records = self._aws.stream_records("hub-billing")
        fresh = [r for r in records[self._relayed :] if r["dynamodb"]["Keys"]["pk"]["S"].startswith("OUTBOX#")]
        if fresh:
            answer = billing_relay({"Records": fresh}, context("BillingOutboxFunction"))
            assert answer == {"batchItemFailures": []}
        self._relayed = len(records)
        self._events += self._aws.drain(self._observed)
        items = self._aws.dynamodb.scan(TableName="hub-billing")["Items"]
        return Snapshot(
            items=sorted((aws_values(item) for item in items), key=lambda item: (item["pk"], item["sk"])),
            stream=[(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records],
            events=list(self._events),
        )

    def changes_in(self, body: bytes) -> set[str]:
        return {str(json.loads(body)["id"])}

    def assert_kept_once(self, kept: Snapshot, expected: set[str]) -> None:
        applied = [item["pk"].removeprefix("ONCE#stripe-event:") for item in kept.items]
        applied = [key for key, item in zip(applied, kept.items, strict=True) if item["pk"].startswith("ONCE#stripe")]
        assert sorted(applied) == sorted(expected)
        modified = [key for name, key in kept.stream if name != "INSERT"]
        assert all(key.startswith("CLIENT#") for key in modified)  # records (once, ledger, outbox) are never rewritten
        assert len(modified) < len(expected)  # a balance moves once per payment, not per delivery
        credits = [item for item in kept.items if item["pk"].startswith("LEDGER#")]
        assert len(credits) == len({item["reference"] for item in credits})  # one entry per payment
        published = [event["detail"]["metadata"]["event_id"] for event in kept.events]
        assert len(published) == len(set(published))


STRIPE = SigningScheme(
    name="stripe",
    header="stripe-signature",
    secret=STRIPE_WEBHOOK_SECRET,
    samples=lambda: sorted(STRIPE_WEBHOOK_SAMPLES.glob("*.json")),
    sign=stripe_signature,
    malformations=STRIPE_MALFORMATIONS,
    earlier=stripe_earlier,
    extra=stripe_extra,
    ingress=StripeIngress,
)

# ---------------------------------------------------------------- the public routes and what covers them

#: The signing schemes of each public webhook route: a forgery builder for each. A public POST route missing here
#: fails `test_every_public_route_is_a_covered_webhook_or_a_known_handshake` and its own case below.
SCHEMES: dict[tuple[str, str], tuple[SigningScheme, ...]] = {
    ("POST", "/webhooks/meta"): (META,),
    ("POST", "/webhooks/stripe"): (STRIPE,),
}
#: Public routes that take no signed delivery, and where their check is tested.
HANDSHAKES: dict[tuple[str, str], str] = {
    (
        "GET",
        "/webhooks/meta",
    ): "Meta's verification handshake (verify token): tests/integration/test_webhooks_ingress.py",
}


def public_routes() -> list[HttpRoute]:
    return [route for route in http_routes() if not route.authorized]


def uncovered(routes: list[HttpRoute]) -> list[str]:
    """The public routes among `routes` that neither SCHEMES nor HANDSHAKES account for, as `METHOD path (function)`."""
    return [
        f"{route.method} {route.path} ({route.function})"
        for route in routes
        if not route.authorized
        and (route.method, route.path) not in SCHEMES
        and (route.method, route.path) not in HANDSHAKES
    ]


# ---------------------------------------------------------------- forgeries


@dataclass(frozen=True)
class Attack:
    forged: Delivery
    before: list[Delivery] = field(default_factory=list)
    """Valid deliveries made first (a stale signature's earlier body), each answered 200."""


Forgery = Callable[[SigningScheme, bytes], Attack]


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    else:
        yield path, node


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


def value_changed(body: bytes) -> bytes:
    """The last value of the body (deep in the change) changed."""
    parsed = json.loads(body)
    path, value = list(_leaves(parsed))[-1]
    changed = not value if isinstance(value, bool) else value + 1 if isinstance(value, int | float) else f"{value}X"
    _at(parsed, path[:-1])[path[-1]] = changed
    return encode_json(parsed)


def key_added(body: bytes) -> bytes:
    """A key added next to the body's last value."""
    parsed = json.loads(body)
    path, _ = list(_leaves(parsed))[-1]
    holder = _at(parsed, path[:-1])
    if isinstance(holder, list):
        holder = _at(parsed, path[:-2])
    holder["forged"] = True
    return encode_json(parsed)


def entry_dropped(body: bytes) -> bytes:
    """The last element of the body's first non-empty list dropped (Meta's: an entry)."""
    parsed = json.loads(body)

    def first_list(node: Any) -> list[Any] | None:
        if isinstance(node, list) and node:
            return node
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
        for child in children:
            found = first_list(child)
            if found is not None:
                return found
        return None

    found = first_list(parsed)
    assert found is not None, "the sample has no list to drop an entry from"
    found.pop()
    return encode_json(parsed)


EDITS: dict[str, Callable[[bytes], bytes]] = {
    "value-changed": value_changed,
    "key-added": key_added,
    "whitespace-trailing-newline": lambda body: body + b"\n",
    "whitespace-reindented": lambda body: json.dumps(json.loads(body), indent=3).encode(),
    "entry-dropped": entry_dropped,
}


def edited(edit: str, body: bytes) -> bytes:
    changed = EDITS[edit](body)
    assert changed != body, f"{edit} left the body as it was"
    return changed


def edited_after_signing(edit: str) -> Forgery:
    """The body edited after Meta signed it, sent with the original signature."""
    return lambda scheme, body: Attack(Delivery(edited(edit, body), scheme.signed(body).headers))


def re_signed_wrongly(edit: str) -> Forgery:
    """The body edited, then signed again by someone without the secret."""
    return lambda scheme, body: Attack(scheme.signed(edited(edit, body), OTHER_SECRET))


def stale_same_kind(scheme: SigningScheme, body: bytes) -> Attack:
    """The valid signature of an earlier delivery (the same kind of change, an hour before) on this body."""
    earlier = scheme.signed(scheme.earlier(body))
    return Attack(Delivery(body, earlier.headers), before=[earlier])


def stale_other_body(scheme: SigningScheme, body: bytes) -> Attack:
    """The valid signature of an earlier delivery of another body on this one."""
    earlier = scheme.signed(scheme.extra())
    return Attack(Delivery(body, earlier.headers), before=[earlier])


FORGERIES: dict[str, Forgery] = {
    "missing-signature": lambda s, b: Attack(Delivery(b, {})),
    "signature-under-another-header": lambda s, b: Attack(Delivery(b, {"x-signature": s.sign(b, s.secret)})),
    "wrong-secret": lambda s, b: Attack(s.signed(b, OTHER_SECRET)),
    "secret-cut-short": lambda s, b: Attack(s.signed(b, s.secret[:-1])),
    "secret-empty-string": lambda s, b: Attack(Delivery(b, {s.header: s.sign(b, "")})),
    "signature-of-truncated-body": lambda s, b: Attack(Delivery(b, s.signed(b[:-1]).headers)),
    "signature-of-empty-body": lambda s, b: Attack(Delivery(b, s.signed(b"").headers)),
    "body-truncated-after-signing": lambda s, b: Attack(Delivery(b[: len(b) // 2], s.signed(b).headers)),
    **{f"edited-after-signing-{edit}": edited_after_signing(edit) for edit in EDITS},
    **{f"edited-and-re-signed-with-wrong-secret-{edit}": re_signed_wrongly(edit) for edit in EDITS},
    "stale-signature-of-earlier-body-same-kind": stale_same_kind,
    "stale-signature-of-earlier-other-body": stale_other_body,
}


def malformed(name: str, build: Callable[[bytes, str], str]) -> Forgery:
    return lambda s, b: Attack(Delivery(b, {s.header: build(b, s.secret)}))


# ---------------------------------------------------------------- replays


Replay = Callable[[SigningScheme, bytes], list[bytes]]


def interleaved(scheme: SigningScheme, body: bytes) -> list[bytes]:
    """This body, every other sample and another delivery, each replayed, this one between all of them."""
    others = [path.read_bytes() for path in scheme.samples() if path.read_bytes() != body] + [scheme.extra()]
    sequence = [body]
    for other in others:
        sequence += [other, body]
    return sequence + others[::-1] + [body]


REPLAYS: dict[str, Replay] = {
    "twice": lambda s, b: [b, b],
    "ten-times": lambda s, b: [b] * 10,
    "interleaved-with-other-deliveries": interleaved,
}


# ---------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    route: HttpRoute
    scheme: SigningScheme | None  # None: a public route this suite has no forgery builder for
    sample: Path | None = None
    forgery: Forgery | None = None
    replay: Replay | None = None


def cases(kind: str) -> list[Any]:
    out: list[Any] = []
    for route in public_routes():
        key = (route.method, route.path)
        if key in HANDSHAKES:
            continue
        route_id = f"{route.method}{route.path.replace('/', '-')}"
        schemes = SCHEMES.get(key)
        if not schemes:
            out.append(pytest.param(Case(route, None), id=f"{route_id}-NO-FORGERY-BUILDER"))
            continue
        for scheme in schemes:
            forgeries = {**FORGERIES, **{f"malformed-{n}": malformed(n, b) for n, b in scheme.malformations}}
            for sample in scheme.samples():
                prefix = f"{route_id}-{scheme.name}-{sample.stem}"
                if kind == "forgery":
                    out += [
                        pytest.param(Case(route, scheme, sample, forgery=forgery), id=f"{prefix}-{name}")
                        for name, forgery in forgeries.items()
                    ]
                else:
                    out += [
                        pytest.param(Case(route, scheme, sample, replay=replay), id=f"{prefix}-replayed-{name}")
                        for name, replay in REPLAYS.items()
                    ]
    return out


def scheme_of(case: Case) -> SigningScheme:
    if case.scheme is None:
        pytest.fail(
            f"{case.route.method} {case.route.path} ({case.route.function}) is public (Authorizer: NONE) but "
            f"tests/integration/test_webhooks_forged.py has no forgery builder for it: add its signing scheme to "
            f"SCHEMES (or, if it takes no signed delivery, to HANDSHAKES with where its check is tested)."
        )
    return case.scheme


def assert_never_a_server_error(answer: Answer) -> None:
    assert answer[0] < 500, answer


# ---------------------------------------------------------------- the suite


def test_the_template_has_a_public_webhook_route_to_forge() -> None:
    assert any((route.method, route.path) in SCHEMES for route in public_routes())


def test_every_public_route_is_a_covered_webhook_or_a_known_handshake() -> None:
    assert uncovered(public_routes()) == [], "public routes without a forgery builder (see SCHEMES)"


def test_a_new_public_webhook_route_without_a_forgery_builder_is_reported() -> None:
    getchat = HttpRoute(
        function="NumbersFunction",
        handler="hub_numbers.app.handler",
        method="POST",
        path="/webhooks/getchat",
        authorized=False,
    )
    authorized = HttpRoute(
        function="NumbersFunction", handler="hub_numbers.app.handler", method="POST", path="/v1/x", authorized=True
    )

    assert uncovered([*public_routes(), getchat, authorized]) == ["POST /webhooks/getchat (NumbersFunction)"]
    with pytest.raises(pytest.fail.Exception, match=r"POST /webhooks/getchat \(NumbersFunction\) is public"):
        scheme_of(Case(getchat, None))


@pytest.mark.parametrize("case", cases("forgery"))
def test_a_forged_delivery_is_unauthorized_and_changes_nothing(
    aws: AwsWorld, monkeypatch: pytest.MonkeyPatch, case: Case
) -> None:
    scheme = scheme_of(case)
    assert case.sample is not None and case.forgery is not None
    ingress = scheme.ingress(aws, monkeypatch)
    attack = case.forgery(scheme, case.sample.read_bytes())
    for valid in attack.before:
        assert ingress.post(valid)[0] == 200
    before = ingress.snapshot()

    answer = ingress.post(attack.forged)

    assert_never_a_server_error(answer)
    status, problem, headers = answer
    assert (status, headers.get("Content-Type"), problem.get("status")) == (401, PROBLEM_JSON, 401), answer
    after = ingress.snapshot()
    assert after.items == before.items
    assert after.stream == before.stream
    assert after.events == before.events


@pytest.mark.parametrize("case", cases("replay"))
def test_a_replayed_delivery_is_accepted_and_each_change_kept_once(
    aws: AwsWorld, monkeypatch: pytest.MonkeyPatch, case: Case
) -> None:
    scheme = scheme_of(case)
    assert case.sample is not None and case.replay is not None
    ingress = scheme.ingress(aws, monkeypatch)
    bodies = case.replay(scheme, case.sample.read_bytes())
    expected: set[str] = set().union(*(ingress.changes_in(body) for body in bodies))

    answers = [ingress.post(scheme.signed(body)) for body in bodies]

    for answer in answers:
        assert_never_a_server_error(answer)
        assert answer[0] == 200, answer
    ingress.assert_kept_once(ingress.snapshot(), expected)
