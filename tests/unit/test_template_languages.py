"""Template languages (`hub_templates.rules.languages`): Meta's codes, read as Meta writes them, and the accepted set
from the `TEMPLATE_LANGUAGES` setting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub_templates.models.content import Body, Category, TemplateContent
from hub_templates.rules.languages import (
    CLASSIC_LANGUAGES,
    LANGUAGE_CODE,
    META_LANGUAGES,
    NEWER_LANGUAGES,
    allowed_languages,
    normalise_language,
)


def test_meta_s_list_is_the_classic_codes_and_the_newer_locales() -> None:
    assert len(CLASSIC_LANGUAGES) == 71
    assert len(NEWER_LANGUAGES) == 40
    assert not CLASSIC_LANGUAGES & NEWER_LANGUAGES
    assert {"en", "en_US", "fil", "rw_RW", "zh_HK", "prs_AF", "es_UY"} <= META_LANGUAGES
    assert all(LANGUAGE_CODE.fullmatch(code) and normalise_language(code) == code for code in META_LANGUAGES)


@pytest.mark.parametrize(
    ("code", "meta"),
    [
        ("en-US", "en_US"),
        ("en_us", "en_US"),
        ("EN-us", "en_US"),
        (" pt-br ", "pt_BR"),
        ("zh-hk", "zh_HK"),
        ("FIL", "fil"),
        ("prs-af", "prs_AF"),
        ("en", "en"),
    ],
)
def test_a_code_is_read_as_meta_writes_it(code: str, meta: str) -> None:
    assert normalise_language(code) == meta


@given(st.sampled_from(sorted(META_LANGUAGES)), st.sampled_from(["-", "_"]), st.booleans())
def test_any_spelling_of_meta_s_codes_comes_back_to_meta_s(code: str, separator: str, upper: bool) -> None:
    spelled = code.replace("_", separator)
    assert normalise_language(spelled.upper() if upper else spelled.lower()) == code


@pytest.mark.parametrize("setting", [None, "", " ", " , ,"])
def test_no_setting_accepts_meta_s_whole_list(setting: str | None) -> None:
    assert allowed_languages(setting) == META_LANGUAGES


def test_the_setting_names_the_accepted_codes_in_any_spelling() -> None:
    assert allowed_languages(" en-US, pt_br ,,de") == frozenset({"en_US", "pt_BR", "de"})


def test_the_setting_may_add_a_code_meta_s_list_lacks() -> None:
    assert allowed_languages("en_US,xh_ZA") == frozenset({"en_US", "xh_ZA"})


@pytest.mark.parametrize("setting", ["english", "en_US,en_USA", "en_US;de", "e"])
def test_a_setting_that_is_no_list_of_codes_is_refused_naming_the_culprit(setting: str) -> None:
    with pytest.raises(ValueError, match="Not language codes such as en or en_US: "):
        allowed_languages(setting)


def test_a_template_s_language_is_kept_as_meta_writes_it() -> None:
    content = TemplateContent(name="n", language="en-gb", category=Category.UTILITY, components=[Body(text="Hi")])
    assert content.language == "en_GB"
    assert content.to_meta()["language"] == "en_GB"
