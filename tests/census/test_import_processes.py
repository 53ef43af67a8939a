"""The Excel import among other processes: it reads before it takes the write lock (other desks save
and sign in meanwhile), its worker processes never outlive it (killed importer, killed or failing
worker), and two imports into one unit at once never share or skip serials (real processes, an
SQLite file and PostgreSQL)."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from guji.app import Guji
from guji.census import excel
from guji.census.excel import ExcelImportError, import_excel
from guji.census.models import CensusRecord
from guji.census.record import RecordData
from guji.db.engine import Database
from tests.census.excel_helpers import INST_A, counts, good_row, write_xlsx
from tests.census.test_bulk import BOTH, _urls, census_user
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def run(app: Guji, path: Path, **kw: Any) -> Any:
    return import_excel(app, path, institution=INST_A, **kw)


def children_of(pid: int) -> dict[int, str]:
    """Live processes whose parent is ``pid`` (from /proc): pid → command line."""
    out: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out[int(entry)] = cmd
    return out


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its new parent to reap it counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def no_children_left() -> None:
    assert multiprocessing.active_children() == []


# --- 1. reading does not hold the write lock -----------------------------------------------------------------

def test_other_desks_write_while_an_import_reads(org: dict[str, Guji], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    app = org["census_a"]
    path = write_xlsx(tmp_path / "big.xlsx", [good_row(r) for r in range(1, 3001)])
    # Two stops: after the first block is read, and after the whole file is read and checked.
    stops = {"read": (threading.Event(), threading.Event()),
             "census.import.validated": (threading.Event(), threading.Event())}
    result: list[Any] = []

    def progress(fraction: float, message: str) -> None:
        key = getattr(message, "key", None) or ("read" if message.startswith("read ") else None)
        if key in stops and not stops[key][0].is_set():
            reached, go_on = stops[key]
            reached.set()
            assert go_on.wait(60)

    def importing() -> None:
        try:
            result.append(run(app, path, workers=0, progress=progress))
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            result.append(exc)

    worker = threading.Thread(target=importing)
    worker.start()
    # Another desk, with its own connections and a short busy timeout: waiting for a lock would show.
    monkeypatch.setenv("GUJI_SQLITE_BUSY_MS", "3000")
    desk_db = Database.open(str(app.db.url.database))
    try:
        for n, (reached, go_on) in enumerate(stops.values()):
            assert reached.wait(60)
            started = time.monotonic()
            desk = Guji.sign_in(desk_db, "census.a", PASSWORD)  # signing in writes (the audit log)
            desk.census.register_book(RecordData(census_number=f"210000-0101-00090{n:02d}", call_number=f"桌{n}",
                                                 title=f"桌上書{n}", edition_statement="清刻本", volumes=1),
                                      institution=INST_A)
            assert time.monotonic() - started < 2.5
            go_on.set()
    finally:
        for _, go_on in stops.values():
            go_on.set()
        worker.join(120)
        desk_db.dispose()
    rep = result[0]
    assert not isinstance(rep, BaseException), rep
    assert rep.written and rep.created == 3000
    assert counts(app)[0] == 3002


# --- 2. a worker that dies or fails --------------------------------------------------------------------------

def _failing_worker(spec: Any, part: int, out: Any) -> None:
    """The real worker, whose reading fails on its second block in part 1 (as a disk error would)."""
    from guji.census import excel as child_excel

    real = child_excel._read_part

    def failing(spec: Any, part: int) -> Iterator[Any]:
        for i, block in enumerate(real(spec, part)):
            if part == 1 and i == 1:
                raise OSError(5, "Input/output error")
            yield block

    child_excel._read_part = failing  # type: ignore[assignment]
    child_excel._worker(spec, part, out)


def _slow_worker(spec: Any, part: int, out: Any) -> None:
    """The real worker, which takes a minute over each block but the first (a slow network drive)."""
    from guji.census import excel as child_excel

    real = child_excel._read_part

    def slow(spec: Any, part: int) -> Iterator[Any]:
        for i, block in enumerate(real(spec, part)):
            if i or part:
                time.sleep(60)
            yield block

    child_excel._read_part = slow  # type: ignore[assignment]
    child_excel._worker(spec, part, out)


def test_a_worker_killed_mid_import_fails_it_cleanly(org: dict[str, Guji], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    app = org["census_a"]
    monkeypatch.setattr(excel, "_CHUNK", 50)
    path = write_xlsx(tmp_path / "k.xlsx", [good_row(r) for r in range(1, 601)])  # 12 blocks
    killed: list[int] = []

    def progress(fraction: float, message: str) -> None:
        if message.startswith("read ") and not killed:
            victim = next(p for p in multiprocessing.active_children() if p.name == "guji-excel-1")
            os.kill(victim.pid, signal.SIGKILL)
            killed.append(victim.pid)

    with pytest.raises(ExcelImportError) as err:
        run(app, path, workers=2, progress=progress)
    assert killed and err.value.key == "census.import.worker_died" and "-9" in str(err.value)
    assert counts(app) == (0, 0)
    no_children_left()
    assert run(app, path, workers=2).created == 600  # nothing half-done is left behind


def test_a_worker_that_fails_fails_the_import_cleanly(org: dict[str, Guji], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    app = org["census_a"]
    monkeypatch.setattr(excel, "_CHUNK", 50)
    monkeypatch.setattr(excel, "_worker", _failing_worker)
    path = write_xlsx(tmp_path / "f.xlsx", [good_row(r) for r in range(1, 601)])
    with pytest.raises(ExcelImportError) as err:
        run(app, path, workers=2)
    assert err.value.key == "census.import.worker_failed"
    assert "Input/output error" in str(err.value) and "Traceback" not in str(err.value)
    assert counts(app) == (0, 0)
    no_children_left()


# --- 3. the importing process killed: its workers end too ----------------------------------------------------

IMPORTER = """
import sys
from guji.app import Guji
from guji.census import excel
from guji.db.engine import Database
from tests.census import test_import_processes as t

db_url, path, slow = sys.argv[1], sys.argv[2], sys.argv[3] == "slow"
excel._CHUNK = 50
if slow:
    excel._worker = t._slow_worker
app = Guji.sign_in(Database.open(db_url), "census.a", t.PASSWORD)

def progress(fraction, message):
    print("progress", message, flush=True)

excel.import_excel(app, path, institution=t.INST_A, workers=2, progress=progress)
print("done", flush=True)
"""


@pytest.mark.parametrize("worker", ["slow", "real"])
def test_workers_end_when_the_importing_process_is_killed(org: dict[str, Guji], tmp_path: Path, worker: str) -> None:
    app = org["census_a"]
    path = write_xlsx(tmp_path / "p.xlsx", [good_row(r) for r in range(1, 4001)])  # 80 blocks
    proc = subprocess.Popen([sys.executable, "-c", IMPORTER, str(app.db.url.database), str(path), worker],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # wait until the workers have sent their first block
            if re.match(r"progress read \d+ rows", line):
                break
        else:
            pytest.fail(f"the import did not start: {proc.stderr.read() if proc.stderr else ''}")
        workers = {pid: cmd for pid, cmd in children_of(proc.pid).items() if "spawn_main" in cmd}
        assert len(workers) == 2, children_of(proc.pid)
        everyone = set(children_of(proc.pid))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(alive(p) for p in everyone):
            time.sleep(0.05)
        assert not [p for p in everyone if alive(p)], {p: c for p, c in workers.items() if alive(p)}
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert counts(app) == (0, 0)


# --- 4. two imports into one unit at the same time -----------------------------------------------------------

CONCURRENT = """
import json, os, sys, time
from guji.app import Guji
from guji.census.excel import import_excel
from guji.db.engine import Database
from guji.errors import GujiError
from tests.census import test_import_processes as t

db_url, path, go = sys.argv[1], sys.argv[2], sys.argv[3]
app = Guji.sign_in(Database.open(db_url), "census.a", t.PASSWORD)
while not os.path.exists(go):
    time.sleep(0.01)
try:
    rep = import_excel(app, path, institution=t.INST_A, workers=0)
except GujiError as exc:
    print(json.dumps({"failed": str(exc)}))
    sys.exit(1)
print(json.dumps({"created": rep.created, "written": rep.written, "errors": [str(e) for e in rep.errors],
                  "numbers": sorted(rep.numbers.values())}))
"""


@pytest.fixture(params=BOTH)
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database (an SQLite file or a PostgreSQL database) with institution A and its census user."""
    dbs: list[Database] = []
    with _urls(request.param, request, tmp_path, 1) as urls:
        census_user(urls[0], dbs)
        try:
            yield urls[0]
        finally:
            for d in dbs:
                d.dispose()


@pytest.mark.slow
def test_two_imports_into_one_unit_at_once(shared_url: str, tmp_path: Path) -> None:
    files = []
    for tag in ("甲", "乙"):
        rows = [good_row(None, 索书号=f"{tag}{r}", 题名卷数=f"{tag}書{r}") for r in range(1, 301)]
        rows += [good_row(None, 索书号=f"{tag}x{r}", 题名卷数=f"{tag}集{r}", 批校题跋="顧廣圻校")
                 for r in range(1, 101)]
        files.append(write_xlsx(tmp_path / f"{tag}.xlsx", rows))
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", CONCURRENT, shared_url, str(f), str(go)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
    time.sleep(1.0)
    go.write_text("")
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert "Traceback" not in err, err
        outcomes.append((p.returncode, json.loads(out.strip().splitlines()[-1])))
    done = [o for code, o in outcomes if code == 0]
    # The second writer waits for the first (SQLite: BEGIN IMMEDIATE and the busy timeout; PostgreSQL:
    # the unit's serial counter, locked before anything is read), then numbers after it: both go in.
    assert len(done) == 2, outcomes
    for code, o in outcomes:  # each import went in whole, or failed with a clear message and wrote nothing
        if code == 0:
            assert o["written"] and o["created"] == 400 and o["errors"] == []
        else:
            assert code == 1 and o["failed"]
    db = Database.open(shared_url)
    try:
        with db.read_session() as s:
            stored = s.execute(select(CensusRecord.census_number, CensusRecord.serial, CensusRecord.call_number)).all()
    finally:
        db.dispose()
    assert len(stored) == 400 * len(done) and len({n for n, _, _ in stored}) == len(stored)
    for o in done:  # no gaps inside one import: its serials are consecutive
        serials = sorted(int(n[-7:]) for n in o["numbers"])
        assert serials == list(range(serials[0], serials[0] + 400))
    assert sorted(s for _, s, _ in stored) == list(range(1, 400 * len(done) + 1))
