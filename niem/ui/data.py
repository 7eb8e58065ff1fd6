"""The pages' reads: one cached engine, and the store's data cached per data version."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pandas as pd
import streamlit as st
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from niem import changes, effects, history, importing, practices, store, upload_checks, views
from niem.accounts import Account
from niem.config import ReadLimits, load_settings
from niem.database import make_engine, open_session
from niem.explorer import (
    CountryProfile,
    Measure,
    figures_for,
    indicator_table,
)
from niem.explorer import country_profile as country_profile_of
from niem.explorer import (
    indicator_values as indicator_values_of,
)
from niem.facts import Fact, FactCheck, check_facts, rounds_checked
from niem.i18n import DEFAULT_LANGUAGE, _, count_text, current_language
from niem.localise import localised_catalogue, localised_rounds
from niem.methodology import Framework
from niem.models import PublishedFigure
from niem.results import load_results
from niem.store import Catalogue, RoundInfo
from niem.templates import build_template

Version = tuple[int, int, str]
# Where a run keeps the fingerprint it read (see data_version).
VERSION_KEY = "niem_data_version"
PRACTICES_VERSION_KEY = "niem_practices_version"
# The most values the history page lists at once.
HISTORY_ROWS = 1000


@st.cache_resource
def engine() -> Engine:
    """The app's one engine (sessions are short and never cached)."""
    return make_engine(load_settings().database_url)


def read_data_version() -> Version:
    """Read the store's fingerprint for this run; the frame calls it once at the start. The
    practices' fingerprint is read with it: one connection per run, not two (each begins by
    checking that the server is still there)."""
    with open_session(engine()) as session:
        version = store.data_version(session)
        st.session_state[PRACTICES_VERSION_KEY] = practices.practices_version(session)
    st.session_state[VERSION_KEY] = version
    return version


def practices_version() -> tuple[int, str]:
    """The practices' fingerprint as this run read it."""
    version = st.session_state.get(PRACTICES_VERSION_KEY)
    if version is None:
        read_data_version()
        version = st.session_state[PRACTICES_VERSION_KEY]
    return version  # type: ignore[no-any-return]


def data_version() -> Version:
    """The store's fingerprint as this run read it; caches keyed on it refresh when published
    data change. One fingerprint per run keeps the run's figures consistent and saves its
    five queries on every cached read (a visit makes a dozen)."""
    version = st.session_state.get(VERSION_KEY)
    return version if version is not None else read_data_version()


# Read-only reference data (names, rounds, published figures and facts) is shared, not copied
# per visitor: a cached copy is unpickled on every read, and the catalogue holds 200 rows.
VERSIONS_KEPT = 8


@st.cache_data(show_spinner=False, max_entries=64)
def _round_results(version: Version, year: int) -> pd.DataFrame:
    with open_session(engine()) as session:
        return load_results(session, [year])


@st.cache_data(show_spinner=False, max_entries=16)
def _rounds_results(version: Version, years: tuple[int, ...] | None) -> pd.DataFrame:
    with open_session(engine()) as session:
        return load_results(session, years)


# Only the profile views read it, and only read it: shared, not unpickled for each view.
@st.cache_resource(show_spinner=False, max_entries=VERSIONS_KEPT)
def _aggregates(version: Version) -> pd.DataFrame:
    with open_session(engine()) as session:
        return load_results(session, indicators=False)


def _results(version: Version, years: tuple[int, ...] | None) -> pd.DataFrame:
    """The figures of the rounds `years` (all when None), cached per data version. One round
    is cached on its own, shared by every page that shows it; several are computed together,
    which costs less than one by one."""
    if years is not None and len(years) == 1:
        return _round_results(version, years[0])
    return _rounds_results(version, years)


@st.cache_resource(show_spinner=False, max_entries=VERSIONS_KEPT)
def _catalogue(version: Version, language: str) -> Catalogue:
    with open_session(engine()) as session:
        catalogue = store.load_catalogue(session)
        return localised_catalogue(catalogue, store.load_local_names(session), language)


@st.cache_resource(show_spinner=False, max_entries=VERSIONS_KEPT)
def _rounds(version: Version, language: str) -> list[RoundInfo]:
    with open_session(engine()) as session:
        rounds = store.load_rounds(session)
        return localised_rounds(rounds, store.load_local_names(session), language)


@st.cache_resource(show_spinner=False, max_entries=VERSIONS_KEPT)
def _published(version: Version) -> list[PublishedFigure]:
    with open_session(engine()) as session:
        return store.load_published_figures(session)


@st.cache_resource(show_spinner=False, max_entries=VERSIONS_KEPT)
def _facts(version: Version) -> list[Fact]:
    with open_session(engine()) as session:
        return store.load_published_facts(session)


@st.cache_data(show_spinner=False)
def _template(version: Version, round_year: int, country: str) -> pd.DataFrame:
    with open_session(engine()) as session:
        return build_template(
            store.load_catalogue(session),
            store.current_scores_of(session, round_year, country),
            round_year,
            country,
        )


@st.cache_resource(show_spinner=False, max_entries=VERSIONS_KEPT)
def _framework(version: Version) -> Framework:
    with open_session(engine()) as session:
        return store.load_framework(session)


def framework() -> Framework:
    """The shape figures are aggregated over, cached per data version."""
    return _framework(data_version())


def results(*years: int) -> pd.DataFrame:
    """The figures table of the rounds `years` (all rounds when none), cached per data
    version: a page computes only the rounds it shows."""
    return _results(data_version(), tuple(sorted(set(years))) or None)


def catalogue() -> Catalogue:
    """Names of everything in the reader's language, cached per data version."""
    return _catalogue(data_version(), current_language())


def english_catalogue() -> Catalogue:
    """Names of everything in English, as files name them (uploads are read against these)."""
    return _catalogue(data_version(), DEFAULT_LANGUAGE)


def rounds() -> list[RoundInfo]:
    """The rounds, named in the reader's language, cached per data version."""
    return _rounds(data_version(), current_language())


def published_figures() -> list[PublishedFigure]:
    """Every published figure, cached per data version."""
    return _published(data_version())


def published_facts() -> list[Fact]:
    """Every published fact, cached per data version."""
    return _facts(data_version())


def _figures(version: Version, round_year: int, measure_key: str) -> pd.DataFrame:
    return figures_for(
        _results(version, (round_year,)), round_year, Measure.from_key(measure_key),
        _facts(version),
    )


def _country_indicators(
    version: Version, round_year: int, country: str, language: str
) -> pd.DataFrame:
    catalogue = _catalogue(version, language)
    return indicator_table(
        _results(version, (round_year,)), catalogue, round_year,
        dimensions=list(catalogue.dimensions), countries=[country],
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _indicator_values(version: Version, round_year: int) -> dict[str, dict[str, float | None]]:
    return indicator_values_of(_results(version, (round_year,)), round_year)


def indicator_values(round_year: int) -> dict[str, dict[str, float | None]]:
    """Every country's current indicator values in a round, cached per data version."""
    return _indicator_values(data_version(), round_year)


@st.cache_data(show_spinner=False, max_entries=8)
def _fact_checks(version: Version) -> list[FactCheck]:
    facts = _facts(version)
    return check_facts(facts, _results(version, rounds_checked(facts) or None))


def fact_checks() -> list[FactCheck]:
    """Every published fact checked against the current figures of the rounds they name,
    cached per data version."""
    return _fact_checks(data_version())


def _profile(version: Version, round_year: int, country: str, language: str) -> CountryProfile:
    return country_profile_of(
        _results(version, (round_year,)),
        _rounds(version, language),
        round_year,
        country,
        _facts(version),
        history=_aggregates(version),
    )


# Views are built once per data version, choice and language (they are worded) and shared by
# every visitor, who only reads them; a few dozen choices cover a room.
VIEWS_KEPT = 64


@st.cache_resource(show_spinner=False, max_entries=VIEWS_KEPT)
def _overview(
    version: Version, round_year: int, measure_key: str, focus: str | None, language: str
) -> views.OverviewView:
    round_info = next(r for r in _rounds(version, language) if r.year == round_year)
    return views.overview_view(
        _figures(version, round_year, measure_key),
        round_info,
        _catalogue(version, language),
        focus,
    )


def overview(round_year: int, measure_key: str, focus: str | None) -> views.OverviewView:
    """The overview's ranking of one round and measure, built once per data version."""
    return _overview(data_version(), round_year, measure_key, focus, current_language())


@st.cache_resource(show_spinner=False, max_entries=VIEWS_KEPT)
def _comparison(
    version: Version,
    round_year: int,
    countries: tuple[str, ...],
    focus: str | None,
    language: str,
) -> views.CompareView:
    return views.compare_view(
        _results(version, (round_year,)),
        _catalogue(version, language),
        round_year,
        list(countries),
        focus,
    )


def comparison(round_year: int, countries: Sequence[str], focus: str | None) -> views.CompareView:
    """The chosen countries side by side, built once per data version and choice."""
    return _comparison(data_version(), round_year, tuple(countries), focus, current_language())


@st.cache_resource(show_spinner=False, max_entries=VIEWS_KEPT)
def _policy_area(
    version: Version,
    round_year: int,
    measure_key: str,
    what: str,
    step: str,
    focus: str | None,
    language: str,
) -> views.PolicyView:
    return views.policy_view(
        _results(version, (round_year,)),
        _catalogue(version, language),
        round_year,
        Measure.from_key(measure_key),
        what,
        step,
        focus,
    )


def policy_area(
    round_year: int, measure_key: str, what: str, step: str, focus: str | None
) -> views.PolicyView:
    """One policy area in a round, built once per data version and choice."""
    return _policy_area(
        data_version(), round_year, measure_key, what, step, focus, current_language()
    )


@st.cache_resource(show_spinner=False, max_entries=VIEWS_KEPT)
def _round_change(
    version: Version,
    before: int,
    after: int,
    measure_key: str,
    what: str,
    focus: str | None,
    language: str,
) -> views.RoundsView:
    return views.rounds_view(
        _results(version, (before, after)),
        _rounds(version, language),
        _catalogue(version, language),
        before,
        after,
        Measure.from_key(measure_key),
        what,
        focus,
    )


def round_change(
    before: int, after: int, measure_key: str, what: str, focus: str | None
) -> views.RoundsView:
    """What changed between two rounds on a measure, built once per data version and choice."""
    return _round_change(data_version(), before, after, measure_key, what, focus,
                         current_language())


@st.cache_resource(show_spinner=False, max_entries=VIEWS_KEPT)
def _profile_view(
    version: Version, round_year: int, country: str, language: str
) -> views.ProfileView:
    catalogue = _catalogue(version, language)
    return views.profile_view(
        _profile(version, round_year, country, language),
        _country_indicators(version, round_year, country, language),
        catalogue,
        catalogue.countries.get(country, country),
    )


def profile_view(round_year: int, country: str) -> views.ProfileView:
    """A country's profile with its charts and tables, built once per data version."""
    return _profile_view(data_version(), round_year, country, current_language())


def template(round_year: int, country: str) -> pd.DataFrame:
    """The upload template of one country and round, prefilled with the current values."""
    return _template(data_version(), round_year, country)


def clear_caches() -> None:
    """Drop every cached query after a write, so all pages show the new values."""
    st.cache_data.clear()
    read_data_version()


def require_database() -> None:
    """Read this run's data version; stop the page with a message when the database has not
    been built yet."""
    try:
        read_data_version()
    except SQLAlchemyError:
        # Checked only when reading fails: a page run cannot afford to inspect the schema.
        if inspect(engine()).has_table("indicator"):
            raise
    else:
        if rounds():
            return
    st.info(_("The database is empty. Build it with `niem init` (or `make run`), then reload."))
    st.stop()


# Where a browser session keeps its last checked upload (see check_upload).
CHECKED_KEY = "niem_checked_upload"


def _checked_upload(
    data: bytes, file_name: str, submitter: Account, progress: importing.Progress
) -> importing.UploadResult:
    limits = load_settings().upload_limits
    context = importing.upload_context(rounds(), catalogue(), submitter, limits)
    result = importing.read_upload(data, file_name, context, progress)
    with open_session(engine()) as session:
        return upload_checks.check_against_current(session, result)


def upload_limits() -> ReadLimits:
    """How much of an upload is read (the settings' limits)."""
    return load_settings().upload_limits


def check_upload(data: bytes, file_name: str, account: Account) -> importing.UploadResult:
    """Read and check an upload against the store and the countries the account may edit,
    with a progress bar; the page reruns on every click, so the session keeps the last result
    until the file, the account, the language or the data change."""
    fingerprint = (
        data_version(), hashlib.sha256(data).hexdigest(), file_name, account, current_language()
    )
    remembered = st.session_state.get(CHECKED_KEY)
    if remembered is not None and remembered[0] == fingerprint:
        return remembered[1]
    bar = st.progress(0.0, text=_("Checking the file…"))

    def show(done: int, total: int) -> None:
        text = _("Checked {done} of {total} rows…") if done < total else _(
            "Comparing with the current values…"
        )
        bar.progress(done / total, text=text.format(done=count_text(done), total=count_text(total)))

    try:
        result = _checked_upload(data, file_name, account, show)
    finally:
        bar.empty()
    st.session_state[CHECKED_KEY] = (fingerprint, result)
    return result


def preview(rows: Sequence[importing.UploadRow]) -> changes.Preview:
    """What the rows would change against the current values."""
    with open_session(engine()) as session:
        return changes.preview_changes(session, rows)


def revision_summaries(
    viewer: Account | None, status: str | None = None, *, author: str | None = None
) -> list[history.RevisionSummary]:
    """The revisions the viewer may see, newest first; optionally of one status or author."""
    with open_session(engine()) as session:
        return history.list_revisions(session, status, author=author, viewer=viewer)


def revision_changes(revision_id: int, viewer: Account | None) -> list[changes.Change]:
    """Each score the revision sets, before and after (the pages offer only visible ones)."""
    with open_session(engine()) as session:
        return changes.revision_diff(session, revision_id, viewer=viewer)


def revision_effect(revision_id: int, viewer: Account | None) -> list[effects.FigureEffect]:
    """Each figure the revision moves, before and after, with the rank; nothing is written."""
    with open_session(engine()) as session:
        return effects.revision_effect(session, revision_id, viewer=viewer)


def score_history(
    viewer: Account | None,
    *,
    round_year: int | None,
    country: str | None,
    indicator: str | None,
) -> list[history.HistoryEntry]:
    """The values of the matching scores that the viewer may see, newest first: at most
    `HISTORY_ROWS`, the most recently written (the page asks to filter for older ones)."""
    with open_session(engine()) as session:
        return history.score_history(
            session,
            round_year=round_year,
            country=country,
            indicator=indicator,
            viewer=viewer,
            limit=HISTORY_ROWS,
        )


def revisions_of(
    entries: Sequence[history.HistoryEntry], viewer: Account | None
) -> list[history.RevisionSummary]:
    """The revisions behind these history entries, newest first."""
    wanted = {e.revision_id for e in entries}
    with open_session(engine()) as session:
        return history.list_revisions(session, viewer=viewer, ids=wanted)
