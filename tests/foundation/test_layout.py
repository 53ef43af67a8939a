"""Architecture rules that keep the code base easy to see and change."""

from __future__ import annotations

import ast
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE_PACKAGES = ["guji", "restoration", "imaging", "export", "resources"]


def _python_files() -> list[Path]:
    files: list[Path] = []
    for pkg in CORE_PACKAGES:
        files.extend(p for p in (ROOT / pkg).rglob("*.py"))
    return files


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_only_the_gui_package_imports_qt() -> None:
    offenders = []
    for path in _python_files():
        rel = path.relative_to(ROOT)
        if rel.parts[:2] == ("guji", "gui"):
            continue
        for name in _imports(path):
            if name.split(".")[0] in ("PyQt6", "PyQt5", "PySide6", "PySide2"):
                offenders.append(f"{rel}: {name}")
    assert not offenders, "Qt imported outside guji/gui: " + ", ".join(offenders)


def test_qt_is_imported_only_through_the_qt_module() -> None:
    offenders = []
    for path in (ROOT / "guji" / "gui").rglob("*.py"):
        if path.name == "qt.py":
            continue
        for name in _imports(path):
            if name.startswith("PyQt6"):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders


def test_imaging_and_restoration_domain_have_no_database_or_gui() -> None:
    for pkg in ("imaging",):
        for path in (ROOT / pkg).rglob("*.py"):
            bad = {n for n in _imports(path) if n.split(".")[0] in ("sqlalchemy", "guji", "PyQt6")}
            assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_rule_checker_would_catch_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PyQt6.QtWidgets import QWidget\n", encoding="utf-8")
    assert "PyQt6.QtWidgets" in _imports(bad)


def test_headless_opencv_only() -> None:
    # opencv-python ships Qt plugins that clash with PyQt6 in one process.
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.version("opencv-python")
    assert metadata.version("opencv-python-headless")


def test_top_level_layout() -> None:
    for name in ["guji", "guji/gui", "restoration", "imaging", "export", "resources", "tests", "bench", "docs",
                 "setup.cfg", "pyproject.toml", "Makefile", "README.md", ".ci/run"]:
        assert (ROOT / name).exists(), name
    cfg = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    assert "guji = guji.cli.main:main" in cfg
    assert "guji-desktop = guji.gui.app:main" in cfg
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
