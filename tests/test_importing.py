"""Reading uploads: every malformed file gives exact problems; good files give exact rows.

The text files live in tests/uploads/ so that anyone can open them; workbooks and other
binary files are built here from bytes.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from niem.config import ReadLimits
from niem.exporting import to_csv_bytes, to_xlsx_bytes
from niem.importing import (
    Problem,
    UploadContext,
    UploadResult,
    UploadRow,
    read_upload,
)
from niem.tables import problems_table

UPLOADS = Path(__file__).parent / "uploads"
COUNTRIES_2017 = frozenset("CZ ES FR GR HU IT LT LV NL PL PT RO SE SI".split())
COUNTRIES_2019 = frozenset("BG CZ ES FR GR HU IT LT LV NL PL RO SE SI".split())
PARTNER = UploadContext(
    rounds={2017: COUNTRIES_2017, 2019: COUNTRIES_2019, 2021: COUNTRIES_2019},
    indicators={
        "MAI-L-01": True,
        "MAI-L-02": True,
        "RES-L-01": True,
        "FAM-L-01": True,
        "EMP-L-01": True,
        "EMP-S-01": False,
    },
    editable_countries=frozenset({"LV"}),
    limits=ReadLimits(),
)
COORDINATOR = replace(PARTNER, editable_countries=None)
HEADER = "round,country,indicator,score,note,source\n"
WINDOWS_1257_NOTICE = (
    "file: the file was read as Windows-1257 text; if letters such as ā or é look wrong, "
    'save it from Excel as "CSV UTF-8" and upload that'
)


def corpus(name: str) -> bytes:
    return (UPLOADS / name).read_bytes()


def upload(name: str, context: UploadContext = PARTNER) -> UploadResult:
    return read_upload(corpus(name), name, context)


def problems(data: bytes, filename: str, context: UploadContext = PARTNER) -> list[str]:
    """The problems as the CLI prints them; a file with problems is never valid."""
    result = read_upload(data, filename, context)
    assert not result.valid
    return [str(p) for p in result.problems]


def corpus_problems(name: str, context: UploadContext = PARTNER) -> list[str]:
    return problems(corpus(name), name, context)


def notices(result: UploadResult) -> list[str]:
    return [str(n) for n in result.notices]


def workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def row(
    number: int,
    indicator: str,
    value: float | None,
    *,
    country: str = "LV",
    note: str = "",
    source: str = "",
    based_on_revision: int | None = None,
) -> UploadRow:
    """An expected row of round 2021."""
    return UploadRow(number, 2021, country, indicator, value, note, source, based_on_revision)


# Malformed files: each asserts the full list of problems.


def test_upload_rejects_a_score_that_is_not_a_number() -> None:
    assert corpus_problems("score-not-a-number.csv") == [
        'row 2, column score: "abc" is not a number; '
        "enter a score from 0 to 100, or leave it empty for no data",
        'row 3, column score: "62.5.1" is not a number; '
        "enter a score from 0 to 100, or leave it empty for no data",
        'row 4, column score: "12%" is not a number; '
        "enter a score from 0 to 100, or leave it empty for no data",
        'row 5, column score: "fifty" is not a number; '
        "enter a score from 0 to 100, or leave it empty for no data",
    ]


def test_upload_rejects_scores_outside_0_to_100_and_nan_and_infinity() -> None:
    assert corpus_problems("score-out-of-range.csv") == [
        'row 2, column score: "101" is outside 0 to 100; '
        "enter a score from 0 to 100, or leave it empty for no data",
        'row 3, column score: "-1" is outside 0 to 100; '
        "enter a score from 0 to 100, or leave it empty for no data",
        'row 4, column score: "NaN" is not a number; '
        "enter a score from 0 to 100, or leave it empty for no data",
        'row 5, column score: "inf" is not a number; '
        "enter a score from 0 to 100, or leave it empty for no data",
        'row 6, column score: "100.01" is outside 0 to 100; '
        "enter a score from 0 to 100, or leave it empty for no data",
    ]


def test_upload_reports_bad_rows_of_a_semicolon_file_with_decimal_commas() -> None:
    result = upload("semicolon-decimal-comma-bad-rows.csv")
    assert [str(p) for p in result.problems] == [
        'row 3, column score: "62,,5" is not a number; '
        "enter a score from 0 to 100, or leave it empty for no data",
        'row 4, column score: "100,5" is outside 0 to 100; '
        "enter a score from 0 to 100, or leave it empty for no data",
    ]
    assert result.rows == [row(2, "MAI-L-01", 62.5, note="Pašvaldības")]
    assert not result.valid


def test_upload_with_a_bom_and_a_translated_header_names_the_missing_columns() -> None:
    columns = "(the file's columns are: Kārta, Valsts, Rādītājs, Vērtējums, Piezīme)"
    assert corpus_problems("bom-bad-header.csv") == [
        f'row 1, column round: required column is missing; add a column named "round" {columns}',
        f'row 1, column country: required column is missing; add a column named "country" '
        f"{columns}",
        f'row 1, column indicator: required column is missing; add a column named "indicator" '
        f"{columns}",
        f'row 1, column score: required column is missing; add a column named "score" {columns}',
    ]


def test_upload_rejects_a_missing_required_column_naming_the_columns_it_has() -> None:
    result = upload("missing-columns.csv")
    assert [str(p) for p in result.problems] == [
        'row 1, column indicator: required column is missing; add a column named "indicator" '
        "(the file's columns are: round, country, score, note)",
    ]
    assert result.rows == []


def test_upload_rejects_unknown_round() -> None:
    assert corpus_problems("unknown-round.csv") == [
        'row 2, column round: "2020" is not a known round; enter one of 2017, 2019, 2021',
        'row 4, column round: "twenty" is not a round year; enter one of 2017, 2019, 2021',
        'row 5, column round: "2021.5" is not a round year; enter one of 2017, 2019, 2021',
    ]


def test_upload_rejects_unknown_country() -> None:
    assert corpus_problems("unknown-country.csv") == [
        'row 2, column country: "Atlantis" is not a known country; '
        "enter an ISO code such as LV, or the English name",
        'row 3, column country: "XX" is not a known country; '
        "enter an ISO code such as LV, or the English name",
    ]


def test_upload_rejects_a_country_not_in_the_round() -> None:
    assert corpus_problems("country-not-in-round.csv", COORDINATOR) == [
        "row 2, column country: PT is not in round 2021; "
        "the round's countries are BG CZ ES FR GR HU IT LT LV NL PL RO SE SI",
        "row 3, column country: BG is not in round 2017; "
        "the round's countries are CZ ES FR GR HU IT LT LV NL PL PT RO SE SI",
    ]


def test_upload_rejects_a_country_the_submitter_may_not_edit() -> None:
    assert corpus_problems("not-permitted-country.csv") == [
        "row 3, column country: you may submit only for LV; "
        "remove the rows for LT or ask the coordinator for access to LT",
        "row 4, column country: you may submit only for LV; "
        "remove the rows for EE or ask the coordinator for access to EE",
        "row 4, column country: EE is not in round 2021; "
        "the round's countries are BG CZ ES FR GR HU IT LT LV NL PL RO SE SI",
    ]


def test_upload_by_someone_without_countries_is_rejected() -> None:
    nobody = replace(PARTNER, editable_countries=frozenset())
    assert problems(f"{HEADER}2021,LV,MAI-L-01,50,,\n".encode(), "s.csv", nobody) == [
        "row 2, column country: you may not submit for any country; ask the coordinator for access",
    ]


def test_upload_rejects_a_statistical_indicator() -> None:
    assert corpus_problems("statistical-indicator.csv") == [
        "row 2, column indicator: EMP-S-01 is a statistical indicator and is not scored; "
        "remove this row",
    ]


def test_upload_rejects_unknown_indicator() -> None:
    assert corpus_problems("unknown-indicator.csv") == [
        'row 2, column indicator: "MAI-L-99" is not a known indicator code; '
        "did you mean MAI-L-01 or MAI-L-02? The template lists every code",
        'row 4, column indicator: "Legal basis" is not a known indicator code; '
        "use a code from the template, such as MAI-L-01",
    ]


def test_upload_rejects_duplicate_rows_naming_the_first() -> None:
    assert corpus_problems("duplicate-rows.csv") == [
        "row 4, column indicator: repeats row 2 (round 2021, LV, MAI-L-01); "
        "keep only one of the two rows",
        "row 5, column indicator: repeats row 2 (round 2021, LV, MAI-L-01); "
        "keep only one of the two rows",
    ]


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (corpus("empty.csv"), "empty.csv"),
        (corpus("blank-lines-only.csv"), "blank-lines-only.csv"),
        (b"\xef\xbb\xbf", "bom-only.csv"),
        (b"  \r\n\t\r\n", "spaces.csv"),
    ],
)
def test_upload_rejects_an_empty_file(data: bytes, filename: str) -> None:
    assert problems(data, filename) == [
        "file: the file is empty; fill in the template and upload it again"
    ]


def test_upload_rejects_a_header_without_rows() -> None:
    assert corpus_problems("header-only.csv") == [
        "file: the file has a header but no scores; add one row per score"
    ]


def test_upload_rejects_a_note_with_an_unquoted_separator() -> None:
    assert corpus_problems("note-with-unquoted-separator.csv") == [
        "row 2: has values beyond the header's 6 columns; "
        "put any note, source or score that contains a semicolon in double quotes",
    ]


def test_upload_rejects_an_unquoted_decimal_comma_in_a_comma_file() -> None:
    assert corpus_problems("decimal-comma-unquoted-in-comma-file.csv") == [
        "row 2: has values beyond the header's 4 columns; "
        "put any note, source or score that contains a comma in double quotes",
    ]


def test_upload_rejects_an_unclosed_quote_instead_of_swallowing_the_rows_after_it() -> None:
    assert corpus_problems("unclosed-quote.csv") == [
        'row 3: a double quote (") is not closed or is followed by more text in the same cell; '
        'put the whole cell in double quotes and write a quote inside it as ""',
    ]


@pytest.mark.parametrize("length", [32_768, 200_000])
def test_upload_rejects_a_cell_longer_than_excel_allows(length: int) -> None:
    data = f'{HEADER}2021,LV,MAI-L-01,50,"{"x" * length}",\n'.encode()
    assert problems(data, "long.csv") == [
        "row 2: a cell is longer than 32,767 characters; shorten it",
    ]


def test_upload_rejects_a_repeated_column() -> None:
    assert corpus_problems("duplicate-header.csv") == [
        'row 1, column Score: the column "score" appears twice; keep only one of them',
    ]


def test_a_mistyped_code_gets_the_nearest_codes_suggested() -> None:
    data = b"round,country,indicator,score\n2021,LV,FAM-L-09,50\n2021,LV,XYZ,50\n"
    assert problems(data, "scores.csv") == [
        'row 2, column indicator: "FAM-L-09" is not a known indicator code; '
        "did you mean FAM-L-01? The template lists every code",
        'row 3, column indicator: "XYZ" is not a known indicator code; '
        "use a code from the template, such as MAI-L-01",
    ]


def test_upload_rejects_empty_round_country_and_indicator() -> None:
    assert corpus_problems("empty-required-cells.csv") == [
        "row 2, column round: is empty; enter the round year, one of 2017, 2019, 2021",
        "row 2, column country: is empty; enter an ISO code such as LV, or the English name",
        "row 2, column indicator: is empty; enter a code from the template, such as MAI-L-01",
    ]


def test_upload_rejects_a_bad_revision() -> None:
    template = "keep the value from the downloaded template, or leave it empty"
    result = upload("bad-revision.csv")
    assert [str(p) for p in result.problems] == [
        f'row 2, column revision: "abc" is not a revision number; {template}',
        f'row 3, column revision: "0" is not a revision number; {template}',
    ]
    assert result.rows == [row(4, "RES-L-01", 50.0, based_on_revision=12)]


def test_upload_collects_every_problem_sorted_by_row_and_file_column_order() -> None:
    result = upload("many-problems.csv")
    assert [str(p) for p in result.problems] == [
        'row 2, column score: "abc" is not a number; '
        "enter a score from 0 to 100, or leave it empty for no data",
        'row 2, column indicator: "MAI-L-99" is not a known indicator code; '
        "did you mean MAI-L-01 or MAI-L-02? The template lists every code",
        'row 2, column country: "Atlantis" is not a known country; '
        "enter an ISO code such as LV, or the English name",
        'row 2, column round: "2020" is not a known round; enter one of 2017, 2019, 2021',
        'row 5, column score: "101" is outside 0 to 100; '
        "enter a score from 0 to 100, or leave it empty for no data",
        "row 5, column indicator: EMP-S-01 is a statistical indicator and is not scored; "
        "remove this row",
        "row 5, column country: you may submit only for LV; "
        "remove the rows for LT or ask the coordinator for access to LT",
        "row 6, column indicator: repeats row 3 (round 2021, LV, MAI-L-01); "
        "keep only one of the two rows",
    ]
    assert notices(result) == [
        "row 1, column extra: unknown column, ignored; "
        "the columns read are round, country, indicator, score, note, source",
    ]


@pytest.mark.parametrize(
    ("data", "filename", "kind"),
    [
        (corpus("scores.pdf"), "scores.pdf", "a PDF document"),
        (corpus("chart.png"), "chart.png", "a PNG image"),
        (corpus("web-page.csv"), "web-page.csv", "a web page or XML document"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "photo.jpg", "a JPEG image"),
        (
            zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
            "scores.docx",
            "a Word document",
        ),
        (
            zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
            "scores.ods",
            "an OpenDocument file",
        ),
        (zipped({"scores.csv": HEADER.encode()}), "scores.zip", "a ZIP archive"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "scores.xls",
            "an Excel 97-2003 (.xls) or password-protected workbook",
        ),
        (HEADER.encode("utf-16"), "scores.txt", "UTF-16 text (Excel's Unicode Text)"),
        (b"{\\rtf1\\ansi round, country}", "scores.rtf", "a Rich Text document"),
    ],
)
def test_upload_rejects_files_that_are_not_csv_or_xlsx(
    data: bytes, filename: str, kind: str
) -> None:
    assert problems(data, filename) == [
        f'file: "{filename}" is {kind}, not a CSV or XLSX file; '
        "save the scores from Excel as CSV or XLSX and upload that"
    ]


def test_upload_rejects_random_bytes() -> None:
    assert problems(bytes(range(256)) * 4, "scores.csv") == [
        'file: "scores.csv" is not a CSV or XLSX file; '
        "save the scores from Excel as CSV or XLSX and upload that"
    ]


def test_upload_rejects_text_in_no_known_encoding() -> None:
    # 0x81 is undefined in Windows-1257, -1250 and -1252 alike.
    assert problems(HEADER.encode() + b"2021,LV,MAI-L-01,50,\x81,\n", "scores.csv") == [
        "file: the text encoding could not be recognised; "
        'save the file from Excel as "CSV UTF-8" and upload that'
    ]


@pytest.mark.parametrize(
    ("size", "limit", "message"),
    [
        (6 * 1024 * 1024, 5 * 1024 * 1024, "the file is 6 MB, over the limit of 5 MB"),
        (1536, 1024, "the file is 1.5 KB, over the limit of 1 KB"),
        (1001, 1000, "the file is 1001 bytes, over the limit of 1000 bytes"),
        (5 * 1024 * 1024 + 1, 5 * 1024 * 1024, "the file is over the limit of 5 MB"),
    ],
)
def test_upload_rejects_a_file_over_the_size_limit(size: int, limit: int, message: str) -> None:
    # A valid CSV padded with a long note: the size alone rejects it.
    data = (HEADER + "2021,LV,MAI-L-01,50,").encode()
    data += b"x" * (size - len(data))
    assert problems(data, "big.csv", replace(PARTNER, limits=ReadLimits(bytes=limit))) == [
        f"file: {message}; split it into smaller files or remove rows you did not change"
    ]


def test_upload_rejects_formulas_in_a_workbook() -> None:
    data = workbook(
        (
            "scores",
            [
                ["round", "country", "indicator", "score", "note", "source", "title"],
                [2021, "LV", "MAI-L-01", 50, None, None, None],
                ["=2020+1", "LV", "MAI-L-02", 50, None, None, None],
                [2021, "LV", "RES-L-01", "=A1*2", '=B2&" note"', None, "=C2"],
            ],
        )
    )
    assert problems(data, "scores.xlsx") == [
        "row 3, column round: contains a formula (=2020+1); paste values only "
        "(Paste Special → Values)",
        "row 4, column score: contains a formula (=A1*2); paste values only "
        "(Paste Special → Values)",
        'row 4, column note: contains a formula (=B2&" note"); paste values only '
        "(Paste Special → Values)",
    ]


def test_upload_rejects_dates_and_booleans_as_scores_in_a_workbook() -> None:
    data = workbook(
        (
            "Sheet1",
            [
                ["round", "country", "indicator", "score"],
                [2021, "LV", "MAI-L-01", datetime(2021, 3, 4)],
                [2021, "LV", "MAI-L-02", True],
                [2021, "LV", "RES-L-01", 101.5],
            ],
        )
    )
    assert problems(data, "scores.xlsx") == [
        'row 2, column score: "2021-03-04" is not a number; '
        "enter a score from 0 to 100, or leave it empty for no data",
        'row 3, column score: "TRUE" is not a number; '
        "enter a score from 0 to 100, or leave it empty for no data",
        'row 4, column score: "101.5" is outside 0 to 100; '
        "enter a score from 0 to 100, or leave it empty for no data",
    ]


def test_upload_rejects_an_empty_sheet_of_a_workbook() -> None:
    data = workbook(("Sheet1", []), ("notes", [["round"]]))
    assert problems(data, "scores.xlsx") == [
        'file: the sheet "Sheet1" is empty; put the scores on the first sheet '
        'or on a sheet named "scores"'
    ]


def test_upload_rejects_a_damaged_workbook() -> None:
    data = zipped({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"not xml"})
    assert problems(data, "scores.xlsx") == [
        "file: the workbook could not be read; open it in Excel, save it again as XLSX "
        "and upload that"
    ]


TOO_BIG = (
    "file: the workbook unpacks to more than 12 MB (or one of its parts to more than 8 MB), "
    "too much to read; save the scores sheet as CSV and upload that"
)


def test_upload_rejects_a_workbook_part_that_unpacks_too_large() -> None:
    data = zipped({"xl/workbook.xml": b"<workbook/>", "xl/sharedStrings.xml": b" " * 11_000_000})
    assert len(data) < 64 * 1024
    assert problems(data, "bomb.xlsx") == [TOO_BIG]


def test_upload_rejects_a_workbook_that_unpacks_too_large_in_all() -> None:
    parts = {f"xl/media/image{i}.png": b" " * 8_000_000 for i in range(4)}
    data = zipped({"xl/workbook.xml": b"<workbook/>", **parts})
    assert problems(data, "bomb.xlsx") == [TOO_BIG]


# Good files: exact rows.

LATVIAN_ROWS = [
    row(
        2,
        "MAI-L-01",
        62.5,
        note="Pašvaldības sniedz atbalstu bēgļiem",
        source="https://likumi.lv/ta/id/278986",
        based_on_revision=7,
    ),
    row(3, "MAI-L-02", None, note="Dati nav pieejami: ā ē ī š ū ž ķ ļ ņ"),
    row(
        4,
        "RES-L-01",
        0.0,
        note="Uzturēšanās atļauja; 5 gadi",
        source="Iekšlietu ministrija",
        based_on_revision=7,
    ),
]


def test_latvian_template_saved_in_windows_1257_parses_to_exact_rows() -> None:
    result = upload("good-latvian-cp1257.csv")
    assert result.valid
    assert result.problems == []
    assert result.rows == LATVIAN_ROWS
    assert notices(result) == [WINDOWS_1257_NOTICE]


def test_latvian_template_saved_as_utf8_with_bom_parses_to_the_same_rows() -> None:
    result = upload("good-latvian-utf8-bom.csv")
    assert result.valid
    assert result.rows == LATVIAN_ROWS
    assert result.notices == []


def test_polish_and_czech_notes_in_windows_1250_keep_their_letters() -> None:
    result = upload("good-polish-czech-cp1250.csv", COORDINATOR)
    assert result.valid
    assert result.rows == [
        row(
            2,
            "MAI-L-01",
            40.0,
            country="PL",
            note="Ustawa o pomocy społecznej, świadczenia dla uchodźców",
            source="Dziennik Ustaw",
        ),
        row(
            3,
            "MAI-L-01",
            55.5,
            country="CZ",
            note="Zákon o azylu: řízení o udělení občanství",
            source="Sbírka zákonů",
        ),
    ]


def test_french_notes_in_windows_1252_keep_their_letters() -> None:
    result = upload("good-french-cp1252.csv", COORDINATOR)
    assert result.valid
    assert result.rows == [
        row(
            2,
            "MAI-L-01",
            75.0,
            country="FR",
            note="Loi relative à l'intégration des réfugiés: élève, garçon, très",
            source="Légifrance",
        )
    ]


@pytest.mark.parametrize(
    ("encoding", "note"),
    [
        ("cp1257", "Pašvaldības sniedz atbalstu bēgļiem; ķēķis, ņemot vērā ūdens un žurnālu"),
        ("cp1257", "ā ē ī š ū ž ķ ļ ņ"),
        ("cp1257", "Ā Ē Ī Š Ū Ž Ķ Ļ Ņ – „citāts“"),
        ("cp1257", "Pabėgėlių integracija į darbo rinką"),
        ("cp1250", "Ustawa o pomocy społecznej: świadczenia dla uchodźców"),
        ("cp1250", "Zákon o azylu: řízení o udělení občanství"),
        ("cp1250", "ł ś ř č"),
        ("cp1250", "Menekültügyi törvény módosítása"),
        ("cp1250", "Legea privind integrarea străinilor"),
        ("cp1252", "Loi relative à l'intégration des réfugiés: élève, garçon, très"),
        ("cp1252", "é è ç"),
        ("cp1252", "Ley de asilo: protección de niños, la información está en línea"),
        ("cp1252", "Größe über Straße"),
        ("utf-8", "ā ē ī š ū ž ķ ļ ņ ł ś ř č é è ç"),
        ("utf-8-sig", "ā ē ī š ū ž ķ ļ ņ ł ś ř č é è ç"),
    ],
)
def test_notes_keep_their_letters_in_each_encoding(encoding: str, note: str) -> None:
    data = f'{HEADER}2021,LV,MAI-L-01,50,"{note}",\n'.encode(encoding)
    result = read_upload(data, "scores.csv", PARTNER)
    assert result.problems == []
    assert [r.note for r in result.rows] == [note]


def test_comma_file_with_quoted_newlines_and_blank_lines_parses() -> None:
    result = upload("good-comma-utf8.csv")
    assert result.valid
    assert result.rows == [
        row(
            2,
            "MAI-L-01",
            62.5,
            note='Law amended in 2021, see "Section 3"\nand the guidelines',
            source="https://likumi.lv/ta/id/278986",
        ),
        row(4, "MAI-L-02", None, note="No data collected"),
        row(6, "RES-L-01", 100.0, note="spaces around are trimmed"),
    ]
    assert result.notices == []


def test_tab_separated_file_parses() -> None:
    data = b"round\tcountry\tindicator\tscore\n2021\tLV\tMAI-L-01\t62,5\n"
    assert read_upload(data, "scores.txt", PARTNER).rows == [row(2, "MAI-L-01", 62.5)]


def test_headers_in_any_case_are_read_and_unknown_columns_are_noticed() -> None:
    result = upload("good-headers-in-any-case.csv")
    assert result.valid
    assert result.rows == [row(2, "MAI-L-01", 50.0)]
    assert notices(result) == [
        "row 1, column Comment: unknown column, ignored; "
        "the columns read are round, country, indicator, score, note, source",
    ]


def test_values_in_a_column_without_header_are_noticed() -> None:
    result = read_upload(f"{HEADER.strip()},\n2021,LV,MAI-L-01,5,,,x\n".encode(), "s.csv", PARTNER)
    assert result.valid
    assert notices(result) == ["row 1: column 7 has values but no header; they are ignored"]


def test_missing_note_and_source_columns_are_noticed_not_fatal() -> None:
    result = upload("good-no-note-or-source.csv")
    assert result.valid
    assert result.rows == [row(2, "MAI-L-01", 50.0)]
    assert notices(result) == [
        "row 1, column note: column is missing, so every score gets an empty note; "
        "add the column to give scores a note",
        "row 1, column source: column is missing, so every score gets an empty source; "
        "add the column to give scores a source",
    ]


def test_countries_as_aliases_alpha3_and_names_are_stored_as_iso_codes() -> None:
    later = replace(COORDINATOR, rounds={2023: frozenset({"BE", "DE", "GB", "GR", "LV"})})
    result = upload("good-countries-spelled-variously.csv", later)
    assert result.valid
    assert [(r.country, r.value) for r in result.rows] == [
        ("GR", 10.0),
        ("GB", 20.0),
        ("DE", 30.0),
        ("BE", 40.0),
        ("LV", 50.0),
    ]


def test_scores_0_and_100_are_inside_the_scale() -> None:
    result = upload("score-limits.csv")
    assert result.valid
    assert [r.value for r in result.rows] == [0.0, 100.0, 0.0]
    assert all(isinstance(r.value, float) for r in result.rows)


def test_round_written_by_excel_as_2021_0_is_2021() -> None:
    result = upload("unknown-round.csv")
    assert result.rows == [row(3, "MAI-L-02", 50.0)]


def test_workbook_made_with_openpyxl_parses_to_exact_rows() -> None:
    data = workbook(
        (
            "Sheet1",
            [
                ["Round", "Country", "Indicator", "Score", "Note", "Source", "Title", "Revision"],
                [2021, "LV", "MAI-L-01", 62.5, "Pašvaldības", "https://likumi.lv", "Legal", 7],
                [],
                [2021.0, "Latvia", "mai-l-02", None, None, None, "Mandate", None],
                [2021, "LVA", "RES-L-01", " 62,5 ", 12, None, None, 7.0],
                [2021, "LV", "FAM-L-01", 3, "'-5 % after the reform", "'=gov.lv", None, None],
            ],
        )
    )
    result = read_upload(data, "scores.xlsx", PARTNER)
    assert result.valid
    assert result.notices == []
    assert result.rows == [
        row(
            2,
            "MAI-L-01",
            62.5,
            note="Pašvaldības",
            source="https://likumi.lv",
            based_on_revision=7,
        ),
        row(4, "MAI-L-02", None),
        row(5, "RES-L-01", 62.5, note="12", based_on_revision=7),
        row(6, "FAM-L-01", 3.0, note="-5 % after the reform", source="=gov.lv"),
    ]


def test_workbook_sheet_named_scores_is_read_wherever_it_is() -> None:
    data = workbook(
        ("Instructions", [["Fill in the scores sheet"]]),
        (" SCORES ", [["round", "country", "indicator", "score"], [2021, "LV", "MAI-L-01", 9]]),
    )
    result = read_upload(data, "scores.xlsx", PARTNER)
    assert result.rows == [row(2, "MAI-L-01", 9.0)]
    assert notices(result) == [
        "row 1, column note: column is missing, so every score gets an empty note; "
        "add the column to give scores a note",
        "row 1, column source: column is missing, so every score gets an empty source; "
        "add the column to give scores a source",
    ]


def test_workbook_with_another_sheet_name_reads_the_first_sheet_and_says_so() -> None:
    data = workbook(
        (
            "Lapa1",
            [
                ["round", "country", "indicator", "score", "note", "source"],
                [2021, "LV", "MAI-L-01", 40, "ok", ""],
            ],
        ),
        ("notes", [["anything"]]),
    )
    result = read_upload(data, "scores.xlsx", PARTNER)
    assert result.valid
    assert result.rows == [row(2, "MAI-L-01", 40.0, note="ok")]
    assert notices(result) == [
        'file: read the first sheet, "Lapa1"; to read another one, name it "scores"'
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_template_reads_back_unchanged(fmt: str) -> None:
    frame = pd.DataFrame(
        {
            "round": [2021, 2021],
            "country": ["LV", "LV"],
            "indicator": ["MAI-L-01", "MAI-L-02"],
            "score": [62.5, None],
            "note": ["-5 % pēc grozījumiem", "=1+1 is text"],
            "source": ["@ministry", ""],
            "title": ["Legal basis", "Mandate"],
            "dimension": ["Mainstreaming", "Mainstreaming"],
            "step": ["Legal framework", "Legal framework"],
            "revision": pd.array([3, None], dtype="Int64"),
        }
    )
    data = to_csv_bytes(frame, for_excel=True) if fmt == "csv" else to_xlsx_bytes(frame)
    result = read_upload(data, f"template.{fmt}", PARTNER)
    assert result.valid
    assert result.notices == []
    assert result.rows == [
        row(
            2,
            "MAI-L-01",
            62.5,
            note="-5 % pēc grozījumiem",
            source="@ministry",
            based_on_revision=3,
        ),
        row(3, "MAI-L-02", None, note="=1+1 is text"),
    ]


def test_problem_reads_as_row_and_column_or_file() -> None:
    assert str(Problem(5, "score", "is wrong")) == "row 5, column score: is wrong"
    assert str(Problem(5, "", "is wrong")) == "row 5: is wrong"
    assert str(Problem(None, "", "is wrong")) == "file: is wrong"


def test_problems_table_has_row_column_and_problem() -> None:
    table = problems_table([Problem(None, "", "too big"), Problem(3, "score", "not a number")])
    assert list(table.columns) == ["row", "column", "problem"]
    assert str(table["row"].dtype) == "Int64"
    assert table.to_csv(index=False) == "row,column,problem\n,,too big\n3,score,not a number\n"


def test_importing_does_not_import_streamlit() -> None:
    code = "import sys, niem.importing; print('streamlit' in sys.modules)"
    assert (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        == "False\n"
    )


def test_checking_rows_reports_its_progress_every_thousand_rows_and_at_the_end() -> None:
    lines = ["round,country,indicator,score"] + [
        f"2021,LV,MAI-L-01,{n % 100}" for n in range(2500)
    ]
    told: list[tuple[int, int]] = []
    result = read_upload(
        "\n".join(lines).encode(), "many.csv", COORDINATOR, lambda d, t: told.append((d, t))
    )
    assert told == [(1000, 2500), (2000, 2500), (2500, 2500)]
    # Every row repeats the first one: the check ran over all of them.
    assert len(result.problems) == 2499


def test_a_valid_file_checked_once_per_value_gives_the_rows_of_the_row_by_row_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = workbook(
        (
            "Sheet1",
            [
                ["Round", "Country", "Indicator", "Score", "Note", "Source", "Revision"],
                [2021, "LV", "MAI-L-01", 62.5, "Pašvaldības", "https://likumi.lv", 7],
                [2021.0, "Latvia", "mai-l-02", None, None, None, None],
                ["2021", "LVA", "RES-L-01", " 62,5 ", 12, None, 7.0],
                [2021, "LV", "FAM-L-01", 62.5, "'-5 % after the reform", "'=gov.lv", None],
            ],
        )
    )
    by_values = read_upload(data, "scores.xlsx", PARTNER)
    monkeypatch.setattr("niem.row_checks.RowChecker._by_values", lambda self, progress: None)
    row_by_row = read_upload(data, "scores.xlsx", PARTNER)
    assert by_values == row_by_row
    assert [(r.row, r.value, r.note, r.based_on_revision) for r in by_values.rows] == [
        (2, 62.5, "Pašvaldības", 7),
        (3, None, "", None),
        (4, 62.5, "12", 7),
        (5, 62.5, "-5 % after the reform", None),
    ]


def test_a_true_cell_among_scores_of_one_is_refused_though_python_takes_true_for_1() -> None:
    data = workbook(
        (
            "Sheet1",
            [
                ["round", "country", "indicator", "score"],
                [2021, "LV", "MAI-L-01", 1],
                [2021, "LV", "MAI-L-02", True],
                [2021, "LV", "RES-L-01", 1.0],
            ],
        )
    )
    assert problems(data, "scores.xlsx") == [
        'row 3, column score: "TRUE" is not a number; '
        "enter a score from 0 to 100, or leave it empty for no data",
    ]


def test_a_csv_row_without_its_last_cells_has_an_empty_note_and_source() -> None:
    data = HEADER.encode() + b"2021,LV,MAI-L-01,50\n2021,LV,MAI-L-02,60,Note\n"
    result = read_upload(data, "short.csv", PARTNER)
    assert result.rows == [row(2, "MAI-L-01", 50.0), row(3, "MAI-L-02", 60.0, note="Note")]
