"""Writing figures out: selecting from the figures table, CSV and XLSX, formula-safe."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from niem.cells import FORMULA_PREFIXES
from niem.errors import UnknownChoice
from niem.methodology import LEVELS
from niem.results import COLUMNS, PUBLISHED
from niem.wording import empty_text

# The figures table's columns, less the day a partner's value was published (its provenance
# says which revision). `computed` is filled for published rows only: what the current data
# give beside the published figure (elsewhere the score is the computed figure).
EXPORT_COLUMNS = [c for c in COLUMNS if c != "revised"]
FORMATS = ("csv", "xlsx")
FLOAT_FORMAT = "%.10g"


def select_figures(
    results: pd.DataFrame,
    *,
    round_year: int | None = None,
    country: str | None = None,
    level: str | None = None,
    known_rounds: Sequence[int] = (),
) -> pd.DataFrame:
    """The rows of the figures table matching the filters, in export column order."""
    check_choices(round_year=round_year, level=level, known_rounds=known_rounds)
    mask = pd.Series(True, index=results.index)
    if round_year is not None:
        mask &= results["round"] == round_year
    if country is not None:
        mask &= results["country"] == country
    if level is not None:
        mask &= results["level"] == level
    chosen = results.loc[mask].reset_index(drop=True)
    chosen["computed"] = chosen["computed"].where(chosen["provenance"] == PUBLISHED)
    empty = np.flatnonzero(chosen["score"].isna().to_numpy())
    if len(empty):
        notes = chosen["note"].to_numpy(dtype=object)
        covered, total = chosen["covered"].to_numpy(), chosen["total"].to_numpy()
        notes[empty] = [
            _with_empty_words(notes[i], covered[i], total[i]) for i in empty.tolist()
        ]
        chosen["note"] = pd.array(notes, dtype=chosen["note"].dtype)
    return chosen[EXPORT_COLUMNS]


def check_choices(
    *, round_year: int | None, level: str | None, known_rounds: Sequence[int]
) -> None:
    """Refuse a level or round the store does not have, saying which ones it has."""
    if level is not None and level not in LEVELS:
        raise UnknownChoice(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    if round_year is not None and known_rounds and round_year not in known_rounds:
        choices = ", ".join(str(y) for y in known_rounds)
        raise UnknownChoice(f"unknown round {round_year}; choose one of {choices}")


def _with_empty_words(note: str, covered: int, total: int) -> str:
    """The note of a figure without a number says why, in the pages' words, then the note."""
    words = empty_text(int(covered), int(total))
    return f"{words}; {note}" if note else words


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as formulas with an apostrophe."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if isinstance(values.dtype, pd.StringDtype):
            risky = values.str.startswith(FORMULA_PREFIXES).fillna(False).to_numpy(dtype=bool)
        elif values.dtype == object:
            risky = np.fromiter(
                (isinstance(v, str) and v.startswith(FORMULA_PREFIXES) for v in values),
                dtype=bool,
                count=len(values),
            )
        else:
            continue
        if risky.any():
            safe[column] = values.where(~risky, "'" + values[risky].astype(str))
    return safe


def to_csv_bytes(frame: pd.DataFrame, *, for_excel: bool = False) -> bytes:
    """UTF-8 CSV; `for_excel` adds a BOM so that Excel reads ā and š correctly."""
    text = neutralise_formulas(frame).to_csv(index=False, float_format=FLOAT_FORMAT)
    return text.encode("utf-8-sig" if for_excel else "utf-8")


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "scores") -> bytes:
    """An XLSX workbook with one sheet."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_formulas(frame).to_excel(writer, index=False, sheet_name=sheet_name)
    return buffer.getvalue()


def write_tables(frames: Iterable[pd.DataFrame], fmt: str, target: IO[bytes]) -> int:
    """Write tables one after another as one CSV or XLSX, each as soon as it is made, so
    memory follows one table rather than all of them; returns the rows written."""
    if fmt not in FORMATS:
        raise UnknownChoice(f"unknown format {fmt!r}; choose csv or xlsx")
    if fmt == "csv":
        return _write_csv(frames, target)
    import openpyxl  # only for XLSX: it is a fifth of `niem export`'s start-up

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("scores")
    sheet.append(EXPORT_COLUMNS)
    rows = 0
    for frame in frames:
        for row in neutralise_formulas(frame).itertuples(index=False, name=None):
            sheet.append([None if pd.isna(value) else value for value in row])
            rows += 1
    workbook.save(target)
    return rows


def _write_csv(frames: Iterable[pd.DataFrame], target: IO[bytes]) -> int:
    rows = 0
    for chunk, count in csv_chunks(frames):
        target.write(chunk)
        rows += count
    return rows


def csv_chunks(frames: Iterable[pd.DataFrame]) -> Iterator[tuple[bytes, int]]:
    """The tables as one UTF-8 CSV, a chunk per table (the header with the first) and its rows."""
    header = True
    for frame in frames:
        if frame.empty:
            continue
        yield _csv_chunk(neutralise_formulas(frame), header=header), len(frame)
        header = False
    if header:
        yield to_csv_bytes(pd.DataFrame(columns=EXPORT_COLUMNS)), 0


# A CSV cell holding one of these must be quoted.
NEEDS_QUOTES = r'[,"\r\n]'


def _csv_chunk(frame: pd.DataFrame, *, header: bool) -> bytes:
    """One table as CSV, exactly as pandas writes it (`to_csv_bytes`): numbers written once per
    distinct value, then Arrow's C writer unless a cell needs quotes (pandas' then)."""
    written = frame.copy()
    for column in written.columns:
        if pd.api.types.is_float_dtype(written[column].dtype):
            written[column] = _float_texts(written[column].to_numpy(dtype=float))
    table = pa.Table.from_pandas(written, preserve_index=False)
    texts = [table[name] for name in table.column_names if pa.types.is_string(table[name].type)
             or pa.types.is_large_string(table[name].type)]
    if any(pc.any(pc.match_substring_regex(text, NEEDS_QUOTES)).as_py() for text in texts):
        return written.to_csv(index=False, header=header).encode()
    buffer = io.BytesIO()
    if header:  # as pandas writes it: Arrow quotes every column name
        buffer.write(frame.iloc[:0].to_csv(index=False).encode())
    pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    return buffer.getvalue()


def _float_texts(values: np.ndarray) -> pd.arrays.ArrowStringArray:
    """Each number as `FLOAT_FORMAT` writes it, empty for none; formatted once per value (told
    apart by their bits: -0.0 and 0.0 are equal numbers but written "-0" and "0")."""
    bits, where = np.unique(np.ascontiguousarray(values).view(np.int64), return_inverse=True)
    texts = ["" if v != v else FLOAT_FORMAT % v for v in bits.view(np.float64).tolist()]
    return pd.array(np.array(texts, dtype=object)[where], dtype="str")


def write_table(frame: pd.DataFrame, fmt: str, target: IO[bytes]) -> None:
    """Write the table as CSV or XLSX to a binary stream."""
    if fmt not in FORMATS:
        raise UnknownChoice(f"unknown format {fmt!r}; choose csv or xlsx")
    target.write(to_csv_bytes(frame) if fmt == "csv" else to_xlsx_bytes(frame))
