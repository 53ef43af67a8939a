"""Tables of the census register: records and their structured detail, review rounds, vault movements.

Text is stored as entered (traditional characters as printed in the book);
``search_key`` and ``title_key`` hold the folded forms the search and the
duplicate check use (see :mod:`guji.text.fold`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guji.census.states import STATE_LABELS_ZH, ReviewState
from guji.db.base import Base, UTCDateTime, utcnow

# The review states are domain values (guji.census.states); they are importable from here
# too because the tables store them.
__all__ = ["STATE_LABELS_ZH", "CensusRecord", "RecordAnnotation", "RecordAuthor", "RecordSeal", "ReviewRound",
           "ReviewState", "SerialCounter", "VaultMovement"]


class CensusRecord(Base):
    """One registered item (普查登記), the seven core items plus the structured detail."""

    __tablename__ = "census_record"
    __table_args__ = (
        CheckConstraint("volumes IS NULL OR volumes > 0", name="volumes_positive"),
        Index("ix_census_record_inst_state", "institution_id", "state"),
        Index("ix_census_record_dup", "institution_id", "title_key", "edition_key"),
        # search and register table (migration 0005_search_indexes)
        Index("ix_census_record_inst_number", "institution_id", "census_number"),
        Index("ix_census_record_years", "year_start", "year_end"),  # migration 0006_search_years
        # the Excel import matches rows without a census number by call number (0009_import_keys)
        Index("ix_census_record_inst_call", "institution_id", "call_number"),
        # Migration 0007 dropped ix_census_record_filter (filters are FTS5 facets now) and the
        # single-column indexes on institution_id and year_start (prefixes of the ones above).
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # --- the seven core items ---
    census_number: Mapped[str] = mapped_column(String(19), unique=True)  # 普查編號 PPPPPP-UUUU-NNNNNNN
    call_number: Mapped[str | None] = mapped_column(String(100))  # 索書號
    title: Mapped[str] = mapped_column(Text)  # 題名卷數, e.g. 墨子十五卷
    author_statement: Mapped[str | None] = mapped_column(Text)  # 著者 as printed: （明）王懋德（明）陸鳳儀纂修
    edition_statement: Mapped[str | None] = mapped_column(Text)  # 版本 verbatim: 清光緒壬寅(二十八年)刊本
    volumes: Mapped[int | None] = mapped_column(Integer)  # 冊數
    extant: Mapped[str | None] = mapped_column(Text)  # 存缺卷數: 存卷十六至十九

    # --- identity and holding ---
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    serial: Mapped[int] = mapped_column(Integer)  # the NNNNNNN part, for next-serial assignment
    juan_count: Mapped[int | None] = mapped_column(Integer)  # 卷數 from the title
    cases: Mapped[int | None] = mapped_column(Integer)  # 函數
    other_titles: Mapped[str | None] = mapped_column(Text)  # 並列/其他題名, one per line

    # --- classification 四部 ---
    class_branch: Mapped[str | None] = mapped_column(String(40))  # 部 code (jing, shi, zi, ji, cong)
    class_category: Mapped[str | None] = mapped_column(String(60))  # 類 code
    class_subcategory: Mapped[str | None] = mapped_column(String(80))  # 屬 code

    # --- edition, structured ---
    edition_dynasty: Mapped[str | None] = mapped_column(String(20))
    edition_era: Mapped[str | None] = mapped_column(String(20))
    edition_year_of_era: Mapped[int | None] = mapped_column(Integer)
    edition_ganzhi: Mapped[str | None] = mapped_column(String(4))
    year_start: Mapped[int | None] = mapped_column(Integer)  # Gregorian year or range start
    year_end: Mapped[int | None] = mapped_column(Integer)
    date_precision: Mapped[str | None] = mapped_column(String(12))  # year, era, range, dynasty
    publisher: Mapped[str | None] = mapped_column(String(200))  # 出版者/堂號
    publication_place: Mapped[str | None] = mapped_column(String(100))
    edition_type: Mapped[str | None] = mapped_column(String(40), index=True)  # 刻本, 活字本…
    edition_subtype: Mapped[str | None] = mapped_column(String(40))  # 銅活字, 遞修…
    edition_supplement: Mapped[str | None] = mapped_column(Text)  # 版本補配

    # --- 版式 leaf format ---
    frame_height_cm: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    frame_width_cm: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    frame_edge: Mapped[str | None] = mapped_column(String(8))  # outer (default) or inner
    frame_is_half: Mapped[bool | None] = mapped_column()  # 半框 (half-leaf frame) as most catalogues record
    lines_per_half_leaf: Mapped[int | None] = mapped_column(Integer)
    chars_per_line: Mapped[int | None] = mapped_column(Integer)
    layout_statement: Mapped[str | None] = mapped_column(Text)  # 行款 verbatim: 半葉十行行二十字
    commentary: Mapped[str | None] = mapped_column(String(60))  # 小字雙行同
    banko: Mapped[str | None] = mapped_column(String(20))  # 版口
    fishtail: Mapped[str | None] = mapped_column(String(30))  # 魚尾
    border: Mapped[str | None] = mapped_column(String(20))  # 邊欄
    shu_er: Mapped[str | None] = mapped_column(String(40))  # 書耳
    binding: Mapped[str | None] = mapped_column(String(20))  # 裝幀

    # --- grading and lists ---
    grade: Mapped[str | None] = mapped_column(String(4), index=True)  # confirmed 定級 code (1A…4, U)
    damage_grade: Mapped[str | None] = mapped_column(String(8), index=True)  # 破損級別 code
    national_list_number: Mapped[str | None] = mapped_column(String(10))  # 國家珍貴古籍名錄號, 5 digits
    provincial_list: Mapped[str | None] = mapped_column(String(100))  # province, batch, number as text

    # --- notes ---
    notes: Mapped[str | None] = mapped_column(Text)  # 附注
    preface_colophon: Mapped[str | None] = mapped_column(Text)  # 序跋
    publisher_mark: Mapped[str | None] = mapped_column(Text)  # 牌記
    carvers: Mapped[str | None] = mapped_column(Text)  # 刻工
    taboo_notes: Mapped[str | None] = mapped_column(Text)  # 避諱
    incomplete_note: Mapped[str | None] = mapped_column(Text)  # 殘存附注
    storage_note: Mapped[str | None] = mapped_column(Text)  # 保存/存放
    acquisition: Mapped[str | None] = mapped_column(Text)  # 入藏

    # --- links ---
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("census_record.id", ondelete="SET NULL"), index=True)
    bound_with_id: Mapped[int | None] = mapped_column(ForeignKey("census_record.id", ondelete="SET NULL"))

    # --- review ---
    state: Mapped[str] = mapped_column(String(16), default=ReviewState.DRAFT.value, index=True)
    review_round: Mapped[int] = mapped_column(Integer, default=0)

    # --- search ---
    # Folded text of every searchable field, fields separated by "|". SQLite
    # searches the FTS5 table census_fts (one token per character, kept by the
    # service); PostgreSQL searches search_grams (the key's characters and
    # character pairs, GIN-indexed) and rechecks with LIKE on search_key.
    search_key: Mapped[str] = mapped_column(Text, default="")
    search_grams: Mapped[list[str] | None] = mapped_column(ARRAY(Text).with_variant(JSON(), "sqlite"))
    title_key: Mapped[str] = mapped_column(String(400), default="")  # folded title, for duplicate warnings
    edition_key: Mapped[str] = mapped_column(String(400), default="")

    # --- bookkeeping ---
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock against concurrent edits
    # Exchange bookkeeping: the content hash at the last import/export, to tell
    # "changed here since" from "changed there since" when merging packages.
    exchange_hash: Mapped[str | None] = mapped_column(String(64))

    authors: Mapped[list[RecordAuthor]] = relationship(
        back_populates="record", cascade="all, delete-orphan", order_by="RecordAuthor.seq", lazy="selectin"
    )
    seals: Mapped[list[RecordSeal]] = relationship(
        back_populates="record", cascade="all, delete-orphan", order_by="RecordSeal.seq", lazy="selectin"
    )
    annotations: Mapped[list[RecordAnnotation]] = relationship(
        back_populates="record", cascade="all, delete-orphan", order_by="RecordAnnotation.seq", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class RecordAuthor(Base):
    """One responsible person: （明）王懋德 纂修."""

    __tablename__ = "record_author"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("census_record.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    dynasty: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str | None] = mapped_column(String(20))  # 撰, 輯, 注, 纂修…
    record: Mapped[CensusRecord] = relationship(back_populates="authors")


class RecordSeal(Base):
    """One seal impression (鈐印): text, owner, where on the book."""

    __tablename__ = "record_seal"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("census_record.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(200))  # 印文
    owner: Mapped[str | None] = mapped_column(String(200))  # 印主
    position: Mapped[str | None] = mapped_column(String(60))
    record: Mapped[CensusRecord] = relationship(back_populates="seals")


class RecordAnnotation(Base):
    """批校題跋: who annotated, how (批, 校, 題, 跋, 識), and what."""

    __tablename__ = "record_annotation"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("census_record.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    person: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str | None] = mapped_column(Text)
    record: Mapped[CensusRecord] = relationship(back_populates="annotations")


class ReviewRound(Base):
    """One review step on a record: submit, approve, return (with field comments), reopen.

    ``snapshot`` is the record as it stood at this step and ``diff`` the field-level
    changes since the previous round, so every round can be shown later.
    """

    __tablename__ = "review_round"
    __table_args__ = (UniqueConstraint("record_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("census_record.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    round_no: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))  # submit, approve_unit, approve_centre, return, reopen
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    login: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text)
    field_comments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # field → comment (返修)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    diff: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class VaultMovement(Base):
    """One trip of an item out of the vault (出庫) and, when it returns, back in (入庫)."""

    __tablename__ = "vault_movement"
    __table_args__ = (
        Index("ix_vault_movement_open", "record_id", "returned_at"),
        # An item is out at most once: two desks checking out the same book cannot both win.
        Index("uq_vault_movement_one_out", "record_id", unique=True,
              sqlite_where=text("returned_at IS NULL"), postgresql_where=text("returned_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("census_record.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # reading, digitisation, restoration, exhibition, loan
    to_whom: Mapped[str] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))  # where it goes (reading room, studio…)
    # 送修: the institution whose workshop receives the item for restoration.
    to_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    out_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due: Mapped[date | None] = mapped_column(Date)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    out_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    in_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    return_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)  # compare-and-set on every save
    __mapper_args__ = {"version_id_col": version}


class SerialCounter(Base):
    """The last serial issued per institution, so a number is never reused even after deletion."""

    __tablename__ = "census_serial"
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer, default=0)
