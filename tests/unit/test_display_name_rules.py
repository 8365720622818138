"""The hub's display-name rules (`checked_display_name`): what passes is trimmed and sent, what breaks a rule is
refused with one message on `body.display_name` that names the rule."""

from __future__ import annotations

import pytest

from hub_numbers.errors import DisplayNameRefused
from hub_numbers.usecases.display_names.rules import checked_display_name
from hub_shared.errors import FieldError

CURRENT = "Acme Retail"


@pytest.mark.parametrize(
    ("raw", "sent"),
    [
        ("Lucky Shrub Garden", "Lucky Shrub Garden"),
        ("  Acme Retail Berlin \t", "Acme Retail Berlin"),
        ("Jo", "Jo"),
        ("A" + "b" * 74, "A" + "b" * 74),
        ("IBM", "IBM"),
        ("NASA", "NASA"),
        ("3M", "3M"),
        ("ACME Retail", "ACME Retail"),
        ("Café Zürich 24/7", "Café Zürich 24/7"),
        ("東京ラーメン", "東京ラーメン"),
        ("Shop Acme", "Shop Acme"),
        ("Acme Support Team", "Acme Support Team"),
        ("acme retail", "acme retail"),
        ("Acme & Co. Stores", "Acme & Co. Stores"),
    ],
    ids=lambda value: value if len(value) < 30 else f"{len(value)} characters",
)
def test_a_name_that_keeps_the_rules_is_sent_trimmed(raw: str, sent: str) -> None:
    assert checked_display_name(raw, CURRENT) == sent


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "must not be empty"),
        ("    ", "must not be empty"),
        ("\t\n ", "must not be empty"),
        ("A", "2 to 75 characters long (it has 1)"),
        ("  A  ", "2 to 75 characters long (it has 1)"),
        ("A" + "b" * 75, "2 to 75 characters long (it has 76)"),
        ("Acme\nRetail", "control characters"),
        ("Acme\tRetail", "control characters"),
        ("Acme\x00Retail", "control characters"),
        ("Acme\u200bRetail", "control characters"),
        ("Acme\u2028Retail", "control characters"),
        ("https://acme.example", "web address"),
        ("Acme http://x", "web address"),
        ("www.acme", "web address"),
        ("acme.com", "web address"),
        ("Buy at Acme.Shop", "web address"),
        ("Acme.de Retail", "web address"),
        ("😀😀😀", "must contain letters"),
        ("🌱 🌳", "must contain letters"),
        ("24 7", "must contain letters"),
        ("!!!", "must contain letters"),
        ("ACME RETAIL", "capitals throughout"),
        ("ACMERS", "capitals throughout"),
        ("NASA USA", "capitals throughout"),
        ("ÄÖÜ ABC", "capitals throughout"),
        ("Shop", "generic word"),
        ("SHOP", "generic word"),
        ("support!", "generic word"),
        ("Customer-Service", "generic word"),
        ("  customer   care ", "generic word"),
        ("Acme WhatsApp Shop", "must not contain “WhatsApp”"),
        ("Whats-App Acme", "must not contain “WhatsApp”"),
        ("Acme Retail", "already has this display name"),
        ("  Acme Retail ", "already has this display name"),
    ],
    ids=repr,
)
def test_a_name_that_breaks_a_rule_is_refused_on_the_field_with_the_rule(raw: str, message: str) -> None:
    with pytest.raises(DisplayNameRefused) as refused:
        checked_display_name(raw, CURRENT)

    error = refused.value
    assert (error.status, error.slug) == (422, "display-name-invalid")
    assert message in error.detail
    assert error.errors == (FieldError("body.display_name", error.detail),)


def test_the_length_limits_count_characters_not_bytes() -> None:
    assert checked_display_name("Ü" + "ü" * 74, None) == "Ü" + "ü" * 74


def test_capitals_are_fine_for_an_acronym_of_five_letters_but_not_six() -> None:
    assert checked_display_name("ACMEX", None) == "ACMEX"

    with pytest.raises(DisplayNameRefused, match="capitals throughout"):
        checked_display_name("ACMEXY", None)


def test_a_number_without_a_name_yet_may_take_any_name_that_keeps_the_rules() -> None:
    assert checked_display_name("Acme Retail", None) == "Acme Retail"


def test_the_first_rule_broken_is_the_one_reported() -> None:
    with pytest.raises(DisplayNameRefused, match="control characters"):
        checked_display_name("SHOP\nWWW.ACME.COM", CURRENT)
