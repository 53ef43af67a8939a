"""Tests for imaging.batch: real scans through the process pool, bad files, cancel, crashes."""

from __future__ import annotations

import importlib.util
import json
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from imaging.batch import analyze_file, expand_inputs, process_batch
from imaging.io import ImageError, load_image
from tests.conftest import SCANS

REAL = [
    SCANS / "book1" / "1.png",
    SCANS / "book6" / "v01_024.jpg",
    SCANS / "book6" / "v01_023.jpg",
]

# A stand-in for imaging.analyze.analyze with the same signature and keys, so the batch
# machinery is tested on its own. Workers are spawned, so it must be an importable module:
# the test writes it to tmp_path and puts that on sys.path (children inherit sys.path).
FAKE_ANALYZER = '''
import os, time
def analyze(img, *, dpi, path=None):
    time.sleep(float(os.environ.get("GUJI_FAKE_ANALYZE_SLEEP", "0")))
    crash_on = os.environ.get("GUJI_FAKE_ANALYZE_CRASH", "")
    if crash_on and os.path.basename(path) == crash_on:
        os._exit(3)  # simulate a worker killed mid-page (segfault / OOM killer)
    h, w = img.shape[:2]
    return {"path": path, "width": w, "height": h, "dpi": dpi, "skew_deg": 0.5,
            "page_box": [w // 20, h // 20, w - w // 20, h - h // 20],
            "split_x": w // 2 if w > h else None, "frames": [], "lines_per_half_leaf": None,
            "damage_pct": 0.0, "paper_lab": None}
'''


@pytest.fixture()
def fake(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> str:
    mod_dir = tmp_path_factory.mktemp("fakemod")
    (mod_dir / "guji_fake_analyze.py").write_text(FAKE_ANALYZER)
    monkeypatch.syspath_prepend(str(mod_dir))
    monkeypatch.delenv("GUJI_FAKE_ANALYZE_SLEEP", raising=False)
    monkeypatch.delenv("GUJI_FAKE_ANALYZE_CRASH", raising=False)
    return "guji_fake_analyze:analyze"


def _all_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _no_partials(root: Path) -> None:
    names = [p.name for p in root.rglob("*")]
    assert not [n for n in names if n.startswith(".") or n.endswith(".part")], names
    for jpg in root.rglob("*.jpg"):
        load_image(jpg)  # every published JPEG is complete


def test_three_real_files_and_a_bad_one(tmp_path: Path, fake: str) -> None:
    bad = tmp_path / "in" / "notes.png"
    bad.parent.mkdir()
    bad.write_text("not an image")
    out = tmp_path / "out"
    seen: list[tuple[float, str]] = []
    report = process_batch(
        [REAL[0], bad, REAL[1], REAL[2]], out, deskew=True, crop=True, split=True, workers=2,
        progress=lambda f, m: seen.append((f, m)), analyzer=fake,
    )
    assert [r.status for r in report.results] == ["ok", "error", "ok", "ok"]
    err = report.results[1]
    assert "notes.png" in (err.error or "") and "not a supported image" in (err.error or "")
    assert err.outputs == []
    assert report.cancelled is False and len(report.ok) == 3 and len(report.errors) == 1
    files = _all_files(out)
    for stem in ("1", "v01_024", "v01_023"):
        for kind in ("print", "web", "thumb"):
            assert f"{kind}/{stem}.jpg" in files
    assert not any("notes" in f for f in files)
    assert "report.json" in files
    _no_partials(out)
    # the report on disk matches, with relative output paths and DPI carried over
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["counts"] == {"ok": 3, "error": 1, "cancelled": 0}
    first = data["files"][0]
    assert first["analysis"]["dpi"] == 300.0
    printed = next(o for o in first["outputs"] if o["kind"] == "print")
    assert printed["path"] == "print/1.jpg" and printed["dpi"] == 300.0
    assert load_image(out / printed["path"]).dpi == 300.0
    # progress: monotonic fractions ending at 1.0, one message per page
    fracs = [f for f, _ in seen]
    assert fracs == sorted(fracs) and fracs[-1] == 1.0
    assert any("notes.png" in m for _, m in seen)


def test_truncated_and_empty_files_are_per_file_errors(tmp_path: Path, fake: str) -> None:
    cut = tmp_path / "cut.jpg"
    data = REAL[2].read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    report = process_batch([cut, empty, REAL[0]], out, deskew=False, crop=False, split=False, workers=2,
                           analyzer=fake)
    assert [r.status for r in report.results] == ["error", "error", "ok"]
    assert "truncated" in report.results[0].error and "empty" in report.results[1].error
    assert _all_files(out) == ["print/1.jpg", "report.json", "thumb/1.jpg", "web/1.jpg"]


def test_in_process_mode_and_split_names(tmp_path: Path, fake: str) -> None:
    book2 = SCANS / "book2" / "1.png"  # landscape: the stand-in splits it
    report = process_batch([book2], tmp_path, deskew=True, crop=True, split=True, workers=0, analyzer=fake,
                           kinds=("print",))
    assert report.results[0].status == "ok", report.results[0].error
    assert _all_files(tmp_path) == ["print/1_a.jpg", "print/1_b.jpg", "report.json"]


def test_duplicate_stems_and_multipage_tiff(tmp_path: Path, fake: str) -> None:
    tif = tmp_path / "in" / "vol.tif"
    tif.parent.mkdir()
    pages = [Image.fromarray(np.full((120, 80), 200 - 40 * i, np.uint8)) for i in range(3)]
    pages[0].save(tif, save_all=True, append_images=pages[1:], dpi=(400, 400))
    out = tmp_path / "out"
    report = process_batch([SCANS / "book1" / "1.png", SCANS / "book5" / "1.png", tif], out,
                           deskew=False, crop=False, split=False, workers=2, analyzer=fake, kinds=("thumb",))
    assert [r.stem for r in report.results] == ["book1_1", "book5_1", "vol_p001", "vol_p002", "vol_p003"]
    assert all(r.status == "ok" for r in report.results), [r.error for r in report.results]
    assert (out / "thumb" / "vol_p003.jpg").exists()


def test_cancel_is_prompt_and_clean(tmp_path: Path, fake: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUJI_FAKE_ANALYZE_SLEEP", "1.0")
    cancel = threading.Event()
    paths = [SCANS / f"book1/{i}.png" for i in range(1, 6)] + [SCANS / f"book6/v01_02{i}.jpg" for i in range(3, 8)]
    out = tmp_path / "out"
    first_progress_at: list[float] = []

    def progress(fraction: float, message: str) -> None:
        if "done" in message and not cancel.is_set():
            cancel.set()  # the user presses Cancel as soon as the first page is finished
            first_progress_at.append(time.perf_counter())

    report = process_batch(paths, out, deskew=True, crop=True, split=False, workers=2,
                           progress=progress, cancel=cancel, analyzer=fake)
    stopped = time.perf_counter() - first_progress_at[0]
    assert report.cancelled
    assert stopped < 4.0  # grace 2 s + teardown, not the ~4 s the remaining pages would take
    statuses = [r.status for r in report.results]
    assert "cancelled" in statuses and statuses.count("ok") < len(paths)
    # every page reported ok has its full set of outputs; nothing else was published
    expected = {"report.json"}
    for r in report.results:
        if r.status == "ok":
            expected |= {o["path"] for o in r.outputs}
            assert len(r.outputs) == 3
        else:
            assert r.outputs == []
    assert set(_all_files(out)) == expected
    _no_partials(out)
    assert json.loads((out / "report.json").read_text())["cancelled"] is True


def test_cancel_before_start(tmp_path: Path, fake: str) -> None:
    cancel = threading.Event()
    cancel.set()
    report = process_batch(REAL, tmp_path, deskew=True, crop=True, split=True, workers=2, cancel=cancel,
                           analyzer=fake)
    assert report.cancelled and all(r.status == "cancelled" for r in report.results)
    assert _all_files(tmp_path) == ["report.json"]


def test_worker_crash_fails_only_its_page(tmp_path: Path, fake: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUJI_FAKE_ANALYZE_CRASH", "2.png")
    paths = [SCANS / f"book1/{i}.png" for i in range(1, 5)]
    report = process_batch(paths, tmp_path, deskew=False, crop=False, split=False, workers=2, analyzer=fake,
                           kinds=("thumb",))
    statuses = {Path(r.path).name: r.status for r in report.results}
    assert statuses == {"1.png": "ok", "2.png": "error", "3.png": "ok", "4.png": "ok"}
    assert "worker process died" in report.results[1].error
    _no_partials(tmp_path)


def test_expand_inputs_folder(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"x")
    (tmp_path / "b.TIF").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("x")
    assert [Path(p).name for p in expand_inputs([tmp_path])] == ["a.png", "b.TIF"]


def test_analyze_file_with_stand_in(fake: str) -> None:
    result = analyze_file(REAL[0], analyzer=fake)
    assert result["dpi"] == 300.0 and result["width"] == 1155
    assert analyze_file(REAL[0], 150, analyzer=fake)["dpi"] == 150.0
    with pytest.raises(ImageError):
        analyze_file(SCANS / "book1" / "README.md", analyzer=fake)


_REAL_ANALYZE = importlib.util.find_spec("imaging.analyze") is not None


@pytest.mark.skipif(not _REAL_ANALYZE, reason="imaging.analyze not available yet")
def test_real_analyzer_end_to_end(tmp_path: Path) -> None:
    try:
        result = analyze_file(REAL[0])
    except ImportError as exc:  # the analysis modules are still being written
        pytest.skip(f"imaging.analyze incomplete: {exc}")
    assert {"path", "width", "height", "dpi", "skew_deg", "page_box", "split_x"} <= set(result)
    report = process_batch([REAL[0], SCANS / "book2" / "1.png"], tmp_path, deskew=True, crop=True, split=True,
                           workers=2)
    assert all(r.status == "ok" for r in report.results), [r.error for r in report.results]
    _no_partials(tmp_path)


def test_report_is_valid_json_with_unicode_paths(tmp_path: Path, fake: str) -> None:
    src = tmp_path / "古籍" / "卷一.png"
    src.parent.mkdir()
    src.write_bytes(REAL[0].read_bytes())
    report = process_batch([src], tmp_path / "out", deskew=False, crop=False, split=False, workers=0,
                           analyzer=fake, kinds=("thumb",))
    data = json.loads(Path(report.report_path).read_text(encoding="utf-8"))
    assert data["files"][0]["path"].endswith("卷一.png")
    assert (tmp_path / "out" / "thumb" / "卷一.jpg").exists()
    assert os.path.basename(report.report_path) == "report.json"


def test_unguarded_script_fails_clearly(tmp_path: Path) -> None:
    """A script calling process_batch without a __main__ guard cannot start spawn workers:
    the batch must say so instead of reporting every page as a crash."""
    import subprocess
    import sys

    script = tmp_path / "noguard.py"
    out = tmp_path / "out"
    script.write_text(
        "from imaging.batch import process_batch\n"
        f"process_batch([{str(REAL[0])!r}], {str(out)!r}, deskew=False, crop=False, split=False, workers=2)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode != 0
    assert "could not start" in proc.stderr and "__main__" in proc.stderr
    assert _all_files(out) == []
