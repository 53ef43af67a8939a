#!/usr/bin/env python3
"""Benchmark: what a command costs to start (CPU time and peak memory), against `python -c pass`.

    python bench/cli_startup.py [--repeat 5]

Runs each command several times in a fresh process and prints the median CPU time (user +
system, of the child) and the peak resident memory. `guji census search` runs on a small
register made once in a temporary folder. Target: at most 0.3 s of CPU for commands that need
neither OpenCV nor reportlab (`--help`, `era`, `census search`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUJI = Path(sys.executable).with_name("guji")
TARGET_S = 0.3


def measure(argv: list[str], env: dict[str, str], repeat: int) -> tuple[float, float]:
    """(median CPU seconds, peak RSS in MB) of running ``argv`` ``repeat`` times."""
    cpu, rss = [], []
    for _ in range(repeat):
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        if status != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.read().decode()[-400:]}")  # type: ignore[union-attr]
        cpu.append(usage.ru_utime + usage.ru_stime)
        rss.append(usage.ru_maxrss / 1024)  # Linux gives KB
    return statistics.median(cpu), max(rss)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="guji-startup-"))
    env = {**os.environ, "GUJI_HOME": str(work), "GUJI_ARGON2_PROFILE": "test", "QT_QPA_PLATFORM": "offscreen"}
    db = work / "bench.sqlite3"
    env_db = {**env, "GUJI_PASSWORD": "keeper-of-books-1"}
    subprocess.run([str(GUJI), "--db", str(db), "init", "--admin", "wang"], env=env_db, check=True,
                   capture_output=True)
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from guji.app import Guji; from guji.db.engine import "
            f"Database; from guji.census.record import RecordData; db = Database.open({str(db)!r}); "
            "a = Guji.sign_in(db, 'wang', 'keeper-of-books-1'); "
            "a.institutions.add_institution('遼寧省圖書館', '210000', '0101'); "
            "[a.census.register_book(RecordData(title=f'萬曆野獲編{i + 1}卷', edition_statement='明萬曆刻本', volumes=2), "
            "institution='210000-0101') for i in range(50)]")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    # The first census search after a sign-in starts a command-line session; later ones continue it.
    cases = [
        ("python -c pass", [sys.executable, "-c", "pass"], env),
        ("guji --help", [str(GUJI), "--help"], env),
        ("guji era 明萬曆刻本", [str(GUJI), "era", "明萬曆刻本"], env),
        ("guji census search 萬曆", [str(GUJI), "--db", str(db), "--user", "wang", "census", "search", "萬曆"],
         env_db),
    ]
    base = None
    print(f"{'command':<28} {'CPU s':>7} {'peak MB':>8}  vs python   target")
    for name, argv, e in cases:
        cpu, rss = measure(argv, e, args.repeat)
        base = cpu if base is None else base
        verdict = "" if name.startswith("python") else ("ok" if cpu <= TARGET_S else f"> {TARGET_S} s")
        print(f"{name:<28} {cpu:>7.3f} {rss:>8.1f}  {cpu / base:>6.1f}×   {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
