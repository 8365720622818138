"""Warnings beyond Meta's rules (`hub_templates.rules.warnings`): what Meta's review often rejects or re-categorises,
each on its field with its code; none for what reads fine; never an exception."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub_templates.models.content import (
    Body,
    BodyExample,
    Buttons,
    Category,
    Footer,
    Header,
    HeaderFormat,
    TemplateContent,
    UrlButton,
)
from hub_templates.rules.warnings import PROMOTIONAL_TERMS, Warning, WarningCode, warnings


def codes(text: str, category: Category = Category.UTILITY) -> list[WarningCode]:
    content = TemplateContent(name="notice", language="en_US", category=category, components=[Body(text=text)])
    return [warning.code for warning in warnings(content)]


@pytest.mark.parametrize("term", PROMOTIONAL_TERMS)
def test_a_utility_body_with_a_promotional_term_is_warned_about(term: str) -> None:
    assert codes(f"Your order has shipped. Also: {term.upper()} on our shoes this week!") == [
        WarningCode.PROMOTIONAL_UTILITY
    ]


def test_the_promotional_warning_names_the_terms_and_the_field() -> None:
    content = TemplateContent(
        name="notice",
        language="en_US",
        category=Category.UTILITY,
        components=[Header(format=HeaderFormat.TEXT, text="Order shipped"), Body(text="Get 20% off, a deal!")],
    )
    [warning] = warnings(content)
    assert (warning.field, warning.code) == ("components[1].text", WarningCode.PROMOTIONAL_UTILITY)
    assert "(“% off”, “deal”)" in warning.message
    assert "MARKETING" in warning.message


@pytest.mark.parametrize(
    "text",
    [
        "Your order 4211 has shipped and arrives on Monday.",
        "Our wholesale desk confirmed the dealer's invoice.",
        "The Salesforce export you asked for is ready.",
        "Your offering was received by the parish.",
    ],
)
def test_a_utility_body_about_the_transaction_has_no_warning(text: str) -> None:
    assert codes(text) == []


def test_promotional_words_are_expected_in_marketing() -> None:
    assert codes("Get 20% off every order: a limited time deal!", Category.MARKETING) == []


@pytest.mark.parametrize(
    ("text", "warned"),
    [
        ("Dear {{1}}, order {{2}} ships {{3}}.", True),
        ("Dear valued customer {{1}}, your order {{2}} ships from our store on {{3}} as planned.", False),
        ("Hi {{1}} there.", True),
        ("Hi {{1}} from us.", False),
    ],
)
def test_a_body_with_fewer_than_3_words_per_variable_is_warned_about(text: str, warned: bool) -> None:
    assert (WarningCode.VARIABLE_HEAVY in codes(text, Category.MARKETING)) is warned


@pytest.mark.parametrize(
    "text",
    [
        "Track it at https://bit.ly/3xYz today.",
        "Track it at bit.ly/3xYz today.",
        "Track it at http://www.tinyurl.com/abc today.",
        "Track it at t.co/abc today.",
        "Track it at HTTPS://CUTT.LY/abc today.",
    ],
)
def test_a_url_shortener_in_a_text_is_warned_about(text: str) -> None:
    assert codes(text, Category.MARKETING) == [WarningCode.URL_SHORTENER]


@pytest.mark.parametrize(
    "text", ["Track it at https://rabbit.lyon.example/x.", "Track it at t.com today.", "See https://acme.example/co"]
)
def test_a_full_address_is_no_shortener(text: str) -> None:
    assert codes(text, Category.MARKETING) == []


def test_a_url_button_through_a_shortener_is_warned_about_on_its_url() -> None:
    content = TemplateContent(
        name="notice",
        language="en_US",
        category=Category.MARKETING,
        components=[
            Body(text="Your order has shipped today."),
            Buttons(
                buttons=[
                    UrlButton(text="Track", url="https://acme.example/{{1}}", example=["1"]),
                    UrlButton(text="Shop", url="https://goo.gl/{{1}}", example=["x"]),
                ]
            ),
        ],
    )
    assert [(w.field, w.code) for w in warnings(content)] == [
        ("components[1].buttons[1].url", WarningCode.URL_SHORTENER)
    ]


@pytest.mark.parametrize(
    ("text", "warned"),
    [
        ("YOUR ORDER HAS SHIPPED TODAY.", True),
        ("YOUR ORDER {{first_name}} HAS SHIPPED.", True),
        ("SALE TODAY", False),
        ("Your ORDER has shipped today.", False),
        ("123 456 789 000 111 222", False),
    ],
)
def test_a_text_in_capitals_throughout_is_warned_about(text: str, warned: bool) -> None:
    assert (WarningCode.ALL_CAPITALS in codes(text, Category.MARKETING)) is warned


@pytest.mark.parametrize(
    ("text", "warned"),
    [("Hi {{1}, your order ships.", True), ("Hi 1}}, your order ships.", True), ("Hi {{1}}, your order ships.", False)],
)
def test_braces_that_are_no_whole_variable_are_warned_about(text: str, warned: bool) -> None:
    assert (WarningCode.STRAY_BRACES in codes(text, Category.MARKETING)) is warned


def test_footers_and_headers_are_read_too_and_authentication_bodies_are_meta_s() -> None:
    content = TemplateContent(
        name="notice",
        language="en_US",
        category=Category.UTILITY,
        components=[
            Header(format=HeaderFormat.TEXT, text="FREE SHIPPING FOR YOU"),
            Body(text="Your order has shipped today."),
            Footer(text="Coupon inside"),
        ],
    )
    assert [(w.field, w.code) for w in warnings(content)] == [
        ("components[0].text", WarningCode.PROMOTIONAL_UTILITY),
        ("components[0].text", WarningCode.ALL_CAPITALS),
        ("components[2].text", WarningCode.PROMOTIONAL_UTILITY),
    ]
    login = TemplateContent(
        name="login",
        language="en_US",
        category=Category.AUTHENTICATION,
        components=[Body(add_security_recommendation=True)],
    )
    assert warnings(login) == []


def test_a_warning_is_a_plain_record() -> None:
    warning = Warning(field="components[0].text", code=WarningCode.ALL_CAPITALS, message="m")
    assert warning.model_dump(mode="json") == {"field": "components[0].text", "code": "ALL_CAPITALS", "message": "m"}


@given(text=st.text(max_size=200), header=st.text(max_size=60), url=st.text(max_size=60))
def test_warnings_take_any_text(text: str, header: str, url: str) -> None:
    content = TemplateContent(
        name="any",
        language="en_US",
        category=Category.UTILITY,
        components=[
            Header(format=HeaderFormat.TEXT, text=header),
            Body(text=text, example=BodyExample(body_text=[[text]])),
            Buttons(buttons=[UrlButton(text="x", url=url)]),
        ],
    )
    assert all(warning.message for warning in warnings(content))
