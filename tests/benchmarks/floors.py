"""The floors the scale section sets beside `niem export` and `niem import`: the same work done
the plainest way, run as a child process like the commands themselves (so each floor pays the
interpreter's start and its own imports, as a command does).

    python -m tests.benchmarks.floors export DATABASE_URL OUTPUT.csv
    python -m tests.benchmarks.floors import UPLOAD.csv DATABASE_URL
"""

from __future__ import annotations

import sys
from typing import Any


def export_floor(url: str, output: str) -> None:
    """Every current value written as CSV, row by row, straight from the database."""
    import csv

    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection, open(output, "w", newline="") as out:
        writer = csv.writer(out)
        result = connection.execute(text("SELECT * FROM currentvalue"))
        writer.writerow(result.keys())
        for row in result:
            writer.writerow(row)
    engine.dispose()


def import_floor(upload: str, url: str) -> None:
    """The upload read by pandas and inserted with the driver's `executemany` into a table of
    its own on the same database (the driver alone: no SQLAlchemy to load)."""
    import pandas as pd

    frame = pd.read_csv(upload)
    rows = list(frame.itertuples(index=False, name=None))
    connection: Any
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        mark = "?"
    else:
        import psycopg

        connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        mark = "%s"
    with connection:
        cursor = connection.cursor()
        cursor.execute("CREATE TEMP TABLE floor (r int, c text, i text, v float, n text, s text)")
        cursor.executemany(f"INSERT INTO floor VALUES ({', '.join([mark] * 6)})", rows)
    connection.close()


if __name__ == "__main__":
    work, first, second = sys.argv[1:4]
    {"export": export_floor, "import": import_floor}[work](first, second)
