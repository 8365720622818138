"""POST /v1/me/email and its confirmation: a user signs in with a new address once Cognito's code for it was entered,
and a password reset follows (the seed's "How to update email or username")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local.story import DEMO_PASSWORD
from tests.builders import (
    AwsWorld,
    FrozenClock,
    accounts_call,
    accounts_world,
    assert_problem,
    mailed_codes,
    moto_client,
    outbox_events,
    pool_user,
    user_pool,
)

NEW_PASSWORD = "A-brand-new-Passw0rd"


class Pool:
    def __init__(self, aws: AwsWorld, pool_id: str, app_client_id: str):
        self.aws, self.pool_id, self.app_client_id = aws, pool_id, app_client_id
        self.cognito = moto_client("cognito-idp")
        self.anna = pool_user(pool_id, "anna@acme.example", client_id="acme")
        self.otto = pool_user(pool_id, "otto@globex.example", client_id="globex")

    def user(self, claims: dict[str, str]) -> dict[str, Any]:
        user = self.cognito.admin_get_user(UserPoolId=self.pool_id, Username=claims["sub"])
        return {"status": user["UserStatus"]} | {a["Name"]: a["Value"] for a in user["UserAttributes"]}

    def sign_in(self, email: str, password: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.cognito.initiate_auth(
            ClientId=self.app_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
        return answer

    def state(self) -> tuple[Any, ...]:
        """Everything a refused request must leave as it was: the table, both users, the mail sent."""
        return (
            self.aws.items_in_key_order("hub-accounts"),
            self.user(self.anna),
            self.user(self.otto),
            mailed_codes("anna@acme.example"),
        )


@pytest.fixture
def pool(aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pool]:
    aws.add_client("acme")
    aws.add_client("globex")
    with accounts_world(FrozenClock()):
        yield Pool(aws, *user_pool(monkeypatch))


def test_a_new_address_replaces_the_old_one_once_its_code_is_entered_and_a_password_reset_follows(pool: Pool) -> None:
    session = pool.sign_in("anna@acme.example", DEMO_PASSWORD)["AuthenticationResult"]

    status, me = accounts_call("POST", "/v1/me/email", pool.anna, body={"email": "  Anna.Neu@Acme.example "})

    assert (status, me["email"], me["pending_email"]) == (200, "anna@acme.example", "anna.neu@acme.example")
    assert pool.user(pool.anna)["email"] == "anna@acme.example"  # until the code is entered, the old one signs in
    (code,) = mailed_codes("anna.neu@acme.example")
    (asked,) = outbox_events(pool.aws.table_items("hub-accounts"), "EmailChangeRequested")
    assert (asked["previous"], asked["email"], asked["client_id"]) == (
        "anna@acme.example",
        "anna.neu@acme.example",
        "acme",
    )

    status, problem = accounts_call("POST", "/v1/me/email/confirmation", pool.anna)
    assert status == 409
    assert_problem(problem, 409, "state-conflict")
    assert "not confirmed yet" in problem["detail"]

    with pytest.raises(ClientError) as wrong:
        pool.cognito.verify_user_attribute(AccessToken=session["AccessToken"], AttributeName="email", Code="000000")
    assert wrong.value.response["Error"]["Code"] == "CodeMismatchException"
    pool.cognito.verify_user_attribute(AccessToken=session["AccessToken"], AttributeName="email", Code=code)
    status, me = accounts_call("POST", "/v1/me/email/confirmation", pool.anna)

    assert (status, me["email"], me["pending_email"]) == (200, "anna.neu@acme.example", None)
    user = pool.user(pool.anna)
    assert (user["email"], user["email_verified"], user["status"]) == (
        "anna.neu@acme.example",
        "true",
        "RESET_REQUIRED",
    )
    (changed,) = outbox_events(pool.aws.table_items("hub-accounts"), "EmailChanged")
    assert (changed["previous"], changed["email"]) == ("anna@acme.example", "anna.neu@acme.example")
    with pytest.raises(ClientError) as ended:  # every session of the user ended
        pool.cognito.initiate_auth(
            ClientId=pool.app_client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": session["RefreshToken"]},
        )
    assert ended.value.response["Error"]["Code"] == "NotAuthorizedException"

    _, reset_code = mailed_codes("anna.neu@acme.example")
    pool.cognito.confirm_forgot_password(
        ClientId=pool.app_client_id,
        Username="anna.neu@acme.example",
        ConfirmationCode=reset_code,
        Password=NEW_PASSWORD,
    )
    assert pool.sign_in("anna.neu@acme.example", NEW_PASSWORD)["AuthenticationResult"]["IdToken"]
    assert pool.user(pool.anna)["status"] == "CONFIRMED"
    assert accounts_call("GET", "/v1/me", pool.anna)[1]["pending_email"] is None


def test_asking_again_sends_a_new_code_and_only_the_latest_one_confirms(pool: Pool) -> None:
    session = pool.sign_in("anna@acme.example", DEMO_PASSWORD)["AuthenticationResult"]
    accounts_call("POST", "/v1/me/email", pool.anna, body={"email": "anna@acme-neu.example"})
    status, me = accounts_call("POST", "/v1/me/email", pool.anna, body={"email": "anna@acme-neu.example"})

    first, latest = mailed_codes("anna@acme-neu.example")
    assert (status, me["pending_email"]) == (200, "anna@acme-neu.example")
    with pytest.raises(ClientError):  # (one run in a million draws the same code twice)
        pool.cognito.verify_user_attribute(AccessToken=session["AccessToken"], AttributeName="email", Code=first)
    pool.cognito.verify_user_attribute(AccessToken=session["AccessToken"], AttributeName="email", Code=latest)
    assert accounts_call("POST", "/v1/me/email/confirmation", pool.anna)[0] == 200


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-address"},
        {"email": "anna@localhost"},
        {"email": "anna neu@acme.example"},
        {"email": '"anna"@acme.example'},
        {"email": "a" * 250 + "@acme.example"},
        {"email": ""},
        {"email": 7},
        {},
        {"email": "anna@acme-neu.example", "password": "x"},
    ],
    ids=["no-at", "no-dot", "space", "quoted", "too-long", "empty", "not-text", "missing", "another-field"],
)
def test_an_address_that_is_none_is_refused_and_nothing_changes(pool: Pool, body: dict[str, Any]) -> None:
    before = pool.state()

    status, problem = accounts_call("POST", "/v1/me/email", pool.anna, body=body)

    assert_problem(problem, 422, "validation-failed")
    assert status == 422
    assert pool.state() == before


@pytest.mark.parametrize("email", ["otto@globex.example", "OTTO@Globex.example"])
def test_another_users_address_is_refused_and_nothing_changes(pool: Pool, email: str) -> None:
    before = pool.state()

    status, problem = accounts_call("POST", "/v1/me/email", pool.anna, body={"email": email})

    assert status == 409
    assert_problem(problem, 409, "state-conflict")
    assert "Another user" in problem["detail"]
    assert pool.state() == before
    assert mailed_codes("otto@globex.example") == []


def test_the_current_address_is_refused_and_nothing_changes(pool: Pool) -> None:
    before = pool.state()

    status, problem = accounts_call("POST", "/v1/me/email", pool.anna, body={"email": "Anna@Acme.example"})

    assert status == 422
    assert_problem(problem, 422, "validation-failed")
    assert problem["errors"][0]["field"] == "body.email"
    assert pool.state() == before


def test_a_confirmation_with_no_change_waiting_is_refused_and_nothing_changes(pool: Pool) -> None:
    before = pool.state()

    status, problem = accounts_call("POST", "/v1/me/email/confirmation", pool.anna)

    assert status == 409
    assert_problem(problem, 409, "state-conflict")
    assert "No e-mail change is waiting" in problem["detail"]
    assert pool.state() == before


def test_a_user_the_pool_no_longer_has_is_answered_404_and_nothing_changes(pool: Pool) -> None:
    accounts_call("POST", "/v1/me/email", pool.anna, body={"email": "anna@acme-neu.example"})
    pool.cognito.admin_delete_user(UserPoolId=pool.pool_id, Username="anna@acme.example")
    before = pool.aws.items_in_key_order("hub-accounts"), mailed_codes("anna@acme-neu.example")

    for path, body in (("/v1/me/email", {"email": "anna@acme-neu.example"}), ("/v1/me/email/confirmation", None)):
        status, problem = accounts_call("POST", path, pool.anna, body=body)

        assert status == 404
        assert_problem(problem, 404, "not-found")
    assert (pool.aws.items_in_key_order("hub-accounts"), mailed_codes("anna@acme-neu.example")) == before
