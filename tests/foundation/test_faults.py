"""Faults: a desk killed in the middle of a transaction, a full disk under an export, a database
that has become read-only. Each gives a clear message, and nothing half-done is left behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from guji.app import Guji
from guji.census.record import RecordData
from guji.errors import DatabaseUnavailable, GujiError
from guji.jobs import WriteFailed, atomic_write
from tests.conftest import ROOT, admin_for, build_org, make_db


def _book(i: int) -> RecordData:
    return RecordData(title=f"校勘記{i + 1}卷" + "附錄" * 20, edition_statement="清光緒二年刻本", volumes=2,
                      notes="題跋" * 200, call_number=f"善{i:05d}")


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KB file system (tmpfs), to fill up; skipped where it cannot be mounted."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_export_to_a_full_disk_leaves_no_partial_file(org: dict[str, Guji], tiny_disk: Path) -> None:
    from tests.export.census_xml_helpers import write_census_xml
    from tests.export.exports import export_excel

    clerk = org["census_a"]
    for i in range(250):
        clerk.census.register_book(_book(i))
    before = len(org["admin"].audit.history(limit=10_000))
    with pytest.raises(WriteFailed) as err:
        write_census_xml(org["admin"], tiny_disk / "普查.xml")
    assert err.value.key == "file.write_failed" and "普查.xml" in str(err.value)
    assert list(tiny_disk.iterdir()) == []  # no partial file, no temporary file
    # The workbook is compressed and would fit: fill the disk first, leaving it a few KB.
    filler = tiny_disk / "filler"
    filler.write_bytes(b"\0" * (shutil.disk_usage(tiny_disk).free - 8192))
    with pytest.raises(WriteFailed):
        export_excel(org["admin"], tiny_disk / "普查.xlsx")
    assert [p.name for p in tiny_disk.iterdir()] == ["filler"]
    # The export marks nothing and writes no audit entry when its file did not get written.
    assert len(org["admin"].audit.history(limit=10_000)) == before


def test_atomic_write_keeps_the_old_file_when_the_new_one_fails(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as fh:
        fh.write(b"half")
        raise RuntimeError("stopped")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.txt"]
    with pytest.raises(WriteFailed), atomic_write(tmp_path / "no-such-folder" / "x.txt") as fh:
        fh.write(b"x")


KILLED_DESK = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    os.environ["GUJI_ARGON2_PROFILE"] = "test"
    from sqlalchemy import text
    from guji.db.engine import Database
    db = Database.open({url!r})
    with db.write_session() as s:
        s.execute(text("UPDATE census_record SET title = 'half-done' WHERE id = :i"), {{"i": {rid}}})
        s.execute(text("INSERT INTO audit_log (at, login, action, entity, entity_id, changes) "
                       "VALUES (now(), 'ghost', 'update', 'census_record', :i, '{{}}')"), {{"i": str({rid})}})
        print("ready", flush=True)
        time.sleep(120)
""")


@pytest.mark.postgres
def test_a_postgresql_client_killed_mid_transaction_leaves_nothing(pg_url: str) -> None:
    org = build_org(admin_for(make_db(pg_url)))
    clerk = org["census_a"]
    rid = clerk.census.register_book(_book(1)).id
    proc = subprocess.Popen([sys.executable, "-c", KILLED_DESK.format(root=str(ROOT), url=pg_url, rid=rid)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    # The server notices the dead client, rolls its transaction back and frees the row.
    started = time.monotonic()
    view = clerk.census.get_record(rid)
    data = view.data
    data.volumes = 3
    clerk.census.update_record(rid, data, expected_version=view.version)
    assert time.monotonic() - started < 10
    after = clerk.census.get_record(rid)
    assert after.data.title == _book(1).title and after.data.volumes == 3
    assert "ghost" not in {r.login for r in org["admin"].audit.history()}
    assert org["admin"].audit.verify_chain().ok


@pytest.mark.postgres
def test_a_read_only_postgresql_database_refuses_clearly(pg_url: str) -> None:
    org = build_org(admin_for(make_db(pg_url)))
    clerk = org["census_a"]
    rid = clerk.census.register_book(_book(1)).id
    owner = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    name = pg_url.rpartition("/")[2]
    with owner.connect() as c:
        c.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        # Connections made from now on are read-only: end the ones already open.
        c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
    try:
        reader = clerk
        view = reader.census.get_record(rid)  # reading still works
        data = view.data
        data.volumes = 9
        with pytest.raises(GujiError) as err:
            reader.census.update_record(rid, data, expected_version=view.version)
        assert isinstance(err.value, DatabaseUnavailable) and "read-only" in str(err.value)
    finally:
        with owner.connect() as c:
            c.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        owner.dispose()
    assert clerk.census.get_record(rid).data.volumes == 2
