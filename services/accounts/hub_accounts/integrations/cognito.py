"""The user pool (Cognito's admin API), which owns each user's sign-in address: the `Identities` port of
`hub_accounts.usecases.me`. Users are named by their `sub` (the pool signs in with e-mail, so a user's username is
their `sub`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hub_accounts.settings import accounts_settings
from hub_accounts.usecases.me import EmailTaken
from hub_shared import aws
from hub_shared.errors import NotFound

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


class CognitoUsers:
    def __init__(self, pool_id: str | None = None, client: CognitoIdentityProviderClient | None = None):
        self._pool = pool_id or accounts_settings().user_pool_id
        self._client = client or aws.cognito_idp()

    def email_of(self, user_id: str) -> tuple[str, bool]:
        try:
            answer = self._client.admin_get_user(UserPoolId=self._pool, Username=user_id)
        except self._client.exceptions.UserNotFoundException:
            raise NotFound("Your user is no longer in the user pool; sign in again.") from None
        attributes = {a["Name"]: a.get("Value", "") for a in answer.get("UserAttributes", [])}
        return attributes.get("email", ""), attributes.get("email_verified") == "true"

    def owner_of(self, email: str) -> str | None:
        # EmailAddress admits no double quote, so the address cannot end the filter's string early
        users = self._client.list_users(UserPoolId=self._pool, Filter=f'email = "{email}"', Limit=1)["Users"]
        return users[0].get("Username") if users else None

    def ask_to_verify(self, user_id: str, email: str) -> None:
        try:
            self._client.admin_update_user_attributes(
                UserPoolId=self._pool, Username=user_id, UserAttributes=[{"Name": "email", "Value": email}]
            )
        except self._client.exceptions.AliasExistsException:
            raise EmailTaken(email) from None

    def reset_password(self, user_id: str) -> None:
        self._client.admin_user_global_sign_out(UserPoolId=self._pool, Username=user_id)
        self._client.admin_reset_user_password(UserPoolId=self._pool, Username=user_id)
