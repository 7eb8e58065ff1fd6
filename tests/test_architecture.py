"""The tree keeps its shape: only niem/ui.py speaks Streamlit; the shipped data reproduce."""

from __future__ import annotations

import ast
from pathlib import Path

from niem.config import DATA_DIR, load_settings
from niem.illustrative import generate_from_shipped_files

NIEM = Path(__file__).resolve().parent.parent / "niem"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_ui_adapter_imports_streamlit() -> None:
    speaking = sorted(p.name for p in NIEM.glob("*.py") if "streamlit" in imported_modules(p))
    assert speaking == ["ui.py"]


def test_the_shipped_illustrative_scores_are_reproduced_by_the_generator() -> None:
    shipped = (DATA_DIR / "illustrative_scores.csv").read_text(encoding="utf-8")
    assert generate_from_shipped_files(load_settings()) == shipped


def test_the_app_reads_nothing_outside_the_project() -> None:
    for path in [*NIEM.glob("*.py"), *NIEM.parent.glob("pages/*.py"), NIEM.parent / "app.py"]:
        assert "../shared" not in path.read_text(encoding="utf-8"), path
