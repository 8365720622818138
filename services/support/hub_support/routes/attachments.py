"""A ticket's files: the form the browser uploads one with, straight to S3."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_shared.access import declared
from hub_shared.api import Caller, Now
from hub_shared.problems import NOT_JSON, problem_responses
from hub_support.models.tickets import AttachmentUpload, NewTicketAttachment
from hub_support.routes.params import TICKET, Files, Store, TicketId, Uploads, new_id
from hub_support.usecases.attachments import request_upload

router = APIGatewayHttpRouter()


@router.post(
    "/v1/tickets/<ticket_id>/attachments",
    openapi_extensions=declared(TICKET),
    summary="Add a file to a ticket",
    description="Answers an S3 pre-signed POST: send `fields` as they are and the file last (`file`), as "
    "`multipart/form-data`, to `url` before `expires_at`. Its policy holds this key, exactly this content type and "
    "at most `size` bytes: S3 refuses any other upload. Types and the size limit are the hub's configuration "
    "(`attachment-refused` names the field).",
    tags=["Support"],
    responses={
        201: {"description": "The upload form."},
        **problem_responses(
            400, 404, 409, 422, _400=NOT_JSON, _409="The ticket is closed, or holds as many files as it may."
        ),
    },
)
def add_attachment_route(
    ticket_id: TicketId,
    request: Annotated[NewTicketAttachment, Body()],
    caller: Caller,
    store: Store,
    files: Files,
    uploads: Uploads,
    now: Now,
) -> tuple[AttachmentUpload, int]:
    upload = request_upload(
        ticket_id, request, caller, tickets=store, files=files, policy=uploads, now=now, new_id=new_id
    )
    return upload, 201
