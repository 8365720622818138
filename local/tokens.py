"""Cognito ID tokens of the local hub's users: a real `InitiateAuth` (USER_PASSWORD_AUTH) against the moto pool.

The API's JWT authorizer validates ID tokens (audience = the app client id), so that is what this answers.

    python -m local.tokens anna@acme.example            # prints only the token
    curl -H "Authorization: Bearer $(python -m local.tokens anna@acme.example)" ...
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from local.cloud import aws_client
from local.state import STATE_FILE_VARIABLE, NoLocalHub, load_state
from local.story import DEMO_PASSWORD

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

    from local.cloud import AwsInfo


class LoginRefused(Exception):
    """Cognito answered a challenge (new password, MFA) instead of tokens."""


def id_token(email: str, password: str = DEMO_PASSWORD, *, endpoint: str, region: str, client_id: str) -> str:
    """The ID token of `email`; a wrong password raises botocore's ClientError (NotAuthorizedException)."""
    cognito: CognitoIdentityProviderClient = aws_client("cognito-idp", endpoint, region)
    answer = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": password}
    )
    if "AuthenticationResult" not in answer:
        raise LoginRefused(f"Cognito asks {email} for {answer.get('ChallengeName')} instead of issuing tokens.")
    return answer["AuthenticationResult"]["IdToken"]


def id_token_for(info: AwsInfo, email: str, password: str = DEMO_PASSWORD) -> str:
    return id_token(email, password, endpoint=info.endpoint, region=info.region, client_id=info.user_pool_client_id)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m local.tokens", description="Print a demo user's ID token.")
    parser.add_argument("email")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument(
        "--state",
        type=Path,
        help=f"the running hub's state file (default: ${STATE_FILE_VARIABLE} or .local-state/hub.json)",
    )
    args = parser.parse_args(argv)
    try:
        state = load_state(args.state)
        token = id_token(
            args.email,
            args.password,
            endpoint=state["aws_endpoint"],
            region=state["region"],
            client_id=state["user_pool_client_id"],
        )
    except NoLocalHub as error:
        raise SystemExit(str(error)) from None
    except ClientError as error:
        raise SystemExit(f"{args.email} cannot log in: {error.response['Error'].get('Message', error)}") from None
    except LoginRefused as error:
        raise SystemExit(str(error)) from None
    print(token)


if __name__ == "__main__":
    main()
