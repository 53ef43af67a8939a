"""What the print and MARC exports share: which records, read in batches, written atomically.

The exports read many records at once, so instead of one ``census.get_record`` per
record (half a dozen queries each) they read batches of rows in one read session,
through the same visibility rule as the census service (:func:`visible_filter`)
and the same row → :class:`RecordData` conversion (:func:`record_data`). The
record ids come from the search service, so the filters mean what they mean in
the register window.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from guji.census.models import CensusRecord, ReviewState
from guji.census.record import RecordData
from guji.census.search import SearchFilters
from guji.census.service import record_data, visible_filter
from guji.errors import FieldProblem, GujiError, ValidationError
from guji.models.institution import Institution

Progress = Callable[[float, str], None]

__all__ = ["ExportCancelled", "ExportFilters", "ExportRecord", "Progress", "select_ids", "load_records",
           "atomic_output", "check_cancel"]


class ExportCancelled(GujiError):
    """The user cancelled an export; no output file was left behind."""


@dataclass
class ExportFilters:
    """Which records to export; None/empty means no restriction (every record the user may see).

    ``institution`` is a code ``210000-0101``; ``state`` a review state (``draft``,
    ``centre_approved``…); ``grade`` a grade code (``1A``…); ``query`` the register's
    search box; ``ids`` an explicit list of record ids (kept in the given order).
    """

    institution: str | None = None
    state: str | None = None
    grade: str | None = None
    query: str = ""
    ids: list[int] | None = None


@dataclass(frozen=True)
class ExportRecord:
    """One record as the exports need it: plain data, holder, state, 子目."""

    id: int
    data: RecordData
    institution_code: str
    institution_name: str
    state: str
    updated_at: Any
    children: tuple[tuple[str, str], ...] = ()  # (census number, title) of 子目

    @property
    def census_number(self) -> str:
        return self.data.census_number or ""


def check_cancel(cancel: threading.Event | None) -> None:
    """Raise :class:`ExportCancelled` when ``cancel`` is set."""
    if cancel is not None and cancel.is_set():
        raise ExportCancelled("export cancelled; no file was written")


def select_ids(app: Any, filters: ExportFilters | None = None) -> list[int]:
    """Ids of the records to export, in census-number order (or the order of ``filters.ids``).

    Raises :class:`ValidationError` for an unknown state or a malformed institution code.
    """
    f = filters or ExportFilters()
    if f.state is not None and f.state not in {s.value for s in ReviewState}:
        raise ValidationError(FieldProblem(
            "state", f"unknown review state {f.state!r}; use one of {', '.join(s.value for s in ReviewState)}",
            f.state))
    if f.institution is not None:
        from guji.services.institutions import parse_institution_code

        parse_institution_code(f.institution)  # raises ValidationError for a malformed code
    ids = app.search.ids(f.query or "", SearchFilters(institution=f.institution, state=f.state, grade=f.grade),
                         sort="census_number")
    if f.ids is not None:
        allowed = set(ids)
        ids = [i for i in f.ids if i in allowed]
    return ids


def load_records(app: Any, ids: list[int], *, batch: int = 250, progress: Progress | None = None,
                 cancel: threading.Event | None = None, share: float = 1.0) -> Iterator[ExportRecord]:
    """Yield the records ``ids`` in that order (ones the user may not see are skipped).

    Reports progress as fractions up to ``share`` (the caller's part of the whole job)
    and stops with :class:`ExportCancelled` when ``cancel`` is set.
    """
    actor = app.actor
    vis = visible_filter(actor)
    total = max(len(ids), 1)
    for start in range(0, len(ids), batch):
        check_cancel(cancel)
        chunk = ids[start:start + batch]
        with app.ctx.read() as s:
            stmt = select(CensusRecord).where(CensusRecord.id.in_(chunk))
            if vis is not True:
                stmt = stmt.where(vis)
            recs = {r.id: r for r in s.scalars(stmt)}
            insts = {i.id: i for i in s.scalars(select(Institution))}
            kids: dict[int, list[tuple[str, str]]] = {}
            for pid, num, title in s.execute(
                    select(CensusRecord.parent_id, CensusRecord.census_number, CensusRecord.title)
                    .where(CensusRecord.parent_id.in_(chunk)).order_by(CensusRecord.census_number)):
                kids.setdefault(pid, []).append((num, title))
            out = []
            for rid in chunk:
                rec = recs.get(rid)
                if rec is None:
                    continue
                inst = insts[rec.institution_id]
                out.append(ExportRecord(rec.id, record_data(rec, s), inst.code, inst.name, rec.state, rec.updated_at,
                                        tuple(kids.get(rid, ()))))
        yield from out
        if progress is not None:
            progress(share * min(start + batch, total) / total, f"{min(start + batch, len(ids))} / {len(ids)}")


@contextmanager
def atomic_output(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[Any]:
    """Open a temporary file beside ``path``; on success it replaces ``path``, on any error it is removed.

    So a cancelled or failed export never leaves a half-written file under the final name.
    Raises :class:`ValidationError` when the folder does not exist.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(FieldProblem("out", f"the folder {folder} does not exist", str(path)))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[str]:
    """Like :func:`atomic_output` but yields a temporary *file name* (for writers that open it themselves)."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(FieldProblem("out", f"the folder {folder} does not exist", str(path)))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
