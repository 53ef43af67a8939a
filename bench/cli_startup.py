#!/usr/bin/env python3
"""Benchmark: what a command costs to start (CPU time and peak memory), against `python -c pass`.

    python bench/cli_startup.py [--repeat 5]

Runs each command several times in a fresh process and prints the median and the best CPU
time (user + system, of the child; the best is the figure to compare on a busy machine), the
peak resident memory, the ratio of the median to `python -c pass`, and the verdict against
the target: at most 0.3 s of CPU for commands that need neither OpenCV nor reportlab
(`--help`, `era`, `census search`).

`guji census search` runs on a small register made once in a temporary folder, in three cases:

* a further call of a command-line session (what a script's calls are after its first): the
  target applies; the accounts use the test suite's cheap argon2 profile, so that the figure
  is the program's own cost;
* the first call of a session (the full sign-in, which audits the session; once per 30 idle
  minutes);
* a further call whose password hash has argon2's default (production) parameters: the
  password check alone then costs about a third of a second of CPU and 64 MB, by design;
* a further call of a session opened with `guji login` (production hash): the call signs in by
  the session's token, with no password check — what a script does after `guji login`; the
  target applies.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUJI = Path(sys.executable).with_name("guji")
TARGET_S = 0.3
PASSWORD = "keeper-of-books-1"


def measure(argv: list[str], env: dict[str, str], repeat: int,
            before: Callable[[], None] | None = None) -> tuple[float, float, float]:
    """(median CPU seconds, best CPU seconds, peak RSS in MB) of running ``argv`` ``repeat`` times
    (``before`` runs ahead of each)."""
    cpu, rss = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        if status != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.read().decode()[-400:]}")  # type: ignore[union-attr]
        cpu.append(usage.ru_utime + usage.ru_stime)
        rss.append(usage.ru_maxrss / 1024)  # Linux gives KB
    return statistics.median(cpu), min(cpu), max(rss)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="guji-startup-"))
    env = {**os.environ, "GUJI_HOME": str(work), "GUJI_ARGON2_PROFILE": "test", "QT_QPA_PLATFORM": "offscreen",
           "GUJI_PASSWORD": PASSWORD}
    db = work / "bench.sqlite3"
    subprocess.run([str(GUJI), "--db", str(db), "init", "--admin", "wang"], env=env, check=True,
                   capture_output=True)
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from guji.app import Guji; from guji.db.engine import "
            f"Database; from guji.census.record import RecordData; db = Database.open({str(db)!r}); "
            f"a = Guji.sign_in(db, 'wang', {PASSWORD!r}); "
            "a.institutions.add_institution('遼寧省圖書館', '210000', '0101'); "
            f"a.users.add_user('li', {PASSWORD!r}, ['census'], institution='210000-0101'); "
            "[a.census.register_book(RecordData(title=f'萬曆野獲編{i + 1}卷', edition_statement='明萬曆刻本', "
            "volumes=2), institution='210000-0101') for i in range(50)]")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    # li's password hashed with argon2's defaults, as a deployment hashes it (in a child: a 64 MB
    # hash here would count in the peak memory of every command forked from this process).
    prod_hash = subprocess.run([sys.executable, "-c", f"from argon2 import PasswordHasher; "
                                f"print(PasswordHasher().hash({PASSWORD!r}))"],
                               check=True, capture_output=True, text=True).stdout.strip()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE user_account SET password_hash = ? WHERE login = 'li'", (prod_hash,))
    env_prod = {k: v for k, v in env.items() if k != "GUJI_ARGON2_PROFILE"}

    def search(user: str) -> list[str]:
        return [str(GUJI), "--db", str(db), "--user", user, "census", "search", "萬曆"]

    def idle_sessions() -> None:
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE user_session SET last_seen_at = '2000-01-01 00:00:00.000000' "
                         "WHERE user_id = (SELECT id FROM user_account WHERE login = 'wang')")

    # The first call of each person starts their command-line session; the measured calls continue it.
    for user, e in (("wang", env), ("li", env_prod)):
        subprocess.run(search(user), env=e, check=True, capture_output=True)
    # zhao: the same production hash, signed in once with `guji login`; later calls carry no password.
    subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); from guji.app import Guji; "
                    f"from guji.db.engine import Database; a = Guji.sign_in(Database.open({str(db)!r}), 'wang', "
                    f"{PASSWORD!r}); a.users.add_user('zhao', {PASSWORD!r}, ['census'], institution='210000-0101')"],
                   env=env, check=True, capture_output=True)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE user_account SET password_hash = ? WHERE login = 'zhao'", (prod_hash,))
    subprocess.run([str(GUJI), "--db", str(db), "--user", "zhao", "login"], env=env_prod, check=True,
                   capture_output=True)
    env_token = {k: v for k, v in env_prod.items() if k != "GUJI_PASSWORD"}
    cases: list[tuple[str, list[str], dict[str, str], Callable[[], None] | None, bool]] = [
        ("python -c pass", [sys.executable, "-c", "pass"], env, None, False),
        ("guji --help", [str(GUJI), "--help"], env, None, True),
        ("guji era 明萬曆刻本", [str(GUJI), "era", "明萬曆刻本"], env, None, True),
        ("census search (session)", search("wang"), env, None, True),
        ("census search (new session)", search("wang"), env, idle_sessions, False),
        ("census search (argon2 defaults)", search("li"), env_prod, None, False),
        ("census search (after guji login)", search("zhao"), env_token, None, True),
    ]
    base = None
    print(f"{'command':<34} {'CPU s':>7} {'best':>7} {'peak MB':>8}  {'vs python':>9}   target {TARGET_S} s")
    for name, argv, e, before, target in cases:
        cpu, best, rss = measure(argv, e, args.repeat, before)
        base = cpu if base is None else base
        verdict = ("ok" if best <= TARGET_S else "over") if target else ""
        print(f"{name:<34} {cpu:>7.3f} {best:>7.3f} {rss:>8.1f}  {cpu / base:>8.1f}×   {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
