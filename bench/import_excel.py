"""Benchmark of the Excel import: rows/s of a dry run and of a real import into a fresh SQLite file.

Writes a register of ``--rows`` (default 100,000) realistic rows with openpyxl, then prints:

- a bare openpyxl read-only pass over the same file (``data_only=True``, values only) for scale;
- guji's own sheet reader alone;
- ``import_excel(..., dry_run=True)`` (read + map + validate + plan against the database);
- ``import_excel(...)`` writing into a fresh SQLite database (the whole file read and checked
  first, then one write transaction);
- a second import of the same file (every row unchanged → skipped; the rows without a number
  are matched by their call number);

each with rows/s and the ratio to the openpyxl pass, by wall-clock time and by CPU time (this
process and its worker processes: the sheet is read and the rows checked on ``min(4, cores)``
workers when it is large, see :func:`guji.census.excel.import_excel`). The target is
100,000 rows at >= 5,000 rows/s including validation: the wall-clock figure of "import into fresh
SQLite". ``--workers 0`` times the in-process path (one core) for comparison.

The register repeats a dozen titles and editions (as a library's copies of one edition would),
so it is imported with ``allow_duplicates=True``; the duplicate check runs either way. The peak
resident memory of this process (which holds every checked row before writing) is printed too.

Run: ``python bench/import_excel.py [--rows N] [--workers N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TITLES = ["墨子十五卷", "［萬曆］金華府志三十卷", "史記一百三十卷", "文選六十卷", "杜工部集二十卷", "說文解字十五卷",
          "資治通鑑二百九十四卷", "昭明文選六十卷", "楚辭十七卷", "世說新語三卷", "水經注四十卷", "太平御覽一千卷"]
AUTHORS = ["（明）王懋德（明）陸鳳儀纂修", "（漢）司馬遷撰", "（梁）蕭統輯", "（唐）杜甫撰", "（漢）許慎撰",
           "（宋）司馬光撰", "（漢）王逸章句", "（南朝宋）劉義慶撰", "（北魏）酈道元撰", "（宋）李昉等輯", "佚名"]
EDITIONS = ["明萬曆刻本", "清乾隆三十年武英殿刻本", "清光緒壬寅(二十八年)刊本", "明成化元年內府刻本", "清刻本",
            "民國石印本", "清嘉慶十年刻本", "清抄本", "明嘉靖刻本", "清道光二十年刻本", "民國十年鉛印本"]
CLASSES = ["史部·地理類", "集部·別集類", "經部·小學類", "子部·儒學類", "史部·紀傳類", "集部·總集類", "史部"]
BINDINGS = ["線裝", "线装", "包背裝", "蝴蝶裝", None]
GRADES = ["二級乙等", "三級甲等", "四級", "未定級", None]
LAYOUTS = ["半葉十行行二十字", "半葉九行行十八字", "10行22字", "半葉八行行十七字，小字雙行同"]
LEAF = ["白口，四周雙邊，單黑魚尾", "黑口，左右雙邊，雙對黑魚尾", "白口，四周單邊", None]
SEALS = ["天一閣（范欽）；汲古閣", "鐵琴銅劍樓", None, None, "汪士鐘印；閬源真賞［卷端］"]
HEADERS = ["普查编号", "索书号", "题名卷数", "著者", "版本", "册数", "存缺卷数", "分类", "装帧", "版框高", "版框宽",
           "行款", "版式", "钤印", "批校题跋", "定级", "破损级别", "附注"]


def write_register(path: Path, rows: int, seed: int = 1) -> None:
    """A register of ``rows`` rows for institution 210000-0101 (numbers given, every 10th row without;
    every row its own call number, as in a library)."""
    from openpyxl import Workbook

    rnd = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("登记表")
    ws.append(HEADERS)
    for i in range(rows):
        title = rnd.choice(TITLES)
        extant = "存卷一至二" if rnd.random() < 0.1 else None
        ws.append([
            None if i % 10 == 9 else f"210000-0101-{i + 1:07d}",
            f"善{i + 1}",
            title if rnd.random() < 0.5 else f"{title}（{i}）",
            rnd.choice(AUTHORS), rnd.choice(EDITIONS),
            rnd.randint(1, 40) if rnd.random() < 0.8 else str(rnd.randint(1, 40)),
            extant, rnd.choice(CLASSES), rnd.choice(BINDINGS),
            round(rnd.uniform(15, 28), 1), round(rnd.uniform(10, 20), 1),
            rnd.choice(LAYOUTS), rnd.choice(LEAF), rnd.choice(SEALS),
            "（清）黃丕烈跋（卷末手跋）" if rnd.random() < 0.05 else None,
            rnd.choice(GRADES), None, "有蟲蛀" if rnd.random() < 0.1 else None,
        ])
    wb.save(path)


def fresh_app(folder: Path) -> object:
    from guji.app import Guji
    from guji.db import migrate
    from guji.db.engine import Database
    from guji.services import auth

    db = Database.open(str(folder / f"bench-{time.time_ns()}.sqlite3"), create=True)
    migrate.upgrade(db)
    admin = Guji(db, auth.bootstrap_admin(db, "admin", "bench-pass-1", "管理員"))
    admin.institutions.add_institution("遼寧省圖書館", "210000", "0101")
    admin.users.add_user("census", "bench-pass-1", ["census"], institution="210000-0101")
    return Guji.sign_in(db, "census", "bench-pass-1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--keep", metavar="DIR", help="write the files here instead of a temporary folder")
    ap.add_argument("--workers", type=int, default=None, help="worker processes (default: automatic)")
    ap.add_argument("--repeat", type=int, default=1, help="imports into fresh databases (the best is kept too)")
    args = ap.parse_args()

    import openpyxl

    from guji.census.excel import import_excel, read_sheet

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="guji-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "register.xlsx"
    t = time.perf_counter()
    write_register(path, args.rows)
    print(f"wrote {args.rows} rows to {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")

    def cpu_s() -> float:
        t = os.times()  # children's time counts once they have been waited for (the import joins them)
        return t.user + t.system + t.children_user + t.children_system

    def timed(fn: object) -> tuple[float, float, object]:
        w, c = time.perf_counter(), cpu_s()
        out = fn()  # type: ignore[operator]
        return time.perf_counter() - w, cpu_s() - c, out

    def bare_read() -> int:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True)) - 1
        wb.close()
        return n

    base_wall, base_cpu, _ = timed(bare_read)
    print(f"{'':34s} {'wall s':>8s} {'rows/s':>8s} {'cpu s':>8s} {'rows/s':>8s}  ratio to openpyxl (wall/cpu)")

    def line(label: str, wall: float, cpu: float, extra: str = "") -> None:
        print(f"{label:34s} {wall:8.2f} {args.rows / wall:8.0f} {cpu:8.2f} {args.rows / cpu:8.0f}  "
              f"{base_wall / wall:5.2f} / {base_cpu / cpu:5.2f}  {extra}")

    line("openpyxl read-only pass", base_wall, base_cpu)
    wall, cpu, m = timed(lambda: sum(1 for _ in read_sheet(path).rows()) - 1)
    line("guji sheet reader alone", wall, cpu, f"({m} rows)")

    kw: dict[str, object] = {"allow_duplicates": True}
    if args.workers is not None:
        kw["workers"] = args.workers
    app = fresh_app(folder)
    wall, c, r = timed(lambda: import_excel(app, path, institution="210000-0101", dry_run=True, **kw))
    line("import dry run", wall, c, r.summary())  # type: ignore[attr-defined]
    assert not r.errors, r.errors[:5]  # type: ignore[attr-defined]
    best = None
    for i in range(max(1, args.repeat)):
        if i:
            app = fresh_app(folder)
        wall, c, r = timed(lambda app=app: import_excel(app, path, institution="210000-0101", **kw))
        line("import into fresh SQLite", wall, c, r.summary())  # type: ignore[attr-defined]
        best = wall if best is None else min(best, wall)
    wall, c, r = timed(lambda: import_excel(app, path, institution="210000-0101", **kw))
    line("re-import of the same file", wall, c, r.summary())  # type: ignore[attr-defined]
    assert best is not None
    print(f"import into fresh SQLite: {args.rows / best:.0f} rows/s (best of {max(1, args.repeat)}; "
          f"target >= 5000), {base_wall / best:.2f}x the openpyxl pass; "
          f"workers {'auto' if args.workers is None else args.workers}, {os.cpu_count()} cores; "
          f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
