#!/usr/bin/env python3
"""Benchmark: open the census register on N records and scroll it (offscreen).

    python bench/register_table.py [--records 1000000] [--db /tmp/register-1m.sqlite3] [--jumps 40]

1. Builds (once, reused if the file is there with N records) an SQLite database
   with the schema and N records, bulk-inserted straight into the tables — this
   is a benchmark, not the program. ``--loader datagen`` (the default when
   ``bench/datagen.py`` is there) uses the shared benchmark loader: realistic
   records from ``guji.census.demo_records`` with the search index, so typed
   searches can be timed too; ``--loader simple`` writes plain synthetic rows
   without the search index (fast, open/scroll figures only).
2. Times, with the real desktop (threaded DB worker): MainWindow construction →
   first paint of the register with its first rows ("open"), and random jumps
   through the table (each: scroll → the page's rows arrive → painted).
3. Measures how long the GUI thread was ever blocked (the longest gap between
   ticks of a 5 ms timer) during open and scrolling.

Prints the figures; the target is open < 1.5 s on 1,000,000 records.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TITLES = ["墨子", "金華府志", "貞觀政要", "說文解字", "資治通鑑", "文選", "杜工部集", "史記", "漢書", "論語集注",
          "孟子注疏", "楚辭章句", "世說新語", "水經注", "齊民要術", "本草綱目", "農政全書", "天工開物"]
EDITIONS = ["明萬曆刻本", "明成化元年內府刻本", "清乾隆三十年武英殿刻本", "清光緒二十八年刊本", "明嘉靖刻本",
            "清康熙刻本", "清同治十二年刻本", "民國二十年鉛印本", "清抄本", "元刻明修本"]
AUTHORS = ["（明）王懋德纂修", "（唐）吳兢撰", "（漢）許慎撰", "（宋）司馬光撰", "（梁）蕭統輯", "（清）紀昀等纂"]
NUMERALS = "一二三四五六七八九十"
STATES = ["draft"] * 6 + ["submitted", "returned", "unit_approved", "centre_approved"]


def build(path: Path, n: int) -> None:
    """Schema by the migrations, then N records by executemany (one transaction)."""
    from guji.db import migrate
    from guji.db.engine import Database
    from guji.services import auth

    if path.exists():
        path.unlink()
    db = Database.open(str(path), create=True)
    migrate.upgrade(db)
    auth.bootstrap_admin(db, "bench", "bench-pass-1", "基準")
    db.dispose()
    con = sqlite3.connect(path)
    now = "2026-11-23 00:00:00.000000"
    con.execute("INSERT INTO institution (name, region_code, unit_code, is_centre, created_at) "
                "VALUES ('遼寧省圖書館（基準）', '210000', '9101', 0, ?)", (now,))
    inst = con.execute("SELECT id FROM institution WHERE unit_code = '9101'").fetchone()[0]
    rnd = random.Random(1)
    t0 = time.perf_counter()

    def rows():  # type: ignore[no-untyped-def]
        for i in range(1, n + 1):
            title = rnd.choice(TITLES) + rnd.choice(NUMERALS) + "卷"
            yield (f"210000-9101-{i:07d}", f"善 {i}", title, rnd.choice(AUTHORS), rnd.choice(EDITIONS),
                   rnd.randint(1, 40), inst, i, rnd.choice(STATES), title, title, now, now)

    con.executemany(
        "INSERT INTO census_record (census_number, call_number, title, author_statement, edition_statement, "
        "volumes, institution_id, serial, state, review_round, search_key, title_key, edition_key, "
        "created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?, ?, ?, ?, 1)",
        rows(),
    )
    con.commit()
    con.execute("ANALYZE")
    con.close()
    print(f"built {n:,} records in {time.perf_counter() - t0:.1f} s → {path}")


def build_with_datagen(path: Path, n: int) -> None:
    """The shared loader (bench/datagen.py): realistic records and the FTS5 index."""
    import datagen  # type: ignore[import-not-found]

    if path.exists():
        path.unlink()
    t = datagen.load(str(path), n)
    print(f"built {n:,} records with bench/datagen.py in {t.get('total', 0):.1f} s → {path}")


def have_datagen() -> bool:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        import datagen  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return False
    return True


def count(path: Path) -> int:
    try:
        con = sqlite3.connect(path)
        try:
            return int(con.execute("SELECT count(*) FROM census_record").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return -1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--jumps", type=int, default=40)
    ap.add_argument("--loader", choices=("auto", "datagen", "simple"), default="auto")
    ap.add_argument("--query", action="append", default=None,
                    help="time a typed search (repeatable; default 萬曆, 墨子, 清 with the datagen loader)")
    args = ap.parse_args()
    loader = args.loader
    if loader == "auto":
        loader = "datagen" if have_datagen() else "simple"
    path = args.db or Path(f"/tmp/guji-bench-register-{loader}-{args.records}.sqlite3")
    if count(path) != args.records:
        if loader == "datagen":
            build_with_datagen(path, args.records)
        else:
            build(path, args.records)
    queries = args.query if args.query is not None else (["萬曆", "墨子", "清"] if loader == "datagen" else [])

    from guji.app import Guji
    from guji.db.engine import Database
    from guji.gui import fonts, i18n
    from guji.gui.qt import QApplication, QTimer

    qapp = QApplication(["bench"])
    fonts.apply_app_font(qapp)
    i18n.install("zh_CN")
    # Both loaders create the administrator bench / bench-pass-1 (it sees every record).
    app = Guji.sign_in(Database.open(str(path)), "bench", "bench-pass-1")

    # The longest time the GUI thread did not get to run a 5 ms timer.
    gaps = {"max": 0.0, "last": time.perf_counter()}

    def tick() -> None:
        now = time.perf_counter()
        gaps["max"] = max(gaps["max"], now - gaps["last"])
        gaps["last"] = now

    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(tick)

    from guji.gui.mainwindow import MainWindow

    def wait_until(cond, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            qapp.processEvents()
            if cond():
                return True
            time.sleep(0.001)
        return False

    t0 = time.perf_counter()
    window = MainWindow(app)
    t_built = time.perf_counter() - t0
    window.show()
    gaps["last"] = time.perf_counter()
    ticker.start()
    page = window.pages["census"]
    loaded = {"rows": 0}
    page.model.pageLoaded.connect(lambda a, b: loaded.__setitem__("rows", loaded["rows"] + b - a + 1))
    ok = wait_until(lambda: page.model.record_row(0) is not None)
    page.table.viewport().repaint()  # the first paint with rows
    t_open = time.perf_counter() - t0
    ok = ok and wait_until(lambda: page.model.rowCount() == args.records)
    t_full = time.perf_counter() - t0
    if not ok:
        print("the register did not load", file=sys.stderr)
        return 1
    first = page.model.index(0, 2).data()
    open_gap = gaps["max"]

    # Random jumps: scroll far, wait for the page's rows, paint.
    rnd = random.Random(7)
    times = []
    gaps["max"] = 0.0
    gaps["last"] = time.perf_counter()
    for _ in range(args.jumps):
        row = rnd.randrange(args.records)
        before = loaded["rows"]
        t = time.perf_counter()
        page.table.scrollTo(page.model.index(row, 0))
        page.table.viewport().repaint()
        wait_until(lambda before=before, row=row: loaded["rows"] > before or page.model.record_row(row) is not None, 10)
        page.table.viewport().repaint()
        times.append(time.perf_counter() - t)
    # Smooth scrolling: 300 wheel-sized steps of 3 rows.
    bar = page.table.verticalScrollBar()
    t = time.perf_counter()
    for _ in range(300):
        bar.setValue(bar.value() + 3)
        page.table.viewport().repaint()
        qapp.processEvents()
    t_steps = (time.perf_counter() - t) / 300
    scroll_gap = gaps["max"]

    # Typed searches: the box → the first matching rows painted, then the full id list.
    searches = []
    for q in queries:
        gaps["max"] = 0.0
        gaps["last"] = time.perf_counter()
        t = time.perf_counter()
        page.search_box.setText(q)
        page.search()
        seq = page._search_seq
        wait_until(lambda: page.model.rowCount() == 0 or page.model.record_row(0) is not None, 30)
        page.table.viewport().repaint()
        t_first = time.perf_counter() - t
        wait_until(lambda seq=seq: page.done_search_seq == seq, 60)
        searches.append((q, t_first, time.perf_counter() - t, page.model.rowCount(), gaps["max"]))
    times.sort()
    print(f"records: {args.records:,}  ({path})")
    print(f"open (MainWindow → first paint with rows): {t_open:.3f} s   [target < 1.5 s]   first title: {first}")
    print(f"  of which building the main window (every page): {t_built:.3f} s")
    print(f"whole id list in the model (scrollbar spans every record): {t_full:.3f} s")
    print(f"jump to a random row, rows painted: median {times[len(times) // 2] * 1000:.0f} ms, "
          f"max {times[-1] * 1000:.0f} ms over {len(times)} jumps")
    print(f"scroll step (3 rows + repaint): {t_steps * 1000:.1f} ms")
    print(f"longest GUI-thread block: open {open_gap * 1000:.0f} ms, scrolling {scroll_gap * 1000:.0f} ms")
    for q, t_first, t_all, n, gap in searches:
        print(f"search {q!r}: first rows painted {t_first * 1000:.0f} ms, all {n:,} ids {t_all * 1000:.0f} ms, "
              f"longest GUI block {gap * 1000:.0f} ms")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
