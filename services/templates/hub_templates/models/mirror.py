"""The mirror of each WABA's templates: one record per name and language, as Meta last described it (or a draft the
hub keeps and Meta has not seen), and the API models of reading it and syncing it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import ConfigDict, Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from hub_shared.clock import UtcDateTime
from hub_shared.model import HubModel
from hub_templates.models.content import Category, Component, Normalised, ParameterFormat, TemplateContent, Upper

NAME_PATTERN = r"^[a-z0-9_]{1,512}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}([_-][A-Za-z]{2,3})?$"


class TemplateStatus(StrEnum):
    """Meta's statuses of a template, and DRAFT: kept by the hub, never sent to Meta."""

    DRAFT = "DRAFT"
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    PAUSED = "PAUSED"
    DISABLED = "DISABLED"
    IN_APPEAL = "IN_APPEAL"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    PENDING_DELETION = "PENDING_DELETION"
    DELETED = "DELETED"
    ARCHIVED = "ARCHIVED"


class Template(HubModel):
    """A template of a WABA in one language, as the mirror keeps it."""

    model_config = ConfigDict(frozen=True)

    waba_id: str
    name: str
    language: str
    template_id: str | None = Field(default=None, description="Meta's id (none for a draft).")
    status: str = Field(description="Meta's status (APPROVED, PENDING, REJECTED, PAUSED, …) or DRAFT.")
    category: str
    previous_category: str | None = Field(default=None, description="What it was before Meta re-categorised it.")
    correct_category: str | None = Field(
        default=None, description="What Meta says it should be (a re-categorisation that is coming)."
    )
    allow_category_change: bool = True
    quality_score: str | None = Field(default=None, description="GREEN, YELLOW, RED or UNKNOWN.")
    rejected_reason: str | None = None
    recommendation: str | None = Field(default=None, description="Meta's advice with a rejection.")
    components: list[dict[str, Any]] = Field(default_factory=list)
    parameter_format: str = "POSITIONAL"
    last_submitted_at: UtcDateTime | None = Field(default=None, description="When it was last sent to Meta's review.")
    synced_at: UtcDateTime | None = Field(default=None, description="When Meta's description was last read.")
    meta_time: int | None = Field(
        default=None, description="Meta's time (Unix seconds) of the last webhook applied: an older one is ignored."
    )
    edits: list[UtcDateTime] = Field(
        default_factory=list,
        description="When the template was edited while APPROVED, within the last 30 days (Meta allows one edit a day "
        "and ten in 30 days).",
    )


class NewTemplate(TemplateContent):
    """What `POST …/templates` takes: the template, and whether to send it to Meta's review now."""

    submit: bool = Field(
        default=True,
        description="Send it to Meta's review now (checked first); false keeps it as a DRAFT, which Meta never sees.",
    )


EDITED_BY_META = ("category", "components", "message_send_ttl_seconds")
"""What Meta's edit call changes: an edit gives at least one of them."""


class TemplateEdit(HubModel):
    """What `PATCH …/templates/{name}/{language}` takes: what changes (Meta replaces the components as a whole)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [{"required": [field]} for field in EDITED_BY_META],
            "examples": [
                {
                    "components": [
                        {
                            "type": "BODY",
                            "text": "Hi {{1}}, your order {{2}} ships today.",
                            "example": {"body_text": [["Maria", "A-1042"]]},
                        }
                    ]
                }
            ],
        },
    )

    category: Annotated[Category, Upper] | SkipJsonSchema[None] = Field(
        default=None, description="A new category (an APPROVED template keeps its own)."
    )
    parameter_format: Annotated[ParameterFormat, Upper] | SkipJsonSchema[None] = Field(
        default=None, description="Only a draft's can change."
    )
    components: list[Component] | SkipJsonSchema[None] = Field(
        default=None, min_length=1, description="Every component, as the create call takes them."
    )
    message_send_ttl_seconds: int | SkipJsonSchema[None] = None

    @field_validator(*EDITED_BY_META, "parameter_format", mode="before")
    @classmethod
    def _given(cls, value: object) -> object:
        if value is None:
            raise ValueError("Leave out what does not change rather than sending null")
        return value

    @model_validator(mode="after")
    def _changes_something(self) -> TemplateEdit:
        if self.category is None and self.components is None and self.message_send_ttl_seconds is None:
            raise ValueError("Give the components, the category or message_send_ttl_seconds: Meta edits only those")
        return self


class TemplateCopy(HubModel):
    """What `POST …/templates/{name}/{language}/copy` takes: where the copy goes (the source is untouched)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"language": "es", "submit": False}]})

    name: str | None = Field(default=None, pattern=NAME_PATTERN, description="The copy's name (default: the same).")
    language: Annotated[str, Normalised] | None = Field(
        default=None, description="The copy's language (default: the same)."
    )
    waba_id: str | None = Field(
        default=None, pattern=r"^[0-9]{1,20}$", description="Another WABA of the same client (default: the same)."
    )
    submit: bool = Field(default=True, description="Send the copy to Meta's review now; false keeps it as a DRAFT.")


class NewLanguage(HubModel):
    """What `POST …/templates/{name}/languages` takes: the name's content in another language (same category)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "language": "es",
                    "components": [
                        {
                            "type": "BODY",
                            "text": "Hola {{1}}, tu pedido {{2}} está en camino.",
                            "example": {"body_text": [["Maria", "A-1042"]]},
                        }
                    ],
                }
            ]
        },
    )

    language: Annotated[str, Normalised] = Field(description="One of Meta's language codes.")
    parameter_format: Annotated[ParameterFormat, Upper] = ParameterFormat.POSITIONAL
    components: list[Component] = Field(min_length=1, description="Every component, in the new language.")
    message_send_ttl_seconds: int | None = None
    submit: bool = Field(default=True, description="Send it to Meta's review now; false keeps it as a DRAFT.")


class TemplateGroup(HubModel):
    """Every language of a template name."""

    waba_id: str
    name: str
    languages: list[Template]


class SyncCounts(HubModel):
    """What a sync changed in the mirror."""

    waba_id: str
    added: int = Field(description="Templates Meta has that the mirror did not.")
    updated: int = Field(description="Templates Meta describes otherwise than the mirror did.")
    removed: int = Field(description="Templates the mirror had that Meta no longer has (drafts are kept).")
    unchanged: int
    pages: int = Field(description="Pages of Meta's list read.")
    synced_at: UtcDateTime
