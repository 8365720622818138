"""The accounts service's adapters, each built once per process, and the dependencies its routes inject with
Depends()."""

from __future__ import annotations

from hub_accounts.integrations.cognito import CognitoUsers
from hub_accounts.settings import accounts_settings
from hub_accounts.store.accounts import AccountsStore
from hub_accounts.store.directory import ClientDirectory
from hub_shared.accounts import accounts_reader
from hub_shared.pagination import CursorCodec
from hub_shared.secrets import get_secret
from hub_shared.singletons import singleton

__all__ = ["accounts_reader", "accounts_store", "client_directory", "cognito_users", "cursor_codec"]


@singleton
def accounts_store() -> AccountsStore:
    return AccountsStore()


@singleton
def cognito_users() -> CognitoUsers:
    return CognitoUsers()


@singleton
def client_directory() -> ClientDirectory:
    return ClientDirectory()


@singleton
def cursor_codec() -> CursorCodec:
    return CursorCodec(key=lambda: get_secret(accounts_settings().cursor_secret))
