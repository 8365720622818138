"""Notification e-mails through SES (API v2), plain text, from the hub's verified sender."""

from __future__ import annotations

from typing import Any

from hub_support.usecases.notifications import Mail


class SesMailer:
    def __init__(self, client: Any, sender: str):
        self._client = client
        self._sender = sender

    def send(self, mail: Mail) -> str:
        answer = self._client.send_email(
            FromEmailAddress=self._sender,
            Destination={"ToAddresses": [mail.to]},
            Content={
                "Simple": {
                    "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": mail.text, "Charset": "UTF-8"}},
                }
            },
        )
        return str(answer["MessageId"])
