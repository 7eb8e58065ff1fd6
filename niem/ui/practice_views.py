"""Drawing practices: the search and its filters, the list, one practice, and the practices
beside a country's gaps and a policy area's leaders. What people typed is shown as text."""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from niem import practice_search, practice_tables, practices
from niem.database import open_session
from niem.explorer import PolicyArea
from niem.i18n import _
from niem.practice_import import safe_link
from niem.practices import PracticeFilters, PracticeRecord
from niem.store import Catalogue
from niem.ui import data, urlstate
from niem.ui.data import practices_version
from niem.ui.downloads import st_download
from niem.wording import moment_text, score_text

PAGE = "app_pages/practices.py"
SHOWN_AT_MOST = 50


@st.cache_data(show_spinner=False)
def _current(version: tuple[int, str]) -> list[PracticeRecord]:
    with open_session(data.engine()) as session:
        return practices.current_practices(session)


def current_practices() -> list[PracticeRecord]:
    """Each published practice's current version, cached until a practice changes."""
    return _current(practices_version())


@st.cache_resource(show_spinner=False, max_entries=256)
def _gap_links(
    version: data.Version, practices: tuple[int, str], round_year: int, country: str
) -> list[practice_tables.GapLink]:
    return practice_tables.gap_links(
        data.results(round_year), current_practices(), round_year, country
    )


def gap_links(round_year: int, country: str) -> list[practice_tables.GapLink]:
    """A country's weakest dimensions and the practices of those doing better, computed once
    per data version, practices version, round and country for every visitor."""
    return _gap_links(data.data_version(), practices_version(), round_year, country)


def search(text: str, filters: PracticeFilters) -> list[PracticeRecord]:
    """The published practices matching the words and filters, most relevant first."""
    with open_session(data.engine()) as session:
        return practices.search_practices(session, text, filters)


def st_title_text(title: str, size: str = "1.15rem") -> None:
    """A practice's title, large, as text: whatever it contains is never markup."""
    st.html(
        f'<p style="font-size:{size};font-weight:600;margin:0;line-height:1.3">'
        f"{html.escape(title)}</p>"
    )


def st_illustrative_warning() -> None:
    """The warning above any list or page that shows an illustrative practice."""
    st.warning(
        "⚠️ "
        + _(
            "Illustrative examples: the practices marked so were written to show how this page "
            "works. They are not real projects; partners replace them with real ones."
        )
    )


def st_illustrative_label(practice: PracticeRecord) -> None:
    """The label an illustrative practice carries wherever it appears."""
    if practice.illustrative:
        st.caption("⚠️ " + _("Illustrative example, not a real project"))


def st_practice_filters(catalogue: Catalogue) -> tuple[str, PracticeFilters]:
    """The search box and the five filters, each opening on the link's value and kept in it."""
    start = st.query_params.get("q", "")[: practice_search.MAX_QUERY_CHARACTERS]
    text = st.text_input(
        _("Search the practices"),
        value=start,
        key="practice_search",
        max_chars=practice_search.MAX_QUERY_CHARACTERS,
        placeholder=_("for example: language course, housing, employers"),
    ).strip()
    urlstate.keep_in_url(q=text)
    known = current_practices()
    countries = sorted(
        {c for p in known for c in p.countries}, key=lambda c: catalogue.countries.get(c, c)
    )
    years = sorted(
        {y for p in known for y in range(p.year_from, (p.year_to or p.year_from) + 1)},
        reverse=True,
    )
    everything = {
        "country": _("All countries"),
        "area": _("All areas"),
        "dimension": _("All dimensions"),
        "step": _("All steps"),
        "year": _("Any year"),
    }
    choices: dict[str, tuple[str, list[Any], Mapping[Any, str]]] = {
        "country": (_("Country"), countries, catalogue.countries),
        "area": (_("Area"), list(catalogue.areas), catalogue.areas),
        "dimension": (_("Dimension"), list(catalogue.dimensions), catalogue.dimensions),
        "step": (_("Step"), list(catalogue.steps), catalogue.steps),
        "year": (_("Year"), years, {}),
    }
    chosen: dict[str, Any] = {}
    # Folded away unless a filter is set, so that on a phone the results come first.
    filtered = any(st.query_params.get(key) not in (None, urlstate.EVERYTHING) for key in choices)
    folder = st.expander(
        _("Filter by country, area, dimension, step or year"), expanded=filtered
    )
    columns = folder.columns(len(choices))
    for column, (key, (label, options, labels)) in zip(columns, choices.items(), strict=True):
        chosen[key] = urlstate.st_url_select(
            column,
            label,
            options,
            key=key,
            default=urlstate.EVERYTHING,
            format_func=functools.partial(_label, labels),
            everything=everything[key],
        )
    return text, PracticeFilters(**chosen, dimension_area=dict(catalogue.dimension_area))


def _label(labels: Mapping[Any, str], choice: Any) -> str:
    return str(labels.get(choice, choice))


def st_practice_results(found: Sequence[PracticeRecord], catalogue: Catalogue) -> None:
    """How many practices match, a download of them, and each as a card linking to its page."""
    if not current_practices():
        st.info(
            _(
                "No practice is published yet. Partners submit practices here once signed in; "
                "the coordinator publishes them."
            )
        )
        return
    if not found:
        st.info(_("No published practice matches. Try fewer words or fewer filters."))
        return
    st.subheader(
        _("{count} practices").format(count=len(found))
        if len(found) != 1
        else _("1 practice")
    )
    if any(p.illustrative for p in found):
        st_illustrative_warning()
    st_download(
        practice_tables.export_table(found),
        "niem-practices.csv",
        key="practices_download",
        label=_("Download these practices (CSV)"),
    )
    shown = list(found[:SHOWN_AT_MOST])
    for pair in (shown[i : i + 2] for i in range(0, len(shown), 2)):
        # Two side by side on a wide screen; a phone stacks them.
        for column, practice in zip(st.columns(2), pair, strict=False):
            with column:
                st_practice_card(practice, catalogue, keep_view=True)
    if len(found) > SHOWN_AT_MOST:
        st.caption(
            _("Showing the first {shown}; search or filter to see the others.").format(
                shown=SHOWN_AT_MOST
            )
        )


def st_practice_card(
    practice: PracticeRecord,
    catalogue: Catalogue,
    *,
    why: str | None = None,
    keep_view: bool = False,
) -> None:
    """One practice in a bordered box: title, where, what, when, who, and a link to open it
    (keeping the search and filters of this view in the link, with `keep_view`)."""
    view = st.query_params.to_dict() if keep_view else {}
    with st.container(border=True):
        st_title_text(practice.title)
        where = practice_tables.names(practice.countries, catalogue.countries)
        st.text(
            f"{where} · {practice_tables.years_text(practice)}\n"
            f"{practice_tables.names(practice.dimensions, catalogue.dimensions)}\n"
            f"{practice.organisation}"
        )
        if why:
            st.caption(why)
        st_illustrative_label(practice)
        st.page_link(
            PAGE,
            label=_("Open this practice"),
            icon=":material/arrow_forward:",
            query_params={**view, "practice": str(practice.practice_id)},
        )


def chosen_practice() -> PracticeRecord | None:
    """The practice the link opens (`?practice=N`), if it is published; else a notice."""
    raw = st.query_params.get("practice")
    if raw is None:
        # Sent again: a link to this same page runs it without updating the address bar.
        st.query_params.from_dict(st.query_params.to_dict())
        return None
    for practice in current_practices():
        if str(practice.practice_id) == raw:
            # Set again: a link to this same page runs it without showing the new link.
            st.query_params["practice"] = raw
            return practice
    st.warning(_("The link asked for a practice that is not published here; showing the list."))
    return None


def st_practice_detail(practice: PracticeRecord, catalogue: Catalogue) -> None:
    """One practice: its text as written, its link, and its countries' scores with provenance."""
    back = {k: v for k, v in st.query_params.to_dict().items() if k != "practice"}
    st.page_link(
        PAGE, label=_("Back to the list"), icon=":material/arrow_back:", query_params=back
    )
    if practice.illustrative:
        st.warning(
            "⚠️ "
            + _(
                "This practice is an illustrative example, written to show how this page works; "
                "it is not a real project."
            )
        )
    st_title_text(practice.title, size="1.9rem")
    facts = {
        _("Countries"): practice_tables.names(practice.countries, catalogue.countries),
        _("Dimensions"): practice_tables.names(practice.dimensions, catalogue.dimensions),
        _("Steps"): practice_tables.names(practice.steps, catalogue.steps),
        _("Years"): practice_tables.years_text(practice),
        _("Organisation"): practice.organisation,
    }
    st.text("\n".join(f"{label}: {value}" for label, value in facts.items()))
    st.subheader(_("What it does"))
    st.text(practice.summary)
    st.subheader(_("Evidence of results"))
    st.text(practice.evidence or _("No evidence of results was given."))
    if practice.link and safe_link(practice.link):
        st.link_button(
            _("Open the practice's website"), practice.link, icon=":material/open_in_new:"
        )
        st.text(practice.link)
    st.caption(
        _("Version {version}, published {when} by {who}; submitted by {author}.").format(
            version=practice.version,
            when=moment_text(practice.published_at),
            who=practice.published_by or "",
            author=practice.submitted_by,
        )
    )
    st_practice_scores(practice, catalogue)


def st_practice_scores(practice: PracticeRecord, catalogue: Catalogue) -> None:
    """Its countries' scores on its dimensions, each with where it comes from."""
    st.subheader(_("Scores of its countries on its dimensions"))
    scores = practice_tables.practice_scores(data.results(), data.rounds(), practice)
    if scores.empty:
        st.info(_("Its countries have no scores in any round."))
        return
    if scores["provenance"].str.endswith(":illustrative").any() or (
        scores["provenance"] == "illustrative"
    ).any():
        st.caption(
            "⚠️ "
            + _(
                "Scores marked illustrative are generated for demonstration, not expert scores; "
                "published figures are real NIEM results with their sources."
            )
        )
    st.dataframe(
        practice_tables.scores_shown(scores, catalogue),
        hide_index=True,
        key="practice_scores",
        column_config={
            _("Score"): st.column_config.NumberColumn(format="%.1f"),
            _("Source"): st.column_config.LinkColumn(display_text=_("source ↗")),
        },
    )


def st_gap_practices(round_year: int, country: str, catalogue: Catalogue) -> None:
    """For the country's three weakest dimensions, practices from the countries doing better."""
    links = gap_links(round_year, country)
    if not links:
        return
    with st.container(key="screen-only-gap-practices"):
        st.header(_("Ideas for the weakest dimensions"))
        st.caption(
            _(
                "Published practices from the countries that score better on each of the three "
                "weakest dimensions, best first."
            )
        )
        for link in links:
            st.subheader(catalogue.dimensions.get(link.dimension, link.dimension))
            better = ", ".join(
                f"{catalogue.countries.get(leader.country, leader.country)} "
                f"{score_text(leader.score)}"
                for leader in link.leaders
            )
            st.caption(
                _("{country}: {score} ({origin}). Better here: {better}.").format(
                    country=catalogue.countries.get(country, country),
                    score=score_text(link.score),
                    origin=link.origin,
                    better=better or _("no country"),
                )
            )
            if not link.practices:
                st.caption(_("No published practice yet from the countries that score better."))
            _st_cards_in_columns(link.practices, catalogue)


def _leader_text(leader: practice_tables.Leader, catalogue: Catalogue) -> str:
    return _("{country} scores {score} here ({origin}).").format(
        country=catalogue.countries.get(leader.country, leader.country),
        score=score_text(leader.score),
        origin=leader.origin,
    )


@st.cache_resource(show_spinner=False, max_entries=256)
def _leader_practices(
    version: data.Version,
    practices: tuple[int, str],
    round_year: int,
    measure_key: str,
    step: str,
    dimensions: tuple[str, ...],
    _leaders: pd.DataFrame,  # the same for the same round, measure, step and data version
) -> list[tuple[PracticeRecord, practice_tables.Leader]]:
    return practice_tables.leader_practices(
        _leaders, current_practices(), list(dimensions), step or None
    )


def st_leader_practices(
    view: PolicyArea, round_year: int, catalogue: Catalogue, step: str | None = None
) -> None:
    """Practices from the countries that lead on this area or dimension, beside the ranking;
    found once per data version, practices version and choice."""
    if view.measure.level == "area":
        dimensions = [d for d, a in catalogue.dimension_area.items() if a == view.measure.code]
    else:
        dimensions = [view.measure.code]
    found = _leader_practices(
        data.data_version(),
        practices_version(),
        round_year,
        view.measure.key,
        step or "",
        tuple(dimensions),
        view.leaders,
    )
    st.subheader(_("How the leaders do it"))
    if not found:
        st.caption(_("No published practice yet from the three leading countries on this."))
        return
    st.caption(_("Published practices from the three leading countries on this."))
    _st_cards_in_columns(found, catalogue)


def _st_cards_in_columns(
    found: Sequence[tuple[PracticeRecord, practice_tables.Leader]], catalogue: Catalogue
) -> None:
    """Up to three cards side by side on a wide screen (a phone stacks them), each saying
    which leading country it comes from."""
    for start in range(0, len(found), 3):
        row = found[start : start + 3]
        for column, (practice, leader) in zip(st.columns(3), row, strict=False):
            with column:
                st_practice_card(practice, catalogue, why=_leader_text(leader, catalogue))
