"""What the Meta sandbox knows: WABAs, phone numbers, templates, pending reviews, faults and sent webhooks.

Plain dataclasses, seeded from `local.story`; the handlers change them under the sandbox's lock.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any, Final, Literal

from pydantic import Field

from local import story

PHONE_NUMBER: Final = "WhatsAppBusinessPhoneNumber"
WABA: Final = "WhatsAppBusinessAccount"
TEMPLATE: Final = "WhatsAppMessageTemplate"
APPLICATION: Final = "Application"
UPLOAD: Final = "UploadSession"
NodeType = Literal[
    "WhatsAppBusinessPhoneNumber", "WhatsAppBusinessAccount", "WhatsAppMessageTemplate", "Application", "UploadSession"
]

SANDBOX_APP = {"id": "1700000000000777", "name": "Client Hub (sandbox)"}
"""The app that the hub's tokens belong to: what `subscribed_apps` lists."""
BSP_BUSINESS = {"id": "1700000000000888", "name": "Client Hub BSP"}
"""The solution partner's business: the owner of OBO WABAs."""
FIRST_NEW_ID = 1_700_000_000_001_000
HUB_APP_ID = "000000000000000"
"""The app id the hub is configured with by default (the template's `MetaAppId`): the app of upload sessions."""


@dataclass
class WabaRecord:
    id: str
    name: str
    type: str  # SHARED (client-owned, shared with the BSP) | OBO (BSP-owned, on behalf of the client)
    business_id: str
    business_name: str
    timezone_id: str
    namespace: str
    account_review_status: str
    currency: str
    business_verification_status: str = "VERIFIED"
    message_on_behalf_status: str = "APPROVED"
    """The on-behalf-of relationship (OBO WABAs): Meta shows it in `on_behalf_of_business_info.status`."""
    subscribed_apps: list[dict[str, str]] = field(default_factory=lambda: [dict(SANDBOX_APP)])
    override_callback_uri: str | None = None


@dataclass
class NumberRecord:
    id: str
    waba_id: str
    phone_digits: str  # E.164 without the +
    display_phone_number: str
    verified_name: str
    name_status: str
    quality_rating: str
    status: str
    messaging_limit_tier: str
    platform_type: str
    last_onboarded_time: datetime
    registered: bool
    commerce_settings_id: str
    code_verification_status: str = "VERIFIED"
    new_display_name: str | None = None
    new_name_status: str = "NONE"
    account_mode: str = "LIVE"
    is_official_business_account: bool = False
    throughput_level: str = "STANDARD"
    pin: str | None = None
    code_requested: bool = False
    registration_calls: list[datetime] = field(default_factory=list)
    """Times of register/deregister calls (Meta allows 10 per number per 72 hours)."""
    profile: dict[str, Any] = field(default_factory=dict)
    is_cart_enabled: bool = False
    is_catalog_visible: bool = False
    connects_at: datetime | None = None
    """Meta connects the number (status CONNECTED) only from then on, once registered (Embedded Signup's popup)."""


@dataclass
class TemplateRecord:
    id: str
    waba_id: str
    name: str
    language: str
    category: str
    status: str
    components: list[dict[str, Any]]
    rejected_reason: str = "NONE"
    quality_score: str = "UNKNOWN"
    parameter_format: str = "POSITIONAL"
    message_send_ttl_seconds: int | None = None
    previous_category: str | None = None
    """What it was before Meta re-categorised it."""
    correct_category: str | None = None
    """What Meta says it should be, before a re-categorisation takes effect."""


@dataclass
class UploadSession:
    """A Resumable Upload API session: what it was opened for and the bytes received so far."""

    id: str  # upload:<…>
    file_name: str
    file_type: str
    file_length: int
    content: bytes = b""
    handle: str | None = None


@dataclass
class UploadedFile:
    """A whole uploaded file, by its handle: what a profile picture's URL serves."""

    key: str
    file_type: str
    content: bytes


@dataclass
class Review:
    kind: Literal["display_name", "template"]
    target_id: str
    due_at: datetime


@dataclass
class Fault:
    """Injected trouble for the next `count` Graph requests (every request until cleared when `count` is None)."""

    status: Annotated[int | None, Field(ge=400, le=599)] = None
    code: int | None = None
    message: str | None = None
    retry_after: Annotated[int | None, Field(ge=0)] = None
    latency_ms: Annotated[int, Field(ge=0, le=60_000)] = 0
    count: Annotated[int | None, Field(ge=1)] = None


DeliveryStatus = Literal["queued", "delivered", "lost", "failed", "unsent"]


@dataclass
class WebhookDelivery:
    field: str
    body: str
    headers: dict[str, str]
    status: DeliveryStatus
    attempts: int = 0


@dataclass
class MetaState:
    wabas: dict[str, WabaRecord] = field(default_factory=dict)
    numbers: dict[str, NumberRecord] = field(default_factory=dict)
    templates: dict[str, TemplateRecord] = field(default_factory=dict)
    reviews: dict[str, Review] = field(default_factory=dict)
    """Pending reviews by the id of the number or template under review."""
    fault: Fault | None = None
    webhooks_to_lose: int = 0
    webhooks: list[WebhookDelivery] = field(default_factory=list)
    usage: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Calls per WABA (and `app`) in the current hour: key → (hour number, calls)."""
    next_id: int = FIRST_NEW_ID
    app_id: str = HUB_APP_ID
    uploads: dict[str, UploadSession] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    """Whole uploads by their file handle."""

    @classmethod
    def from_story(cls) -> MetaState:
        """The demo story's WABAs, numbers (with a plain business profile) and templates."""
        state = cls()
        client_names = {client.client_id: client.name for client in story.CLIENTS}
        for waba in story.WABAS:
            state.wabas[waba.waba_id] = WabaRecord(
                id=waba.waba_id,
                name=waba.name,
                type=waba.type,
                business_id=waba.business_id,
                business_name=client_names[waba.client_id],
                timezone_id=waba.timezone_id,
                namespace=waba.namespace,
                account_review_status=waba.account_review_status,
                message_on_behalf_status=waba.message_on_behalf_status,
                currency=waba.currency,
            )
        for index, number in enumerate(story.NUMBERS):
            state.numbers[number.number_id] = NumberRecord(
                id=number.number_id,
                waba_id=number.waba_id,
                phone_digits=number.phone_e164.removeprefix("+"),
                display_phone_number=number.display_phone_number,
                verified_name=number.display_name,
                name_status=number.display_name_status,
                quality_rating=number.quality_rating,
                status=number.meta_status,
                messaging_limit_tier=number.messaging_limit,
                platform_type=number.platform_type,
                last_onboarded_time=story.SEEDED_AT - timedelta(days=7 * (len(story.NUMBERS) - index)),
                registered=number.registration_status == "REGISTERED",
                commerce_settings_id=state.new_id(),
                profile={"about": f"{number.display_name} on WhatsApp", "vertical": "OTHER"},
            )
        for template in story.TEMPLATES:
            state.templates[template.template_id] = TemplateRecord(
                id=template.template_id,
                waba_id=template.waba_id,
                name=template.name,
                language=template.language,
                category=template.category,
                status=template.status,
                components=copy.deepcopy(list(template.components)),
                rejected_reason=template.rejected_reason,
                quality_score=template.quality_score,
            )
        return state

    def new_id(self) -> str:
        """A fresh numeric id, as Meta's ids are (deterministic: a counter)."""
        self.next_id += 1
        return str(self.next_id)

    def node_type(self, node_id: str) -> NodeType | None:
        if node_id == self.app_id:
            return APPLICATION
        if node_id in self.uploads:
            return UPLOAD
        if node_id in self.numbers:
            return PHONE_NUMBER
        if node_id in self.wabas:
            return WABA
        if node_id in self.templates:
            return TEMPLATE
        return None

    def waba_of(self, node_id: str) -> str | None:
        """The WABA a node belongs to (itself for a WABA), for the usage header."""
        if node_id in self.wabas:
            return node_id
        owner = self.numbers.get(node_id) or self.templates.get(node_id)
        return owner.waba_id if owner else None

    def dump(self) -> dict[str, Any]:
        """Everything, as JSON-ready data (for `GET /_sandbox/state`)."""
        data: dict[str, Any] = json.loads(json.dumps(asdict(self), default=_shown))
        return data


def _shown(value: object) -> str:
    """A value JSON has no form for: bytes by their length (an uploaded file), anything else as text."""
    return f"<{len(value)} bytes>" if isinstance(value, bytes) else str(value)
