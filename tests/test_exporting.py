"""Exports keep spreadsheet formulas from running: text that starts like one gets an apostrophe."""

from __future__ import annotations

import pandas as pd

from niem.exporting import csv_chunks, neutralise_formulas, to_csv_bytes


def test_text_that_a_spreadsheet_would_run_is_prefixed_in_text_and_mixed_columns() -> None:
    frame = pd.DataFrame(
        {
            "note": pd.Series(
                ["=HYPERLINK(\"x\")", "plain", None, "-1+2", "@SUM(A1)"], dtype="str"
            ),
            "mixed": ["+44 20", 3, None, "fine", "\tTab"],
            "score": [1.5, 2.0, None, 4.0, 5.0],
        }
    )
    safe = neutralise_formulas(frame)
    assert safe["note"].fillna("<none>").tolist() == [
        "'=HYPERLINK(\"x\")", "plain", "<none>", "'-1+2", "'@SUM(A1)"
    ]
    assert safe["mixed"].tolist() == ["'+44 20", 3, None, "fine", "'\tTab"]
    assert safe["score"].fillna(-1).tolist() == [1.5, 2.0, -1, 4.0, 5.0]
    # The table given is left as it was.
    assert frame["note"].iloc[0] == "=HYPERLINK(\"x\")"


def test_a_csv_export_holds_the_prefixed_text() -> None:
    frame = pd.DataFrame({"code": ["=1+1", "MAI-L-01"], "score": [50.7, None]})
    assert to_csv_bytes(frame).decode() == "code,score\n'=1+1,50.7\nMAI-L-01,\n"


def test_export_chunks_are_the_csv_pandas_writes_with_and_without_cells_to_quote() -> None:
    plain = pd.DataFrame(
        {
            "note": pd.Series(["", "plain", None, "ā š"], dtype="str"),
            "score": [1.0, None, 0.1, 33.333333333333336],
            "covered": [1, 2, 3, 4],
        }
    )
    quoted = plain.assign(note=pd.Series(["x,y", 'q"uote', "line\nbreak", None], dtype="str"))
    chunks = [chunk for chunk, _rows in csv_chunks([plain, quoted])]
    assert chunks == [
        "note,score,covered\n,1,1\nplain,,2\n,0.1,3\nā š,33.33333333,4\n".encode(),
        b'"x,y",1,1\n"q""uote",,2\n"line\nbreak",0.1,3\n,33.33333333,4\n',
    ]
    assert b"".join(chunks) == to_csv_bytes(pd.concat([plain, quoted], ignore_index=True))


def test_negative_zero_is_written_as_pandas_writes_it() -> None:
    frame = pd.DataFrame({"round": [2021, 2021], "score": [0.0, -0.0]})
    [(chunk, _rows)] = list(csv_chunks([frame]))
    assert chunk == b"round,score\n2021,0\n2021,-0\n" == to_csv_bytes(frame)
