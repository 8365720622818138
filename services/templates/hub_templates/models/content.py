"""API models of a template's content exactly as Meta's create call takes it (`POST /{WABA_ID}/message_templates`;
facts §4, Meta's OpenAPI create examples): name, language, category, parameter format and the components.

The models check types and shapes only. Meta's rules (lengths, counts, variables, examples, the authentication
shape) live in `hub_templates.rules.checks`, which reports every violation at once with its field path; a pydantic
error would stop at the shape.

Meta reads enum values in any case (its own examples send `"type": "body"`; integrators send `"otp_type":
"copy_code"`), so the models accept any case and keep Meta's spelling: upper case, and `navigate` /
`data_exchange` for a flow's action. The language is normalised as Meta writes it (`en-US` → `en_US`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Discriminator, Field, Tag
from pydantic.config import JsonDict

from hub_shared.model import HubModel
from hub_templates.rules.languages import normalise_language


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _language(value: object) -> object:
    return normalise_language(value) if isinstance(value, str) else value


Upper = BeforeValidator(_upper)
"""Meta's enums in any case, kept in Meta's upper case."""
Normalised = BeforeValidator(_language)
"""A language code as Meta writes it (`en-US` → `en_US`)."""


class Category(StrEnum):
    MARKETING = "MARKETING"
    UTILITY = "UTILITY"
    AUTHENTICATION = "AUTHENTICATION"


class ParameterFormat(StrEnum):
    """How variables are written: `{{1}}`, `{{2}}`… (Meta's default) or `{{first_name}}`.

    Meta's template object answers `POSITIONAL` / `NAMED` (facts §4.1); its create call takes either case."""

    POSITIONAL = "POSITIONAL"
    NAMED = "NAMED"


class HeaderFormat(StrEnum):
    TEXT = "TEXT"
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"
    GIF = "GIF"
    """Sent through the Marketing Messages API only (facts §4.2)."""
    DOCUMENT = "DOCUMENT"
    LOCATION = "LOCATION"
    """The location is given when the template is sent: no sample."""


MEDIA_FORMATS = frozenset({HeaderFormat.IMAGE, HeaderFormat.VIDEO, HeaderFormat.GIF, HeaderFormat.DOCUMENT})
"""Headers whose sample Meta takes as a Resumable Upload API handle (`example.header_handle`)."""


class OtpType(StrEnum):
    COPY_CODE = "COPY_CODE"
    ONE_TAP = "ONE_TAP"
    """Android: the app named in `supported_apps` (or `package_name` and `signature_hash`) fills the code in."""
    ZERO_TAP = "ZERO_TAP"
    """Android: WhatsApp hands the code to the app without a tap."""


class FlowAction(StrEnum):
    """Meta writes a flow's action in lower case."""

    NAVIGATE = "navigate"
    DATA_EXCHANGE = "data_exchange"


class _Content(HubModel):
    model_config = ConfigDict(extra="forbid")


def _type_is_required(schema: JsonDict) -> None:
    required = schema.get("required")
    others = [name for name in required if name != "type"] if isinstance(required, list) else []
    schema["required"] = ["type", *others]


class _Typed(_Content):
    """A component or a button: a member of a union told apart by its `type`, which Meta's JSON always gives (the
    default spares Python callers writing it; the API's schema requires it)."""

    model_config = ConfigDict(json_schema_extra=_type_is_required)


class NamedExample(_Content):
    """The example of a named variable: `{"param_name": "first_name", "example": "Jessica"}`."""

    param_name: str
    example: str


# ---------------------------------------------------------------- components


class HeaderExample(_Content):
    header_text: list[str] | None = Field(default=None, description="One example per positional variable.")
    header_text_named_params: list[NamedExample] | None = None
    header_handle: list[str] | None = Field(
        default=None, description="A media header's sample: the handle Meta's Resumable Upload API answered."
    )


class Header(_Typed):
    type: Annotated[Literal["HEADER"], Upper] = "HEADER"
    format: Annotated[HeaderFormat, Upper]
    text: str | None = Field(default=None, description="TEXT headers: up to 60 characters and 1 variable.")
    example: HeaderExample | None = None


class BodyExample(_Content):
    body_text: list[list[str]] | None = Field(
        default=None, description='Positional variables: one list with an example per variable, `[["Mark", "42"]]`.'
    )
    body_text_named_params: list[NamedExample] | None = None


class Body(_Typed):
    type: Annotated[Literal["BODY"], Upper] = "BODY"
    text: str | None = Field(
        default=None, description="Up to 1024 characters. None in AUTHENTICATION templates, whose body Meta writes."
    )
    add_security_recommendation: bool | None = Field(
        default=None, description='AUTHENTICATION: add "For your security, do not share this code."'
    )
    example: BodyExample | None = None


class Footer(_Typed):
    type: Annotated[Literal["FOOTER"], Upper] = "FOOTER"
    text: str | None = Field(default=None, description="Up to 60 characters, no variables.")
    code_expiration_minutes: int | None = Field(
        default=None, description='AUTHENTICATION (1–90): "This code expires in N minutes."'
    )


class QuickReplyButton(_Typed):
    type: Annotated[Literal["QUICK_REPLY"], Upper] = "QUICK_REPLY"
    text: str


class UrlButton(_Typed):
    type: Annotated[Literal["URL"], Upper] = "URL"
    text: str
    url: str = Field(description="May end with one variable, `{{1}}`.")
    example: list[str] | None = Field(default=None, description="The example of the URL's `{{1}}`.")


class PhoneNumberButton(_Typed):
    type: Annotated[Literal["PHONE_NUMBER"], Upper] = "PHONE_NUMBER"
    text: str
    phone_number: str


class CopyCodeButton(_Typed):
    """Copies an offer code; its label is Meta's ("Copy offer code")."""

    type: Annotated[Literal["COPY_CODE"], Upper] = "COPY_CODE"
    example: str = Field(description="An example of the code.")


class SupportedApp(_Content):
    package_name: str
    signature_hash: str


class OtpButton(_Typed):
    """The one button of an AUTHENTICATION template."""

    type: Annotated[Literal["OTP"], Upper] = "OTP"
    otp_type: Annotated[OtpType, Upper]
    text: str | None = Field(default=None, description="The copy button's label (Meta's default: \"Copy code\").")
    autofill_text: str | None = Field(default=None, description="ONE_TAP's label (Meta's default: \"Autofill\").")
    package_name: str | None = Field(default=None, description="ONE_TAP / ZERO_TAP: the app (the older form).")
    signature_hash: str | None = None
    supported_apps: list[SupportedApp] | None = Field(default=None, description="ONE_TAP / ZERO_TAP: the apps.")
    zero_tap_terms_accepted: bool | None = Field(default=None, description="ZERO_TAP: Meta's terms, accepted.")


class FlowButton(_Typed):
    """Opens a WhatsApp Flow, named by one of `flow_id`, `flow_name` or `flow_json`."""

    type: Annotated[Literal["FLOW"], Upper] = "FLOW"
    text: str
    flow_id: str | None = None
    flow_name: str | None = None
    flow_json: str | None = None
    flow_action: Annotated[FlowAction, BeforeValidator(_lower)] | None = None
    navigate_screen: str | None = None


class CatalogButton(_Typed):
    type: Annotated[Literal["CATALOG"], Upper] = "CATALOG"
    text: str


class MpmButton(_Typed):
    """A multi-product message's button ("View items")."""

    type: Annotated[Literal["MPM"], Upper] = "MPM"
    text: str


class VoiceCallButton(_Typed):
    """Calls the business on WhatsApp."""

    type: Annotated[Literal["VOICE_CALL"], Upper] = "VOICE_CALL"
    text: str


ButtonType = Literal["QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE", "OTP", "FLOW", "CATALOG", "MPM", "VOICE_CALL"]


def _type_of(value: Any) -> str | None:
    """The union's tag: the `type` of a dict as Meta sends it (any case) or of a model."""
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind.upper() if isinstance(kind, str) else None


Button = Annotated[
    Annotated[QuickReplyButton, Tag("QUICK_REPLY")]
    | Annotated[UrlButton, Tag("URL")]
    | Annotated[PhoneNumberButton, Tag("PHONE_NUMBER")]
    | Annotated[CopyCodeButton, Tag("COPY_CODE")]
    | Annotated[OtpButton, Tag("OTP")]
    | Annotated[FlowButton, Tag("FLOW")]
    | Annotated[CatalogButton, Tag("CATALOG")]
    | Annotated[MpmButton, Tag("MPM")]
    | Annotated[VoiceCallButton, Tag("VOICE_CALL")],
    Discriminator(
        _type_of,
        custom_error_type="button_type",
        custom_error_message=(
            "A button's type is one of QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, OTP, FLOW, CATALOG, MPM, VOICE_CALL"
        ),
    ),
]


class Buttons(_Typed):
    type: Annotated[Literal["BUTTONS"], Upper] = "BUTTONS"
    buttons: list[Button]


Component = Annotated[
    Annotated[Header, Tag("HEADER")]
    | Annotated[Body, Tag("BODY")]
    | Annotated[Footer, Tag("FOOTER")]
    | Annotated[Buttons, Tag("BUTTONS")],
    Discriminator(
        _type_of,
        custom_error_type="component_type",
        custom_error_message="A component's type is one of HEADER, BODY, FOOTER, BUTTONS",
    ),
]


# ---------------------------------------------------------------- the template


class TemplateContent(_Content):
    """What a template says, as Meta's create call takes it; `to_meta()` is that call's body."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "order_shipped",
                    "language": "en_US",
                    "category": "UTILITY",
                    "components": [
                        {
                            "type": "BODY",
                            "text": "Hi {{1}}, your order {{2}} is on its way.",
                            "example": {"body_text": [["Maria", "A-1042"]]},
                        },
                        {"type": "FOOTER", "text": "Reply STOP to opt out"},
                    ],
                }
            ]
        },
    )

    name: str = Field(description="Lowercase letters, digits and underscores; up to 512 characters.")
    language: Annotated[str, Normalised] = Field(
        description="One of Meta's language codes (`en_US`; `en-US` is read as `en_US`)."
    )
    category: Annotated[Category, Upper]
    allow_category_change: bool = Field(
        default=True, description="Whether Meta may re-categorise the template rather than reject it."
    )
    parameter_format: Annotated[ParameterFormat, Upper] = ParameterFormat.POSITIONAL
    components: list[Component] = Field(min_length=1, description="Exactly one BODY; at most one of the others.")
    message_send_ttl_seconds: int | None = Field(
        default=None, description="How long Meta keeps trying to deliver a message of the template."
    )

    def to_meta(self) -> dict[str, Any]:
        """The body of Meta's create call: Meta's spelling, no field left empty (None)."""
        return self.model_dump(mode="json", exclude_none=True)
