"""Tables on the page, each with a download of exactly what it shows."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st
from pandas.io.formats.style import Styler

from niem import exporting
from niem.i18n import _


def st_download(frame: pd.DataFrame, file_name: str, key: str, label: str | None = None) -> None:
    """A CSV download of exactly the table shown (headings and values as the reader reads
    them; `niem export` gives the machine format)."""
    # Made when clicked, not on every run: most visits never download.
    st.download_button(
        label or _("Download CSV"),
        partial(exporting.to_csv_bytes, frame, for_excel=True),
        file_name=file_name,
        mime="text/csv",
        on_click="ignore",
        key=key,
    )


def st_table(
    table: pd.DataFrame | Styler | pa.Table,
    key: str,
    *,
    column_config: dict[str, Any] | None = None,
    download: str | bool = True,
    download_frame: pd.DataFrame | None = None,
    **options: Any,
) -> None:
    """A table without its index, and below it the download (`download` is its label, or
    False for none) of `download_frame`, by default the table's own data."""
    st.dataframe(
        table, hide_index=True, key=f"{key}_table", column_config=column_config, **options
    )
    if download is not False:
        frame = download_frame
        if frame is None:
            frame = table.data if isinstance(table, Styler) else table
        assert isinstance(frame, pd.DataFrame)
        label = download if isinstance(download, str) else None
        st_download(frame, f"{key}.csv", key=f"{key}_download", label=label)
