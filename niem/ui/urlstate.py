"""The view in the URL: a link reopens the same choices, and every choice is kept in the link.

Every page that picks a round, a country or a measure does it with one of the `st_*_select`
functions below, so links behave the same everywhere. The explorer's round and the reader's
own country also travel from page to page: a page whose link names none opens on the last
chosen in this session (`remember=True`, `st_my_country_select`) and writes it into its link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, overload

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from niem.i18n import _
from niem.store import RoundInfo
from niem.wording import country_label

T = TypeVar("T")
# Stands for "no choice" (all rounds, all countries) in a selectbox and in a link.
EVERYTHING = "all"
# Link values are echoed only when they cannot form Markdown, an emoji or icon code, a link
# or an address: ASCII letters, digits and hyphens.
SAFE_LINK_VALUE = re.compile(r"[A-Za-z0-9-]{1,40}")
# Where the session keeps the last round and country chosen on any explorer page.
REMEMBERED_ROUND = "niem_remembered_round"
REMEMBERED_COUNTRY = "niem_remembered_country"


def is_safe_link_value(raw: str) -> bool:
    """Whether a value from a link can be repeated on the page as it is."""
    return SAFE_LINK_VALUE.fullmatch(raw) is not None


def url_choice(key: str, options: Sequence[T], default: T, label: str) -> T:
    """The URL's value for `key` if it is one of the options, else the default with a notice."""
    raw = st.query_params.get(key)
    if raw is None:
        return default
    for option in options:
        if str(option) == raw:
            return option
    if is_safe_link_value(raw):
        st.warning(
            _("The link asked for {thing} “{value}”, which does not exist here; showing "
              "{default}.").format(thing=label, value=raw, default=default)
        )
    else:
        # English needs the article; languages without one leave {article} out.
        article = "an" if label[:1] in "aeiou" else "a"
        st.warning(
            _("The link asked for {article} {thing} that does not exist here; showing "
              "{default}.").format(article=article, thing=label, default=default)
        )
    return default


def url_choices(key: str, options: Sequence[str], default: Sequence[str], label: str) -> list[str]:
    """Several values from a comma-separated URL parameter, dropping unknown ones with a notice."""
    raw = st.query_params.get(key)
    if not raw:
        return list(default)
    wanted = [v for v in raw.split(",") if v]
    unknown = [v for v in wanted if v not in options]
    if unknown:
        named = ", ".join(v for v in unknown if is_safe_link_value(v))
        st.warning(
            _("The link named unknown {things}: {named}; they are left out.").format(
                things=label, named=named or _("some")
            )
        )
    chosen = [v for v in wanted if v in options]
    return chosen or list(default)


def keep_in_url(**values: object) -> None:
    """Write the view's state into the URL so a copied link reopens the same view."""
    for key, value in values.items():
        if value is None or value == "" or value == []:
            if key in st.query_params:
                del st.query_params[key]
            continue
        text = ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        if st.query_params.get(key) != text:
            st.query_params[key] = text


def st_url_select(
    where: DeltaGenerator,
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    default: Any,
    format_func: Callable[[Any], str] = str,
    link_label: str | None = None,
    everything: str | None = None,
) -> Any:
    """A selectbox that opens on the link's choice for `key` and keeps its choice in the link.

    With `everything`, a first option so labelled stands for no choice, returned as None.
    """
    choices = [EVERYTHING, *options] if everything else list(options)
    start = url_choice(key, choices, default, link_label or label.lower())
    chosen = where.selectbox(
        label,
        choices,
        index=choices.index(start),
        format_func=lambda c: everything if everything and c == EVERYTHING else format_func(c),
        key=key,
    )
    value = None if everything and chosen == EVERYTHING else chosen
    keep_in_url(**{key: value})
    return value


@overload
def st_round_select(
    where: DeltaGenerator,
    rounds: Sequence[RoundInfo],
    *,
    key: str = ...,
    label: str | None = ...,
    default: int | None = ...,
    everything: None = ...,
    remember: bool = ...,
) -> RoundInfo: ...
@overload
def st_round_select(
    where: DeltaGenerator,
    rounds: Sequence[RoundInfo],
    *,
    key: str = ...,
    label: str | None = ...,
    default: int | None = ...,
    everything: str,
    remember: bool = ...,
) -> RoundInfo | None: ...
def st_round_select(
    where: DeltaGenerator,
    rounds: Sequence[RoundInfo],
    *,
    key: str = "round",
    label: str | None = None,
    default: int | None = None,
    everything: str | None = None,
    remember: bool = False,
) -> RoundInfo | None:
    """Pick a round as the link says; else, with `remember`, the round last chosen on another
    page; else `default` or the latest. None for `everything`."""
    by_year = {r.year: r for r in rounds}
    if default is None:
        remembered = st.session_state.get(REMEMBERED_ROUND) if remember else None
        default = remembered if remembered in by_year else rounds[-1].year
    year = st_url_select(
        where,
        label or _("Round"),
        list(by_year),
        key=key,
        default=default,
        format_func=lambda y: by_year[y].label,
        link_label=_("round"),
        everything=everything,
    )
    if remember and year is not None:
        st.session_state[REMEMBERED_ROUND] = year
    return None if year is None else by_year[year]


@overload
def st_country_select(
    where: DeltaGenerator,
    countries: Sequence[str],
    names: Mapping[str, str],
    *,
    key: str = ...,
    label: str | None = ...,
    with_code: bool = ...,
    everything: None = ...,
) -> str: ...
@overload
def st_country_select(
    where: DeltaGenerator,
    countries: Sequence[str],
    names: Mapping[str, str],
    *,
    key: str = ...,
    label: str | None = ...,
    with_code: bool = ...,
    everything: str,
) -> str | None: ...
def st_country_select(
    where: DeltaGenerator,
    countries: Sequence[str],
    names: Mapping[str, str],
    *,
    key: str = "country",
    label: str | None = None,
    with_code: bool = True,
    everything: str | None = None,
) -> str | None:
    """Pick one of the countries (by default the first, or `everything`), as the link says."""
    return st_url_select(  # type: ignore[no-any-return]
        where,
        label or _("Country"),
        countries,
        key=key,
        default=EVERYTHING if everything else countries[0],
        format_func=lambda c: country_label(names, c) if with_code else names.get(c, c),
        everything=everything,
    )


def st_my_country_select(
    where: DeltaGenerator,
    round_info: RoundInfo,
    names: Mapping[str, str],
    *,
    label: str | None = None,
) -> str | None:
    """The reader's own country: as the link says, else as last chosen in this session, else
    none (the reader is asked). A country that did not take part in the round is kept for
    the other rounds and pages, with a note, and None is returned."""
    key = "country"
    raw = st.query_params.get(key)
    wanted = raw if raw is not None else st.session_state.get(REMEMBERED_COUNTRY)
    countries = list(round_info.countries)
    if raw is not None and raw not in names:
        url_choice(key, countries, None, _("country"))
        wanted = None
    elif wanted is not None and wanted not in countries and wanted in names:
        where.caption(
            _("{country} did not take part in {round}.").format(
                country=names[wanted], round=round_info.label
            )
        )
    chosen = where.selectbox(
        label or _("Your country"),
        countries,
        index=countries.index(wanted) if wanted in countries else None,
        format_func=lambda c: names.get(c, c),
        placeholder=_("Choose a country"),
        key=key,
    )
    if chosen is not None:
        st.session_state[REMEMBERED_COUNTRY] = chosen
        keep_in_url(**{key: chosen})
    elif wanted not in names:
        keep_in_url(**{key: None})
    return str(chosen) if chosen is not None else None


def st_measure_select(
    where: DeltaGenerator,
    options: Mapping[str, str],
    *,
    label: str | None = None,
    default: str = "overall",
    link_label: str | None = None,
) -> str:
    """Pick a measure (overall, an area, a dimension or a step) by its key, as the link says."""
    return st_url_select(  # type: ignore[no-any-return]
        where,
        label or _("Show"),
        list(options),
        key="measure",
        default=default,
        format_func=lambda k: options[k],
        link_label=link_label or _("measure"),
    )
