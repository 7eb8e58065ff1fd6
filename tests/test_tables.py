"""The tables the pages show and download, built from literal data with no Streamlit."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from niem import tables
from niem.accounts import Account
from niem.changes import Change, ChangeKind, Preview
from niem.effects import FigureEffect
from niem.history import HistoryEntry, RevisionSummary
from niem.importing import Problem
from niem.models import Indicator, PublishedFigure, Revision
from niem.store import Catalogue, RoundInfo

NAN = float("nan")
SUBMITTED = datetime(2021, 6, 30, 14, 5)


@pytest.fixture
def catalogue() -> Catalogue:
    indicators = {
        "BRI-I-01": Indicator(
            code="BRI-I-01",
            dimension_code="building_bridges",
            step_code="implementation",
            title="Volunteering programmes",
            description="Who runs them",
        ),
        "BRI-S-01": Indicator(
            code="BRI-S-01",
            dimension_code="building_bridges",
            step_code="implementation",
            title="Volunteers per 1,000",
            scored=False,
        ),
    }
    return Catalogue(
        countries={"LV": "Latvia", "LT": "Lithuania"},
        areas={"socio_cultural": "Socio-cultural integration"},
        dimensions={"building_bridges": "Building bridges"},
        dimension_area={"building_bridges": "socio_cultural"},
        dimension_descriptions={"building_bridges": "Receiving society, participation"},
        steps={"implementation": "Implementation and collaboration"},
        step_descriptions={"implementation": "What happens in practice"},
        indicators=indicators,
    )


def _change(**values: object) -> Change:
    fields: dict[str, object] = {
        "round_year": 2021,
        "country": "LV",
        "indicator": "BRI-I-01",
        "kind": ChangeKind.CHANGED,
        "before": 42.0,
        "after": 92.0,
        "before_note": "",
        "after_note": "New law",
        "before_source": "",
        "after_source": "Ministry",
        "current_revision": 1,
    }
    return Change(**{**fields, **values})  # type: ignore[arg-type]


def _revision(**values: object) -> Revision:
    fields: dict[str, object] = {
        "id": 2,
        "author": "providus",
        "created_at": SUBMITTED,
        "comment": "Jauns likums",
        "kind": "upload",
        "status": "rejected",
        "file_name": "LV.csv",
        "reviewed_by": "anna",
        "review_reason": "Source missing",
    }
    return Revision(**{**fields, **values})


def test_the_ranking_names_countries_and_says_where_figure_and_rank_come_from(
    catalogue: Catalogue,
) -> None:
    figures = pd.DataFrame(
        {
            "rank_text": ["1st of 2", "2nd of 2"],
            "country": ["LT", "LV"],
            "shown": ["62.6", "50.7 published · 80.0 from current data"],
            "covered": [118, 120],
            "total": [120, 120],
            "origin": [
                "published figure, source example.org",
                "published figure, source example.org",
            ],
            "rank_origin": ["illustrative", "illustrative"],
            "source": ["https://example.org/lt", "https://example.org/lv"],
        }
    )
    table = tables.ranking_table(figures, catalogue)
    assert table.to_dict("list") == {
        "Rank": ["1st of 2", "2nd of 2"],
        "Country": ["Lithuania", "Latvia"],
        "Code": ["LT", "LV"],
        "Score": ["62.6", "50.7 published · 80.0 from current data"],
        "Where it comes from": [
            "published figure, source example.org",
            "published figure, source example.org",
        ],
        "Rank from": ["illustrative", "illustrative"],
        "Coverage": ["118 of 120", "120 of 120"],
        "Source": ["https://example.org/lt", "https://example.org/lv"],
    }


def test_a_change_table_shows_numbers_arrows_and_provenance(catalogue: Catalogue) -> None:
    changes = pd.DataFrame(
        {
            "country": ["LV", "LT", "XX"],
            "before": [40.0, 50.25, NAN],
            "after": [45.0, 49.0, 30.0],
            "change": [5.0, -1.25, NAN],
            "direction": ["up", "flat", "no comparison"],
            "origin": ["illustrative", "from published figures", ""],
        }
    )
    table = tables.change_table(changes, catalogue)
    assert table.to_dict("list") == {
        "Country": ["Latvia", "Lithuania", "XX"],
        "Before": ["40.0", "50.3", "no data"],
        "After": ["45.0", "49.0", "30.0"],
        "Change": ["+5.0", "-1.3", "–"],
        "Direction": ["▲ up", "▶ flat", "–"],
        "Where it comes from": ["illustrative", "from published figures", ""],
    }


def test_a_matrix_becomes_a_row_per_code_and_a_column_per_country_in_its_own_order() -> None:
    matrix = pd.DataFrame(
        {
            "code": ["b", "b", "a", "a"],
            "country": ["LV", "LT", "LV", "LT"],
            "shown": ["10.0", "62.5", "30.0", "insufficient data (1 of 3 indicators)"],
        }
    )
    table = tables.matrix_table(matrix, {"a": "Alpha", "b": "Beta"})
    assert table.columns.tolist() == ["", "LV", "LT"]
    assert table[""].tolist() == ["Beta", "Alpha"]
    assert table["LV"].tolist() == ["10.0", "30.0"]
    assert table["LT"].tolist() == ["62.5", "insufficient data (1 of 3 indicators)"]


def test_published_figures_are_newest_round_and_highest_score_first(
    catalogue: Catalogue,
) -> None:
    figures = [
        PublishedFigure(
            round_year=2017, country_code="LV", level="step", code="implementation",
            value=21.7, source_url="https://a",
        ),
        PublishedFigure(
            round_year=2021, country_code="LV", level="overall", value=50.7,
            source_url="https://b", note="from the 2022 report",
        ),
        PublishedFigure(
            round_year=2021, country_code="LT", level="overall", value=62.6,
            source_url="https://c",
        ),
    ]
    table = tables.published_table(figures, catalogue)
    assert table.values.tolist() == [
        [2021, "Lithuania", "Overall", "62.6", "https://c", ""],
        [2021, "Latvia", "Overall", "50.7", "https://b", "from the 2022 report"],
        [2017, "Latvia", "Step: Implementation and collaboration", "21.7", "https://a", ""],
    ]


def test_the_framework_tables_say_which_indicators_are_scored(catalogue: Catalogue) -> None:
    assert tables.dimensions_table(catalogue).values.tolist() == [
        ["Socio-cultural integration", "Building bridges", "Receiving society, participation"]
    ]
    assert tables.framework_indicators_table(catalogue)["Scored"].tolist() == [
        "scored",
        "statistical (not scored)",
    ]
    rounds = [RoundInfo(2021, "2021", "Evaluation 2 (2021)", "2022", ("LT", "LV"))]
    assert tables.rounds_table(rounds, catalogue)["Countries"].tolist() == ["Lithuania, Latvia"]


def test_the_validation_report_has_headings_people_read() -> None:
    problems = [Problem(None, "", "the file is empty"), Problem(3, "score", '"x" is no number')]
    table = tables.problems_shown(problems)
    assert table.columns.tolist() == ["Row", "Column", "Problem"]
    assert table["Row"].tolist() == [pd.NA, 3]


def test_a_preview_lists_only_rows_that_change_and_marks_conflicts(
    catalogue: Catalogue,
) -> None:
    preview = Preview(
        [
            _change(row=2, kind=ChangeKind.UNCHANGED, after=42.0),
            _change(row=3, after=42.0, after_note="Better note"),
            _change(row=4, indicator="XYZ-1", kind=ChangeKind.NEW, before=None, conflict=True),
        ]
    )
    table = tables.preview_table(preview, catalogue)
    assert table[["Row", "Title", "Change", "Before", "After"]].values.tolist() == [
        [3, "Volunteering programmes", "note or source changed", "42", "42"],
        [4, "XYZ-1", "new", "no data", "92"],
    ]
    assert table["Changed by someone else"].tolist() == ["", "yes, since your template"]


def test_a_diff_shows_notes_before_and_after(catalogue: Catalogue) -> None:
    table = tables.changes_table([_change(after=None, kind=ChangeKind.TO_NO_DATA)], catalogue)
    assert table.iloc[0].to_dict() == {
        "Round": 2021,
        "Country": "LV",
        "Indicator": "BRI-I-01",
        "Title": "Volunteering programmes",
        "Before": "42",
        "After": "no data",
        "Note before": "",
        "Note after": "New law",
        "Source before": "no source",
        "Source after": "Ministry",
    }


def test_an_effect_table_names_each_figure_and_its_rank_before_and_after(
    catalogue: Catalogue,
) -> None:
    moved = [
        FigureEffect(2021, "LV", "cell", "building_bridges.implementation", 50.0, 80.0, 4, 1, 14),
        FigureEffect(2021, "LV", "dimension", "building_bridges", 65.0, None, 2, None, 14),
        FigureEffect(2021, "LV", "overall", "", 47.54, 48.0, 9, 8, 14),
    ]
    assert tables.effect_table(moved, catalogue).values.tolist() == [
        [
            2021,
            "Latvia",
            "cell",
            "Building bridges × Implementation and collaboration",
            "50.0",
            "80.0",
            "+30.0",
            "4 of 14",
            "1 of 14",
        ],
        [2021, "Latvia", "dimension", "Building bridges", "65.0", "no data", "–", "2 of 14", "–"],
        [2021, "Latvia", "overall", "Overall", "47.5", "48.0", "+0.5", "9 of 14", "8 of 14"],
    ]


def test_revisions_say_who_when_and_what_became_of_them() -> None:
    summary = RevisionSummary(_revision(), 3, ("LV",), (2021,))
    table = tables.revisions_table([summary])
    assert table.iloc[0].to_dict() == {
        "Revision": 2,
        "Status": "rejected",
        "Author": "providus",
        "Submitted": "2021-06-30 14:05 UTC",
        "Comment": "Jauns likums",
        "File": "LV.csv",
        "Countries": "LV",
        "Rounds": "2021",
        "Scores": 3,
        "Review": "rejected by anna: Source missing",
    }
    details = tables.revision_details(summary)
    assert details.values.tolist() == [
        ["Status", "rejected"],
        ["Author", "providus"],
        ["Submitted", "2021-06-30 14:05 UTC"],
        ["Comment", "Jauns likums"],
        ["How", "file upload"],
        ["File", "LV.csv"],
        ["Review", "rejected by anna: Source missing"],
    ]


def test_the_history_marks_the_current_value(catalogue: Catalogue) -> None:
    entry = HistoryEntry(
        round_year=2021,
        country="LV",
        indicator="BRI-I-01",
        value=10.0,
        note="",
        source="",
        revision_id=2,
        kind="upload",
        status="published",
        author="providus",
        created_at=SUBMITTED,
        published_at=datetime(2021, 7, 1, 9, 0),
        comment="why",
        reviewed_by="anna",
        reviewed_at=None,
        review_reason=None,
        current=True,
    )
    row = tables.history_table([entry], catalogue).iloc[0]
    assert (row["When"], row["Value"], row["Status"]) == (
        "2021-07-01 09:00 UTC",
        "10",
        "published, current",
    )


def test_accounts_show_their_countries_and_whether_they_may_sign_in(
    catalogue: Catalogue,
) -> None:
    users = [Account("anna", "coordinator"), Account("lv", "partner", ("LV",), disabled=True)]
    assert tables.accounts_table(users, catalogue).values.tolist() == [
        ["anna", "coordinator", "", "yes"],
        ["lv", "partner", "Latvia (LV)", "no, disabled"],
    ]
