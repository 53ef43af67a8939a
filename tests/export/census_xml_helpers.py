"""Shared by the census XML tests: a record with every field, canonical documents, row counts."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from lxml import etree
from sqlalchemy import func, select

from export.census_exchange import NS
from export.registry import ExportFilters
from guji.app import Guji
from guji.census.models import CensusRecord, RecordAuthor, RecordSeal
from guji.census.record import AnnotationData, AuthorData, RecordData, SealData
from guji.models.audit import AuditEntry
from guji.models.institution import Institution


def full_record(**over: Any) -> RecordData:
    """A record where every field of RecordData is stated (links are added by the caller)."""
    d = RecordData(
        call_number="善 0123", title="［萬曆］金華府志三十卷", author_statement="（明）王懋德（明）陸鳳儀纂修",
        edition_statement="明萬曆六年刻本", volumes=12, extant="存卷十六至十九", juan_count=30, cases=2,
        other_titles="金華志\n婺州府志", class_branch="shi", class_category=None, class_subcategory=None,
        edition_dynasty="明", edition_era="萬曆", edition_year_of_era=6, edition_ganzhi="戊寅", year_start=1578,
        year_end=1578, date_precision="year", publisher="金華府", publication_place="金華",
        edition_type="刻本", edition_subtype="遞修", edition_supplement="卷一配清抄本",
        frame_height_cm=Decimal("19.5"), frame_width_cm=Decimal("14.2"), frame_edge="outer", frame_is_half=True,
        lines_per_half_leaf=10, chars_per_line=20, layout_statement="半葉十行行二十字",
        commentary="小字雙行同", banko="白口", fishtail="單黑魚尾", border="四周雙邊", shu_er="左書耳",
        binding="線裝", grade="2A", damage_grade="d3", national_list_number="03832",
        provincial_list="遼寧省第一批 0012", notes="有朱筆圈點", preface_colophon="前有萬曆六年序",
        publisher_mark="卷末有「金華府刊」牌記", carvers="刻工：王一、李二", taboo_notes="玄字缺末筆",
        incomplete_note="卷十六至十九殘", storage_note="甲庫三架", acquisition="1956年購入",
        authors=[AuthorData("王懋德", "明", "纂修"), AuthorData("陸鳳儀", "明", "纂修")],
        seals=[SealData("汲古閣", "毛晉", "卷端"), SealData("㐀㐁之印", None, "書根")],
        annotations=[AnnotationData("黃丕烈", "跋", "卷末手跋"), AnnotationData(None, "批", "朱筆眉批")],
    )
    for k, v in over.items():
        setattr(d, k, v)
    return d


def write_census_xml(app: Guji, out: Any, *, institution: str | None = None, state: str | None = None,
                     mark: bool = True, **kw: Any) -> int:
    """A census XML export through the exports service; the number of records written."""
    return app.exports.export("census_xml", out, filters=ExportFilters(institution=institution, state=state),
                              options={"mark": mark}, **kw).count


def import_census_xml(app: Guji, source: Any, **kw: Any) -> Any:
    """A census XML import through the exports service; its report."""
    return app.exports.import_census_xml(source, **kw)


def export_bytes(app: Guji, **kw: Any) -> bytes:
    out = io.BytesIO()
    write_census_xml(app, out, **kw)
    return out.getvalue()


def canonical(doc: bytes) -> bytes:
    """C14N 2.0 of a document with the header's timestamp and audit chain head blanked (the parts that
    differ between two exports of the same data, or between two databases)."""
    root = etree.fromstring(doc)
    for el in root.iter(f"{{{NS}}}exportedAt", f"{{{NS}}}auditChainHead"):
        el.text = "-"
    return etree.tostring(root, method="c14n2")


def counts(app: Guji) -> dict[str, int]:
    """Rows in the tables an import writes: nothing written means these do not move."""
    with app.ctx.read() as s:
        return {
            "records": s.scalar(select(func.count()).select_from(CensusRecord)) or 0,
            "authors": s.scalar(select(func.count()).select_from(RecordAuthor)) or 0,
            "seals": s.scalar(select(func.count()).select_from(RecordSeal)) or 0,
            "institutions": s.scalar(select(func.count()).select_from(Institution)) or 0,
            "audit": s.scalar(select(func.count()).select_from(AuditEntry)) or 0,
            "versions": s.scalar(select(func.coalesce(func.sum(CensusRecord.version), 0))) or 0,
            "hashes": s.scalar(select(func.count()).select_from(CensusRecord)
                               .where(CensusRecord.exchange_hash.is_not(None))) or 0,
        }
