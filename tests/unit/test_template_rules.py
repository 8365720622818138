"""Meta's template rules (`hub_templates.rules.checks.check`): one test per rule at and over each limit, each naming
the exact field; the models reading Meta's JSON as Meta writes it; Meta's own create and edit examples (its OpenAPI,
tests/fixtures/meta-openapi) parsed, checked and rendered; and properties over generated templates."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from hub_shared.errors import FieldError
from hub_templates.models.content import (
    Body,
    BodyExample,
    Button,
    Buttons,
    CatalogButton,
    Category,
    Component,
    CopyCodeButton,
    FlowAction,
    FlowButton,
    Footer,
    Header,
    HeaderExample,
    HeaderFormat,
    MpmButton,
    NamedExample,
    OtpButton,
    OtpType,
    ParameterFormat,
    PhoneNumberButton,
    QuickReplyButton,
    SupportedApp,
    TemplateContent,
    UrlButton,
    VoiceCallButton,
)
from hub_templates.rules.checks import check
from hub_templates.rules.languages import META_LANGUAGES
from hub_templates.rules.preview import render
from hub_templates.rules.warnings import warnings

SPEC_FILE = Path(__file__).parents[1] / "fixtures" / "meta-openapi" / "business-messaging-api_v23.0.yaml"
POSITIONAL, NAMED = ParameterFormat.POSITIONAL, ParameterFormat.NAMED
MARKETING, UTILITY, AUTHENTICATION = Category.MARKETING, Category.UTILITY, Category.AUTHENTICATION
BODY = Body(text="Hello {{1}}, your order is ready.", example=BodyExample(body_text=[["Mark"]]))
NAMED_BODY = Body(
    text="Hello {{first_name}}, your order is ready.",
    example=BodyExample(body_text_named_params=[NamedExample(param_name="first_name", example="Mark")]),
)
OTP = OtpButton(otp_type=OtpType.COPY_CODE)
APP = SupportedApp(package_name="com.example.luckyshrub", signature_hash="K8a/AINcGX7")


def template(
    *components: Component,
    category: Category = MARKETING,
    parameter_format: ParameterFormat = POSITIONAL,
    name: str = "order_update",
    language: str = "en_US",
) -> TemplateContent:
    return TemplateContent(
        name=name,
        language=language,
        category=category,
        parameter_format=parameter_format,
        components=list(components),
    )


def errors(content: TemplateContent) -> list[FieldError]:
    return check(content, languages=META_LANGUAGES)


def fields(content: TemplateContent) -> list[str]:
    return [error.field for error in errors(content)]


def body(text: str, *samples: str) -> Body:
    """A body with its positional examples (none given: no example at all)."""
    return Body(text=text, example=BodyExample(body_text=[list(samples)]) if samples else None)


def named_body(text: str, **samples: str) -> Body:
    named = [NamedExample(param_name=name, example=sample) for name, sample in samples.items()]
    return Body(text=text, example=BodyExample(body_text_named_params=named) if samples else None)


def buttons(*items: Button) -> Buttons:
    return Buttons(buttons=list(items))


def quick(text: str = "Stop updates") -> QuickReplyButton:
    return QuickReplyButton(text=text)


def link(url: str = "https://acme.example/orders", *example: str) -> UrlButton:
    return UrlButton(text="See order", url=url, example=list(example) if example else None)


def phone() -> PhoneNumberButton:
    return PhoneNumberButton(text="Call us", phone_number="+16467043595")


def copy_code() -> CopyCodeButton:
    return CopyCodeButton(example="SAVE25")


def authentication(*components: Component) -> TemplateContent:
    return template(*components, category=AUTHENTICATION, name="login_code")


# ---------------------------------------------------------------- a valid template passes


def test_a_template_that_keeps_every_rule_has_no_errors() -> None:
    content = template(
        Header(format=HeaderFormat.TEXT, text="Order {{1}}", example=HeaderExample(header_text=["#4211"])),
        body("Hi {{1}}, your order {{2}} ships today.", "Mark", "#4211"),
        Footer(text="Reply STOP to opt out"),
        buttons(quick(), quick("Talk to us"), link("https://acme.example/track/{{1}}", "4211"), phone()),
    )
    assert errors(content) == []


def test_every_violation_is_reported_at_once_on_its_field() -> None:
    content = template(
        Header(format=HeaderFormat.TEXT, text="x" * 61),
        body("{{1}} and {{3}}"),
        Footer(text="y" * 61),
        buttons(quick("z" * 26)),
        name="Order-Update",
        language="xx_XX",
    )
    assert fields(content) == [
        "name",
        "language",
        "components[0].text",
        "components[1].text",
        "components[1].text",
        "components[1].text",
        "components[1].example.body_text",
        "components[2].text",
        "components[3].buttons[0].text",
    ]


# ---------------------------------------------------------------- name and language


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("a" * 512, None),
        ("2023_april_promo", None),
        ("a" * 513, "at most 512 characters long (it has 513)"),
        ("", "must not be empty"),
        ("Order_update", "lowercase letters, digits and underscores (it has “O”)"),
        ("order-update now", "(it has “ ”, “-”)"),
        ("größe", "(it has “ß”, “ö”)"),
    ],
    ids=lambda value: value if value is None or len(value) < 30 else f"{len(value)} characters",
)
def test_the_name_is_512_lowercase_letters_digits_and_underscores_at_most(name: str, problem: str | None) -> None:
    found = errors(template(BODY, name=name))
    assert [e.field for e in found] == ([] if problem is None else ["name"])
    assert problem is None or problem in found[0].message


def test_a_language_outside_the_accepted_ones_is_refused() -> None:
    content = template(BODY, language="en_UK")
    assert errors(content) == [
        FieldError("language", "“en_UK” is not a template language: use one of Meta's codes, such as en_US or pt_BR.")
    ]
    assert check(template(BODY, language="pt_BR"), languages=frozenset({"en_US"}))[0].field == "language"


def test_a_language_is_read_as_meta_writes_it() -> None:
    content = template(BODY, language="en-us")
    assert content.language == "en_US"
    assert errors(content) == []


# ---------------------------------------------------------------- components


def test_a_template_needs_a_body() -> None:
    assert fields(template(Footer(text="Thanks"))) == ["components"]


@pytest.mark.parametrize(
    ("components", "field"),
    [
        ((BODY, BODY), "components[1]"),
        ((Header(format=HeaderFormat.LOCATION), BODY, Header(format=HeaderFormat.LOCATION)), "components[2]"),
        ((BODY, Footer(text="a"), Footer(text="b")), "components[2]"),
        ((BODY, buttons(quick()), buttons(quick("Other"))), "components[2]"),
    ],
    ids=["two bodies", "two headers", "two footers", "two button groups"],
)
def test_each_kind_of_component_comes_once_at_most(components: tuple[Component, ...], field: str) -> None:
    assert fields(template(*components)) == [field]


def test_meta_s_lowercase_component_types_and_enums_are_read_and_written_in_meta_s_case() -> None:
    content = TemplateContent.model_validate(
        {
            "name": "auth",
            "language": "en-US",
            "category": "authentication",
            "parameter_format": "named",
            "components": [
                {"type": "body", "add_security_recommendation": True},
                {"type": "buttons", "buttons": [{"type": "otp", "otp_type": "copy_code"}]},
            ],
        }
    )
    assert content.to_meta() == {
        "name": "auth",
        "language": "en_US",
        "category": "AUTHENTICATION",
        "allow_category_change": True,
        "parameter_format": "NAMED",
        "components": [
            {"type": "BODY", "add_security_recommendation": True},
            {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]},
        ],
    }
    assert TemplateContent.model_validate(content.to_meta()) == content
    assert FlowButton.model_validate({"type": "flow", "text": "Go", "flow_action": "NAVIGATE"}).flow_action is (
        FlowAction.NAVIGATE
    )


@pytest.mark.parametrize(
    ("payload", "location"),
    [
        ({"components": [{"type": "CAROUSEL", "cards": []}]}, ("components", 0)),
        ({"components": [{"text": "no type"}]}, ("components", 0)),
        ({"components": [{"type": "BODY", "text": "Hi", "txet": "typo"}]}, ("components", 0, "BODY", "txet")),
        ({"components": []}, ("components",)),
        ({"components": [{"type": "BUTTONS", "buttons": [{"type": "LINK"}]}]}, ("components", 0, "BUTTONS")),
        ({"surprise": True}, ("surprise",)),
    ],
    ids=["unknown component", "no type", "unknown field", "no components", "unknown button", "unknown top field"],
)
def test_the_models_refuse_what_is_not_meta_s_shape(payload: dict[str, Any], location: tuple[Any, ...]) -> None:
    base = {"name": "x", "language": "en_US", "category": "UTILITY", "components": [{"type": "BODY", "text": "Hi"}]}
    with pytest.raises(ValidationError) as raised:
        TemplateContent.model_validate({**base, **payload})
    assert any(error["loc"][: len(location)] == location for error in raised.value.errors())


def test_the_api_schema_requires_each_component_s_and_button_s_type() -> None:
    definitions = TemplateContent.model_json_schema()["$defs"]
    typed = {name: schema for name, schema in definitions.items() if "type" in schema.get("properties", {})}
    assert {"Header", "Body", "Footer", "Buttons", "QuickReplyButton", "OtpButton", "VoiceCallButton"} <= set(typed)
    assert all(schema["required"][0] == "type" for schema in typed.values())
    assert definitions["Header"]["required"] == ["type", "format"]


def test_to_meta_writes_no_empty_fields() -> None:
    assert template(body("Hi there")).to_meta() == {
        "name": "order_update",
        "language": "en_US",
        "category": "MARKETING",
        "allow_category_change": True,
        "parameter_format": "POSITIONAL",
        "components": [{"type": "BODY", "text": "Hi there"}],
    }


# ---------------------------------------------------------------- header


@pytest.mark.parametrize(
    ("text", "found"),
    [("h" * 60, []), ("h" * 61, ["components[0].text"])],
    ids=["60", "61"],
)
def test_a_text_header_is_60_characters_at_most(text: str, found: list[str]) -> None:
    content = template(Header(format=HeaderFormat.TEXT, text=text), BODY)
    assert fields(content) == found
    assert all("at most 60 characters long (it has 61)" in e.message for e in errors(content))


def test_a_text_header_holds_one_variable_at_most() -> None:
    header = Header(format=HeaderFormat.TEXT, text="{{1}} and {{2}}", example=HeaderExample(header_text=["a", "b"]))
    assert [(e.field, e.message) for e in errors(template(header, BODY))] == [
        ("components[0].text", "A header holds 1 variable at most (it has 2).")
    ]


def test_a_header_variable_needs_its_example() -> None:
    header = Header(format=HeaderFormat.TEXT, text="Order {{1}}")
    assert fields(template(header, BODY)) == ["components[0].example.header_text"]
    wrong = Header(format=HeaderFormat.TEXT, text="Order {{1}}", example=HeaderExample(header_text=["a", "b"]))
    assert fields(template(wrong, BODY)) == ["components[0].example.header_text"]


def test_a_named_header_variable_takes_its_example_by_name() -> None:
    example = HeaderExample(header_text_named_params=[NamedExample(param_name="sale", example="Summer Sale")])
    header = Header(format=HeaderFormat.TEXT, text="Our {{sale}} is on", example=example)
    assert errors(template(header, NAMED_BODY, parameter_format=NAMED)) == []
    bare = Header(format=HeaderFormat.TEXT, text="Our {{sale}} is on")
    assert fields(template(bare, NAMED_BODY, parameter_format=NAMED)) == [
        "components[0].example.header_text_named_params"
    ]


def test_a_text_header_needs_its_text() -> None:
    assert fields(template(Header(format=HeaderFormat.TEXT, text="  "), BODY)) == ["components[0].text"]


@pytest.mark.parametrize("media", [HeaderFormat.IMAGE, HeaderFormat.VIDEO, HeaderFormat.GIF, HeaderFormat.DOCUMENT])
def test_a_media_header_needs_the_handle_of_its_sample(media: HeaderFormat) -> None:
    assert fields(template(Header(format=media), BODY)) == ["components[0].example.header_handle"]
    blank = Header(format=media, example=HeaderExample(header_handle=[" "]))
    assert fields(template(blank, BODY)) == ["components[0].example.header_handle"]
    sampled = Header(format=media, example=HeaderExample(header_handle=["4::aW1hZ2UvanBn:ARYyty"]))
    assert errors(template(sampled, BODY)) == []


def test_a_media_or_location_header_has_no_text_and_no_text_examples() -> None:
    image = Header(
        format=HeaderFormat.IMAGE, text="Hi", example=HeaderExample(header_handle=["4::x"], header_text=["a"])
    )
    assert fields(template(image, BODY)) == ["components[0].text", "components[0].example"]
    assert errors(template(Header(format=HeaderFormat.LOCATION), BODY)) == []
    located = Header(format=HeaderFormat.LOCATION, example=HeaderExample(header_handle=["4::x"]))
    assert fields(template(located, BODY)) == ["components[0].example.header_handle"]


# ---------------------------------------------------------------- body


@pytest.mark.parametrize(("length", "found"), [(1024, []), (1025, ["components[0].text"])], ids=["1024", "1025"])
def test_the_body_is_1024_characters_at_most(length: int, found: list[str]) -> None:
    content = template(body("b" * length))
    assert fields(content) == found
    assert all("at most 1024 characters long (it has 1025)" in e.message for e in errors(content))


@pytest.mark.parametrize("category", [MARKETING, UTILITY])
def test_a_marketing_or_utility_body_needs_its_text(category: Category) -> None:
    assert fields(template(Body(), category=category)) == ["components[0].text"]
    assert fields(template(Body(text=" \n"), category=category)) == ["components[0].text"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{1}} is your order.", "must not start with a variable ({{1}})"),
        ("  {{1}} is your order.", "must not start with a variable ({{1}})"),
        ("Your order is {{1}}", "must not end with a variable ({{1}})"),
        ("Your order is {{1}}\n", "must not end with a variable ({{1}})"),
        ("Order {{1}}{{2}} is ready.", "{{1}} and {{2}} are next to each other"),
        ("Order {{1}} {{2}} is ready.", "{{1}} and {{2}} are next to each other"),
    ],
)
def test_no_variable_at_the_start_or_end_of_the_body_and_none_adjacent(text: str, message: str) -> None:
    samples = ["a", "b"][: text.count("{{")]
    found = errors(template(body(text, *samples)))
    assert [e.field for e in found] == ["components[0].text"]
    assert message in found[0].message


def test_variables_beside_punctuation_are_neither_at_the_edges_nor_adjacent() -> None:
    assert errors(template(body("Hi {{1}}! Order #{{2}}, {{3}}.", "Mark", "42", "today"))) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hi {{1}}, order {{3}} is here.", "{{3}} comes where {{2}} is expected"),
        ("Hi {{2}}, your order is here.", "{{2}} comes where {{1}} is expected"),
        ("Hi {{2}}, order {{1}} is here.", "{{2}} comes where {{1}} is expected"),
        ("Hi {{0}}, your order is here.", "“{{0}}” is not a variable"),
        ("Hi {{01}}, your order is here.", "“{{01}}” is not a variable"),
        ("Hi {{First Name}}, your order is here.", "“{{First Name}}” is not a variable"),
        ("Hi {{first_name}}, your order is here.", "is a named variable but parameter_format is POSITIONAL"),
    ],
)
def test_positional_variables_are_numbered_from_1_in_order_without_gaps(text: str, message: str) -> None:
    found = [e for e in errors(template(body(text, "a", "b"))) if e.field == "components[0].text"]
    assert [message in e.message for e in found] == [True]


def test_a_positional_variable_may_be_used_twice() -> None:
    assert errors(template(body("Hi {{1}}, yes {{1}}, your order is here.", "Mark"))) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hi {{name}}, again {{name}} here.", "“{{name}}” is used 2 times"),
        ("Hi {{1}}, your order is here.", "is a positional variable but parameter_format is NAMED"),
        ("Hi {{First}}, your order is here.", "“{{First}}” is not a variable"),
        ("Hi {{first-name}}, your order is here.", "“{{first-name}}” is not a variable"),
    ],
)
def test_named_variables_are_lowercase_and_underscores_and_unique(text: str, message: str) -> None:
    content = template(named_body(text, name="Mark"), parameter_format=NAMED)
    found = [e for e in errors(content) if e.field == "components[0].text"]
    assert [message in e.message for e in found] == [True]


def test_named_variables_pass_with_their_examples() -> None:
    text = "Hi {{first_name}}, order {{order_id}} ships."
    assert errors(template(named_body(text, first_name="Mark", order_id="42"), parameter_format=NAMED)) == []


@pytest.mark.parametrize(
    ("component", "message"),
    [
        (body("Hi {{1}}, order {{2}} ships."), "The body has 2 variables: give an example of each in body_text."),
        (body("Hi {{1}}, order {{2}} ships.", "Mark"), "body_text gives 1 example for 2 variables"),
        (body("Hi {{1}}, order ships.", "Mark", "42"), "body_text gives 2 examples for 1 variable"),
        (body("Hi there, order ships.", "Mark"), "body_text gives 1 example for 0 variables"),
        (body("Hi {{1}}, order ships.", " "), "The example of {{1}} is empty."),
        (
            Body(
                text="Hi {{1}}, order ships.",
                example=BodyExample(
                    body_text=[["Mark"]], body_text_named_params=[NamedExample(param_name="name", example="Mark")]
                ),
            ),
            "With parameter_format POSITIONAL",
        ),
    ],
)
def test_every_positional_variable_has_one_example(component: Body, message: str) -> None:
    found = [e for e in errors(template(component)) if e.field.startswith("components[0].example")]
    assert len(found) == 1
    assert message in found[0].message


@pytest.mark.parametrize(
    ("component", "field", "message"),
    [
        (
            named_body("Hi {{first_name}}, order {{order_id}} ships.", first_name="Mark"),
            "components[0].example.body_text_named_params",
            "Give an example of {{order_id}}",
        ),
        (
            named_body("Hi {{first_name}}, order ships.", first_name="Mark", order_id="42"),
            "components[0].example.body_text_named_params",
            "The body has no {{order_id}}",
        ),
        (
            named_body("Hi {{first_name}}, order ships.", first_name=""),
            "components[0].example.body_text_named_params",
            "The example of {{first_name}} is empty.",
        ),
        (
            Body(
                text="Hi {{first_name}}, order ships.",
                example=BodyExample(
                    body_text=[["Mark"]], body_text_named_params=[NamedExample(param_name="first_name", example="M")]
                ),
            ),
            "components[0].example.body_text",
            "With parameter_format NAMED",
        ),
    ],
)
def test_every_named_variable_has_an_example_by_name(component: Body, field: str, message: str) -> None:
    found = [e for e in errors(template(component, parameter_format=NAMED)) if e.field.startswith("components[0].ex")]
    assert [e.field for e in found] == [field]
    assert message in found[0].message


def test_a_named_example_given_twice_is_refused() -> None:
    example = BodyExample(
        body_text_named_params=[
            NamedExample(param_name="name", example="a"),
            NamedExample(param_name="name", example="b"),
        ]
    )
    content = template(Body(text="Hi {{name}}, order ships.", example=example), parameter_format=NAMED)
    assert [(e.field, e.message) for e in errors(content)] == [
        ("components[0].example.body_text_named_params", "{{name}} has 2 examples: give one.")
    ]


# ---------------------------------------------------------------- footer


@pytest.mark.parametrize(("length", "found"), [(60, []), (61, ["components[1].text"])], ids=["60", "61"])
def test_the_footer_is_60_characters_at_most(length: int, found: list[str]) -> None:
    content = template(BODY, Footer(text="f" * length))
    assert fields(content) == found
    assert all("at most 60 characters long (it has 61)" in e.message for e in errors(content))


def test_the_footer_takes_no_variables_and_needs_its_text() -> None:
    assert [(e.field, e.message) for e in errors(template(BODY, Footer(text="Ref {{1}}")))] == [
        ("components[1].text", "The footer takes no variables (it has {{1}}).")
    ]
    assert fields(template(BODY, Footer())) == ["components[1].text"]


# ---------------------------------------------------------------- buttons


@pytest.mark.parametrize(("length", "found"), [(25, []), (26, ["components[1].buttons[0].text"])], ids=["25", "26"])
def test_a_button_s_text_is_25_characters_at_most(length: int, found: list[str]) -> None:
    content = template(BODY, buttons(quick("q" * length)))
    assert fields(content) == found
    assert all("at most 25 characters long (it has 26)" in e.message for e in errors(content))


def test_a_button_needs_its_text() -> None:
    assert fields(template(BODY, buttons(quick(" ")))) == ["components[1].buttons[0].text"]


@pytest.mark.parametrize(("count", "found"), [(10, []), (11, ["components[1].buttons"])], ids=["10", "11"])
def test_a_template_has_10_buttons_at_most(count: int, found: list[str]) -> None:
    content = template(BODY, buttons(*(quick(f"Choice {n}") for n in range(count))))
    assert fields(content) == found
    assert all("10 buttons at most (it has 11)" in e.message for e in errors(content))


def test_a_buttons_component_needs_a_button() -> None:
    assert fields(template(BODY, buttons())) == ["components[1].buttons"]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ((link(), link()), None),
        ((link(), link(), link()), "2 URL buttons at most (it has 3)"),
        ((phone(),), None),
        ((phone(), phone()), "1 PHONE_NUMBER button at most (it has 2)"),
        ((copy_code(),), None),
        ((copy_code(), copy_code()), "1 COPY_CODE button at most (it has 2)"),
    ],
    ids=["2 URL", "3 URL", "1 phone", "2 phones", "1 copy code", "2 copy codes"],
)
def test_url_phone_and_copy_code_buttons_are_limited(items: tuple[Button, ...], message: str | None) -> None:
    found = errors(template(BODY, buttons(*items)))
    assert [e.field for e in found] == ([] if message is None else ["components[1].buttons"])
    assert message is None or message in found[0].message


@pytest.mark.parametrize(
    ("items", "found"),
    [
        ((quick(), quick("B"), link(), phone()), []),
        ((link(), phone(), quick(), quick("B")), []),
        ((quick(), link(), quick("B")), ["components[1].buttons[2]"]),
        ((link(), quick(), quick("B"), phone()), ["components[1].buttons[3]"]),
    ],
    ids=["quick first", "quick last", "quick around", "others around"],
)
def test_quick_replies_are_not_interleaved_with_the_other_buttons(items: tuple[Button, ...], found: list[str]) -> None:
    assert fields(template(BODY, buttons(*items))) == found


@pytest.mark.parametrize(
    ("button", "field", "message"),
    [
        (link("ftp://acme.example/x"), "components[1].buttons[0].url", "starts with https://"),
        (link("https://acme.example/{{1}}/x", "a"), "components[1].buttons[0].url", "one variable at most"),
        (link("https://acme.example/{{1}}{{2}}", "a"), "components[1].buttons[0].url", "one variable at most"),
        (link("https://acme.example/{{1}}"), "components[1].buttons[0].example", "needs one example"),
        (link("https://acme.example/{{1}}", " "), "components[1].buttons[0].example", "needs one example"),
        (link("https://acme.example/x", "a"), "components[1].buttons[0].example", "takes no example"),
        (PhoneNumberButton(text="Call", phone_number=""), "components[1].buttons[0].phone_number", "number it calls"),
        (CopyCodeButton(example=""), "components[1].buttons[0].example", "example of the code"),
        (FlowButton(text="Book"), "components[1].buttons[0]", "flow_id, flow_name or flow_json"),
        (OTP, "components[1].buttons[0]", "OTP buttons are for AUTHENTICATION templates"),
    ],
)
def test_each_button_keeps_its_own_rules(button: Button, field: str, message: str) -> None:
    found = errors(template(BODY, buttons(button)))
    assert [e.field for e in found] == [field]
    assert message in found[0].message


def test_a_url_may_end_with_its_one_variable() -> None:
    assert errors(template(BODY, buttons(link("https://acme.example/track?id={{1}}", "4211")))) == []


@pytest.mark.parametrize(
    "button",
    [
        FlowButton(text="Book", flow_id="1234", flow_action=FlowAction.NAVIGATE, navigate_screen="WELCOME"),
        CatalogButton(text="View catalog"),
        MpmButton(text="View items"),
        VoiceCallButton(text="Call on WhatsApp"),
    ],
)
def test_flow_catalog_multi_product_and_voice_call_buttons_are_taken(button: Button) -> None:
    assert errors(template(BODY, buttons(button))) == []


# ---------------------------------------------------------------- authentication


def test_an_authentication_template_of_meta_s_shape_has_no_errors() -> None:
    content = authentication(Body(add_security_recommendation=True), Footer(code_expiration_minutes=10), buttons(OTP))
    assert errors(content) == []
    assert errors(authentication(Body(), buttons(OTP))) == []


@pytest.mark.parametrize(
    ("components", "found"),
    [
        ((Body(text="Your code is {{1}}."), buttons(OTP)), ["components[0].text"]),
        ((Body(example=BodyExample(body_text=[["1"]])), buttons(OTP)), ["components[0].example"]),
        ((Header(format=HeaderFormat.TEXT, text="Login"), Body(), buttons(OTP)), ["components[0]"]),
        (
            (Body(), Footer(text="Expires soon"), buttons(OTP)),
            ["components[1].text", "components[1].code_expiration_minutes"],
        ),
        ((Body(),), ["components"]),
        ((Body(), buttons(OTP, OTP)), ["components[1].buttons"]),
        ((Body(), buttons(quick())), ["components[1].buttons", "components[1].buttons[0]"]),
        ((Body(), buttons(OTP, quick())), ["components[1].buttons[1]"]),
        ((Body(), buttons(OtpButton(otp_type=OtpType.COPY_CODE, text="c" * 26))), ["components[1].buttons[0].text"]),
        (
            (Body(), buttons(OtpButton(otp_type=OtpType.ONE_TAP, autofill_text=""))),
            ["components[1].buttons[0].autofill_text", "components[1].buttons[0]"],
        ),
    ],
    ids=[
        "body text",
        "body example",
        "header",
        "footer text",
        "no buttons",
        "two OTP",
        "quick reply only",
        "quick reply beside OTP",
        "long copy label",
        "one-tap without app",
    ],
)
def test_meta_writes_an_authentication_template_s_message(components: tuple[Component, ...], found: list[str]) -> None:
    assert fields(authentication(*components)) == found


@pytest.mark.parametrize(
    ("minutes", "found"),
    [
        (1, []),
        (90, []),
        (0, ["components[1].code_expiration_minutes"]),
        (91, ["components[1].code_expiration_minutes"]),
    ],
)
def test_an_authentication_code_expires_after_1_to_90_minutes(minutes: int, found: list[str]) -> None:
    content = authentication(Body(), Footer(code_expiration_minutes=minutes), buttons(OTP))
    assert fields(content) == found
    assert all(f"(it is {minutes})" in e.message for e in errors(content))


@pytest.mark.parametrize(
    ("button", "found"),
    [
        (OtpButton(otp_type=OtpType.ONE_TAP, supported_apps=[APP]), []),
        (OtpButton(otp_type=OtpType.ONE_TAP, package_name="com.example.app", signature_hash="K8a"), []),
        (OtpButton(otp_type=OtpType.ONE_TAP, package_name="com.example.app"), ["components[1].buttons[0]"]),
        (OtpButton(otp_type=OtpType.ZERO_TAP, supported_apps=[APP], zero_tap_terms_accepted=True), []),
        (
            OtpButton(otp_type=OtpType.ZERO_TAP, supported_apps=[APP]),
            ["components[1].buttons[0].zero_tap_terms_accepted"],
        ),
    ],
    ids=["one-tap apps", "one-tap package", "one-tap no hash", "zero-tap", "zero-tap terms"],
)
def test_one_tap_and_zero_tap_buttons_name_their_android_app(button: OtpButton, found: list[str]) -> None:
    assert fields(authentication(Body(), buttons(button))) == found


def test_the_authentication_fields_are_refused_in_other_categories() -> None:
    content = template(
        Body(text="Hello there, friend.", add_security_recommendation=True), Footer(code_expiration_minutes=10)
    )
    assert fields(content) == [
        "components[0].add_security_recommendation",
        "components[1].code_expiration_minutes",
        "components[1].text",
    ]


# ---------------------------------------------------------------- Meta's own examples

META_CREATE_EXAMPLES = {
    "Create Flow Template Message by Flow JSON": ["name"],
    "Create Flow Template Message by ID": ["name"],
    "Create Flow Template Message by Name": ["name"],
    "Create authentication template w/ OTP copy code button": [],
    "Create authentication template w/ OTP one-tap autofill button": [],
    "Create catalog template": [],
    "Create multi-product message template": [],
    "Create template w/ document header, text body, a phone number button, and a URL button": [],
    "Create template w/ image header, text body, text footer, and 2 call-to-action buttons": [],
    "Create template w/ location header, text body, text footer, and a website buttons": [],
    "Create template w/ text header, text body, text footer, and 2 quick reply buttons": [],
    "Edit template": [],
}
"""Meta's create (and edit) examples → the fields `check` refuses. The three Flow examples are named
`<TEMPLATE_NAME>`, Meta's placeholder for a name (its `flow_id: '{{Flow-ID}}'` is a placeholder too, not checked)."""


@cache
def meta_examples() -> dict[str, dict[str, Any]]:
    """Meta's request examples of creating (`POST /{WABA-ID}/message_templates`) and editing (`POST
    /{TEMPLATE_ID}`) a template."""
    spec = yaml.load(SPEC_FILE.read_text(), Loader=yaml.CSafeLoader)
    examples: dict[str, dict[str, Any]] = {}
    for path in ("/{Version}/{WABA-ID}/message_templates", "/{Version}/{TEMPLATE_ID}"):
        content = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        examples |= {name: example["value"] for name, example in content["examples"].items()}
    return examples


def test_every_create_example_of_meta_s_is_covered() -> None:
    assert set(meta_examples()) == set(META_CREATE_EXAMPLES)


@pytest.mark.parametrize(("example", "refused"), META_CREATE_EXAMPLES.items(), ids=list(META_CREATE_EXAMPLES))
def test_meta_s_own_examples_parse_pass_and_render(example: str, refused: list[str]) -> None:
    sent = meta_examples()[example]
    content = TemplateContent.model_validate(sent)
    assert fields(content) == refused
    assert warnings(content) == []
    assert "{{" not in render(content).model_dump_json()
    written = content.to_meta()
    assert TemplateContent.model_validate(written) == content
    assert len(written["components"]) == len(sent["components"])


def test_meta_s_listed_templates_have_components_of_the_same_shape() -> None:
    spec = yaml.load(SPEC_FILE.read_text(), Loader=yaml.CSafeLoader)
    answer = spec["paths"]["/{Version}/{WABA-ID}/message_templates"]["get"]["responses"]["200"]["content"]
    listed = answer["application/json"]["examples"]["Example response"]["value"]["data"]
    for template_ in listed:
        fields_ = {key: template_[key] for key in ("name", "language", "category", "components")}
        assert errors(TemplateContent.model_validate(fields_)) == []


# ---------------------------------------------------------------- properties

_WORDS = st.sampled_from(
    ["your", "order", "is", "ready", "thanks", "for", "shopping", "with", "us", "pick", "it", "up", "at", "the", "desk"]
)
_FIXED = st.lists(_WORDS, min_size=1, max_size=5).map(" ".join)
_SAMPLE = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12)
_KEYS = st.lists(st.from_regex(r"[a-z][a-z_]{0,9}", fullmatch=True), max_size=5, unique=True)


@st.composite
def valid_templates(draw: st.DrawFn) -> TemplateContent:
    """A MARKETING or UTILITY template that keeps every rule, with an example for every variable."""
    parameter_format = draw(st.sampled_from([POSITIONAL, NAMED]))
    named = parameter_format is NAMED
    keys = draw(_KEYS) if named else [str(n) for n in range(1, draw(st.integers(0, 5)) + 1)]
    words = [draw(_FIXED) for _ in range(len(keys) + 1)]
    text = words[0] + "".join(f" {{{{{key}}}}} {after}" for key, after in zip(keys, words[1:], strict=True))
    samples = [draw(_SAMPLE) for _ in keys]
    example = (
        BodyExample(
            body_text_named_params=[NamedExample(param_name=k, example=s) for k, s in zip(keys, samples, strict=True)]
        )
        if named
        else BodyExample(body_text=[samples])
    )
    components: list[Component] = [Body(text=text, example=example if keys else None)]
    header = draw(st.sampled_from(["none", "text", "variable", "image", "location"]))
    if header == "variable":
        key, sample = ("sale" if named else "1"), draw(_SAMPLE)
        header_example = (
            HeaderExample(header_text_named_params=[NamedExample(param_name=key, example=sample)])
            if named
            else HeaderExample(header_text=[sample])
        )
        components.append(Header(format=HeaderFormat.TEXT, text=f"Our {{{{{key}}}}} is on", example=header_example))
    elif header == "text":
        components.append(Header(format=HeaderFormat.TEXT, text=draw(_FIXED)))
    elif header == "image":
        components.append(Header(format=HeaderFormat.IMAGE, example=HeaderExample(header_handle=["4::aW1hZ2U"])))
    elif header == "location":
        components.append(Header(format=HeaderFormat.LOCATION))
    if draw(st.booleans()):
        components.append(Footer(text=draw(_FIXED)))
    quick_replies: list[Button] = [quick(f"Reply {n}") for n in range(draw(st.integers(0, 3)))]
    others: list[Button] = [
        *(link("https://acme.example/track/{{1}}", draw(_SAMPLE)) for _ in range(draw(st.integers(0, 1)))),
        *(link() for _ in range(draw(st.integers(0, 1)))),
        *(phone() for _ in range(draw(st.integers(0, 1)))),
        *(copy_code() for _ in range(draw(st.integers(0, 1)))),
    ]
    grouped = quick_replies + others if draw(st.booleans()) else others + quick_replies
    if grouped:
        components.append(buttons(*grouped))
    return template(
        *draw(st.permutations(components)),
        category=draw(st.sampled_from([MARKETING, UTILITY])),
        parameter_format=parameter_format,
        name=draw(st.from_regex(r"[a-z0-9_]{1,40}", fullmatch=True)),
        language=draw(st.sampled_from(sorted(META_LANGUAGES))),
    )


@st.composite
def valid_authentication_templates(draw: st.DrawFn) -> TemplateContent:
    otp_type = draw(st.sampled_from(list(OtpType)))
    app = [] if otp_type is OtpType.COPY_CODE else [APP]
    terms = True if otp_type is OtpType.ZERO_TAP else None
    button = OtpButton(otp_type=otp_type, supported_apps=app or None, zero_tap_terms_accepted=terms)
    components: list[Component] = [Body(add_security_recommendation=draw(st.none() | st.booleans())), buttons(button)]
    minutes = draw(st.none() | st.integers(1, 90))
    if minutes is not None:
        components.append(Footer(code_expiration_minutes=minutes))
    return authentication(*draw(st.permutations(components)))


@settings(max_examples=200)
@given(valid_templates() | valid_authentication_templates())
def test_a_valid_template_passes_and_renders_with_every_example_in_place(content: TemplateContent) -> None:
    assert errors(content) == []
    assert "{{" not in render(content).model_dump_json()
    assert TemplateContent.model_validate(content.to_meta()) == content


_ANY_TEXT = st.text(max_size=80) | st.sampled_from(["{{1}}", "{{a}}{{b}}", "{{}}", "{{{1}}}", "}} {{", "{{1}"])


@given(
    header=_ANY_TEXT,
    text=_ANY_TEXT,
    footer=_ANY_TEXT,
    label=_ANY_TEXT,
    url=_ANY_TEXT,
    samples=st.lists(st.text(max_size=5), max_size=3),
    category=st.sampled_from(list(Category)),
    parameter_format=st.sampled_from(list(ParameterFormat)),
)
def test_check_warnings_and_preview_take_any_text(
    header: str,
    text: str,
    footer: str,
    label: str,
    url: str,
    samples: list[str],
    category: Category,
    parameter_format: ParameterFormat,
) -> None:
    content = template(
        Header(format=HeaderFormat.TEXT, text=header, example=HeaderExample(header_text=samples)),
        Body(text=text, example=BodyExample(body_text=[samples])),
        Footer(text=footer),
        buttons(quick(label), UrlButton(text=label, url=url, example=samples)),
        category=category,
        parameter_format=parameter_format,
        name=label,
    )
    assert all(error.field for error in errors(content))
    warnings(content)
    render(content)
