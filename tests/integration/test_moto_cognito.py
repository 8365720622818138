"""`local.moto_cognito`: the local Cognito checks SRP sign-ins, refreshes and revokes tokens, and mails its codes (a new
address's, a password reset's) as Cognito does."""

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
from tests.builders import NOW, mailed_codes, srp_sign_in

NEW_PASSWORD = "A-brand-new-Passw0rd"


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


def a_user(cloud: AwsInfo, email: str) -> None:
    cognito = cloud.client("cognito-idp")
    attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    cognito.admin_create_user(
        UserPoolId=cloud.user_pool_id, Username=email, UserAttributes=attributes, MessageAction="SUPPRESS"
    )
    cognito.admin_set_user_password(
        UserPoolId=cloud.user_pool_id, Username=email, Password=DEMO_PASSWORD, Permanent=True
    )


def test_a_reset_password_is_asked_for_at_sign_in_and_set_only_with_the_mailed_code(cloud: AwsInfo) -> None:
    cognito = cloud.client("cognito-idp")
    a_user(cloud, "reset@acme.example")
    cognito.admin_reset_user_password(UserPoolId=cloud.user_pool_id, Username="reset@acme.example")

    with pytest.raises(ClientError) as asked:
        sign_in(cloud, "reset@acme.example", DEMO_PASSWORD)
    assert refused(asked) == ("PasswordResetRequiredException", "Password reset required for the user")
    (code,) = mailed_codes("reset@acme.example")
    for wrong, password, expected in [
        ("000000" if code != "000000" else "999999", NEW_PASSWORD, "CodeMismatchException"),
        (code, "short", "InvalidPasswordException"),
    ]:
        with pytest.raises(ClientError) as error:
            cognito.confirm_forgot_password(
                ClientId=cloud.user_pool_client_id,
                Username="reset@acme.example",
                ConfirmationCode=wrong,
                Password=password,
            )
        assert refused(error)[0] == expected
    cognito.confirm_forgot_password(
        ClientId=cloud.user_pool_client_id, Username="reset@acme.example", ConfirmationCode=code, Password=NEW_PASSWORD
    )
    assert sign_in(cloud, "reset@acme.example", NEW_PASSWORD)["AuthenticationResult"]["IdToken"]
    with pytest.raises(ClientError):  # a code serves once
        cognito.confirm_forgot_password(
            ClientId=cloud.user_pool_client_id,
            Username="reset@acme.example",
            ConfirmationCode=code,
            Password=DEMO_PASSWORD,
        )


def test_a_forgotten_password_gets_a_mailed_code_and_an_unknown_address_none(cloud: AwsInfo) -> None:
    cognito = cloud.client("cognito-idp")
    a_user(cloud, "forgot@acme.example")

    answer = cognito.forgot_password(ClientId=cloud.user_pool_client_id, Username="forgot@acme.example")
    cognito.forgot_password(ClientId=cloud.user_pool_client_id, Username="nobody@acme.example")

    assert answer["CodeDeliveryDetails"] == {
        "Destination": "f***@a***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    assert len(mailed_codes("forgot@acme.example")) == 1
    assert mailed_codes("nobody@acme.example") == []


def test_a_new_address_waits_for_its_code_and_sessions_survive_it_until_a_global_sign_out(cloud: AwsInfo) -> None:
    cognito = cloud.client("cognito-idp")
    a_user(cloud, "moving@acme.example")
    session = sign_in(cloud, "moving@acme.example", DEMO_PASSWORD)["AuthenticationResult"]
    cognito.admin_update_user_attributes(
        UserPoolId=cloud.user_pool_id,
        Username="moving@acme.example",
        UserAttributes=[{"Name": "email", "Value": "moved@acme.example"}],
    )

    with pytest.raises(ClientError):  # not yet: the old address signs in
        sign_in(cloud, "moved@acme.example", DEMO_PASSWORD)
    (code,) = mailed_codes("moved@acme.example")
    cognito.verify_user_attribute(AccessToken=session["AccessToken"], AttributeName="email", Code=code)
    renewed = cognito.get_tokens_from_refresh_token(
        ClientId=cloud.user_pool_client_id, RefreshToken=session["RefreshToken"]
    )["AuthenticationResult"]
    assert jwt.decode(renewed["IdToken"], options={"verify_signature": False})["email"] == "moved@acme.example"
    sub = cognito.get_user(AccessToken=session["AccessToken"])["Username"]
    cognito.admin_user_global_sign_out(UserPoolId=cloud.user_pool_id, Username=sub)
    with pytest.raises(ClientError) as ended:
        cognito.get_tokens_from_refresh_token(ClientId=cloud.user_pool_client_id, RefreshToken=session["RefreshToken"])
    assert refused(ended) == ("NotAuthorizedException", "Invalid Refresh Token")
    assert sign_in(cloud, "moved@acme.example", DEMO_PASSWORD)["AuthenticationResult"]["IdToken"]


def test_applying_the_fix_twice_changes_nothing() -> None:
    cognito_for_browsers()
    cognito_for_browsers()
