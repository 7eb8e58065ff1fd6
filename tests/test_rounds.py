"""Rounds and countries as data: open a round, add a country, and everything works on it."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from niem import accounts, revisions, rounds
from niem.accounts import OPERATOR
from niem.cli import cli
from niem.current import rebuild_current_values
from niem.database import open_session
from niem.errors import NiemError, PermissionDenied
from niem.importing import UploadRow
from niem.models import CurrentValue, Revision, Score
from niem.provenance import Strength, of_figure
from niem.results import build_results, load_results
from niem.store import (
    RoundInfo,
    current_values,
    derive_published_values,
    load_current_scores,
    load_framework,
    load_published_figures,
    load_rounds,
)
from tests.conftest import table_rows
from tests.test_pages import PAGES, _use, open_page

pytestmark = pytest.mark.both_databases


def run(*args: str, stdin: str = "") -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.output


def test_a_round_is_opened_and_a_country_added(engine: Engine) -> None:
    with open_session(engine) as session:
        opened = rounds.add_round(
            session,
            2023,
            label="Evaluation 3",
            situation="2023-06-30",
            countries=["LV", "de"],
            by=OPERATOR,
        )
        assert opened == RoundInfo(2023, "2023-06-30", "Evaluation 3", "", ("DE", "LV"))
        changed = rounds.add_country(session, 2023, "United Kingdom", by=OPERATOR)
        assert changed.countries == ("DE", "GB", "LV")


@pytest.mark.parametrize(
    ("year", "countries", "message"),
    [
        (
            2021,
            ["LV"],
            "round 2021 exists already; add countries to it on the Manage rounds page or with "
            "`niem round add-country`",
        ),
        (1999, ["LV"], "the round's year must be from 2000 to 2100"),
        (2023, [], "a round needs at least one country"),
        (2023, ["Atlantis"], "unknown country 'Atlantis'; use an ISO code such as LV"),
    ],
)
def test_a_bad_round_is_refused_and_nothing_written(
    engine: Engine, year: int, countries: list[str], message: str
) -> None:
    before = table_rows(engine)
    with open_session(engine) as session, pytest.raises(NiemError) as refused:
        rounds.add_round(
            session, year, label="x", situation="2023", countries=countries, by=OPERATOR
        )
    assert str(refused.value) == message
    assert table_rows(engine) == before


def test_only_a_coordinator_opens_rounds(engine: Engine) -> None:
    with open_session(engine) as session:
        partner = accounts.add_user(session, "lv", "partner", "correct horse", ["LV"], by=OPERATOR)
        with pytest.raises(PermissionDenied) as refused:
            rounds.add_country(session, 2021, "DE", by=partner)
        assert str(refused.value) == (
            "only a coordinator may open rounds and add countries to them"
        )
        with pytest.raises(PermissionDenied):
            rounds.add_round(session, 2023, label="x", situation="x", countries=["LV"], by=None)


def test_a_new_country_in_a_new_round_is_uploaded_approved_exported_and_checked(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("init")[0] == 0
    assert run(
        "round",
        "add",
        "2023",
        "--label",
        "Evaluation 3",
        "--situation",
        "2023-06-30",
        "--countries",
        "LV",
    ) == (0, "Opened round 2023 (Evaluation 3) for LV.\n")
    assert run("round", "add-country", "2023", "DE") == (0, "Round 2023 now has DE LV.\n")
    assert run("round", "list")[1].splitlines()[-1].split() == [
        "2023",
        "Evaluation",
        "3",
        "2023-06-30",
        "0",
        "0",
        "DE",
        "LV",
    ]
    # Each page opens on the empty round, with the empty-data wording.
    _use(database_url, monkeypatch)
    for page in PAGES:
        app = open_page(page, round="2023", country="DE")
        assert not app.exception, page
    template = tmp_path / "de.csv"
    assert run("template", "--country", "DE", "--round", "2023", "-o", str(template))[0] == 0
    rows = list(csv.DictReader(io.StringIO(template.read_text(encoding="utf-8-sig"))))
    assert {r["country"] for r in rows} == {"DE"}
    for row in rows:
        row["score"] = "60"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    template.write_text(out.getvalue(), encoding="utf-8")
    password = "correct horse\n"
    assert run("user", "add", "de", "--role", "partner", "--country", "DE", stdin=password)[0] == 0
    assert run("user", "add", "coord", "--role", "coordinator", stdin=password)[0] == 0
    code, output = run("import", str(template), "--user", "de", "--comment", "first scores")
    assert code == 0, output
    assert run("approve", "2", "--user", "coord")[0] == 0
    code, exported = run("export", "--round", "2023", "--country", "DE", "--level", "overall")
    assert code == 0
    assert [r["score"] for r in csv.DictReader(io.StringIO(exported))] == ["60"]
    code, checked = run("check")
    assert code == 0
    for page in PAGES:
        app = open_page(page, round="2023", country="DE")
        assert not app.exception, page


def _open_2023(session: Session, *countries: str, carry_over: bool = True) -> RoundInfo:
    return rounds.add_round(
        session,
        2023,
        label="Evaluation 3",
        situation="2023-06-30",
        countries=list(countries),
        by=OPERATOR,
        carry_over=carry_over,
    )


def _rows_of(engine: Engine, year: int) -> dict[str, list[tuple[object, ...]]]:
    """The stored values and current values of one round, to see that nothing changed."""
    rows = table_rows(engine)
    return {
        "score": [r for r in rows["score"] if r[2] == year],
        "currentvalue": [r for r in rows["currentvalue"] if r[0] == year],
    }


def test_a_round_carried_over_starts_from_the_previous_rounds_values_marked_so(
    engine: Engine,
) -> None:
    before = _rows_of(engine, 2021)
    with open_session(engine) as session:
        _open_2023(session, "LV", "LT", "DE")
        carried = session.exec(
            select(CurrentValue).where(CurrentValue.round_year == 2023)
        ).all()
        # 120 current values each for Latvia and Lithuania in 2021; Germany was not there.
        assert len(carried) == 240
        assert {c.country_code for c in carried} == {"LV", "LT"}
        assert {c.provenance for c in carried} == {"carried:2021:illustrative"}
        [revision] = session.exec(select(Revision).where(Revision.kind == "carry-over")).all()
        assert (revision.status, revision.author, revision.comment) == (
            "published",
            "operator",
            "Carried over from round 2021 as the starting point of round 2023.",
        )
        bri = next(c for c in carried if (c.country_code, c.indicator_code) == ("LV", "BRI-I-01"))
        old = session.exec(
            select(CurrentValue).where(
                CurrentValue.round_year == 2021,
                CurrentValue.country_code == "LV",
                CurrentValue.indicator_code == "BRI-I-01",
            )
        ).one()
        assert (bri.value, bri.note, bri.source) == (old.value, old.note, old.source)
        assert session.get(Score, bri.score_id).carried_from_id == old.score_id  # type: ignore[union-attr]
        summary = rounds.round_summaries(session)[-1]
        assert (summary.round.year, summary.values, summary.carried) == (2023, 240, 240)
        # The table and the history agree, and a rebuild gives the same marking.
        assert current_values(session) == derive_published_values(session)
    assert _rows_of(engine, 2021) == before
    words = of_figure("carried:2021:illustrative", 1, 1)
    assert words is not None
    assert (words.words, words.strength) == (
        "carried over from 2021 · illustrative",
        Strength.ILLUSTRATIVE,
    )


def test_figures_over_carried_values_say_so_and_stay_illustrative(engine: Engine) -> None:
    with open_session(engine) as session:
        _open_2023(session, "LV")
        results = load_results(session, [2021, 2023])
    lv = results[results["country"] == "LV"].set_index(["round", "level", "code"])
    assert lv.loc[(2023, "indicator", "BRI-I-01"), "provenance"] == "carried:2021:illustrative"
    assert lv.loc[(2023, "overall", ""), "provenance"] == "with-carried:2021:illustrative"
    assert lv.loc[(2023, "overall", ""), "computed"] == lv.loc[(2021, "overall", ""), "computed"]
    overall = of_figure("with-carried:2021:illustrative", 118, 120)
    assert overall is not None
    assert (overall.words, overall.strength) == (
        "illustrative, including values carried over from 2021",
        Strength.ILLUSTRATIVE,
    )
    computed = of_figure("with-carried:2021:computed", 118, 120)
    assert computed is not None
    assert (computed.words, computed.strength) == (
        "computed from 118 of 120 indicators, including values carried over from 2021",
        Strength.COMPUTED,
    )
    # The row-by-row path and the column path give the same figures and marking.
    with open_session(engine) as session:
        by_rows = build_results(
            load_framework(session),
            [r for r in load_rounds(session) if r.year == 2023],
            load_current_scores(session),
            load_published_figures(session),
        )
    by_columns = results[results["round"] == 2023]
    assert by_rows["provenance"].tolist() == by_columns["provenance"].tolist()


def test_a_carried_expert_value_says_so_and_a_new_value_replaces_it(engine: Engine) -> None:
    with open_session(engine) as session:
        coordinator = accounts.add_user(
            session, "coord", "coordinator", "correct horse", by=OPERATOR
        )
        expert = revisions.submit(
            session,
            [UploadRow(2, 2021, "LV", "BRI-I-01", 61.0, "new law", "https://likumi.lv", None)],
            user=coordinator,
            comment="2021 value",
        )
        rounds.add_round(
            session,
            2023,
            label="Evaluation 3",
            situation="2023-06-30",
            countries=["LV"],
            by=coordinator,
            carry_over=True,
        )
        key = (2023, "LV", "BRI-I-01")
        carried = current_values(session, [key])[key]
        assert (carried.value, carried.note, carried.author) == (61.0, "new law", "coord")
        assert carried.provenance == f"carried:2021:revision:{expert.id}"
        shown = of_figure(carried.provenance, 1, 1, country="LV", revised="2026-11-20")
        assert shown is not None
        assert shown.words == (
            f"carried over from 2021 · expert data, revision {expert.id}, LV, 2026-11-20"
        )
        fresh = revisions.submit(
            session,
            [UploadRow(2, 2023, "LV", "BRI-I-01", 70.0, "", "", carried.revision_id)],
            user=coordinator,
            comment="2023 value",
        )
        assert current_values(session, [key])[key].provenance == f"revision:{fresh.id}"
        revisions.rollback(session, fresh.id or 0, user=coordinator)
        restored = current_values(session, [key])[key]
        assert (restored.value, restored.provenance) == (
            61.0,
            f"carried:2021:revision:{expert.id}",
        )
        assert current_values(session) == derive_published_values(session)


def test_a_value_carried_twice_names_the_round_it_came_from(engine: Engine) -> None:
    with open_session(engine) as session:
        _open_2023(session, "LV")
        rounds.add_round(
            session,
            2025,
            label="Evaluation 4",
            situation="2025",
            countries=["LV"],
            by=OPERATOR,
            carry_over=True,
        )
        provenances = session.exec(
            select(CurrentValue.provenance).where(CurrentValue.round_year == 2025).distinct()
        ).all()
        assert provenances == ["carried:2023:illustrative"]
        rebuild_current_values(session)
        again = session.exec(
            select(CurrentValue.provenance).where(CurrentValue.round_year == 2025).distinct()
        ).all()
        assert again == ["carried:2023:illustrative"]


def test_carrying_over_needs_a_round_before_and_writes_nothing_without_one(
    engine: Engine,
) -> None:
    before = table_rows(engine)
    with open_session(engine) as session, pytest.raises(NiemError) as refused:
        rounds.add_round(
            session,
            2010,
            label="Before",
            situation="2010",
            countries=["LV"],
            by=OPERATOR,
            carry_over=True,
        )
    assert str(refused.value) == "there is no round before 2010 to carry values over from"
    assert table_rows(engine) == before


def test_a_round_of_new_countries_only_carries_nothing_over(engine: Engine) -> None:
    with open_session(engine) as session:
        _open_2023(session, "DE", "BE")
        assert rounds.round_summaries(session)[-1].values == 0
        kinds = session.exec(select(col(Revision.kind)).distinct()).all()
    assert "carry-over" not in kinds


def test_the_command_line_carries_a_round_over(database_url: str) -> None:
    assert run("init")[0] == 0
    assert run(
        "round",
        "add",
        "2023",
        "--label",
        "Evaluation 3",
        "--situation",
        "2023-06-30",
        "--countries",
        "LV",
        "GB",
        "--carry-over",
    ) == (
        0,
        "Opened round 2023 (Evaluation 3) for GB LV.\nCarried over 120 values from round 2021.\n",
    )
    assert run("round", "list")[1].splitlines()[-1].split() == [
        "2023",
        "Evaluation",
        "3",
        "2023-06-30",
        "120",
        "120",
        "GB",
        "LV",
    ]
    code, exported = run("export", "--round", "2023", "--country", "LV", "--level", "indicator")
    assert code == 0
    provenances = Counter(r["provenance"] for r in csv.DictReader(io.StringIO(exported)))
    # The framework's other 8 indicators had no value in 2021, so none is carried over.
    assert provenances == {"carried:2021:illustrative": 120, "": 8}
    code, checked = run("check")
    assert code == 0, checked
