"""Hostile upload files, made from code: every file a test needs is built here, none is a blob.

`python -m tests.hostile_files DIR` writes them all to DIR; `python -m tests.hostile_files
--check FILE` reads one with the upload reader and prints what it found, the seconds it took
and its peak memory as JSON (the tests run that in a subprocess under a memory cap).
"""

from __future__ import annotations

import io
import json
import resource
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

MB = 1024 * 1024
HEADER = ["round", "country", "indicator", "score", "note", "source"]
GOOD_ROW = ["2021", "LV", "MAI-L-01", "50", "", ""]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def column_letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def inline(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def number(reference: str, value: str, style: int | None = None) -> str:
    styled = f' s="{style}"' if style is not None else ""
    return f'<c r="{reference}"{styled}><v>{value}</v></c>'


def text_row(row: int, values: list[str]) -> str:
    cells = "".join(
        number(f"{column_letters(i)}{row}", v)
        if v.isdigit()
        else inline(f"{column_letters(i)}{row}", v)
        for i, v in enumerate(values, 1)
        if v
    )
    return f'<row r="{row}">{cells}</row>'


def sheet_xml(rows: str, before: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}" '
        f'xmlns:r="{RELATIONSHIPS}">{before}<sheetData>{rows}</sheetData></worksheet>'
    )


def good_rows(extra: str = "") -> str:
    return text_row(1, HEADER) + text_row(2, GOOD_ROW) + extra


def workbook(
    sheets: list[tuple[str, str, str]] | None = None,
    *,
    shared_strings: str | None = None,
    styles: str | None = None,
    extra: dict[str, bytes] | None = None,
    main_type: str = WORKBOOK_TYPE,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """An XLSX from raw parts: sheets as (title, state, sheet XML)."""
    sheets = sheets if sheets is not None else [("Sheet1", "", sheet_xml(good_rows()))]
    overrides = [f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}"/>']
    kinds = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    entries, relations = [], []
    parts: dict[str, bytes] = {}
    for number_, (title, state, xml) in enumerate(sheets, 1):
        shown = f' state="{state}"' if state else ""
        entries.append(
            f'<sheet name="{escape(title)}" sheetId="{number_}"{shown} r:id="rId{number_}"/>'
        )
        relations.append(
            f'<Relationship Id="rId{number_}" Type="{RELATIONSHIPS}/worksheet" '
            f'Target="worksheets/sheet{number_}.xml"/>'
        )
        parts[f"xl/worksheets/sheet{number_}.xml"] = xml.encode()
        overrides.append(
            f'<Override PartName="/xl/worksheets/sheet{number_}.xml" '
            f'ContentType="{kinds}.worksheet+xml"/>'
        )
    if shared_strings is not None:
        relations.append(
            f'<Relationship Id="rIdS" Type="{RELATIONSHIPS}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
        )
        parts["xl/sharedStrings.xml"] = shared_strings.encode()
        overrides.append(
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kinds}.sharedStrings+xml"/>'
        )
    if styles is not None:
        relations.append(
            f'<Relationship Id="rIdT" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
        )
        parts["xl/styles.xml"] = styles.encode()
        overrides.append(f'<Override PartName="/xl/styles.xml" ContentType="{kinds}.styles+xml"/>')
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            f'org/package/2006/content-types">{"".join(overrides)}</Types>'
        ).encode(),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>{"".join(entries)}'
            "</sheets></workbook>"
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE}">{"".join(relations)}</Relationships>'
        ).encode(),
        **parts,
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def one_sheet(rows: str, before: str = "", **options: object) -> bytes:
    return workbook([("Sheet1", "", sheet_xml(rows, before))], **options)  # type: ignore[arg-type]


def csv_text(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def shared_string_bomb() -> bytes:
    """A note of 479 MB as a shared string: the archive stays under half a megabyte."""
    buffer = io.BytesIO()
    note = '<row r="2"><c r="A2"><v>2021</v></c>' + inline("B2", "LV") + inline("C2", "MAI-L-01")
    note += '<c r="E2" t="s"><v>0</v></c></row>'
    sheets = [("Sheet1", "", sheet_xml(text_row(1, HEADER) + note))]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        base = workbook(sheets, shared_strings="")
        with zipfile.ZipFile(io.BytesIO(base)) as source:
            for info in source.infolist():
                if info.filename != "xl/sharedStrings.xml":
                    archive.writestr(info.filename, source.read(info.filename))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}"><si><t>'.encode())
            block = b"x" * MB
            for _ in range(479):
                part.write(block)
            part.write(b"</t></si></sst>")
    return buffer.getvalue()


def lying_sizes() -> bytes:
    """A part whose header declares 100 bytes but which unpacks to 20 MB."""
    base = workbook([("Sheet1", "", sheet_xml(good_rows() + text_row(3, ["x" * 20 * MB])))])
    data = bytearray(base)
    entry = data.find(b"xl/worksheets/sheet1.xml")
    # Patch the uncompressed size in the central directory record (offset 24 from its start).
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/worksheets/sheet1.xml"))
    local = data.rfind(b"PK\x03\x04", 0, entry + 1)
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    data[local + 22 : local + 26] = (100).to_bytes(4, "little")
    return bytes(data)


def many_small_parts() -> bytes:
    """Forty parts of 1 MB each: every part is small, the whole is not."""
    extra = {f"xl/media/blank{i}.bin": bytes(MB) for i in range(40)}
    return workbook(extra=extra)


def billion_laughs() -> str:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
        f'<sst xmlns="{MAIN}"><si><t>&j;</t></si></sst>'
    )


STYLES_WITH_DATE = (
    f'<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/>'
    "</cellXfs></styleSheet>"
)


def empty_cells_up_to_the_part_limit() -> bytes:
    """Rows as wide as Excel allows, of empty cells, filling a part to just under 8 MB."""
    wide = "<row>" + "<c/>" * 16_384 + "</row>"
    return one_sheet(good_rows() + wide * 120)


def every_part_at_the_limit() -> bytes:
    """A sheet of empty cells just under 8 MB and a table of empty shared strings filling the
    rest of 12 MB: the most a workbook within the limits makes the reader parse."""
    wide = "<row>" + "<c/>" * 16_384 + "</row>"
    strings = f'<sst xmlns="{MAIN}">' + "<si/>" * 900_000 + "</sst>"
    return workbook([("Sheet1", "", sheet_xml(good_rows() + wide * 120))], shared_strings=strings)


def csv_header_with_empty_cells(count: int, rows: int) -> bytes:
    return csv_text(",".join(HEADER) + "," * count, *[",".join(GOOD_ROW)] * rows)


# Every hostile file by name. XLSX first, then CSV; each has its expected answer in
# tests/test_hostile_files.py.
FILES: dict[str, Callable[[], bytes]] = {
    "far-cell-xfd1048576.xlsx": lambda: one_sheet(
        good_rows(f'<row r="1048576">{inline("XFD1048576", "far away")}</row>')
    ),
    "far-cell-zz200000.xlsx": lambda: one_sheet(
        good_rows(f'<row r="200000">{inline("ZZ200000", "x")}</row>')
    ),
    "far-empty-cell.xlsx": lambda: one_sheet(
        good_rows('<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    ),
    "lying-dimension.xlsx": lambda: one_sheet(good_rows(), '<dimension ref="A1:XFD1048576"/>'),
    "shared-string-479mb.xlsx": shared_string_bomb,
    "lying-part-size.xlsx": lying_sizes,
    "many-parts.xlsx": many_small_parts,
    "note-1048576-characters.xlsx": lambda: one_sheet(
        text_row(1, HEADER) + text_row(2, [*GOOD_ROW[:4], "x" * 1_048_576])
    ),
    "shared-note-32768-characters.xlsx": lambda: workbook(
        [
            (
                "Sheet1",
                "",
                sheet_xml(text_row(1, HEADER) + '<row r="2"><c r="E2" t="s"><v>0</v></c></row>'),
            )
        ],
        shared_strings=f'<sst xmlns="{MAIN}"><si><t>{"x" * 32_768}</t></si></sst>',
    ),
    "data-table-formula.xlsx": lambda: one_sheet(
        text_row(1, HEADER)
        + '<row r="2"><c r="A2"><v>2021</v></c>'
        + inline("B2", "LV")
        + inline("C2", "MAI-L-01")
        + '<c r="D2"><f t="dataTable" ref="D2:D3" dt2D="0" dtr="0" r1="B1"/><v>50</v></c></row>'
    ),
    "array-formula.xlsx": lambda: one_sheet(
        text_row(1, HEADER)
        + '<row r="2"><c r="A2"><v>2021</v></c>'
        + inline("B2", "LV")
        + inline("C2", "MAI-L-01")
        + '<c r="D2"><f t="array" ref="D2">SUM(H1:H3)</f><v>50</v></c></row>'
    ),
    "shared-formula.xlsx": lambda: one_sheet(
        text_row(1, HEADER)
        + '<row r="2"><c r="A2"><v>2021</v></c>'
        + inline("B2", "LV")
        + inline("C2", "MAI-L-01")
        + '<c r="D2"><f t="shared" ref="D2:D3" si="0">H2*2</f><v>50</v></c></row>'
        + '<row r="3"><c r="A3"><v>2021</v></c>'
        + inline("B3", "LV")
        + inline("C3", "MAI-L-02")
        + '<c r="D3"><f t="shared" si="0"/><v>40</v></c></row>'
    ),
    "error-value.xlsx": lambda: one_sheet(
        text_row(1, HEADER)
        + '<row r="2"><c r="A2"><v>2021</v></c>'
        + inline("B2", "LV")
        + inline("C2", "MAI-L-01")
        + '<c r="D2" t="e"><v>#N/A</v></c></row>'
    ),
    "unknown-cell-type.xlsx": lambda: one_sheet(
        text_row(1, HEADER)
        + '<row r="2"><c r="A2"><v>2021</v></c>'
        + inline("B2", "LV")
        + inline("C2", "MAI-L-01")
        + '<c r="D2" t="x-custom"><v>50</v></c></row>'
    ),
    "date-out-of-range.xlsx": lambda: workbook(
        [
            (
                "Sheet1",
                "",
                sheet_xml(
                    text_row(1, HEADER)
                    + '<row r="2"><c r="A2"><v>2021</v></c>'
                    + inline("B2", "LV")
                    + inline("C2", "MAI-L-01")
                    + '<c r="D2" s="1"><v>99999999999</v></c></row>'
                ),
            )
        ],
        styles=STYLES_WITH_DATE,
    ),
    "number-with-5000-digits.xlsx": lambda: one_sheet(
        text_row(1, HEADER)
        + '<row r="2"><c r="A2"><v>2021</v></c>'
        + inline("B2", "LV")
        + inline("C2", "MAI-L-01")
        + f'<c r="D2"><v>{"9" * 5000}</v></c></row>'
    ),
    "rich-text-note.xlsx": lambda: one_sheet(
        text_row(1, HEADER)
        + '<row r="2"><c r="A2"><v>2021</v></c>'
        + inline("B2", "LV")
        + inline("C2", "MAI-L-01")
        + number("D2", "50")
        + '<c r="E2" t="inlineStr"><is><r><rPr><b/></rPr><t>Bold</t></r>'
        + '<r><t xml:space="preserve"> and plain</t></r>'
        + "<rPh><t>ignored</t></rPh></is></c></row>"
    ),
    "hidden-first-sheet.xlsx": lambda: workbook(
        [
            (
                "Old",
                "hidden",
                sheet_xml(text_row(1, HEADER) + text_row(2, ["2021", "LV", "MAI-L-01", "10"])),
            ),
            ("Lapa1", "", sheet_xml(good_rows())),
            ("Notes", "", sheet_xml(text_row(1, ["anything"]))),
        ]
    ),
    "only-hidden-sheets.xlsx": lambda: workbook([("Sheet1", "veryHidden", sheet_xml(good_rows()))]),
    "macro-enabled.xlsm": lambda: workbook(
        main_type=MACRO_TYPE, extra={"xl/vbaProject.bin": b"\xd0\xcf"}
    ),
    "billion-laughs.xlsx": lambda: workbook(shared_strings=billion_laughs()),
    "bad-cell-reference.xlsx": lambda: one_sheet(
        good_rows(f'<row r="3">{inline("ZZZZ3", "x")}</row>')
    ),
    "too-many-rows.xlsx": lambda: one_sheet(
        text_row(1, HEADER) + "".join(text_row(r, GOOD_ROW) for r in range(2, 10_003))
    ),
    "value-in-column-51.xlsx": lambda: one_sheet(
        good_rows(f'<row r="3">{inline("AY3", "x")}</row>')
    ),
    "empty-cells-up-to-the-part-limit.xlsx": empty_cells_up_to_the_part_limit,
    "every-part-at-the-limit.xlsx": every_part_at_the_limit,
    "too-much-text-in-all.xlsx": lambda: workbook(
        [
            (
                "Sheet1",
                "",
                sheet_xml(
                    text_row(1, HEADER)
                    + "".join(
                        f'<row r="{r}"><c r="E{r}" t="s"><v>0</v></c></row>' for r in range(2, 202)
                    )
                ),
            )
        ],
        shared_strings=f'<sst xmlns="{MAIN}"><si><t>{"x" * 30_000}</t></si></sst>',
    ),
    "stored-uncompressed.xlsx": lambda: workbook(compression=zipfile.ZIP_STORED),
    "csv-header-with-a-million-empty-cells.csv": lambda: csv_header_with_empty_cells(
        1_000_000, 9_000
    ),
    "csv-a-million-columns.csv": lambda: csv_text(",".join(["x"] * 1_000_000)),
    "csv-too-many-rows.csv": lambda: csv_text(",".join(HEADER), *[",".join(GOOD_ROW)] * 10_001),
    "csv-only-line-breaks.csv": lambda: b"\n" * (5 * MB - 10),
    "csv-cell-32768-characters.csv": lambda: csv_text(
        ",".join(HEADER), "2021,LV,MAI-L-01,50," + "x" * 32_768
    ),
    "csv-unclosed-quote-5mb.csv": lambda: csv_text(
        ",".join(HEADER), '2021,LV,MAI-L-01,50,"' + "x" * (5 * MB - 100)
    ),
    "csv-over-the-byte-limit.csv": lambda: csv_text(",".join(HEADER)) + b"x" * (5 * MB),
    "csv-full-width-digits.csv": lambda: csv_text(",".join(HEADER), "2021,LV,MAI-L-01,１００"),
    "csv-arabic-indic-digits.csv": lambda: csv_text(",".join(HEADER), "2021,LV,MAI-L-01,٦٢"),
    "csv-exponent.csv": lambda: csv_text(",".join(HEADER), "2021,LV,MAI-L-01,1e2"),
    "csv-underscore-digits.csv": lambda: csv_text(",".join(HEADER), "2021,LV,MAI-L-01,5_0"),
    "csv-full-width-round.csv": lambda: csv_text(",".join(HEADER), "２０２１,LV,MAI-L-01,50"),
    "csv-numeric-country.csv": lambda: csv_text(",".join(HEADER), "2021,428,MAI-L-01,50"),
    "csv-terminal-escapes-in-note.csv": lambda: csv_text(
        ",".join(HEADER), "2021,LV,MAI-L-01,50,\x1b]0;owned\x07\x1b[2J\x1b[31mred,"
    ),
    "csv-c1-control-in-source.csv": lambda: csv_text(
        ",".join(HEADER), "2021,LV,MAI-L-01,50,,\u009b31m"
    ),
    "csv-markdown-header.csv": lambda: csv_text(
        ",".join([*HEADER, "**x**", ":skull:"]), ",".join([*GOOD_ROW, "a", "b"])
    ),
}


def peak_memory_mb() -> float:
    """The peak resident memory of this program, in MB.

    Linux's VmHWM starts afresh with the program; ru_maxrss would also count the parent's
    memory from before the fork that started it.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check(path: Path) -> dict[str, object]:
    """Read one file as a partner for LV would upload it, timing only the reading."""
    from niem.config import ReadLimits
    from niem.importing import UploadContext, read_upload

    context = UploadContext(
        # The shipped rounds, so that messages read as `niem validate` prints them.
        rounds={year: frozenset({"LV", "LT"}) for year in (2017, 2019, 2021)},
        indicators={"MAI-L-01": True, "MAI-L-02": True},
        editable_countries=frozenset({"LV"}),
        limits=ReadLimits(),
    )
    data = path.read_bytes()
    baseline = peak_memory_mb()
    start = time.perf_counter()
    result = read_upload(data, path.name, context)
    seconds = time.perf_counter() - start
    return {
        "problems": [str(p) for p in result.problems],
        "notices": [str(n) for n in result.notices],
        "rows": len(result.rows),
        "seconds": round(seconds, 3),
        "peak_mb": round(peak_memory_mb(), 1),
        "baseline_mb": round(baseline, 1),
        "bytes": len(data),
    }


def main(arguments: list[str]) -> int:
    if arguments[:1] == ["--check"]:
        print(json.dumps(check(Path(arguments[1]))))
        return 0
    folder = Path(arguments[0])
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in FILES.items():
        (folder / name).write_bytes(make())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
