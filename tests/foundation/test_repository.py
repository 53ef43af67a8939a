"""Repository hygiene: what a person who clones the project downloads, and that the tests need nothing beside it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_FILE_BYTES = 5 * 1024 * 1024
# The bundled CJK fonts are the one place large files belong (see resources/fonts/README.md).
LARGE_FILES_ALLOWED_UNDER = ("resources/fonts/",)
SCANS_BUDGET_BYTES = 15_000_000

# Ways a test could reach the data folder beside the project instead of tests/data. The
# patterns are written with character classes so that this file does not match itself.
OUTSIDE_DATA = [
    re.compile(r"\.\.[/\\]shared\b"),  # the parent folder's data, as a relative path
    re.compile(r"\bshared[/\\]+data\b"),  # its data folder, as a path string
    re.compile(r"[\"']shared[\"']\s*/\s*[\"']data[\"']"),  # the same built with pathlib, one part at a time
    re.compile(r"\b(parent|parents\[\d+\])\s*/\s*[\"']shared[\"']"),  # a folder "shared" beside the project
]


def _tracked_files() -> list[str]:
    """Paths git tracks in this checkout (skips the test outside a git checkout)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    done = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("the tests do not run from a git checkout")
    return [p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def test_no_large_tracked_file_outside_the_fonts() -> None:
    large = []
    for rel in _tracked_files():
        path = ROOT / rel
        if rel.startswith(LARGE_FILES_ALLOWED_UNDER) or not path.is_file() or path.is_symlink():
            continue
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            large.append(f"{rel} ({size / 1e6:.1f} MB)")
    assert not large, "tracked files over 5 MB (keep them out of git or shrink them): " + ", ".join(large)


def test_no_wheel_or_archive_is_tracked() -> None:
    packed = [rel for rel in _tracked_files() if rel.endswith((".whl", ".tar.gz", ".zip"))]
    assert not packed, f"packages are installed from the registry, not committed: {packed}"


def test_tests_read_nothing_beside_the_project() -> None:
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*")):
        if not path.is_file() or path.suffix in (".pyc", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".ttf", ".ttc"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if any(p.search(line) for p in OUTSIDE_DATA):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "tests must read their data from tests/data:\n" + "\n".join(offenders)


def test_the_real_scans_are_in_the_repository() -> None:
    from tests.conftest import SCANS

    assert SCANS == ROOT / "tests" / "data" / "scans"
    pages = [p for p in SCANS.glob("*/*") if p.suffix in (".png", ".jpg")]
    assert pages
    # Each book keeps the upstream notes, and the licence goes with the pages.
    assert (SCANS / "ATTRIBUTION.md").is_file() and (SCANS / "LICENSE-Apache-2.0.txt").is_file()
    for book in {p.parent for p in pages}:
        assert (book / "README.md").is_file() and (book / "profile.json").is_file(), book.name
    # The pages are recompressed losslessly to stay within the budget a clone should carry.
    total = sum(p.stat().st_size for p in SCANS.rglob("*") if p.is_file())
    assert total <= SCANS_BUDGET_BYTES, f"tests/data/scans holds {total / 1e6:.1f} MB"


def test_the_pattern_catches_what_it_should() -> None:
    """The check above would pass vacuously if the patterns matched nothing."""
    parent, name, sub = "..", "shared", "data"
    samples = [f"{parent}/{name}/{sub}/scans", f'ROOT.parent / "{name}"', f'Path(__file__).parents[2] / "{name}"',
               f'Path(x).parent.parent / "{name}" / "images"', f'base / "{name}" / "{sub}"', f"{name}/{sub}/scans"]
    assert all(any(p.search(s) for p in OUTSIDE_DATA) for s in samples)
    innocent = ["shared_org", 'shared=["普查"]', "sharedStrings.xml", "the shared example file",
                f'tmp_path / "{name}" / "images"']
    assert not any(p.search(s) for p in OUTSIDE_DATA for s in innocent)
