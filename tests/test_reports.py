"""The national briefs and comparative reports: every one of the shipped data, read back."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from niem.cli import cli
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.explorer import country_profile
from niem.i18n import using_language
from niem.loading import initialise
from niem.provenance import Strength
from niem.reports.brief import build_brief, lowest_indicators, overall_text
from niem.reports.pdf import text, version_text
from niem.reports.report import build_report
from niem.reports.sources import ReportData, load_report_data, own_name
from niem.wording import score_text

GENERATED = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
LETTERS = "āēīūģķļņšžłśżřůșțőű"
ROUNDS = {2017: 14, 2019: 14, 2021: 14}
SHIPPED_ROUND_COUNTRIES = [
    (year, country)
    for year, countries in (
        (2017, "CZ ES FR GR HU IT LT LV NL PL PT RO SE SI"),
        (2019, "BG CZ ES FR GR HU IT LT LV NL PL RO SE SI"),
        (2021, "BG CZ ES FR GR HU IT LT LV NL PL RO SE SI"),
    )
    for country in countries.split()
]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> ReportData:
    url = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'niem.db'}"
    engine = make_engine(url)
    initialise(engine, load_settings())
    with open_session(engine) as session:
        return load_report_data(session)


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def briefs(data: ReportData) -> dict[tuple[int, str], list[str]]:
    return {
        (year, country): pages_of(build_brief(data, year, country, GENERATED))
        for year, country in SHIPPED_ROUND_COUNTRIES
    }


@pytest.fixture(scope="module")
def reports(data: ReportData) -> dict[int, list[str]]:
    return {year: pages_of(build_report(data, year, GENERATED)) for year in ROUNDS}


def test_the_shipped_rounds_are_the_ones_briefed(data: ReportData) -> None:
    shipped = [(r.year, c) for r in data.rounds for c in r.countries]
    assert sorted(shipped) == sorted(SHIPPED_ROUND_COUNTRIES)
    assert len(shipped) == 42


@pytest.mark.parametrize(("year", "country"), SHIPPED_ROUND_COUNTRIES)
def test_every_brief_is_two_pages_with_the_profile_numbers(
    data: ReportData, briefs: dict[tuple[int, str], list[str]], year: int, country: str
) -> None:
    pages = briefs[(year, country)]
    assert len(pages) == 2
    whole = "\n".join(pages)
    name = data.catalogue.countries[country]
    assert name in pages[0]
    profile = country_profile(data.results, data.rounds, year, country, data.facts)
    # The profile's headline shows the rounded figure (or the words for an empty one).
    assert overall_text(profile) == score_text(profile.overall["score"])
    assert f"Overall score: {score_text(profile.overall['score'])} (" in whole
    # The country's own name, diacritics and all, as it is written.
    own = own_name(country)
    assert own in pages[0]
    for page in pages:
        assert "generated 2026-11-27 09:30 UTC" in page
        assert f"data version: {version_text(data.version)}" in " ".join(page.split())
        assert "illustrative" in page
    # Every illustrative dimension figure is labelled so where it is listed.
    for row in profile.weakest.itertuples():
        if row.strength == int(Strength.ILLUSTRATIVE):
            assert f"{row.shown} · {data.catalogue.dimensions[row.code]} (illustrative)" in whole


def test_the_latvian_brief_says_what_the_profile_says(
    briefs: dict[tuple[int, str], list[str]],
) -> None:
    first, second = briefs[(2021, "LV")]
    assert "Latvia (Latvija): Evaluation 2 (2021)" in first
    assert "Overall score: 50.7 (published figure, source ogreszinas.news)" in first
    assert "Rank: 8th of 14 (illustrative)" in first
    assert "Change since 2019: +0.7 (illustrative)" in first
    assert "Illustrative data: the indicator scores are generated" in first
    assert "37.3 · Language learning and social orientation (illustrative)" in first
    assert "LAN-I-02 Reach of language and social orientation courses: 0 (illustrative)" in (
        " ".join(second.split())
    )
    assert "illustrative example, not a real project" in second
    assert "page 2 of 2" in second


def test_names_with_diacritics_come_back_intact(
    briefs: dict[tuple[int, str], list[str]], reports: dict[int, list[str]]
) -> None:
    assert "Czechia (Česko)" in briefs[(2021, "CZ")][0]
    assert "Romania (România)" in briefs[(2017, "RO")][0]
    assert "Hungary (Magyarország)" in briefs[(2019, "HU")][0]
    ranking = reports[2021][1]
    for name in ("Czechia (Česko)", "Romania (România)", "Hungary (Magyarország)",
                 "Spain (España)", "Greece (Ελλάδα)", "Bulgaria (България)"):
        assert name in ranking


def test_a_decomposed_note_is_written_and_read_back_composed(data: ReportData) -> None:
    lowest = lowest_indicators(data, 2021, "LV").iloc[0]
    typed = "Jānis Bērziņš (Łódź, Ștefan, Erdős): " + LETTERS
    decomposed = unicodedata.normalize("NFD", typed)
    assert decomposed != typed
    results = data.results.copy()
    mask = (
        (results["round"] == 2021)
        & (results["country"] == "LV")
        & (results["level"] == "indicator")
        & (results["code"] == lowest["code"])
    )
    results.loc[mask, "note"] = decomposed
    pages = pages_of(build_brief(replace(data, results=results), 2021, "LV", GENERATED))
    assert typed in " ".join(pages[1].split())


def test_the_shipped_font_has_every_letter_the_partners_write() -> None:
    fonts = load_settings().fonts_dir
    for file in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        cmap = TTFont(fonts / file).getBestCmap()
        assert [c for c in LETTERS + LETTERS.upper() if ord(c) not in cmap] == []
    assert (fonts / "LICENSE-DejaVu.txt").exists()


def test_pdf_text_is_composed_and_printable() -> None:
    assert text("a\u0304\x07b") == "ā b"
    assert text(None) == ""


@pytest.mark.parametrize("year", list(ROUNDS))
def test_every_comparative_report_has_its_pages_and_every_country(
    data: ReportData, reports: dict[int, list[str]], year: int
) -> None:
    pages = reports[year]
    # Map and headline, ranking, four areas, the change, method and sources.
    assert len(pages) == 8
    assert pages[0].startswith(f"Refugee integration in Europe: {data.round_info(year).label}")
    ranking = " ".join(pages[1].split())
    info = data.round_info(year)
    overall = data.results[
        (data.results["round"] == year) & (data.results["level"] == "overall")
    ]
    assert len(overall) == len(info.countries)
    for row in overall.itertuples():
        assert data.catalogue.countries[row.country] in ranking
        assert score_text(row.score) in ranking
    for page in pages:
        # Every page showing figures says which are illustrative (the first round's change
        # page shows none).
        assert "illustrative" in page or "is the first round" in page
        assert f"{info.label} · generated 2026-11-27 09:30 UTC" in page
    titles = [" ".join(p.split()) for p in pages]
    assert "General conditions: its dimensions across countries" in titles[2]
    assert "Legal integration: its dimensions across countries" in titles[3]
    assert "Socio-economic integration: its dimensions across countries" in titles[4]
    assert "Socio-cultural integration: its dimensions across countries" in titles[5]
    assert titles[7].startswith("Method")


def test_the_2021_report_gives_the_published_figures_with_their_sources(
    reports: dict[int, list[str]],
) -> None:
    first, ranking = (" ".join(p.split()) for p in reports[2021][:2])
    assert "Highest: 72.5 Sweden (published figure, source diversitygroup.lt)" in first
    assert "Average: 51.0 (illustrative)" in first
    assert "1st of 14 Sweden (Sverige) 72.5 published figure, source diversitygroup.lt" in ranking
    change = " ".join(reports[2021][6].split())
    assert "Change in the overall score since 2019" in change
    assert "first round" in " ".join(reports[2017][6].split())


def test_version_text_names_the_counts_and_the_last_change() -> None:
    assert version_text((3, 26, "2026-11-27 10:02:11.5|2026-11-27 10:05:00")) == (
        "3 revisions, 26 published figures and facts, last change 2026-11-27 10:05"
    )
    assert version_text((0, 26, "None|None")) == "0 revisions, 26 published figures and facts"


def test_brief_and_report_commands_write_pdfs_and_refuse_bad_choices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'niem.db'}"
    monkeypatch.setenv("NIEM_DATABASE_URL", url)
    runner = CliRunner()
    missing = runner.invoke(cli, ["brief", "--country", "LV", "--round", "2021"])
    assert missing.exit_code == 1
    assert missing.stderr == "Error: the database has no data yet; run `niem init` first\n"
    assert runner.invoke(cli, ["init"]).exit_code == 0
    target = tmp_path / "lv.pdf"
    done = runner.invoke(cli, ["brief", "--country", "latvia", "--round", "2021", "-o",
                               str(target)])
    assert done.exit_code == 0, done.stderr
    assert done.stderr.startswith(f"Wrote {target} (")
    assert len(PdfReader(target).pages) == 2
    for args, message in (
        (["brief", "--country", "XX", "--round", "2021"],
         "Error: unknown country 'XX'; use an ISO code such as LV\n"),
        (["brief", "--country", "LV", "--round", "2020"],
         "Error: there is no round 2020; choose one of 2017, 2019, 2021\n"),
        (["brief", "--country", "BG", "--round", "2017"],
         "Error: BG is not in round 2017; its countries are CZ, ES, FR, GR, HU, IT, LT, LV, "
         "NL, PL, PT, RO, SE, SI\n"),
        (["report", "--round", "1999"],
         "Error: there is no round 1999; choose one of 2017, 2019, 2021\n"),
    ):
        refused = runner.invoke(cli, args)
        assert (refused.exit_code, refused.stderr) == (1, message)
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["lv.pdf"]


def test_lowest_indicators_are_the_three_lowest_scored_values(data: ReportData) -> None:
    lowest = lowest_indicators(data, 2021, "LV")
    assert list(lowest["score"]) == sorted(lowest["score"])
    assert len(lowest) == 3
    assert bool(pd.Series(lowest["scored"]).all())


@pytest.fixture(scope="module")
def latvian_data(tmp_path_factory: pytest.TempPathFactory) -> ReportData:
    url = f"sqlite:///{tmp_path_factory.mktemp('reports_lv') / 'niem.db'}"
    engine = make_engine(url)
    initialise(engine, load_settings())
    with open_session(engine) as session:
        return load_report_data(session, "lv")


def test_a_latvian_brief_is_in_latvian_with_its_diacritics_intact(latvian_data: ReportData) -> None:
    with using_language("lv"):
        first, second = pages_of(build_brief(latvian_data, 2021, "LV", GENERATED))
    first = unicodedata.normalize("NFC", first)
    assert first.startswith("Latvija: 2. izvērtēšanas posms (2021)\n")
    assert "• Kopējais vērtējums: 50,7 (publicēts rādītājs, avots ogreszinas.news)" in first
    assert "• Vieta: 8. no 14 (ilustratīvs)" in first
    assert "• Tiesiskā regulējuma noteikšana: 67,6 (ilustratīvs)" in first
    assert "• 66,5 · Integrācijas politikas koordinācija (ilustratīvs)" in first
    assert "Overall" not in first and "Legal" not in first


def test_a_latvian_report_names_countries_in_latvian(latvian_data: ReportData) -> None:
    with using_language("lv"):
        pages = pages_of(build_report(latvian_data, 2021, GENERATED))
    shown = unicodedata.normalize("NFC", "\n".join(pages))
    for name in ("Latvija", "Lietuva", "Zviedrija", "Čehija", "Ungārija"):
        assert name in shown
    assert "Evaluation 2" not in shown
