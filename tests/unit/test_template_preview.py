"""The preview (`hub_templates.rules.preview.render`): a template as its customer would see it, the examples in place
of the variables; Meta's own text for AUTHENTICATION templates; a variable without an example left as written."""

from __future__ import annotations

import pytest

from hub_templates.models.content import (
    Body,
    BodyExample,
    Button,
    Buttons,
    CatalogButton,
    Category,
    Component,
    CopyCodeButton,
    Footer,
    Header,
    HeaderExample,
    HeaderFormat,
    NamedExample,
    OtpButton,
    OtpType,
    ParameterFormat,
    PhoneNumberButton,
    QuickReplyButton,
    TemplateContent,
    UrlButton,
)
from hub_templates.rules.preview import Preview, PreviewButton, PreviewHeader, render


def test_a_positional_template_is_shown_with_its_examples() -> None:
    content = TemplateContent(
        name="order_update",
        language="en_US",
        category=Category.UTILITY,
        components=[
            Header(format=HeaderFormat.TEXT, text="Order {{1}}", example=HeaderExample(header_text=["#4211"])),
            Body(
                text="Hi *{{1}}*, order {{2}} ships {{3}}. Thanks, {{1}}!",
                example=BodyExample(body_text=[["Mark", "#4211", "today"]]),
            ),
            Footer(text="Reply STOP to opt out"),
            Buttons(
                buttons=[
                    UrlButton(text="Track", url="https://acme.example/track/{{1}}", example=["4211"]),
                    PhoneNumberButton(text="Call us", phone_number="+16467043595"),
                    QuickReplyButton(text="Stop updates"),
                ]
            ),
        ],
    )
    assert render(content) == Preview(
        header=PreviewHeader(format=HeaderFormat.TEXT, text="Order #4211"),
        body="Hi *Mark*, order #4211 ships today. Thanks, Mark!",
        footer="Reply STOP to opt out",
        buttons=[
            PreviewButton(type="URL", text="Track", url="https://acme.example/track/4211"),
            PreviewButton(type="PHONE_NUMBER", text="Call us", phone_number="+16467043595"),
            PreviewButton(type="QUICK_REPLY", text="Stop updates"),
        ],
    )


def test_a_named_template_is_shown_with_its_examples_by_name() -> None:
    content = TemplateContent(
        name="order_update",
        language="en_US",
        category=Category.UTILITY,
        parameter_format=ParameterFormat.NAMED,
        components=[
            Header(
                format=HeaderFormat.TEXT,
                text="Our {{sale}} is on",
                example=HeaderExample(header_text_named_params=[NamedExample(param_name="sale", example="Fall Sale")]),
            ),
            Body(
                text="Hi {{first_name}}, order {{order_id}} is ready.",
                example=BodyExample(
                    body_text_named_params=[
                        NamedExample(param_name="order_id", example="#4211"),
                        NamedExample(param_name="first_name", example="Jessica"),
                    ]
                ),
            ),
        ],
    )
    preview = render(content)
    assert preview.header == PreviewHeader(format=HeaderFormat.TEXT, text="Our Fall Sale is on")
    assert preview.body == "Hi Jessica, order #4211 is ready."


@pytest.mark.parametrize(
    ("example", "shown"),
    [
        (None, "Hi {{1}}, order {{2}} is ready."),
        (BodyExample(body_text=[["Mark"]]), "Hi Mark, order {{2}} is ready."),
        (BodyExample(body_text=[["", "#42"]]), "Hi {{1}}, order #42 is ready."),
        (BodyExample(body_text=[]), "Hi {{1}}, order {{2}} is ready."),
    ],
    ids=["no examples", "one missing", "one empty", "no row"],
)
def test_a_variable_without_an_example_is_shown_as_written(example: BodyExample | None, shown: str) -> None:
    content = TemplateContent(
        name="order_update",
        language="en_US",
        category=Category.UTILITY,
        components=[Body(text="Hi {{1}}, order {{2}} is ready.", example=example)],
    )
    assert render(content).body == shown


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        (
            Header(format=HeaderFormat.IMAGE, example=HeaderExample(header_handle=["4::aW1hZ2U", "4::other"])),
            PreviewHeader(format=HeaderFormat.IMAGE, media_handle="4::aW1hZ2U"),
        ),
        (Header(format=HeaderFormat.DOCUMENT), PreviewHeader(format=HeaderFormat.DOCUMENT)),
        (Header(format=HeaderFormat.LOCATION), PreviewHeader(format=HeaderFormat.LOCATION)),
        (
            Header(format=HeaderFormat.TEXT, text="Order {{1}}"),
            PreviewHeader(format=HeaderFormat.TEXT, text="Order {{1}}"),
        ),
    ],
    ids=["image", "document without sample", "location", "text without example"],
)
def test_a_header_shows_its_text_or_the_kind_and_handle_of_its_media(header: Header, shown: PreviewHeader) -> None:
    content = TemplateContent(
        name="n", language="en_US", category=Category.MARKETING, components=[header, Body(text="Your order ships.")]
    )
    assert render(content).header == shown


@pytest.mark.parametrize(
    ("button", "shown"),
    [
        (
            UrlButton(text="Shop", url="https://acme.example/shop?promo={{1}}", example=["summer2025"]),
            PreviewButton(type="URL", text="Shop", url="https://acme.example/shop?promo=summer2025"),
        ),
        (
            UrlButton(text="Shop", url="https://acme.example/{{1}}", example=["https://acme.example/summer"]),
            PreviewButton(type="URL", text="Shop", url="https://acme.example/summer"),
        ),
        (
            UrlButton(text="Shop", url="https://acme.example/{{1}}"),
            PreviewButton(type="URL", text="Shop", url="https://acme.example/{{1}}"),
        ),
        (CopyCodeButton(example="SAVE25"), PreviewButton(type="COPY_CODE", text="Copy offer code")),
        (CatalogButton(text="View catalog"), PreviewButton(type="CATALOG", text="View catalog")),
    ],
    ids=["url suffix", "url in full", "url without example", "copy code", "catalog"],
)
def test_a_button_shows_its_label_and_where_it_leads(button: Button, shown: PreviewButton) -> None:
    content = TemplateContent(
        name="n",
        language="en_US",
        category=Category.MARKETING,
        components=[Body(text="Your order ships."), Buttons(buttons=[button])],
    )
    assert render(content).buttons == [shown]


@pytest.mark.parametrize(
    ("components", "body", "footer"),
    [
        (
            [Body(add_security_recommendation=True), Footer(code_expiration_minutes=10)],
            "*123456* is your verification code. For your security, do not share this code.",
            "This code expires in 10 minutes.",
        ),
        ([Body(add_security_recommendation=False)], "*123456* is your verification code.", None),
        ([Body()], "*123456* is your verification code.", None),
        (
            [Body(), Footer(code_expiration_minutes=5)],
            "*123456* is your verification code.",
            "This code expires in 5 minutes.",
        ),
    ],
    ids=["security and expiry", "no security", "plain", "expiry"],
)
def test_an_authentication_template_shows_meta_s_text(
    components: list[Component], body: str, footer: str | None
) -> None:
    content = TemplateContent(
        name="login_code",
        language="en_US",
        category=Category.AUTHENTICATION,
        components=[*components, Buttons(buttons=[OtpButton(otp_type=OtpType.COPY_CODE)])],
    )
    preview = render(content)
    assert (preview.header, preview.body, preview.footer) == (None, body, footer)


@pytest.mark.parametrize(
    ("button", "label"),
    [
        (OtpButton(otp_type=OtpType.COPY_CODE), "Copy code"),
        (OtpButton(otp_type=OtpType.COPY_CODE, text="Copy"), "Copy"),
        (OtpButton(otp_type=OtpType.ONE_TAP, text="Copy"), "Autofill"),
        (OtpButton(otp_type=OtpType.ONE_TAP, text="Copy", autofill_text="Fill in"), "Fill in"),
        (OtpButton(otp_type=OtpType.ZERO_TAP), "Copy code"),
    ],
)
def test_an_otp_button_shows_its_label_or_meta_s(button: OtpButton, label: str) -> None:
    content = TemplateContent(
        name="login_code",
        language="en_US",
        category=Category.AUTHENTICATION,
        components=[Body(), Buttons(buttons=[button])],
    )
    assert render(content).buttons == [PreviewButton(type="OTP", text=label)]


def test_a_template_that_breaks_the_rules_is_shown_all_the_same() -> None:
    content = TemplateContent(
        name="Broken",
        language="en_US",
        category=Category.MARKETING,
        components=[
            Footer(text="First footer"),
            Body(text="Body one"),
            Body(text="Body two"),
            Footer(text="Second footer"),
            Buttons(buttons=[]),
        ],
    )
    assert render(content) == Preview(body="Body one", footer="First footer")
    assert render(content.model_copy(update={"components": [Footer(text="Only")]})) == Preview(body="", footer="Only")
