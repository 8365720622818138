"""get.chat's inbox provisioning API (Activate Inbox), over httpx.

`POST {getchat_api_base_url}/api/v1/inboxes` with `Authorization: Bearer <API key>` and
`{phone_number_id, waba_id, client_id, display_name}` answers the number's inbox (201 new, 200 the one it has):
get.chat provisions one inbox per phone number id, so asking again is safe.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger
from pydantic import ConfigDict, ValidationError

from hub_numbers.settings import numbers_settings
from hub_shared.errors import UpstreamError, UpstreamUnavailable
from hub_shared.http_clients import http_client
from hub_shared.model import HubModel
from hub_shared.secrets import get_secret

if TYPE_CHECKING:
    import httpx

TIMEOUT_SECONDS = 5.0
UNAVAILABLE = "get.chat is unavailable; try again in a few minutes."

logger = Logger(child=True)


class Inbox(HubModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    url: str


class GetChatInboxes:
    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: Callable[[], str] | None = None,
        client: httpx.Client | None = None,
    ):
        self._base_url = (base_url or numbers_settings().getchat_api_base_url).rstrip("/")
        self._api_key = api_key or (lambda: get_secret(numbers_settings().getchat_api_key_secret))
        self._http = client or http_client(timeout=TIMEOUT_SECONDS)

    def provision(self, *, phone_number_id: str, waba_id: str, client_id: str, display_name: str) -> Inbox:
        """The number's inbox. Raises UpstreamUnavailable (503) when get.chat cannot be reached, times out or
        fails, UpstreamError (502) when it refuses the request or answers something else."""
        body = {
            "phone_number_id": phone_number_id,
            "waba_id": waba_id,
            "client_id": client_id,
            "display_name": display_name,
        }
        import httpx  # noqa: PLC0415 - loaded by this client (hub_shared.http_clients)

        try:
            response = self._http.post(
                f"{self._base_url}/api/v1/inboxes",
                json=body,
                headers={"Authorization": f"Bearer {self._api_key()}"},
                timeout=TIMEOUT_SECONDS,
            )
        except httpx.TransportError as error:
            logger.warning("get.chat not reached", extra={"error": type(error).__name__})
            raise UpstreamUnavailable(UNAVAILABLE) from error
        log = {"status": response.status_code, "phone_number_id": phone_number_id}
        if response.is_server_error or response.status_code == HTTPStatus.TOO_MANY_REQUESTS:
            logger.warning("get.chat failed", extra=log)
            raise UpstreamUnavailable(UNAVAILABLE)
        if not response.is_success:
            logger.error("get.chat refused the inbox", extra=log)
            raise UpstreamError(f"get.chat refused to provision the inbox (HTTP {response.status_code}).")
        try:
            return Inbox.model_validate_json(response.content)
        except ValidationError as error:
            logger.error("get.chat answered without an inbox", extra=log)
            raise UpstreamError("get.chat answered without an inbox.") from error
