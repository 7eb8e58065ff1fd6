"""The tables the pages show and let people download, built from plain data (no Streamlit).

Column names are the headings people read; what a page shows is exactly what it downloads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from niem.accounts import Account
from niem.changes import Change, ChangeKind, Preview
from niem.effects import FigureEffect
from niem.explorer import CountryProfile
from niem.facts import FactCheck
from niem.feedback import FeedbackItem
from niem.feedback import status_word as feedback_status_word
from niem.history import HistoryEntry, RevisionSummary
from niem.i18n import N_, _
from niem.importing import Problem
from niem.models import AccountEvent, PublishedFigure
from niem.rounds import RoundSummary
from niem.store import Catalogue, RoundInfo
from niem.wording import (
    ROLES,
    country_label,
    how_submitted_text,
    moment_text,
    review_text,
    role_text,
    score_text,
    signed_text,
    status_text,
    value_text,
)

ARROWS = {
    "up": N_("▲ up"),
    "down": N_("▼ down"),
    "flat": N_("▶ flat"),
    "no comparison": "–",
}
CHANGE_LABELS = {
    ChangeKind.CHANGED: N_("changed"),
    ChangeKind.NEW: N_("new"),
    ChangeKind.UNCHANGED: N_("unchanged"),
    ChangeKind.TO_NO_DATA: N_("becomes no data"),
}
# Headings of the columns that hold text a page shows as a number (kept right-aligned).
SCORE_COLUMNS = (N_("Score"), N_("Average of others"), N_("Before"), N_("After"), N_("Change"))


def arrow_text(direction: str) -> str:
    """'▲ up', '▼ down', '▶ flat', or '–' with nothing to compare."""
    return _(ARROWS[direction]) if direction in ARROWS and ARROWS[direction] != "–" else "–"


def score_columns() -> set[str]:
    """The headings (in the reader's language) of columns that show numbers as text."""
    return {_(name) for name in SCORE_COLUMNS}


def _names(codes: Sequence[str] | pd.Series, names: Mapping[str, str]) -> list[str]:
    return [names.get(c, c) for c in codes]


def _coverage(covered: Sequence[int] | pd.Series, total: Sequence[int] | pd.Series) -> list[str]:
    return [
        _("{covered} of {total}").format(covered=c, total=t)
        for c, t in zip(covered, total, strict=True)
    ]


def ranking_table(figures: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """A ranking as shown: rank, country, the figure, where figure and rank come from,
    coverage and the source of a published figure."""
    return pd.DataFrame(
        {
            _("Rank"): figures["rank_text"],
            _("Country"): _names(figures["country"], catalogue.countries),
            _("Code"): figures["country"],
            _("Score"): figures["shown"],
            _("Where it comes from"): figures["origin"],
            _("Rank from"): figures["rank_origin"],
            _("Coverage"): _coverage(figures["covered"], figures["total"]),
            _("Source"): figures["source"],
        }
    )


def _change_text(change: object) -> str:
    return "–" if pd.isna(change) else signed_text(float(change))  # type: ignore[call-overload, arg-type]


def profile_table(profile: CountryProfile, catalogue: Catalogue) -> pd.DataFrame:
    """A country's dimensions against the others, with the change since the previous round,
    each number with where it comes from."""
    dimensions = profile.dimensions
    others = profile.others.set_index("code")
    table = pd.DataFrame(
        {
            _("Dimension"): _names(dimensions["code"], catalogue.dimensions),
            _("Score"): dimensions["shown"],
            _("Where it comes from"): dimensions["origin"],
            _("Average of others"): [
                score_text(v) for v in dimensions["code"].map(others["average of others"])
            ],
            _("Average from"): dimensions["code"].map(others["others origin"]),
            _("Coverage"): _coverage(dimensions["covered"], dimensions["total"]),
        }
    )
    if profile.previous is not None and not profile.dimension_changes.empty:
        changes = profile.dimension_changes.set_index("code")
        since = _("Change since {year}").format(year=profile.previous)
        table[since] = [_change_text(c) for c in dimensions["code"].map(changes["change"])]
        table[_("Direction")] = dimensions["code"].map(changes["direction"]).map(arrow_text)
        table[_("Change from")] = dimensions["code"].map(changes["origin"])
    return table


def trend_table(trend: pd.DataFrame) -> pd.DataFrame:
    """A country's overall figure in every round, with where it comes from and its rank."""
    return pd.DataFrame(
        {
            _("Round"): trend["label"],
            _("Score"): trend["shown"],
            _("Where it comes from"): trend["origin"],
            _("Rank"): trend["rank_text"],
        }
    )


def indicators_shown(indicators: pd.DataFrame) -> pd.DataFrame:
    """An `explorer.indicator_table` as shown: values as entered, with their provenance."""
    return pd.DataFrame(
        {
            _("Code"): indicators["code"],
            _("Indicator"): indicators["indicator"],
            _("Step"): indicators["step name"],
            _("Country"): indicators["country name"],
            _("Score"): indicators["shown"],
            _("Where it comes from"): indicators["origin"],
            _("Note"): indicators["note"],
            _("Source"): indicators["source"],
        }
    )


def score_choices(
    indicators: pd.DataFrame, *, with_country: bool, focus: str | None = None
) -> dict[str, str]:
    """Each score of an indicator table ('LV:BRI-I-01') with its label, for the "Is this
    right?" form, the focus country's first; built by columns: a policy area lists hundreds."""
    if focus is not None:
        indicators = indicators.sort_values(
            "country", key=lambda codes: codes != focus, kind="stable"
        )
    keys = indicators["country"] + ":" + indicators["code"]
    # The code and the value first: a phone cuts the end of a long title.
    labels = indicators["code"] + " (" + indicators["shown"] + "): " + indicators["indicator"]
    if with_country:
        labels = indicators["country name"] + " · " + labels
    return dict(zip(keys, labels, strict=True))


def matrix_table(matrix: pd.DataFrame, row_names: Mapping[str, str]) -> pd.DataFrame:
    """Figures as shown, with a row per code and a column per country, in the matrix's order."""
    wide = matrix.pivot_table(
        index="code", columns="country", values="shown", aggfunc="first", sort=False
    )
    wide.index = pd.Index(_names(list(wide.index), row_names))
    return wide.reset_index(names="")


def change_table(changes: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Each country's figure before and after, the change, an arrow and where the change
    comes from (the weaker of its two figures)."""
    return pd.DataFrame(
        {
            _("Country"): _names(changes["country"], catalogue.countries),
            _("Before"): [score_text(v) for v in changes["before"]],
            _("After"): [score_text(v) for v in changes["after"]],
            _("Change"): [_change_text(c) for c in changes["change"]],
            _("Direction"): changes["direction"].map(arrow_text),
            _("Where it comes from"): changes["origin"],
        }
    )


def drivers_table(drivers: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The indicators that moved a country's score most: values as entered, before and after."""
    return pd.DataFrame(
        {
            _("Indicator"): [catalogue.indicators[c].title for c in drivers["code"]],
            _("Before"): [value_text(v) for v in drivers["before"]],
            _("After"): [value_text(v) for v in drivers["after"]],
            _("Change"): [("+" if c > 0 else "") + value_text(c) for c in drivers["change"]],
        }
    )


def published_table(figures: Sequence[PublishedFigure], catalogue: Catalogue) -> pd.DataFrame:
    """Every published figure with its source, newest round and highest score first."""
    return pd.DataFrame(
        {
            _("Round"): [f.round_year for f in figures],
            _("Country"): [
                catalogue.countries.get(f.country_code, f.country_code) for f in figures
            ],
            _("Figure"): [_figure_name(f, catalogue) for f in figures],
            _("Score"): [score_text(f.value) for f in figures],
            _("Source"): [f.source_url for f in figures],
            _("Note"): [f.note for f in figures],
        },
        columns=[_("Round"), _("Country"), _("Figure"), _("Score"), _("Source"), _("Note")],
    ).sort_values([_("Round"), _("Score")], ascending=[False, False])


def facts_table(checks: Sequence[FactCheck]) -> pd.DataFrame:
    """Every published fact with its source and whether the current figures agree."""
    return pd.DataFrame(
        {
            _("Round"): [c.fact.round_year for c in checks],
            _("Published statement"): [c.fact.statement for c in checks],
            _("Source"): [c.fact.source_url for c in checks],
            _("Current figures"): [
                (_("agree: {numbers}") if c.holds else _("disagree: {numbers}")).format(
                    numbers=c.numbers
                )
                for c in checks
            ],
        }
    )


def _figure_name(figure: PublishedFigure, catalogue: Catalogue) -> str:
    if figure.level == "overall":
        return _("Overall")
    return _("Step: {step}").format(step=catalogue.steps.get(figure.code, figure.code))


def rounds_table(rounds: Sequence[RoundInfo], catalogue: Catalogue) -> pd.DataFrame:
    """The rounds and who took part."""
    return pd.DataFrame(
        {
            _("Round"): [r.label for r in rounds],
            _("Situation as of"): [r.situation for r in rounds],
            _("Published"): [r.published for r in rounds],
            _("Countries"): [", ".join(_names(r.countries, catalogue.countries)) for r in rounds],
        }
    )


def dimensions_table(catalogue: Catalogue) -> pd.DataFrame:
    """Each dimension with its area and what it covers."""
    return pd.DataFrame(
        {
            _("Area"): [catalogue.areas[a] for a in catalogue.dimension_area.values()],
            _("Dimension"): list(catalogue.dimensions.values()),
            _("What it covers"): list(catalogue.dimension_descriptions.values()),
        }
    )


def steps_table(catalogue: Catalogue) -> pd.DataFrame:
    """Each step of the policy cycle and what it covers."""
    return pd.DataFrame(
        {
            _("Step"): list(catalogue.steps.values()),
            _("What it covers"): list(catalogue.step_descriptions.values()),
        }
    )


def framework_indicators_table(catalogue: Catalogue) -> pd.DataFrame:
    """Every indicator with its dimension, step, description and whether it is scored."""
    indicators = list(catalogue.indicators.values())
    return pd.DataFrame(
        {
            _("Code"): [i.code for i in indicators],
            _("Dimension"): [catalogue.dimensions[i.dimension_code] for i in indicators],
            _("Step"): [catalogue.steps[i.step_code] for i in indicators],
            _("Indicator"): [i.title for i in indicators],
            _("Description"): [i.description for i in indicators],
            _("Scored"): [
                _("scored") if i.scored else _("statistical (not scored)") for i in indicators
            ],
        }
    )


def problems_table(problems: Sequence[Problem]) -> pd.DataFrame:
    """The problems as a table with columns row, column and problem, for a CSV download."""
    return pd.DataFrame(
        {
            "row": pd.array([p.row for p in problems], dtype="Int64"),
            "column": [p.column for p in problems],
            "problem": [p.message for p in problems],
        }
    )


def problems_shown(problems: Sequence[Problem]) -> pd.DataFrame:
    """The validation report: row, column and problem, as the spreadsheet numbers rows."""
    return problems_table(problems).rename(
        columns={"row": _("Row"), "column": _("Column"), "problem": _("Problem")}
    )


def notices_shown(notices: Sequence[Problem]) -> pd.DataFrame:
    """How the file was read, as a table: its row, column and notice (text from the file, such
    as a column's header or a sheet's name, stays plain text in a table)."""
    return pd.DataFrame(
        {
            # A notice about the whole file has no row: an empty cell, not "None".
            _("Row"): ["" if n.row is None else str(n.row) for n in notices],
            _("Column"): [n.column for n in notices],
            _("Notice"): [n.message for n in notices],
        }
    )


def _title(catalogue: Catalogue, code: str) -> str:
    indicator = catalogue.indicators.get(code)
    return indicator.title if indicator else code


def change_label(change: Change) -> str:
    """'changed', 'new', 'becomes no data', or 'note or source changed' for the same value."""
    if change.kind == ChangeKind.CHANGED and change.before == change.after:
        return _("note or source changed")
    return _(CHANGE_LABELS[change.kind])


def preview_table(preview: Preview, catalogue: Catalogue) -> pd.DataFrame:
    """The rows that change something: before and after, with the new note and source."""
    changes = preview.changes
    table = pd.DataFrame(
        {
            _("Row"): [c.row for c in changes],
            _("Round"): [c.round_year for c in changes],
            _("Country"): [c.country for c in changes],
            _("Indicator"): [c.indicator for c in changes],
            _("Title"): [_title(catalogue, c.indicator) for c in changes],
            _("Change"): [change_label(c) for c in changes],
            _("Before"): [value_text(c.before) for c in changes],
            _("After"): [value_text(c.after) for c in changes],
            _("Note"): [c.after_note for c in changes],
            _("Source"): [c.after_source for c in changes],
        }
    )
    if preview.conflicts:
        table[_("Changed by someone else")] = [
            _("yes, since your template") if c.conflict else "" for c in changes
        ]
    return table


def changes_table(changes: Sequence[Change], catalogue: Catalogue) -> pd.DataFrame:
    """A revision's diff: each score before and after, with notes and sources."""
    return pd.DataFrame(
        {
            _("Round"): [c.round_year for c in changes],
            _("Country"): [c.country for c in changes],
            _("Indicator"): [c.indicator for c in changes],
            _("Title"): [_title(catalogue, c.indicator) for c in changes],
            _("Before"): [value_text(c.before) for c in changes],
            _("After"): [value_text(c.after) for c in changes],
            _("Note before"): [c.before_note for c in changes],
            _("Note after"): [c.after_note for c in changes],
            _("Source before"): [_source_text(c.before_source) for c in changes],
            _("Source after"): [_source_text(c.after_source) for c in changes],
        }
    )


def _source_text(source: str) -> str:
    # An empty cell would read as "unchanged" or "not shown"; it means there is none.
    return source or _("no source")


def revisions_table(summaries: Sequence[RevisionSummary]) -> pd.DataFrame:
    """Revisions as rows: who, when, why, what and what became of them."""
    revisions = [s.revision for s in summaries]
    return pd.DataFrame(
        {
            _("Revision"): [r.id for r in revisions],
            _("Status"): [status_text(r.status) for r in revisions],
            _("Author"): [r.author for r in revisions],
            _("Submitted"): [moment_text(r.created_at) for r in revisions],
            _("Comment"): [r.comment for r in revisions],
            _("File"): [r.file_name or "" for r in revisions],
            _("Countries"): [" ".join(s.countries) for s in summaries],
            _("Rounds"): [" ".join(str(y) for y in s.rounds) for s in summaries],
            _("Scores"): [s.scores for s in summaries],
            _("Review"): [
                review_text(r.status, r.author, r.reviewed_by, r.review_reason) for r in revisions
            ],
        }
    )


def revision_details(summary: RevisionSummary) -> pd.DataFrame:
    """Who, when, why and what became of one revision, one fact a row, empty facts left out."""
    revision = summary.revision
    details = {
        _("Status"): status_text(revision.status),
        _("Author"): revision.author,
        _("Submitted"): moment_text(revision.created_at),
        _("Published"): moment_text(revision.published_at),
        _("Comment"): revision.comment,
        _("How"): how_submitted_text(revision.kind),
        _("File"): revision.file_name or "",
        _("Review"): review_text(
            revision.status, revision.author, revision.reviewed_by, revision.review_reason
        ),
        _("Rolls back"): (
            _("revision {revision}").format(revision=revision.rolls_back_id)
            if revision.rolls_back_id
            else ""
        ),
    }
    shown = {k: v for k, v in details.items() if v}
    return pd.DataFrame({"": list(shown), _("Details"): list(shown.values())})


def history_table(entries: Sequence[HistoryEntry], catalogue: Catalogue) -> pd.DataFrame:
    """The timeline: value, who, when, comment, revision and status of each entry."""
    return pd.DataFrame(
        {
            _("When"): [moment_text(e.when) for e in entries],
            _("Round"): [e.round_year for e in entries],
            _("Country"): [e.country for e in entries],
            _("Indicator"): [e.indicator for e in entries],
            _("Title"): [_title(catalogue, e.indicator) for e in entries],
            _("Value"): [value_text(e.value) for e in entries],
            _("Who"): [e.author for e in entries],
            _("Comment"): [e.comment for e in entries],
            _("Revision"): [e.revision_id for e in entries],
            _("Status"): [
                _("{status}, current").format(status=status_text(e.status))
                if e.current
                else status_text(e.status)
                for e in entries
            ],
            _("Note"): [e.note for e in entries],
            _("Source"): [e.source for e in entries],
        }
    )


def accounts_table(users: Sequence[Account], catalogue: Catalogue) -> pd.DataFrame:
    """Accounts with role, countries and whether they may sign in."""
    return pd.DataFrame(
        {
            _("Name"): [u.name for u in users],
            _("Role"): [role_text(u.role) for u in users],
            _("Countries"): [
                ", ".join(country_label(catalogue.countries, c) for c in u.countries) for u in users
            ],
            _("Can sign in"): [_("no, disabled") if u.disabled else _("yes") for u in users],
        }
    )


# The log stores these words as written (a stable record); they are shown translated.
ACCOUNT_ACTIONS = {
    "added": N_("added"),
    "password changed": N_("password changed"),
    "password reset": N_("password reset"),
    "disabled": N_("disabled"),
    "enabled": N_("enabled"),
    "countries changed": N_("countries changed"),
}


# Who acted when no account did (`accounts.actor_name`): the command line, or nobody signed in.
ACCOUNT_ACTORS = {"operator": N_("operator (command line)"), "visitor": N_("visitor")}


def _account_detail(event: AccountEvent) -> str:
    # An account's creation is logged as its role and countries ("partner LV LT").
    role, _space, countries = event.detail.partition(" ")
    if event.action == "added" and role in ROLES:
        return f"{role_text(role)} {countries}".strip()
    return event.detail


def account_log_table(events: Sequence[AccountEvent]) -> pd.DataFrame:
    """The account log as shown: when, who acted, on which account, what was done."""
    return pd.DataFrame(
        {
            _("When"): [moment_text(e.at) for e in events],
            _("By"): [_(ACCOUNT_ACTORS[e.actor]) if e.actor in ACCOUNT_ACTORS else e.actor
                      for e in events],
            _("Account"): [e.account for e in events],
            _("What"): [_(ACCOUNT_ACTIONS.get(e.action, e.action)) for e in events],
            _("Detail"): [_account_detail(e) for e in events],
        }
    )


def figure_name(level: str, code: str, catalogue: Catalogue) -> str:
    """'Overall', 'Housing', 'Housing × Setting the legal framework' and so on."""
    if level == "overall":
        return _("Overall")
    if level == "cell":
        dimension, _dot, step = code.partition(".")
        dimension_name = catalogue.dimensions.get(dimension, dimension)
        return f"{dimension_name} × {catalogue.steps.get(step, step)}"
    names = {"dimension": catalogue.dimensions, "step": catalogue.steps, "area": catalogue.areas}
    return names.get(level, {}).get(code, code)


def _rank_text(rank: int | None, ranked: int) -> str:
    return "–" if rank is None else _("{rank} of {count}").format(rank=rank, count=ranked)


def effect_table(effects: Sequence[FigureEffect], catalogue: Catalogue) -> pd.DataFrame:
    """Each figure a change moves: before and after, the change, and the rank before and after
    among the round's countries (computed figures, by the scoring rule)."""
    return pd.DataFrame(
        {
            _("Round"): [e.round_year for e in effects],
            _("Country"): _names([e.country for e in effects], catalogue.countries),
            _("Level"): [e.level for e in effects],
            _("Figure"): [figure_name(e.level, e.code, catalogue) for e in effects],
            _("Before"): [score_text(e.before) for e in effects],
            _("After"): [score_text(e.after) for e in effects],
            _("Change"): [
                "–" if e.before is None or e.after is None else signed_text(e.after - e.before)
                for e in effects
            ],
            _("Rank before"): [_rank_text(e.rank_before, e.ranked) for e in effects],
            _("Rank after"): [_rank_text(e.rank_after, e.ranked) for e in effects],
        }
    )


def feedback_table(items: Sequence[FeedbackItem], catalogue: Catalogue) -> pd.DataFrame:
    """Feedback on scores as the reviewers read it: the score it concerns, the value shown
    when it was sent, and what the visitor wrote, as plain text."""
    sent = [item.feedback for item in items]
    return pd.DataFrame(
        {
            _("No."): [f.id for f in sent],
            _("Received"): [moment_text(f.created_at) for f in sent],
            _("Round"): [f.round_year for f in sent],
            _("Country"): _names([f.country_code for f in sent], catalogue.countries),
            _("Indicator"): [f.indicator_code for f in sent],
            _("Value shown"): [value_text(f.value) for f in sent],
            _("What is wrong"): [f.what_is_wrong for f in sent],
            _("Evidence or link"): [f.evidence for f in sent],
            _("Contact"): [f.contact for f in sent],
        }
    )


def decided_feedback_table(items: Sequence[FeedbackItem], catalogue: Catalogue) -> pd.DataFrame:
    """Feedback already handled: what was sent, what became of it, by whom and when."""
    decisions = [item.decision for item in items]
    shown = feedback_table(items, catalogue).drop(columns=[_("Evidence or link"), _("Contact")])
    return shown.assign(
        **{
            _("Status"): [feedback_status_word(item.status) for item in items],
            _("By"): [d.decided_by if d else "" for d in decisions],
            _("When"): [moment_text(d.decided_at) if d else "" for d in decisions],
            _("Answer or reason"): [d.answer if d else "" for d in decisions],
            _("Revision"): [
                str(d.revision_id) if d and d.revision_id is not None else "" for d in decisions
            ],
        }
    )


def round_summaries_table(summaries: Sequence[RoundSummary]) -> pd.DataFrame:
    """Each round with its counts of current and carried-over values, situation date and
    country codes (codes, so that fourteen countries fit on one line)."""
    return pd.DataFrame(
        {
            _("Year"): [str(s.round.year) for s in summaries],
            _("Round"): [s.round.label for s in summaries],
            _("Current values"): [s.values for s in summaries],
            _("Carried over"): [s.carried for s in summaries],
            _("Situation on"): [s.round.situation for s in summaries],
            _("Countries"): [" ".join(s.round.countries) for s in summaries],
        }
    )
