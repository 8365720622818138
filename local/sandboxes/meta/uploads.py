"""Meta's Resumable Upload API: a session on the app (`POST /{app_id}/uploads`), the file's bytes into it
(`POST /upload:<session>` with `file_offset`, resumable from where `GET /upload:<session>` says it stands), and the
file handle Meta answers once the file is whole — what `profile_picture_handle` (and a template's media header
example) takes. The sandbox serves an uploaded picture back at `/_sandbox/files/<key>`, the URL a profile shows."""

from __future__ import annotations

import base64
import secrets
from urllib.parse import urlsplit

from local.sandboxes.meta.call import GraphCall, Json
from local.sandboxes.meta.errors import invalid_parameter
from local.sandboxes.meta.state import MetaState, UploadedFile, UploadSession

FILE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/jpg", "image/png", "video/mp4"})
"""The `file_type`s Meta's Resumable Upload API takes."""
MAX_FILE_LENGTH = 100 * 1024 * 1024
FILES_PATH = "/_sandbox/files/"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


def start_session(state: MetaState, call: GraphCall) -> Json:
    call.required_text("file_length")
    length = call.integer("file_length", default=0, low=1, high=MAX_FILE_LENGTH)
    file_type = call.required_text("file_type")
    if file_type not in FILE_TYPES:
        raise invalid_parameter(f"file_type must be one of {', '.join(sorted(FILE_TYPES))}")
    session = UploadSession(
        id=f"upload:{secrets.token_urlsafe(24)}",
        file_name=call.text("file_name") or "file",
        file_type=file_type,
        file_length=length,
    )
    state.uploads[session.id] = session
    return {"id": session.id}


def session_status(state: MetaState, call: GraphCall) -> Json:
    session = state.uploads[call.node_id]
    return {"id": session.id, "file_offset": len(session.content)}


def upload_bytes(state: MetaState, call: GraphCall) -> Json:
    """The call's body into the session at `file_offset` (a header, as Meta asks): it must be where the session
    stands (0 for a new one, or what `GET /upload:<session>` answers), and not run past `file_length`."""
    session = state.uploads[call.node_id]
    offset = call.integer("file_offset", default=-1, low=0, high=MAX_FILE_LENGTH)
    if offset != len(session.content):
        raise invalid_parameter(f"file_offset must be {len(session.content)}, where this upload stands")
    if offset + len(call.body) > session.file_length:
        raise invalid_parameter(f"The upload runs past file_length ({session.file_length} bytes)")
    session.content += call.body
    if len(session.content) < session.file_length:
        return {"id": session.id, "file_offset": len(session.content)}
    if session.handle is None:
        key = secrets.token_urlsafe(18)
        session.handle = f"4:{_b64(session.file_name)}:{_b64(session.file_type)}:{key}:e:{int(call.now.timestamp())}"
        state.files[session.handle] = UploadedFile(key=key, file_type=session.file_type, content=session.content)
    return {"h": session.handle}


def file_url(call: GraphCall, uploaded: UploadedFile) -> str:
    """Where the sandbox serves an uploaded file (its own origin, as Meta's CDN serves a profile's picture)."""
    origin = urlsplit(call.url)
    return f"{origin.scheme}://{origin.netloc}{FILES_PATH}{uploaded.key}"
