"""TicketCreated / TicketUpdated on the bus (source `hub.support`) → an e-mail to the other party
(`hub_support.usecases.notifications`), through SES."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Field, RootModel

from hub_shared.observability import EVENTBRIDGE_CORRELATION_PATH, observability
from hub_support.deps import mail_policy, mailer
from hub_support.events import TicketCreated, TicketUpdated
from hub_support.usecases.notifications import notification

obs = observability("support")


class TicketCreatedEvent(EventBridgeModel):
    source: Literal["hub.support"]
    detail_type: Literal["TicketCreated"] = Field(alias="detail-type")
    detail: TicketCreated


class TicketUpdatedEvent(EventBridgeModel):
    source: Literal["hub.support"]
    detail_type: Literal["TicketUpdated"] = Field(alias="detail-type")
    detail: TicketUpdated


class TicketEvent(RootModel[Annotated[TicketCreatedEvent | TicketUpdatedEvent, Field(discriminator="detail_type")]]):
    """What the SupportNotificationsFunction's rule delivers."""


@obs.handler(EVENTBRIDGE_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> str:
    detail = obs.received(event, TicketEvent, "ticket event").root.detail
    mail = notification(detail, mail_policy())
    if mail is None:
        return "nobody to tell"
    message_id = mailer().send(mail)
    obs.logger.info("ticket notification sent", extra={"ticket_id": detail.ticket_id, "message_id": message_id})
    obs.metrics.add_metric(name="TicketNotificationsSent", unit=MetricUnit.Count, value=1)
    return message_id
