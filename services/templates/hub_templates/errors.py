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


class TemplateNotEditable(StateConflict):
    slug = "template-not-editable"
    title = "The template cannot be edited in its status"

    def __init__(self, name: str, language: str, status: str):
        super().__init__(
            f"Template {name} ({language}) is {status}: Meta lets only APPROVED, REJECTED or PAUSED templates be "
            "edited (and the hub its drafts). Wait for Meta's review, or copy it to a new name."
        )


class TemplateNotDeletable(StateConflict):
    slug = "template-not-deletable"
    title = "The template cannot be deleted in its status"

    def __init__(self, name: str, language: str, status: str):
        super().__init__(f"Template {name} ({language}) is {status}: Meta does not let a {status} template be deleted.")


class EditLimited(QuotaExceeded):
    """Meta's limits on editing an APPROVED template: one edit in 24 hours, ten in 30 days."""

    def __init__(self, name: str, language: str, rule: str, next_edit: datetime, retry_after: int):
        super().__init__(
            f"Template {name} ({language}) is approved, and Meta allows {rule}: the next edit is possible from "
            f"{next_edit:%Y-%m-%d %H:%M} UTC.",
            retry_after=retry_after,
        )


class UnsupportedContent(StateConflict):
    slug = "template-content-unsupported"
    title = "The template holds what the hub cannot change"

    def __init__(self, name: str, language: str):
        super().__init__(
            f"Meta describes template {name} ({language}) with components the hub does not know: change it in "
            "WhatsApp Manager, or create a new template."
        )
