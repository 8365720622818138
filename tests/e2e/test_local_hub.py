"""The local hub as a user meets it: tokens, the API per role, the authorizer, the docs."""

from __future__ import annotations

import gzip
import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import moto
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.builders import LocalHubUnderTest

pytestmark = pytest.mark.e2e

ROLES: dict[str, tuple[str, dict[str, object]]] = {
    "anna@acme.example": ("client", {"custom:client_id": "acme"}),
    "gary@globex.example": ("client", {"custom:client_id": "globex"}),
    "pat@bluewave.example": ("partner", {"custom:partner_id": "bluewave"}),
    "sam@hub.example": ("support", {"cognito:groups": ["support"]}),
}


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def moto_signing_key() -> tuple[str, Any]:
    """The key the local Cognito signs with (moto ships it): forged tokens that only differ in one claim."""
    path = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-private.json.gz"
    key = json.loads(gzip.decompress(path.read_bytes()))
    return key["kid"], jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(key))


def forge(claims: dict[str, Any], *, key: Any = None, kid: str | None = None) -> str:
    real_kid, real_key = moto_signing_key()
    return jwt.encode(claims, key or real_key, algorithm="RS256", headers={"kid": kid or real_kid})


@pytest.mark.parametrize("email", sorted(ROLES))
def test_each_seeded_user_gets_an_id_token_naming_its_tenant(hub: LocalHubUnderTest, email: str) -> None:
    claims = claims_of(hub.token(email))

    assert claims["token_use"] == "id"
    assert claims["email"] == email
    assert claims["aud"] == hub.user_pool_client_id
    for name, value in ROLES[email][1].items():
        assert claims[name] == value


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("anna@acme.example", {"acme": 8}),
        ("gary@globex.example", {"globex": 2}),
        ("ian@initech.example", {"initech": 1}),
        ("pat@bluewave.example", {"globex": 2}),
        ("sam@hub.example", {"acme": 8, "globex": 2, "initech": 1}),
    ],
)
def test_numbers_are_listed_per_role(hub: LocalHubUnderTest, email: str, expected: dict[str, int]) -> None:
    answer = hub.get("/v1/numbers", hub.token(email))

    assert answer.status_code == 200
    counts: dict[str, int] = {}
    for item in answer.json()["items"]:
        counts[item["client_id"]] = counts.get(item["client_id"], 0) + 1
    assert counts == expected


def test_the_cancelled_demo_number_is_due_at_the_end_of_this_month(hub: LocalHubUnderTest) -> None:
    number = hub.get("/v1/numbers/106540352242924", hub.token("anna@acme.example")).json()

    assert number["account_status"] == "pending_deletion"
    assert number["deletion_at"].endswith("T23:59:59.999999Z")


def test_a_partner_cannot_read_a_number_its_client_did_not_share(hub: LocalHubUnderTest) -> None:
    answer = hub.get("/v1/numbers/108923456789001", hub.token("pat@bluewave.example"))

    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


def _forged_variants(hub: LocalHubUnderTest) -> dict[str, str]:
    real = claims_of(hub.token("anna@acme.example"))
    now = int(time.time())
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "wrong-signature": forge(real, key=other_key),
        "expired": forge({**real, "iat": now - 7200, "exp": now - 3600}),
        "wrong-audience": forge({**real, "aud": "some-other-app"}),
        "wrong-issuer": forge({**real, "iss": "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_other"}),
        "not-a-jwt": "not-a-jwt",
    }


@pytest.mark.parametrize("variant", ["wrong-signature", "expired", "wrong-audience", "wrong-issuer", "not-a-jwt"])
def test_a_forged_token_is_refused_like_api_gateway_does(hub: LocalHubUnderTest, variant: str) -> None:
    answer = hub.get("/v1/numbers", _forged_variants(hub)[variant])

    assert answer.status_code == 401
    assert answer.json() == {"message": "Unauthorized"}


def test_a_token_signed_with_the_real_key_and_valid_claims_is_accepted(hub: LocalHubUnderTest) -> None:
    """The forging above changes one claim at a time: the unchanged claims must pass, or the test proves nothing."""
    assert hub.get("/v1/numbers", forge(claims_of(hub.token("anna@acme.example")))).status_code == 200


def test_no_token_is_refused(hub: LocalHubUnderTest) -> None:
    assert hub.get("/v1/numbers").status_code == 401


def test_the_openapi_document_and_swagger_ui_are_served(hub: LocalHubUnderTest) -> None:
    document = hub.get("/openapi.json")
    docs = hub.get("/docs")

    assert document.status_code == 200
    assert {"/v1/numbers", "/v1/numbers/{number_id}", "/v1/me"} <= set(document.json()["paths"])
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


def test_swagger_uis_authorize_takes_a_token_from_make_token_and_its_calls_are_answered(hub: LocalHubUnderTest) -> None:
    """What Swagger UI does: read the scheme an operation names, send the token pasted into Authorize as it says."""
    document = hub.get("/openapi.json").json()
    docs = hub.get("/docs").text
    operation = document["paths"]["/v1/numbers"]["get"]
    ((scheme_name, _),) = (item for requirement in operation["security"] for item in requirement.items())
    scheme = document["components"]["securitySchemes"][scheme_name]
    token = hub.token("anna@acme.example")  # what `make token USER=anna@acme.example` prints

    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    assert "persistAuthorization: true" in docs  # the token stays through reloads of the page
    assert '"bearerFormat": "JWT"' in docs  # the page's own copy of the document names the scheme
    assert document["servers"] == [{"url": "/"}]  # "Try it out" calls the gateway that served the page
    answer = httpx.get(f"{hub.api}/v1/numbers", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200
    assert all(item["client_id"] == "acme" for item in answer.json()["items"])


def test_me_tells_each_role_what_it_is(hub: LocalHubUnderTest) -> None:
    for email, (role, _) in ROLES.items():
        assert hub.get("/v1/me", hub.token(email)).json()["role"] == role


def test_the_templates_schedules_are_known_with_their_next_runs(hub: LocalHubUnderTest) -> None:
    """The deletion job runs daily and on the month's last day (`cron(59 23 L * ? *)`)."""
    jobs = {job["name"]: job["next_run"] for job in hub.get("/_local/jobs").json()["jobs"]}

    assert {"DeletionJobDaily", "DeletionJobMonthEnd"} <= set(jobs)
    month_end = datetime.fromisoformat(jobs["DeletionJobMonthEnd"])
    assert (month_end.hour, month_end.minute) == (23, 59)
    assert (month_end + timedelta(days=1)).day == 1


def test_running_an_unknown_job_says_which_jobs_exist(hub: LocalHubUnderTest) -> None:
    answer = httpx.post(f"{hub.api}/_local/jobs/NoSuchJob", timeout=30)

    assert answer.status_code == 404
    assert "DeletionJobDaily" in answer.json()["message"]
