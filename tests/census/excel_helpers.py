"""Helpers of the Excel tests: write real .xlsx files with openpyxl, count what is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from guji.app import Guji
from guji.census.models import CensusRecord
from guji.models.audit import AuditEntry

CORE = ["普查编号", "索书号", "题名卷数", "著者", "版本", "册数", "存缺卷数"]
INST_A = "210000-0101"
INST_B = "220000-0101"


def good_row(serial: int | None = 1, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "普查编号": f"210000-0101-{serial:07d}" if serial else None,
        "索书号": f"善{serial or 0}",
        "题名卷数": f"墨子十五卷{serial or ''}",
        "著者": "（清）孫詒讓撰",
        "版本": "明萬曆刻本",
        "册数": 4,
        "存缺卷数": None,
    }
    row.update(over)
    return row


def write_xlsx(path: Path, rows: list[dict[str, Any]] | list[list[Any]], headers: list[str] | None = None,
               *, setup: Any = None) -> Path:
    """A workbook whose first sheet has ``headers`` and ``rows`` (dicts keyed by header, or lists)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "登记表"
    if headers is None:
        headers = list(CORE)
        for r in rows:
            if isinstance(r, dict):
                headers += [k for k in r if k not in headers]
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers] if isinstance(r, dict) else r)
    if setup is not None:
        setup(ws)
    wb.save(path)
    return path


def counts(app: Guji) -> tuple[int, int]:
    """(census records, audit rows about census records) in the database."""
    with app.db.read_session() as s:
        recs = s.scalar(select(func.count()).select_from(CensusRecord))
        audits = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "census_record"))
    return int(recs or 0), int(audits or 0)
