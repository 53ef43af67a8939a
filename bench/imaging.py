"""Benchmark of page analysis on the real scans (prints figures; not a test).

Run: ``.venv/bin/python bench/imaging.py``.  Prints per-page ``analyze`` time
on one core, the bare decode time of the same files (the floor), a 100-page
batch on 1 vs 2 processes, and ``unpaper`` doing deskew + crop only.
"""

from __future__ import annotations

import multiprocessing as mp
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from imaging.analyze import analyze  # noqa: E402

SCANS = ROOT.parent / "shared/data/scans"


def _pages() -> list[Path]:
    return sorted(p for p in SCANS.glob("book*/*") if p.suffix.lower() in (".png", ".jpg", ".jpeg"))


def _work(path: str) -> float:
    """Decode and analyse one page (what a batch worker does)."""
    img = cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_UNCHANGED)
    analyze(img, dpi=None, path=path)
    return 0.0


def _init() -> None:
    cv2.setNumThreads(1)


def _best_of(fn, n: int = 3) -> float:
    best = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    cv2.setNumThreads(1)
    pages = _pages()
    if not pages:
        print(f"no scans under {SCANS}")
        return
    print(f"{'page':32s} {'size':>11s} {'decode ms':>10s} {'analyze ms':>11s}")
    for p in pages:
        raw = np.fromfile(str(p), np.uint8)
        img = cv2.imdecode(raw, cv2.IMREAD_UNCHANGED)
        dec = _best_of(lambda raw=raw: cv2.imdecode(raw, cv2.IMREAD_UNCHANGED))
        ana = _best_of(lambda img=img: analyze(img, dpi=None))
        print(f"{p.relative_to(SCANS)!s:32s} {img.shape[1]:>5d}x{img.shape[0]:<5d} {dec * 1e3:10.1f} {ana * 1e3:11.1f}")

    batch = [str(pages[i % len(pages)]) for i in range(100)]
    times = {}
    for n in (1, 2):
        ctx = mp.get_context("spawn")
        with ctx.Pool(n, initializer=_init) as pool:
            pool.map(_work, batch[:n * 2])  # warm the workers (imports)
            t = time.perf_counter()
            # Chunks of 4 pages: fewer round trips, still balanced over 100 pages.
            pool.map(_work, batch, chunksize=4)
            times[n] = time.perf_counter() - t
        print(f"batch of 100 pages (decode + analyze), {n} process(es): {times[n]:.2f} s")
    print(f"speed-up 2 vs 1 processes: {times[1] / times[2]:.2f}x (target >= 1.7x)")

    unpaper = shutil.which("unpaper")
    if not unpaper:
        print("unpaper not installed: skipped")
        return
    version = subprocess.run([unpaper, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"unpaper {version}: deskew + crop only (filters off), same pages")
    flags = ["--no-blackfilter", "--no-noisefilter", "--no-blurfilter", "--no-grayfilter",
             "--no-mask-scan", "--no-mask-center", "--no-border-align", "--overwrite"]
    with tempfile.TemporaryDirectory() as tmp:
        for p in pages:
            img = cv2.imread(str(p), cv2.IMREAD_UNCHANGED)
            src = Path(tmp) / (p.stem + (".pgm" if img.ndim == 2 else ".ppm"))
            cv2.imwrite(str(src), img)
            dst = Path(tmp) / ("out_" + src.name)
            t = time.perf_counter()
            r = subprocess.run([unpaper, *flags, str(src), str(dst)], capture_output=True, text=True)
            dt = time.perf_counter() - t
            ours = _best_of(lambda img=img: analyze(img, dpi=None), 1)
            status = "ok" if r.returncode == 0 else f"rc={r.returncode} {r.stderr.strip()[:60]}"
            print(f"{p.relative_to(SCANS)!s:32s} unpaper {dt * 1e3:8.1f} ms   analyze {ours * 1e3:7.1f} ms   {status}")


if __name__ == "__main__":
    main()
