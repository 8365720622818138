"""`local.moto_cognito`: the local Cognito checks SRP sign-ins, refreshes and revokes tokens as Cognito does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError

from local.cloud import AwsInfo, provision, start_moto
from local.moto_cognito import cognito_for_browsers
from local.seed import seed
from local.story import DEMO_PASSWORD
from tests.builders import NOW, srp_sign_in


@pytest.fixture(scope="module")
def cloud() -> Iterator[AwsInfo]:
    moto = start_moto()
    try:
        info = provision(moto.endpoint)
        seed(info, NOW)
        yield info
    finally:
        moto.stop()


def sign_in(cloud: AwsInfo, email: str, password: str) -> dict[str, Any]:
    return srp_sign_in(cloud.client("cognito-idp"), cloud.user_pool_id, cloud.user_pool_client_id, email, password)


def refused(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]


def test_the_right_password_signs_in_with_srp_and_answers_the_users_id_token(cloud: AwsInfo) -> None:
    tokens = sign_in(cloud, "pat@bluewave.example", DEMO_PASSWORD)["AuthenticationResult"]

    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    assert (claims["token_use"], claims["email"]) == ("id", "pat@bluewave.example")
    assert claims["custom:partner_id"] == "bluewave"
    assert tokens["RefreshToken"]


def test_a_wrong_password_is_refused_as_cognito_refuses_it(cloud: AwsInfo) -> None:
    with pytest.raises(ClientError) as error:
        sign_in(cloud, "anna@acme.example", DEMO_PASSWORD + "x")

    assert refused(error) == ("NotAuthorizedException", "Incorrect username or password.")


def test_an_unknown_user_is_refused_like_a_wrong_password(cloud: AwsInfo) -> None:
    with pytest.raises(ClientError) as error:
        sign_in(cloud, "nobody@acme.example", DEMO_PASSWORD)

    assert refused(error) == ("NotAuthorizedException", "Incorrect username or password.")


def test_a_challenge_answers_once(cloud: AwsInfo) -> None:
    cognito = cloud.client("cognito-idp")
    challenge = cognito.initiate_auth(
        ClientId=cloud.user_pool_client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": "anna@acme.example", "SRP_A": "abc123"},
    )
    forged = {
        "USERNAME": challenge["ChallengeParameters"]["USER_ID_FOR_SRP"],
        "PASSWORD_CLAIM_SECRET_BLOCK": challenge["ChallengeParameters"]["SECRET_BLOCK"],
        "TIMESTAMP": "Mon Nov 2 12:00:00 UTC 2026",
        "PASSWORD_CLAIM_SIGNATURE": "bm90IGEgc2lnbmF0dXJl",
    }
    for expected in ("Incorrect username or password.", "Invalid session for the user, session is expired."):
        with pytest.raises(ClientError) as error:
            cognito.respond_to_auth_challenge(
                ClientId=cloud.user_pool_client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=forged
            )
        assert refused(error) == ("NotAuthorizedException", expected)


def test_a_refresh_token_gives_new_tokens_until_it_is_revoked(cloud: AwsInfo) -> None:
    cognito = cloud.client("cognito-idp")
    refresh = sign_in(cloud, "gary@globex.example", DEMO_PASSWORD)["AuthenticationResult"]["RefreshToken"]

    renewed = cognito.get_tokens_from_refresh_token(ClientId=cloud.user_pool_client_id, RefreshToken=refresh)
    cognito.revoke_token(ClientId=cloud.user_pool_client_id, Token=refresh)

    claims = jwt.decode(renewed["AuthenticationResult"]["IdToken"], options={"verify_signature": False})
    assert claims["custom:client_id"] == "globex"
    with pytest.raises(ClientError) as error:
        cognito.get_tokens_from_refresh_token(ClientId=cloud.user_pool_client_id, RefreshToken=refresh)
    assert refused(error) == ("NotAuthorizedException", "Invalid Refresh Token")


def test_applying_the_fix_twice_changes_nothing() -> None:
    cognito_for_browsers()
    cognito_for_browsers()
