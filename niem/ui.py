"""The one Streamlit adapter: cached engine and queries, URL state and shared drawing helpers."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from niem import accounts, changes, charts, exporting, history, importing, revisions, store
from niem.accounts import Account, Action, authorize
from niem.changes import ChangeKind
from niem.config import load_settings
from niem.database import make_engine as _make_engine
from niem.database import open_session
from niem.errors import NiemError
from niem.explorer import CountryProfile, Headline, RoundChange, provenance_label
from niem.history import RevisionSummary
from niem.models import Revision, RevisionKind, RevisionStatus, as_utc
from niem.results import load_results
from niem.store import Catalogue, RoundInfo
from niem.templates import build_template

T = TypeVar("T")

ILLUSTRATIVE_BANNER = (
    "Illustrative data: indicator-level and dimension scores here are generated for "
    "demonstration, not expert scores. Figures marked **published** are real NIEM results "
    "with their sources."
)


@st.cache_resource
def engine() -> Engine:
    """The app's one engine (sessions are short and never cached)."""
    return _make_engine(load_settings().database_url)


def data_version() -> tuple[int, int, str]:
    """The store's fingerprint; caches keyed on it refresh when published data change."""
    with open_session(engine()) as session:
        return store.data_version(session)


@st.cache_data(show_spinner=False)
def _results(version: tuple[int, int, str]) -> pd.DataFrame:
    with open_session(engine()) as session:
        return load_results(session)


@st.cache_data(show_spinner=False)
def _catalogue(version: tuple[int, int, str]) -> Catalogue:
    with open_session(engine()) as session:
        return store.load_catalogue(session)


@st.cache_data(show_spinner=False)
def _rounds(version: tuple[int, int, str]) -> list[RoundInfo]:
    with open_session(engine()) as session:
        return store.load_rounds(session)


def results() -> pd.DataFrame:
    """The figures table, cached per data version."""
    return _results(data_version())


def catalogue() -> Catalogue:
    """Names of everything, cached per data version."""
    return _catalogue(data_version())


def rounds() -> list[RoundInfo]:
    """The rounds, cached per data version."""
    return _rounds(data_version())


def clear_caches() -> None:
    """Drop every cached query after a write, so all pages show the new values."""
    st.cache_data.clear()


def require_database() -> None:
    """Stop the page with a message when the database has not been built yet."""
    if not inspect(engine()).has_table("indicator") or not rounds():
        st.info("The database is empty. Build it with `niem init` (or `make run`), then reload.")
        st.stop()


# Link values are echoed only when they cannot form markdown, a link or an address.
SAFE_LINK_VALUE = re.compile(r"[\w:\-]{1,40}")


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
            f"The link asked for {label} “{raw}”, which does not exist here; showing {default}."
        )
    else:
        st.warning(f"The link asked for a {label} that does not exist here; showing {default}.")
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
        st.warning(f"The link named unknown {label}: {named or 'some'}; they are left out.")
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


def st_download(frame: pd.DataFrame, file_name: str, key: str, label: str = "Download CSV") -> None:
    """A CSV download of exactly the table shown."""
    st.download_button(
        label,
        exporting.to_csv_bytes(frame, for_excel=True),
        file_name=file_name,
        mime="text/csv",
        key=key,
    )


def st_illustrative_notice(frame: pd.DataFrame) -> None:
    """A visible label whenever any figure shown is illustrative."""
    if (frame["provenance"] == store.ILLUSTRATIVE).any():
        st.caption(f"⚠️ {ILLUSTRATIVE_BANNER}")


def country_label(catalogue_: Catalogue, code: str) -> str:
    """'Latvia (LV)'."""
    return f"{catalogue_.countries.get(code, code)} ({code})"


def st_headline(summary: Headline, catalogue_: Catalogue) -> None:
    """Countries, average, highest and lowest, large."""
    count, average, highest, lowest = st.columns(4)
    count.metric(
        "Countries",
        f"{summary.with_score} of {summary.countries}",
        help="Countries with a score / countries in this round",
    )
    average.metric("Average", "n/a" if summary.average is None else f"{summary.average:.1f}")
    for column, label, pick in (
        (highest, "Highest", summary.highest),
        (lowest, "Lowest", summary.lowest),
    ):
        if pick is None:
            column.metric(label, "n/a")
        else:
            column.metric(
                label,
                f"{pick[1]:.1f}",
                catalogue_.countries.get(pick[0], pick[0]),
                delta_color="off",
                delta_arrow="off",
            )


def ranking_table(figures: pd.DataFrame, catalogue_: Catalogue) -> pd.DataFrame:
    """The ranking as shown: rank, country, score, coverage, origin and source link."""
    return pd.DataFrame(
        {
            "Rank": figures["rank"],
            "Country": [catalogue_.countries.get(c, c) for c in figures["country"]],
            "Code": figures["country"],
            "Score": figures["score"],
            "Coverage": [
                f"{c} of {t}" for c, t in zip(figures["covered"], figures["total"], strict=True)
            ],
            "Where it comes from": figures["origin"],
            "Source": figures["source"],
        }
    )


def st_figures_table(figures: pd.DataFrame, catalogue_: Catalogue, key: str) -> None:
    """A ranking table (the accessible alternative to a chart) with its CSV download."""
    table = ranking_table(figures, catalogue_)
    st.dataframe(
        table,
        hide_index=True,
        key=f"{key}_table",
        column_config={
            "Score": st.column_config.NumberColumn(format="%.1f"),
            "Source": st.column_config.LinkColumn(display_text="source ↗"),
        },
        height=min(38 * (len(table) + 1) + 4, 640),
    )
    st_download(table, f"{key}.csv", key=f"{key}_download")


PRINT_STYLES = """
<style>
@media print {
  header, [data-testid="stSidebar"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stBaseButton-secondary"], [data-testid="stDownloadButton"],
  [data-testid="stSelectbox"], [data-testid="stExpander"], [data-testid="stDataFrame"],
  [class*="st-key-screen-only"] { display: none !important; }
  @page { size: A4; margin: 10mm; }
  .block-container { padding-top: 0 !important; zoom: 0.7; }
  h1 { font-size: 26pt !important; }
}
</style>
"""


def st_print_styles() -> None:
    """A fixed print stylesheet (no data inside): printing gives a one-page summary.

    Wrap what only belongs on screen in `st.container(key="screen-only-...")`.
    """
    st.markdown(PRINT_STYLES, unsafe_allow_html=True)


def score_text(score: object) -> str:
    """A score to one decimal, or 'insufficient data'."""
    return "insufficient data" if score is None or pd.isna(score) else f"{float(score):.1f}"  # type: ignore[arg-type]


def st_origin(row: pd.Series) -> None:
    """One line under a figure saying where it comes from, with the source link if published."""
    if row["provenance"] == "published":
        st.caption(f"Published figure · [source]({row['source']})")
    else:
        st.caption(provenance_label(str(row["provenance"]), int(row["covered"]), int(row["total"])))


def st_profile_headline(profile: CountryProfile, catalogue_: Catalogue) -> None:
    """The overall score, its change and the three steps, large."""
    columns = st.columns(4)
    with columns[0]:
        change = profile.overall_change
        st.metric(
            "Overall",
            score_text(profile.overall["score"]),
            None if change is None else f"{change:+.1f} since {profile.previous}",
        )
        st_origin(profile.overall)
    for column, (_, step) in zip(columns[1:], profile.steps.iterrows(), strict=False):
        with column:
            st.metric(catalogue_.steps.get(step["code"], step["code"]), score_text(step["score"]))
            st_origin(step)


def st_dimension_list(dimensions: pd.DataFrame, catalogue_: Catalogue) -> None:
    """A short list of dimensions with their scores."""
    if dimensions.empty:
        st.write("No dimension has enough data.")
        return
    for row in dimensions.itertuples():
        st.markdown(f"**{row.score:.1f}** · {catalogue_.dimensions.get(row.code, row.code)}")


def st_profile_table(profile: CountryProfile, catalogue_: Catalogue, key: str) -> None:
    """The dimension chart's table alternative, with the change since the previous round."""
    table = pd.DataFrame(
        {
            "Dimension": [catalogue_.dimensions.get(c, c) for c in profile.dimensions["code"]],
            "Score": profile.dimensions["score"],
            "Average of others": profile.dimensions["code"].map(
                profile.others.set_index("code")["average of others"]
            ),
            "Coverage": [
                f"{c} of {t}"
                for c, t in zip(
                    profile.dimensions["covered"], profile.dimensions["total"], strict=True
                )
            ],
            "Where it comes from": [
                provenance_label(p, c, t)
                for p, c, t in zip(
                    profile.dimensions["provenance"],
                    profile.dimensions["covered"],
                    profile.dimensions["total"],
                    strict=True,
                )
            ],
        }
    )
    if profile.previous is not None and not profile.dimension_changes.empty:
        changes = profile.dimension_changes.set_index("code")
        table[f"Change since {profile.previous}"] = profile.dimensions["code"].map(
            changes["change"]
        )
        table["Direction"] = profile.dimensions["code"].map(changes["direction"]).map(ARROWS)
    st.dataframe(
        table,
        hide_index=True,
        key=f"{key}_table",
        column_config={
            "Score": st.column_config.NumberColumn(format="%.1f"),
            "Average of others": st.column_config.NumberColumn(format="%.1f"),
        },
    )
    st_download(table, f"{key}.csv", key=f"{key}_download")


ARROWS = {"up": "▲ up", "down": "▼ down", "flat": "▶ flat", "no comparison": "–"}


def st_indicator_table(table: pd.DataFrame, key: str) -> None:
    """Indicators with score, the expert's note and the source; sortable; with CSV download."""
    shown = table.rename(
        columns={
            "code": "Code",
            "indicator": "Indicator",
            "step name": "Step",
            "country name": "Country",
            "score": "Score",
            "note": "Note",
            "source": "Source",
            "provenance": "Provenance",
        }
    ).drop(columns=["country", "scored"])
    st.dataframe(
        shown,
        hide_index=True,
        key=f"{key}_table",
        column_config={"Score": st.column_config.NumberColumn(format="%.0f")},
    )
    st_download(shown, f"{key}.csv", key=f"{key}_download")


def st_matrix(
    matrix: pd.DataFrame, row_names: dict[str, str], catalogue_: Catalogue, key: str
) -> None:
    """A heatmap of codes by country with its table alternative and CSV download."""
    if matrix["score"].notna().any():
        st.altair_chart(charts.heatmap(matrix, row_names, catalogue_.countries), width="stretch")
    else:
        st.info("No scores at this level for these countries in this round.")
    wide = matrix.pivot_table(index="code", columns="country", values="score", sort=False)
    wide.index = [row_names.get(c, c) for c in wide.index]
    table = wide.reset_index(names="")
    with st.expander("Table and download"):
        st.dataframe(table, hide_index=True, key=f"{key}_table")
        st_download(table, f"{key}.csv", key=f"{key}_download")


def st_change_table(changes: pd.DataFrame, catalogue_: Catalogue, key: str) -> None:
    """The slope chart's table alternative: before, after, change and an arrow."""
    table = pd.DataFrame(
        {
            "Country": [catalogue_.countries.get(c, c) for c in changes["country"]],
            "Before": changes["before"],
            "After": changes["after"],
            "Change": changes["change"],
            "Direction": changes["direction"].map(ARROWS),
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        key=f"{key}_table",
        column_config={
            c: st.column_config.NumberColumn(format="%.1f") for c in ("Before", "After", "Change")
        },
    )
    st_download(table, f"{key}.csv", key=f"{key}_download")


def st_movers(change: RoundChange, catalogue_: Catalogue) -> None:
    """The biggest movers, each with the indicators that changed most."""
    if not change.movers:
        st.write("No country's score moved.")
        return
    for column, mover in zip(st.columns(len(change.movers)), change.movers, strict=True):
        with column:
            st.metric(
                catalogue_.countries.get(mover.country, mover.country),
                f"{mover.change:+.1f}",
            )
            if mover.drivers.empty:
                st.caption("No indicator-level data to explain the change.")
                continue
            drivers = pd.DataFrame(
                {
                    "Indicator": [catalogue_.indicators[c].title for c in mover.drivers["code"]],
                    "Before": mover.drivers["before"],
                    "After": mover.drivers["after"],
                    "Change": mover.drivers["change"],
                }
            )
            st.dataframe(
                drivers,
                hide_index=True,
                key=f"movers_{mover.country}",
                column_config={
                    "Indicator": st.column_config.TextColumn(width="medium"),
                    **{
                        c: st.column_config.NumberColumn(width="small", format="%.0f")
                        for c in ("Before", "After", "Change")
                    },
                },
            )


@st.cache_data(show_spinner=False)
def _published(version: tuple[int, int, str]) -> pd.DataFrame:
    with open_session(engine()) as session:
        figures = store.load_published_figures(session)
    return pd.DataFrame(
        [
            {
                "round": f.round_year,
                "country": f.country_code,
                "level": f.level,
                "code": f.code,
                "score": f.value,
                "source": f.source_url,
                "note": f.note,
            }
            for f in figures
        ],
        columns=["round", "country", "level", "code", "score", "source", "note"],
    )


def st_published_figures(catalogue_: Catalogue, key: str) -> None:
    """Every published figure with its source link."""
    figures = _published(data_version())
    table = pd.DataFrame(
        {
            "Round": figures["round"],
            "Country": [catalogue_.countries.get(c, c) for c in figures["country"]],
            "Figure": [
                "Overall" if lv == "overall" else f"Step: {catalogue_.steps.get(c, c)}"
                for lv, c in zip(figures["level"], figures["code"], strict=True)
            ],
            "Score": figures["score"],
            "Source": figures["source"],
            "Note": figures["note"],
        }
    ).sort_values(["Round", "Score"], ascending=[False, False])
    st.write(
        f"{len(table)} figures are real published NIEM results, each with its source. "
        "Everything else in this app is computed from indicator scores, and those are "
        "illustrative until partners upload expert data."
    )
    st.dataframe(
        table,
        hide_index=True,
        key=f"{key}_table",
        column_config={
            "Source": st.column_config.LinkColumn(display_text="source ↗"),
            "Score": st.column_config.NumberColumn(format="%.1f"),
        },
    )
    st_download(table, f"{key}.csv", key=f"{key}_download")


def st_rounds(rounds_: list[RoundInfo], catalogue_: Catalogue) -> None:
    """The rounds and who took part."""
    st.dataframe(
        pd.DataFrame(
            {
                "Round": [r.label for r in rounds_],
                "Situation as of": [r.situation for r in rounds_],
                "Published": [r.published for r in rounds_],
                "Countries": [
                    ", ".join(catalogue_.countries.get(c, c) for c in r.countries) for r in rounds_
                ],
            }
        ),
        hide_index=True,
        key="rounds_table",
    )


def st_framework(catalogue_: Catalogue, key: str) -> None:
    """Areas, dimensions, steps and the indicators with their descriptions."""
    st.subheader("Areas and dimensions")
    st.dataframe(
        pd.DataFrame(
            {
                "Area": [catalogue_.areas[a] for a in catalogue_.dimension_area.values()],
                "Dimension": list(catalogue_.dimensions.values()),
                "What it covers": list(catalogue_.dimension_descriptions.values()),
            }
        ),
        hide_index=True,
        key=f"{key}_dimensions",
    )
    st.subheader("Steps of the policy cycle")
    st.dataframe(
        pd.DataFrame(
            {
                "Step": list(catalogue_.steps.values()),
                "What it covers": list(catalogue_.step_descriptions.values()),
            }
        ),
        hide_index=True,
        key=f"{key}_steps",
    )
    indicators = list(catalogue_.indicators.values())
    scored = sum(1 for i in indicators if i.scored)
    st.subheader(f"Indicators: {scored} scored, {len(indicators) - scored} statistical")
    st.caption(
        "This indicator set is illustrative: the official NIEM indicator list is not public. "
        "Titles and descriptions show the kind of evidence each dimension and step collects."
    )
    table = pd.DataFrame(
        {
            "Code": [i.code for i in indicators],
            "Dimension": [catalogue_.dimensions[i.dimension_code] for i in indicators],
            "Step": [catalogue_.steps[i.step_code] for i in indicators],
            "Indicator": [i.title for i in indicators],
            "Description": [i.description for i in indicators],
            "Scored": ["scored" if i.scored else "statistical (not scored)" for i in indicators],
        }
    )
    st.dataframe(table, hide_index=True, key=f"{key}_indicators")
    st_download(table, "indicators.csv", key=f"{key}_download")


def serve() -> None:
    """Serve the app: `streamlit run app.py` with any extra arguments given."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    # app.py routes with st.navigation; without this, the first visitor after start-up who opens
    # a deep link gets Streamlit's legacy pages/ routing and a "page not found" dialog.
    PagesManager.uses_pages_directory = False
    app = Path(__file__).resolve().parent.parent / "app.py"
    cli.main(["run", str(app), *sys.argv[1:]])


# Partner pages: signing in, submitting, reviewing and the history of scores. Every write
# below goes through a niem function that calls niem.accounts.authorize itself; the pages
# only decide what to offer.

ACCOUNT_KEY = "account"
KIND_LABELS = {
    ChangeKind.CHANGED: "changed",
    ChangeKind.NEW: "new",
    ChangeKind.UNCHANGED: "unchanged",
    ChangeKind.TO_NO_DATA: "becomes no data",
}
STATUS_LABELS: dict[str, str] = {
    RevisionStatus.PENDING: "waiting for review",
    RevisionStatus.PUBLISHED: "published",
    RevisionStatus.REJECTED: "rejected",
    RevisionStatus.WITHDRAWN: "withdrawn",
}
EDITABLE_COLUMNS = ("score", "note", "source")


def sentence(message: object) -> str:
    """A backend message as a sentence: capital first letter and a full stop."""
    text = str(message).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else f"{text}."


def plural(count: int, noun: str) -> str:
    """'1 score', '3 scores'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def moment_text(moment: datetime | None) -> str:
    """A stored time as '2021-06-30 14:05 UTC', or empty."""
    moment = as_utc(moment)
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def value_text(value: float | None) -> str:
    """A score as entered, or 'no data'."""
    return "no data" if value is None else f"{value:g}"


def _allowed(account: Account | None, action: Action, **scope: str | None) -> bool:
    try:
        authorize(account, action, **scope)
    except NiemError:
        return False
    return True


def signed_in() -> Account | None:
    """The account signed in in this browser session, if any; `require_account` re-checks it."""
    account = st.session_state.get(ACCOUNT_KEY)
    return account if isinstance(account, Account) else None


def sign_in(name: str, password: str) -> Account | None:
    """Check the password and remember the account; on failure show why and return None."""
    settings = load_settings()
    try:
        with open_session(engine()) as session:
            account = accounts.authenticate(
                session,
                name,
                password,
                attempts_before_lock=settings.login_attempts_before_lock,
                lock_minutes=settings.login_lock_minutes,
            )
    except NiemError as error:
        st.error(sentence(error))
        return None
    st.session_state[ACCOUNT_KEY] = account
    return account


def sign_out() -> None:
    """Forget the signed-in account."""
    st.session_state.pop(ACCOUNT_KEY, None)


def viewer() -> Account | None:
    """The signed-in account as the database has it now, or None for a viewer."""
    account = signed_in()
    if account is None:
        return None
    try:
        with open_session(engine()) as session:
            account = accounts.current_account(session, account)
    except NiemError as error:
        # A disabled or deleted account is signed out at its next click, not at its next login.
        sign_out()
        st.error(sentence(error))
        return None
    st.session_state[ACCOUNT_KEY] = account
    return account


def require_account(purpose: str) -> Account:
    """The signed-in account as the database has it now; else a sign-in prompt and stop."""
    account = viewer()
    if account is None:
        st.info(f"Sign in to {purpose}.")
        st.page_link("pages/sign_in.py", label="Sign in", icon=":material/login:")
        st.stop()
    return account


def account_text(account: Account, catalogue_: Catalogue) -> str:
    """'providus, partner for Latvia (LV)' or 'anna, coordinator'."""
    if not account.countries:
        return f"{account.name}, {account.role}"
    names = ", ".join(country_label(catalogue_, c) for c in account.countries)
    return f"{account.name}, {account.role} for {names}"


def submittable_countries(account: Account, round_info: RoundInfo) -> list[str]:
    """The round's countries this account may submit scores for."""
    return [c for c in round_info.countries if _allowed(account, Action.SUBMIT, country=c)]


@st.cache_data(show_spinner=False)
def _template(version: tuple[int, int, str], round_year: int, country: str) -> pd.DataFrame:
    with open_session(engine()) as session:
        return build_template(
            store.load_catalogue(session), store.load_current_scores(session), round_year, country
        )


def template(round_year: int, country: str) -> pd.DataFrame:
    """The upload template of one country and round, prefilled with the current values."""
    return _template(data_version(), round_year, country)


def st_template_downloads(frame: pd.DataFrame, round_year: int, country: str) -> None:
    """Download buttons for the template as an Excel workbook and as CSV."""
    name = f"niem-template-{country}-{round_year}"
    excel, csv = st.columns(2)
    excel.download_button(
        "Download the template (Excel)",
        exporting.to_xlsx_bytes(frame),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="template_xlsx",
        icon=":material/download:",
        width="stretch",
    )
    csv.download_button(
        "Download the template (CSV)",
        exporting.to_csv_bytes(frame, for_excel=True),
        file_name=f"{name}.csv",
        mime="text/csv",
        key="template_csv",
        icon=":material/download:",
        width="stretch",
    )


def st_template_editor(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """The template as a table whose score, note and source can be edited; rows numbered as in
    the downloaded file, so the validation report's row numbers point at the same rows."""
    numbered = frame.set_index(pd.RangeIndex(2, len(frame) + 2, name="row"))
    return st.data_editor(
        numbered,
        key=key,
        column_order=["indicator", "title", *EDITABLE_COLUMNS],
        disabled=[c for c in numbered.columns if c not in EDITABLE_COLUMNS],
        column_config={
            "indicator": st.column_config.TextColumn("Indicator", width="small"),
            "title": st.column_config.TextColumn("Title", width="large"),
            "score": st.column_config.NumberColumn(
                "Score (0–100, empty = no data)", min_value=0, max_value=100, format="%g"
            ),
            "note": st.column_config.TextColumn("Note", width="large"),
            "source": st.column_config.TextColumn("Source", width="medium"),
        },
        height=520,
    )


def table_as_upload(frame: pd.DataFrame) -> bytes:
    """An edited template as the CSV a partner would upload, so it takes the same checks."""
    return exporting.to_csv_bytes(frame.reset_index(drop=True))


@st.cache_data(show_spinner="Checking the file…", max_entries=4)
def _checked_upload(
    version: tuple[int, int, str],
    data: bytes,
    file_name: str,
    editable: tuple[str, ...] | None,
) -> importing.UploadResult:
    context = importing.UploadContext(
        rounds={r.year: frozenset(r.countries) for r in rounds()},
        indicators={code: i.scored for code, i in catalogue().indicators.items()},
        editable_countries=None if editable is None else frozenset(editable),
        max_bytes=load_settings().max_upload_bytes,
    )
    return importing.read_upload(data, file_name, context)


def check_upload(data: bytes, file_name: str, account: Account) -> importing.UploadResult:
    """Read and check an upload against the store and the countries the account may edit."""
    editable = None if account.is_coordinator else account.countries
    return _checked_upload(data_version(), data, file_name, editable)


def st_report(result: importing.UploadResult, key: str) -> None:
    """The validation report: notices, then every problem in a table with a CSV download."""
    for notice in result.notices:
        st.info(sentence(notice if notice.row is not None else notice.message))
    if result.valid:
        st.success(f"No problems found: {plural(len(result.rows), 'row')} read.")
        return
    problems = result.problems or [importing.Problem(None, "", "the file has no scores")]
    st.error(
        f"{plural(len(problems), 'problem')} found, so nothing was stored. "
        "Fix them in your file and upload it again."
    )
    table = importing.problems_table(problems).rename(
        columns={"row": "Row", "column": "Column", "problem": "Problem"}
    )
    st.dataframe(
        table,
        hide_index=True,
        key=f"{key}_table",
        column_config={
            "Row": st.column_config.NumberColumn(width="small"),
            "Column": st.column_config.TextColumn(width="small"),
            "Problem": st.column_config.TextColumn(width="large"),
        },
    )
    st.caption("Rows are numbered as your spreadsheet shows them: the header is row 1.")
    st_download(table, "problems.csv", key=f"{key}_download", label="Download the problems (CSV)")


def preview(rows: Sequence[importing.UploadRow]) -> changes.Preview:
    """What the rows would change against the current values."""
    with open_session(engine()) as session:
        return changes.preview_changes(session, rows)


def _change_label(row: changes.Change) -> str:
    if row.kind == ChangeKind.CHANGED and row.before == row.after:
        return "note or source changed"
    return KIND_LABELS[row.kind]


def preview_table(preview_: changes.Preview, catalogue_: Catalogue) -> pd.DataFrame:
    """The rows that change something: before and after, with the new note and source."""
    changes = preview_.changes
    table = pd.DataFrame(
        {
            "Row": [r.row for r in changes],
            "Round": [r.round_year for r in changes],
            "Country": [r.country for r in changes],
            "Indicator": [r.indicator for r in changes],
            "Title": [_title(catalogue_, r.indicator) for r in changes],
            "Change": [_change_label(r) for r in changes],
            "Before": [value_text(r.before) for r in changes],
            "After": [value_text(r.after) for r in changes],
            "Note": [r.after_note for r in changes],
            "Source": [r.after_source for r in changes],
        }
    )
    if preview_.conflicts:
        table["Changed by someone else"] = [
            "yes, since your template" if r.conflict else "" for r in changes
        ]
    return table


def st_preview(preview_: changes.Preview, catalogue_: Catalogue, key: str) -> None:
    """How many scores change, and a table of the changes."""
    counts = preview_.counts
    columns = st.columns(4)
    for column, kind, label in zip(
        columns,
        (ChangeKind.CHANGED, ChangeKind.NEW, ChangeKind.UNCHANGED, ChangeKind.TO_NO_DATA),
        ("Changed", "New", "Unchanged", "Becoming no data"),
        strict=True,
    ):
        column.metric(label, counts[kind])
    if preview_.changes:
        table = preview_table(preview_, catalogue_)
        st.dataframe(
            table,
            hide_index=True,
            key=f"{key}_table",
            column_config={
                "Row": st.column_config.NumberColumn(width="small"),
                "Title": st.column_config.TextColumn(width="large"),
            },
        )


def submit_scores(
    rows: Sequence[importing.UploadRow],
    *,
    account: Account,
    comment: str,
    kind: RevisionKind,
    file_name: str | None = None,
    file_bytes: bytes | None = None,
    confirm_conflicts: bool = False,
) -> Revision | None:
    """Store the rows as one revision, with a progress bar; on refusal show why, return None."""
    progress = st.progress(0, text=f"Storing {plural(len(rows), 'row')}…")
    try:
        with open_session(engine()) as session:
            revision = revisions.submit(
                session,
                rows,
                user=account,
                comment=comment,
                file_name=file_name,
                file_bytes=file_bytes,
                kind=kind,
                confirm_conflicts=confirm_conflicts,
            )
    except NiemError as error:
        progress.empty()
        st.error(sentence(error))
        return None
    progress.progress(100, text="Stored.")
    clear_caches()
    return revision


def submitted_text(revision: Revision) -> str:
    """What happens next to a revision just submitted."""
    if revision.status == RevisionStatus.PUBLISHED:
        return f"Revision {revision.id} is published: every page now shows the new values."
    return (
        f"Revision {revision.id} is waiting for the coordinator's review. "
        "Nobody else sees the new values until it is approved."
    )


def revision_summaries(account: Account | None, status: str | None = None) -> list[RevisionSummary]:
    """Revisions, newest first, that this user may see (published ones, own or all unpublished)."""
    with open_session(engine()) as session:
        return history.list_revisions(session, status, viewer=account)


def own_submissions(account: Account) -> list[RevisionSummary]:
    """The revisions this account submitted, newest first, whatever became of them."""
    return [s for s in revision_summaries(account) if s.revision.author == account.name]


def _review_text(revision: Revision) -> str:
    if revision.reviewed_by is None or (
        revision.status == RevisionStatus.PUBLISHED and revision.reviewed_by == revision.author
    ):
        return ""
    verb = {"published": "approved", "rejected": "rejected", "withdrawn": "withdrawn"}
    text = f"{verb.get(revision.status, revision.status)} by {revision.reviewed_by}"
    return f"{text}: {revision.review_reason}" if revision.review_reason else text


def revisions_table(summaries: Sequence[RevisionSummary]) -> pd.DataFrame:
    """Revisions as rows: who, when, why, what and what became of them."""
    return pd.DataFrame(
        {
            "Revision": [s.revision.id for s in summaries],
            "Status": [STATUS_LABELS.get(s.revision.status, s.revision.status) for s in summaries],
            "Author": [s.revision.author for s in summaries],
            "Submitted": [moment_text(s.revision.created_at) for s in summaries],
            "Comment": [s.revision.comment for s in summaries],
            "File": [s.revision.file_name or "" for s in summaries],
            "Countries": [" ".join(s.countries) for s in summaries],
            "Rounds": [" ".join(str(y) for y in s.rounds) for s in summaries],
            "Scores": [s.scores for s in summaries],
            "Review": [_review_text(s.revision) for s in summaries],
        }
    )


def st_revisions(summaries: Sequence[RevisionSummary], key: str) -> None:
    """A table of revisions."""
    st.dataframe(
        revisions_table(summaries),
        hide_index=True,
        key=f"{key}_table",
        column_config={
            "Revision": st.column_config.NumberColumn(width="small", format="%d"),
            "Comment": st.column_config.TextColumn(width="large"),
        },
    )


def revision_label(summary: RevisionSummary) -> str:
    """'Revision 12 by providus, 2021-06-30 14:05 UTC: LV 2021, 3 scores'."""
    revision = summary.revision
    where = " ".join(summary.countries) + " " + " ".join(str(y) for y in summary.rounds)
    return (
        f"Revision {revision.id} by {revision.author}, {moment_text(revision.created_at)}: "
        f"{where.strip()}, {plural(summary.scores, 'score')}"
    )


def st_revision_details(summary: RevisionSummary) -> None:
    """Who, when, why and what became of one revision, as plain text."""
    revision = summary.revision
    details = {
        "Status": STATUS_LABELS.get(revision.status, revision.status),
        "Author": revision.author,
        "Submitted": moment_text(revision.created_at),
        "Published": moment_text(revision.published_at),
        "Comment": revision.comment,
        "How": {"upload": "file upload", "edit": "edited in the app"}.get(
            revision.kind, revision.kind
        ),
        "File": revision.file_name or "",
        "Review": _review_text(revision),
        "Rolls back": f"revision {revision.rolls_back_id}" if revision.rolls_back_id else "",
    }
    shown = {k: v for k, v in details.items() if v}
    st.dataframe(
        pd.DataFrame({"": list(shown), "Details": list(shown.values())}),
        hide_index=True,
        key=f"revision_{revision.id}_details",
        column_config={"Details": st.column_config.TextColumn(width="large")},
    )


def revision_changes(revision_id: int) -> list[changes.Change]:
    """Each score the revision sets, before and after."""
    with open_session(engine()) as session:
        return changes.revision_diff(session, revision_id)


def _title(catalogue_: Catalogue, code: str) -> str:
    indicator = catalogue_.indicators.get(code)
    return indicator.title if indicator else code


def changes_table(changes: Sequence[changes.Change], catalogue_: Catalogue) -> pd.DataFrame:
    """A revision's diff: each score before and after, with notes and sources."""
    return pd.DataFrame(
        {
            "Round": [c.round_year for c in changes],
            "Country": [c.country for c in changes],
            "Indicator": [c.indicator for c in changes],
            "Title": [_title(catalogue_, c.indicator) for c in changes],
            "Before": [value_text(c.before) for c in changes],
            "After": [value_text(c.after) for c in changes],
            "Note before": [c.before_note for c in changes],
            "Note after": [c.after_note for c in changes],
            "Source after": [c.after_source for c in changes],
        }
    )


def st_changes(changes: Sequence[changes.Change], catalogue_: Catalogue, key: str) -> None:
    """A revision's diff with its CSV download."""
    table = changes_table(changes, catalogue_)
    st.dataframe(
        table,
        hide_index=True,
        key=f"{key}_table",
        column_config={"Title": st.column_config.TextColumn(width="large")},
    )
    st_download(table, f"{key}.csv", key=f"{key}_download", label="Download the changes (CSV)")


def _decide(work: Callable[[Session], Revision]) -> Revision | None:
    """Run one review decision; on success clear the caches, on refusal show why."""
    try:
        with open_session(engine()) as session:
            revision = work(session)
    except NiemError as error:
        st.error(sentence(error))
        return None
    clear_caches()
    return revision


def approve(revision_id: int, account: Account) -> Revision | None:
    """Publish a pending revision (coordinator only; the backend checks)."""
    return _decide(lambda session: revisions.approve(session, revision_id, user=account))


def reject(revision_id: int, account: Account, reason: str) -> Revision | None:
    """Refuse a pending revision with a reason (coordinator only; the backend checks)."""
    return _decide(
        lambda session: revisions.reject(session, revision_id, user=account, reason=reason)
    )


def withdraw(revision_id: int, account: Account) -> Revision | None:
    """Take back one's own pending revision (the backend checks it is one's own)."""
    return _decide(lambda session: revisions.withdraw(session, revision_id, user=account))


def rollback(revision_id: int, account: Account) -> Revision | None:
    """Publish a revision restoring the values from before a published one (coordinator only)."""
    return _decide(lambda session: revisions.rollback(session, revision_id, user=account))


def score_history(
    account: Account | None,
    *,
    round_year: int | None,
    country: str | None,
    indicator: str | None,
) -> list[history.HistoryEntry]:
    """Every value of the matching scores that this user may see, newest first."""
    with open_session(engine()) as session:
        return history.score_history(
            session, round_year=round_year, country=country, indicator=indicator, viewer=account
        )


def revisions_of(
    entries: Sequence[history.HistoryEntry], account: Account | None
) -> list[RevisionSummary]:
    """The revisions behind these history entries, newest first."""
    wanted = {e.revision_id for e in entries}
    return [s for s in revision_summaries(account) if s.revision.id in wanted]


def history_table(entries: Sequence[history.HistoryEntry], catalogue_: Catalogue) -> pd.DataFrame:
    """The timeline: value, who, when, comment, revision and status of each entry."""
    return pd.DataFrame(
        {
            "When": [moment_text(e.when) for e in entries],
            "Round": [e.round_year for e in entries],
            "Country": [e.country for e in entries],
            "Indicator": [e.indicator for e in entries],
            "Title": [_title(catalogue_, e.indicator) for e in entries],
            "Value": [value_text(e.value) for e in entries],
            "Who": [e.author for e in entries],
            "Comment": [e.comment for e in entries],
            "Revision": [e.revision_id for e in entries],
            "Status": [
                STATUS_LABELS.get(e.status, e.status) + (", current" if e.current else "")
                for e in entries
            ],
            "Note": [e.note for e in entries],
            "Source": [e.source for e in entries],
        }
    )


def st_history(entries: Sequence[history.HistoryEntry], catalogue_: Catalogue, key: str) -> None:
    """The timeline table with its CSV download."""
    table = history_table(entries, catalogue_)
    st.dataframe(
        table,
        hide_index=True,
        key=f"{key}_table",
        column_config={
            "Revision": st.column_config.NumberColumn(width="small", format="%d"),
            "Comment": st.column_config.TextColumn(width="large"),
        },
    )
    st_download(table, f"{key}.csv", key=f"{key}_download")


def user_accounts(account: Account) -> list[Account] | None:
    """Every account, for the coordinator; otherwise show why not and return None."""
    try:
        with open_session(engine()) as session:
            return accounts.list_users(session, by=account)
    except NiemError as error:
        st.error(sentence(error))
        return None


def add_account(
    account: Account, name: str, role: str, password: str, countries: Sequence[str]
) -> Account | None:
    """Create an account (coordinator only); on refusal show why and return None."""
    try:
        with open_session(engine()) as session:
            return accounts.add_user(session, name, role, password, countries, by=account)
    except NiemError as error:
        st.error(sentence(error))
        return None


def disable_account(account: Account, name: str) -> Account | None:
    """Stop an account from signing in or acting (coordinator only)."""
    try:
        with open_session(engine()) as session:
            return accounts.disable_user(session, name, by=account)
    except NiemError as error:
        st.error(sentence(error))
        return None


def accounts_table(users: Sequence[Account], catalogue_: Catalogue) -> pd.DataFrame:
    """Accounts with role, countries and whether they may sign in."""
    return pd.DataFrame(
        {
            "Name": [u.name for u in users],
            "Role": [u.role for u in users],
            "Countries": [
                ", ".join(country_label(catalogue_, c) for c in u.countries) for u in users
            ],
            "Can sign in": ["no, disabled" if u.disabled else "yes" for u in users],
        }
    )


def approve_confirmed(
    revision_id: int, account: Account, *, confirm_conflicts: bool
) -> Revision | None:
    """Publish a pending revision, replacing values published since only when confirmed."""
    return _decide(
        lambda session: revisions.approve(
            session, revision_id, user=account, confirm_conflicts=confirm_conflicts
        )
    )
