"""The floors the scale section sets beside `niem export` and `niem import`: the same work done
the plainest way, run as a child process like the commands themselves (so each floor pays the
interpreter's start and its own imports, as a command does).

    python -m tests.benchmarks.floors export DATABASE_URL OUTPUT.csv
    python -m tests.benchmarks.floors import UPLOAD.csv SQLITE_FILE
"""

from __future__ import annotations

import sys


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


def import_floor(upload: str, database: str) -> None:
    """The upload read by pandas and inserted into a table of its own with `executemany`."""
    import sqlite3

    import pandas as pd

    frame = pd.read_csv(upload)
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TEMP TABLE floor (r, c, i, v, n, s)")
        connection.executemany(
            "INSERT INTO floor VALUES (?, ?, ?, ?, ?, ?)",
            frame.itertuples(index=False, name=None),
        )


if __name__ == "__main__":
    work, first, second = sys.argv[1:4]
    {"export": export_floor, "import": import_floor}[work](first, second)
