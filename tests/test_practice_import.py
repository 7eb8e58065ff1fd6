"""Reading practice files: every malformed file gives exact problems; good files exact rows.

The text files live in tests/uploads/practices/ so that anyone can open them.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from openpyxl import Workbook

from niem.config import ReadLimits
from niem.practice_import import (
    PracticeContext,
    PracticeRow,
    PracticeUpload,
    check_practice_form,
    read_practices,
    safe_link,
)

CORPUS = Path(__file__).parent / "uploads" / "practices"
PARTNER = PracticeContext(
    countries=frozenset("BG CZ EE ES FR GR HU IT LT LV NL PL PT RO SE SI".split()),
    dimensions={
        "language_learning": "Language learning and social orientation",
        "building_bridges": "Building bridges",
        "employment": "Employment",
        "housing": "Housing",
    },
    steps={
        "legal": "Setting the legal framework",
        "policy": "Building the policy framework",
        "implementation": "Implementation and collaboration",
    },
    practice_ids=frozenset({1, 2}),
    editable_countries=frozenset({"LV", "LT"}),
    limits=ReadLimits(),
)
HEADER = "title,countries,dimensions,steps,organisation,year_from,year_to,summary,evidence,link"
DIMENSION_HINT = "enter codes such as language_learning, or names, separated by commas"
COUNTRY_HINT = "enter ISO codes such as LV, LT, or English names, separated by commas"
LINK_HINT = "enter a link that starts with https:// or http://, or leave it empty"
FORM = {
    "title": "Language café",
    "countries": "LV",
    "dimensions": "language_learning",
    "steps": "implementation",
    "organisation": "A library",
    "year_from": 2019,
    "year_to": None,
    "summary": "Weekly meetings",
    "evidence": "",
    "link": "",
}


def read(name: str, context: PracticeContext = PARTNER) -> PracticeUpload:
    return read_practices((CORPUS / name).read_bytes(), name, context)


def problems(name: str, context: PracticeContext = PARTNER) -> list[str]:
    """The problems as the CLI prints them; a file with problems gives no rows at all."""
    result = read(name, context)
    assert result.rows == [] and not result.valid
    return [str(p) for p in result.problems]


def form_problems(context: PracticeContext = PARTNER, **values: object) -> list[tuple[str, str]]:
    result = check_practice_form({**FORM, **values}, context)
    assert result.rows == [] and not result.valid
    return [(p.column, p.message) for p in result.problems]


def test_a_file_without_the_required_columns_names_each_missing_one() -> None:
    present = "(the file's columns are: title, countries, summary)"
    assert problems("missing-columns.csv") == [
        f'row 1, column {name}: required column is missing; add a column named "{name}" {present}'
        for name in ("dimensions", "steps", "organisation", "year_from")
    ]


def test_unknown_countries_are_refused_each_by_name() -> None:
    assert problems("bad-country.csv") == [
        f'row 2, column countries: "XX" is not a known country; {COUNTRY_HINT}',
        f'row 3, column countries: "Atlantis" is not a known country; {COUNTRY_HINT}',
    ]


def test_a_partner_may_name_only_its_own_countries() -> None:
    only_lithuania = replace(PARTNER, editable_countries=frozenset({"LT"}))
    assert form_problems(only_lithuania, countries="Latvia, LT") == [
        (
            "countries",
            "you may submit practices only for LT; remove LV or ask the coordinator for access",
        )
    ]


def test_unknown_and_missing_dimensions_are_refused() -> None:
    assert problems("bad-dimension.csv") == [
        f'row 2, column dimensions: "cooking" is not a known code or name; {DIMENSION_HINT}',
        f"row 3, column dimensions: is empty; {DIMENSION_HINT}",
    ]


def test_links_must_be_http_or_https() -> None:
    assert problems("bad-link-scheme.csv") == [
        'row 2, column link: "javascript:alert(document.cookie)" is not a web address; '
        + LINK_HINT,
        f'row 3, column link: "ftp://example.org/x" is not a web address; {LINK_HINT}',
    ]


def test_links_that_could_mislead_are_not_safe() -> None:
    assert [
        safe_link(link)
        for link in (
            "https://example.org/a?b=c",
            "HTTP://EXAMPLE.ORG",
            "javascript:alert(1)",
            "data:text/html,<script>",
            "https://",
            "https://example.org/a b",
            "//example.org",
            "https://exa\tmple.org",
        )
    ] == [True, True, False, False, False, False, False, False]


def test_years_must_be_years_in_order() -> None:
    assert problems("years-reversed.csv") == [
        "row 2, column year_to: 2019 is before year_from 2021; swap the two years",
        'row 3, column year_from: "twenty" is not a year from 1950 to 2100; '
        "enter a year such as 2021",
        'row 3, column year_to: "1800" is not a year from 1950 to 2100; enter a year such as 2021',
    ]


def test_an_empty_title_is_refused() -> None:
    assert problems("empty-title.csv") == [
        "row 2, column title: is empty; give the practice a short title",
        "row 3, column title: is empty; give the practice a short title",
    ]


def test_over_long_text_is_refused_without_echoing_it() -> None:
    assert problems("over-long-text.csv") == [
        "row 2, column summary: is 3,001 characters long, over the limit of 3,000; shorten it",
        "row 3, column title: is 201 characters long, over the limit of 200; shorten it",
    ]


def test_control_characters_in_text_are_refused_by_code() -> None:
    assert form_problems(title="Mentors\x1b[2J", summary="Line one\nline two\x07") == [
        ("title", "contains a control character (U+001B); remove it"),
        ("summary", "contains a control character (U+0007); remove it"),
    ]


def test_a_repeated_practice_is_refused_whatever_its_case_and_spaces() -> None:
    assert problems("duplicate-rows.csv") == [
        "row 4, column title: repeats row 2 (same title and countries); "
        "keep only one of the two rows"
    ]


def test_a_file_over_the_limit_is_refused_before_reading() -> None:
    small = replace(PARTNER, limits=ReadLimits(bytes=100))
    data = (HEADER + "\n" + "x," * 60).encode()
    result = read_practices(data, "big.csv", small)
    assert [str(p) for p in result.problems] == [
        "file: the file is 206 bytes, over the limit of 100 bytes; "
        "split it into smaller files or remove rows you did not change"
    ]


def test_a_file_that_is_not_a_table_gets_the_readers_message() -> None:
    result = read_practices(b"%PDF-1.7 ...", "practices.pdf", PARTNER)
    assert [str(p) for p in result.problems] == [
        'file: "practices.pdf" is a PDF document, not a CSV or XLSX file; '
        "save the scores from Excel as CSV or XLSX and upload that"
    ]


def test_a_practice_number_must_be_one_of_the_practices() -> None:
    assert form_problems(practice="99") == [
        (
            "practice",
            '"99" is not the number of a practice here; leave it empty for a new practice, '
            "or keep the number from the downloaded list",
        )
    ]


def test_a_latvian_excel_file_with_semicolons_names_and_all_steps_is_read() -> None:
    result = read("good-latvian-cp1257.csv")
    assert result.problems == []
    assert [str(n) for n in result.notices] == [
        "file: the file was read as Windows-1257 text; if letters such as ā or é look wrong, "
        'save it from Excel as "CSV UTF-8" and upload that',
        "row 1, column Comment: unknown column, ignored; the columns read are title, countries, "
        "dimensions, steps, organisation, year_from, summary, year_to, evidence, link, practice",
    ]
    assert result.rows == [
        PracticeRow(
            row=2,
            practice_id=None,
            title="Valodu kafejnīca",
            organisation="Bibliotēka",
            countries=("LT", "LV"),
            dimensions=("language_learning", "building_bridges"),
            steps=("legal", "policy", "implementation"),
            year_from=2019,
            year_to=2022,
            summary="Sarunas latviešu valodā; reizi nedēļā",
            evidence="Regulāri apmeklētāji",
            link="https://example.org/kafejnica",
        )
    ]


def workbook(*rows: list[object]) -> bytes:
    book = Workbook()
    for row in [[*HEADER.split(","), "practice"], *rows]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_cell_with_a_formula_is_refused() -> None:
    data = workbook(["Job coaching", "LT", "Employment", "policy", "=A2", 2020, 2021, "Coaching"])
    result = read_practices(data, "practices.xlsx", PARTNER)
    assert [str(p) for p in result.problems] == [
        "row 2, column organisation: contains a formula (=A2); paste values only"
    ]


def test_a_workbook_row_can_be_a_new_version_of_a_practice() -> None:
    data = workbook(
        ["Housing desk", "LV", "housing", "legal", "A city", 2020.0, None, "Help", "", "", 2]
    )
    result = read_practices(data, "practices.xlsx", PARTNER)
    assert result.problems == []
    assert [(r.practice_id, r.year_from, r.year_to, r.dimensions) for r in result.rows] == [
        (2, 2020, None, ("housing",))
    ]


def test_a_form_with_everything_right_gives_one_row() -> None:
    result = check_practice_form({**FORM, "link": "https://example.org/cafe"}, PARTNER)
    assert result.valid and result.problems == []
    assert result.rows == [
        PracticeRow(
            row=None,
            practice_id=None,
            title="Language café",
            organisation="A library",
            countries=("LV",),
            dimensions=("language_learning",),
            steps=("implementation",),
            year_from=2019,
            year_to=None,
            summary="Weekly meetings",
            link="https://example.org/cafe",
        )
    ]
