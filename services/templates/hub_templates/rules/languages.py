"""Template languages: Meta's language codes, read as Meta writes them, and the set the hub accepts.

Meta's list grows, and the newer half of it comes from a third party's transcription (facts §4.3), so the accepted
set is a setting (`TEMPLATE_LANGUAGES`, comma-separated) rather than an enum: a language Meta adds is one setting
away. Unset, it is Meta's whole list as the facts give it.
"""

from __future__ import annotations

import re

CLASSIC_LANGUAGES = frozenset(
    {
        *("af", "sq", "ar", "az", "bn", "bg", "ca", "zh_CN", "zh_HK", "zh_TW", "hr", "cs", "da", "nl", "en", "en_GB"),
        *("en_US", "et", "fil", "fi", "fr", "ka", "de", "el", "gu", "ha", "he", "hi", "hu", "id", "ga", "it", "ja"),
        *("kn", "kk", "rw_RW", "ko", "ky_KG", "lo", "lv", "lt", "mk", "ms", "ml", "mr", "nb", "fa", "pl", "pt_BR"),
        *("pt_PT", "pa", "ro", "ru", "sr", "sk", "sl", "es", "es_AR", "es_ES", "es_MX", "sw", "sv", "ta", "te", "th"),
        *("tr", "uk", "ur", "uz", "vi", "zu"),
    }
)
"""Meta's long-standing "Supported Languages" list (71 codes; the facts call it "the classic 70")."""

NEWER_LANGUAGES = frozenset(
    {
        *("ar_EG", "ar_AE", "ar_LB", "ar_MA", "ar_QA", "be_BY", "bn_IN", "prs_AF", "nl_BE", "en_AE", "en_AU"),
        *("en_CA", "en_GH", "en_IE", "en_IN", "en_JM", "en_MY", "en_NZ", "en_QA", "en_SG", "en_UG", "en_ZA"),
        *("fr_BE", "fr_CA", "fr_CH", "fr_CI", "fr_MA", "de_AT", "de_CH", "ps_AF", "si_LK", "es_CL", "es_CO"),
        *("es_CR", "es_DO", "es_EC", "es_HN", "es_PA", "es_PE", "es_UY"),
    }
)
"""The locales Meta's newer list adds (facts §4.3, transcribed by a third party)."""

META_LANGUAGES = CLASSIC_LANGUAGES | NEWER_LANGUAGES

LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
"""The form of Meta's codes once normalised: a language, and perhaps a region (`fil`, `en_US`, `prs_AF`)."""


def normalise_language(code: str) -> str:
    """`code` as Meta writes it: `_` between language and region, the language in lower case and the region in
    upper case (`en-US`, `EN_us` → `en_US`). Meta's own webhooks spell some codes with a hyphen (facts §4.3)."""
    language, *regions = code.strip().replace("-", "_").split("_")
    return "_".join([language.lower(), *(region.upper() for region in regions)])


def allowed_languages(setting: str | None) -> frozenset[str]:
    """The languages a template may be written in: the codes of `setting` (comma-separated, normalised), or Meta's
    whole list when it names none.

    A code Meta's list lacks is accepted (the setting is how a new one is added); one that is no language code at
    all is a ValueError naming it, so a mistyped setting stops the function at start rather than every request."""
    codes = {normalise_language(code) for code in (setting or "").split(",") if code.strip()}
    malformed = sorted(code for code in codes if not LANGUAGE_CODE.fullmatch(code))
    if malformed:
        raise ValueError(f"Not language codes such as en or en_US: {', '.join(malformed)}")
    return frozenset(codes) or META_LANGUAGES
