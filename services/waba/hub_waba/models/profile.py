"""API models of a number's business profile (seed, "WABA Manager → Profile"; Meta's
`/{phone_number_id}/whatsapp_business_profile`), with Meta's limits checked before Meta is asked."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from hub_shared.model import HubModel
from hub_waba.models.wabas import Freshness


class Vertical(StrEnum):
    """Meta's industries of a business profile."""

    ALCOHOL = "ALCOHOL"
    APPAREL = "APPAREL"
    AUTO = "AUTO"
    BEAUTY = "BEAUTY"
    EDU = "EDU"
    ENTERTAIN = "ENTERTAIN"
    EVENT_PLAN = "EVENT_PLAN"
    FINANCE = "FINANCE"
    GOVT = "GOVT"
    GROCERY = "GROCERY"
    HEALTH = "HEALTH"
    HOTEL = "HOTEL"
    NONPROFIT = "NONPROFIT"
    ONLINE_GAMBLING = "ONLINE_GAMBLING"
    OTC_DRUGS = "OTC_DRUGS"
    OTHER = "OTHER"
    PHYSICAL_GAMBLING = "PHYSICAL_GAMBLING"
    PROF_SERVICES = "PROF_SERVICES"
    RESTAURANT = "RESTAURANT"
    RETAIL = "RETAIL"
    TRAVEL = "TRAVEL"


VERTICAL_NAMES: dict[Vertical, str] = {
    Vertical.ALCOHOL: "Alcoholic Beverages",
    Vertical.APPAREL: "Clothing and Apparel",
    Vertical.AUTO: "Automotive",
    Vertical.BEAUTY: "Beauty, Spa and Salon",
    Vertical.EDU: "Education",
    Vertical.ENTERTAIN: "Entertainment",
    Vertical.EVENT_PLAN: "Event Planning and Service",
    Vertical.FINANCE: "Finance and Banking",
    Vertical.GOVT: "Public Service",
    Vertical.GROCERY: "Food and Grocery",
    Vertical.HEALTH: "Medical and Health",
    Vertical.HOTEL: "Hotel and Lodging",
    Vertical.NONPROFIT: "Non-profit",
    Vertical.ONLINE_GAMBLING: "Online Gambling & Gaming",
    Vertical.OTC_DRUGS: "Over-the-Counter Drugs",
    Vertical.OTHER: "Other",
    Vertical.PHYSICAL_GAMBLING: "Non-Online Gambling & Gaming",
    Vertical.PROF_SERVICES: "Professional Services",
    Vertical.RESTAURANT: "Restaurant",
    Vertical.RETAIL: "Shopping and Retail",
    Vertical.TRAVEL: "Travel and Transportation",
}
"""Meta's display names of the verticals."""

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
WEBSITE_PATTERN = r"^https?://\S+$"
Website = Annotated[str, StringConstraints(max_length=256, pattern=WEBSITE_PATTERN)]


class BusinessProfile(Freshness):
    number_id: str
    about: str | None = Field(default=None, description="The profile's About text (1–139 characters).")
    address: str | None = None
    description: str | None = None
    email: str | None = None
    websites: list[str] = Field(default_factory=list)
    vertical: Vertical | None = None
    vertical_name: str | None = Field(default=None, description="The vertical as Meta names it to users.")
    profile_picture_url: str | None = None


class ProfileChange(HubModel):
    """PATCH's body: only the fields sent change; an empty text (or `[]`, `""` for vertical) clears a field but
    `about`, which Meta requires."""

    model_config = ConfigDict(extra="forbid")

    about: Annotated[str, StringConstraints(min_length=1, max_length=139)] | None = None
    address: Annotated[str, StringConstraints(max_length=256)] | None = None
    description: Annotated[str, StringConstraints(max_length=512)] | None = None
    email: Annotated[str, StringConstraints(max_length=128, pattern=EMAIL_PATTERN)] | Literal[""] | None = Field(
        default=None, description='A valid email address of at most 128 characters, or "" to clear it.'
    )
    websites: Annotated[list[Website], Field(max_length=2)] | None = Field(
        default=None, description="At most 2 http:// or https:// URLs of at most 256 characters."
    )
    vertical: Vertical | Literal[""] | None = None

    def changes(self) -> dict[str, object]:
        """The fields sent, as Meta takes them."""
        return {name: getattr(self, name) for name in sorted(self.model_fields_set) if getattr(self, name) is not None}


JPEG = "image/jpeg"
PNG = "image/png"
PICTURE_TYPES = (JPEG, PNG)
MAX_PICTURE_BYTES = 4 * 1024 * 1024
"""Meta takes 5 MB; a Lambda request carries 6 MB, which a picture fills base64-encoded at about 4.5 MB."""
MIN_PICTURE_SIDE = 192
"""Meta's smallest profile picture, in pixels a side (it keeps at most 640)."""

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_START = b"\xff\xd8"
_JPEG_FRAMES = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
"""The start-of-frame markers, which carry a JPEG's height and width."""
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})
"""Markers without a length (TEM, the restart markers, SOI, EOI)."""
_JPEG_SCAN = 0xDA


@dataclass(frozen=True)
class Picture:
    """An image's type and size, read from its own bytes (what the upload says it is does not count)."""

    media_type: str
    width: int
    height: int


def picture_of(content: bytes) -> Picture | None:
    """A JPEG's or PNG's type and size, or None when `content` is neither (or is cut before its size)."""
    if content.startswith(_PNG_SIGNATURE) and content[12:16] == b"IHDR" and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return Picture(PNG, width, height)
    if content.startswith(_JPEG_START):
        return _jpeg(content)
    return None


def _jpeg(content: bytes) -> Picture | None:
    at = 2
    while at + 4 <= len(content):
        if content[at] != 0xFF:
            return None
        marker = content[at + 1]
        if marker == 0xFF:  # a fill byte before the marker
            at += 1
            continue
        if marker in _JPEG_STANDALONE:
            at += 2
            continue
        (length,) = struct.unpack(">H", content[at + 2 : at + 4])
        if marker in _JPEG_FRAMES:
            if at + 9 > len(content):
                return None
            height, width = struct.unpack(">HH", content[at + 5 : at + 9])
            return Picture(JPEG, width, height)
        if marker == _JPEG_SCAN or length < 2:
            return None
        at += 2 + length
    return None
