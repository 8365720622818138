"""Meta's error envelope, made in one place: every refusal of the sandbox is a `GraphApiError`."""

from __future__ import annotations

from typing import Any


class GraphApiError(Exception):
    """One Graph API error answer: `{"error": {"message", "type", "code", "error_subcode"?, "fbtrace_id", ...}}`."""

    def __init__(
        self,
        message: str,
        *,
        code: int = 100,
        http_status: int = 400,
        error_type: str = "OAuthException",
        subcode: int | None = None,
        details: str | None = None,
        user_title: str | None = None,
        user_msg: str | None = None,
        is_transient: bool | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.error_type = error_type
        self.subcode = subcode
        self.details = details
        self.user_title = user_title
        self.user_msg = user_msg
        self.is_transient = is_transient

    def envelope(self, fbtrace_id: str) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.error_type, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.details is not None:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        if self.is_transient is not None:
            error["is_transient"] = self.is_transient
        if self.user_title is not None:
            error["error_user_title"] = self.user_title
        if self.user_msg is not None:
            error["error_user_msg"] = self.user_msg
        error["fbtrace_id"] = fbtrace_id
        return {"error": error}


def invalid_parameter(details: str, *, user_title: str | None = None, user_msg: str | None = None) -> GraphApiError:
    """Code 100: a parameter is malformed or not allowed here."""
    return GraphApiError(
        "(#100) Invalid parameter", details=details, user_title=user_title, user_msg=user_msg or details
    )


def missing_parameter(name: str) -> GraphApiError:
    return GraphApiError(f"(#100) The parameter {name} is required", details=f"The parameter {name} is required")


def unknown_object(node_id: str, method: str) -> GraphApiError:
    """Code 100, subcode 33: no object with this id (or not one this call applies to)."""
    return GraphApiError(
        f"Unsupported {method.lower()} request. Object with ID '{node_id}' does not exist, cannot be loaded due to "
        "missing permissions, or does not support this operation. Please read the Graph API documentation at "
        "https://developers.facebook.com/docs/graph-api",
        error_type="GraphMethodException",
        subcode=33,
    )


def nonexisting_field(field: str, node_type: str) -> GraphApiError:
    return GraphApiError(f"(#100) Tried accessing nonexisting field ({field}) on node type ({node_type})")


def unknown_path(path: str) -> GraphApiError:
    return GraphApiError(f"Unknown path components: {path}", code=2500)


def bad_token(message: str) -> GraphApiError:
    """Code 190 (HTTP 401): no or an unusable access token."""
    return GraphApiError(message, code=190, http_status=401)
