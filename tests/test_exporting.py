"""Exports keep spreadsheet formulas from running: text that starts like one gets an apostrophe."""

from __future__ import annotations

import pandas as pd

from niem.exporting import neutralise_formulas, to_csv_bytes


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
