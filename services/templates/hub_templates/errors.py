"""The templates service's errors: what its routes can answer besides the hub's common problems."""

from __future__ import annotations

from datetime import datetime

from hub_shared.errors import NotFound, QuotaExceeded, StateConflict


class TemplateNotFound(NotFound):
    def __init__(self, waba_id: str, name: str, language: str | None = None):
        which = f"{name} ({language})" if language else name
        super().__init__(f"WhatsApp Business Account {waba_id} has no template {which}.")


class TemplateExists(StateConflict):
    slug = "template-exists"
    title = "The template already exists in this language"

    def __init__(self, name: str, language: str):
        super().__init__(
            f"There is already a template {name} in {language}: edit it, add another language, or choose another name."
        )


class NameReserved(StateConflict):
    slug = "template-name-reserved"
    title = "The name of a deleted template cannot be used yet"

    def __init__(self, name: str, until: datetime):
        super().__init__(
            f"An approved template named {name} was deleted; Meta lets the name be used again from "
            f"{until:%Y-%m-%d %H:%M} UTC. Choose another name until then."
        )


class TemplateLimitReached(StateConflict):
    slug = "template-limit-reached"
    title = "The WhatsApp Business Account has as many templates as it may"

    def __init__(self, waba_id: str, limit: int):
        super().__init__(
            f"WhatsApp Business Account {waba_id} has {limit:,} templates, the most Meta allows; delete one first."
        )


class NotADraft(StateConflict):
    slug = "template-not-a-draft"
    title = "Only a draft can be submitted"

    def __init__(self, name: str, language: str, status: str):
        super().__init__(f"Template {name} ({language}) is {status}, not a draft: it was submitted already.")


class CreationRateLimited(QuotaExceeded):
    def __init__(self, waba_id: str, limit: int, retry_after: int):
        super().__init__(
            f"WhatsApp Business Account {waba_id} created {limit} templates this hour, the most Meta allows; "
            f"try again in {max(1, retry_after // 60)} minutes.",
            retry_after=retry_after,
        )
