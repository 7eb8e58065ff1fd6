"""The reader's language: chosen in the frame, kept in the link as `lang=lv`, so a shared
link opens in the same language; a first visit follows the browser's language, else English.
"""

from __future__ import annotations

import streamlit as st

from niem.i18n import (
    DEFAULT_LANGUAGE,
    _,
    available_languages,
    language_name,
    set_language,
)

LINK_KEY = "lang"
# The selector's key: its value is the language of every run after the first.
CHOICE_KEY = "niem_language"


def browser_language(languages: tuple[str, ...]) -> str | None:
    """The browser's language if the app has it ('lv-LV' gives 'lv'), else None."""
    locale = st.context.locale
    if not locale:
        return None
    language = locale.replace("_", "-").split("-")[0].lower()
    return language if language in languages else None


def choose_language() -> str:
    """Set this run's language: the selector's, else the link's, else the browser's, else
    English; write it into the link. A link naming an unknown language gets a notice."""
    languages = available_languages()
    if st.session_state.get(CHOICE_KEY) not in languages:
        asked = st.query_params.get(LINK_KEY)
        language = asked if asked in languages else browser_language(languages)
        st.session_state[CHOICE_KEY] = language or DEFAULT_LANGUAGE
        set_language(st.session_state[CHOICE_KEY])
        if asked is not None and asked not in languages:
            st.warning(
                _("The link asked for a language this app does not have; showing {language}.")
                .format(language=language_name(st.session_state[CHOICE_KEY]))
            )
    language = str(st.session_state[CHOICE_KEY])
    set_language(language)
    if st.query_params.get(LINK_KEY) != language:
        st.query_params[LINK_KEY] = language
    return language


def st_language_select() -> None:
    """The language selector, at the top right of every page."""
    with st.container(horizontal=True, horizontal_alignment="right", key="language-select"):
        st.segmented_control(
            _("Language"),
            available_languages(),
            format_func=language_name,
            required=True,
            key=CHOICE_KEY,
            label_visibility="collapsed",
        )
