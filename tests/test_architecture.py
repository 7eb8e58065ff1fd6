"""The tree keeps its shape: only niem/ui/ speaks Streamlit; the shipped data reproduce."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from niem.config import DATA_DIR, load_settings
from niem.illustrative import generate_from_shipped_files

NIEM = Path(__file__).resolve().parent.parent / "niem"
ROOT = NIEM.parent
# Domain calls that decide what their caller may do or see from a keyword argument; without
# it they act for the operator, which only the command line is.
ACTING = {"add_user": "by", "list_users": "by", "disable_user": "by", "enable_user": "by"}
READING = {"score_history": "viewer", "list_revisions": "viewer", "revision_diff": "viewer"}
ACTING |= {"answer": "user", "dismiss": "user", "draft_revision": "user"}
READING |= {"feedback_list": "viewer"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def modules() -> list[Path]:
    return sorted(NIEM.rglob("*.py"))


def test_only_the_ui_package_imports_streamlit() -> None:
    speaking = {str(p.relative_to(NIEM)) for p in modules() if "streamlit" in imported_modules(p)}
    assert speaking and all(name.startswith("ui/") for name in speaking), speaking
    assert not (NIEM / "ui.py").exists()


def test_no_module_grows_past_600_lines() -> None:
    lengths = {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for p in modules()}
    assert {name: n for name, n in lengths.items() if n > 600} == {}


def domain_calls(path: Path) -> list[ast.Call]:
    """Calls of functions of niem.accounts, niem.history, niem.changes and niem.feedback in a
    file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {"accounts", "account_admin", "history", "changes", "feedback"}
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in {f"niem.{m}" for m in modules}
        for alias in node.names
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id in imported)
            or (
                isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in modules
            )
        )
    ]


def test_the_app_always_says_who_acts_or_reads() -> None:
    app = [*(NIEM / "ui").glob("*.py"), *ROOT.glob("app_pages/*.py"), ROOT / "app.py"]
    checked = 0
    for path in app:
        for call in domain_calls(path):
            name = getattr(call.func, "attr", getattr(call.func, "id", ""))
            wanted = ACTING.get(name) or READING.get(name)
            if wanted:
                checked += 1
                assert wanted in {k.arg for k in call.keywords}, (path.name, call.lineno, name)
    assert checked >= len(ACTING) + len(READING)


def test_no_domain_function_acts_for_the_operator_by_default() -> None:
    from niem import account_admin, accounts, changes, history

    for module in (accounts, account_admin, changes, history):
        for name, function in vars(module).items():
            if not inspect.isfunction(function) or function.__module__ != module.__name__:
                continue
            for parameter in inspect.signature(function).parameters.values():
                if parameter.name in ("by", "viewer"):
                    assert parameter.default is parameter.empty, (module.__name__, name)


def test_the_shipped_illustrative_scores_are_reproduced_by_the_generator() -> None:
    shipped = (DATA_DIR / "illustrative_scores.csv").read_text(encoding="utf-8")
    assert generate_from_shipped_files(load_settings()) == shipped


def test_the_app_reads_nothing_outside_the_project() -> None:
    for path in [*modules(), *ROOT.glob("app_pages/*.py"), ROOT / "app.py"]:
        assert "../shared" not in path.read_text(encoding="utf-8"), path


def test_there_is_no_legacy_pages_folder_for_streamlit_to_discover() -> None:
    assert not (ROOT / "pages").exists()
