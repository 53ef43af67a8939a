"""Printed catalogues: the census register (普查登記目錄) and the illustrated catalogue (珍貴古籍圖錄).

Both are A4 PDFs set in the bundled CJK TrueType fonts, embedded as subsets, with
per-character font fallback (:mod:`export.fonts`): a character no bundled font has
is printed as 〓 and listed in :attr:`ExportResult.missing_chars <export.registry.ExportResult>` and its warning.

* :func:`render_register` — entries in the seven-column register layout (序號 +
  普查編號, 索書號, 題名卷數, 著者, 版本, 冊數, 存缺卷數), grouped by 四部 部 and 類
  in the order of the classification vocabulary, then by census number; running
  heads with the current 部·類, page numbers, PDF bookmarks per 部/類; then a title
  index and an author index ordered by pinyin (stroke order for the same reading),
  each pointing to entry numbers.
* :func:`render_illustrated` — two entries per page, each on its half page: the
  書影 on the left, resampled to print resolution (``dpi`` at its printed size,
  JPEG) before embedding, and the description on the right (題名卷數, 著者, 版本, 版框,
  行款, 鈐印, 收藏單位, 名錄號…).

Both take the records as plain data and write to an open binary file, with plain
``progress(fraction, message)`` and ``cancel`` (threading.Event) arguments; the exports
service (:mod:`guji.services.exports`) reads the records and writes the file whole or not
at all.
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepInFrame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from export import fonts
from export.fonts import PRIMARY, MissingChars, markup
from export.registry import ExportData, ExportRecord, ExportResult
from guji.census import vocab
from guji.census.record import AuthorData, authors_from_statement
from guji.jobs import Progress, check_cancel
from guji.text.fold import pinyin_key, stroke_key
from guji.text.numerals import format_number

__all__ = [
    "build_illustrated",
    "build_register",
    "description_items",
    "find_images_in_dir",
    "pick_images",
    "prepare_image",
    "render_illustrated",
    "render_register",
]

PAGE_W, PAGE_H = A4
MARGIN_X = 16 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 16 * mm
HEAD_GAP = 6 * mm  # running head sits this far above the text block
INK = colors.HexColor("#222222")
RULE = colors.HexColor("#555555")
LABEL = colors.HexColor("#7a4e1d")  # field labels of the illustrated catalogue
UNCLASSIFIED = "未分類"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")

# Register columns: (header, width in points). The widths add up to the text block (A4 − margins).
REGISTER_COLUMNS: tuple[tuple[str, float], ...] = (
    ("序號", 24), ("普查編號", 73), ("索書號", 46), ("題名卷數", 98), ("著者", 80), ("版本", 96),
    ("冊數", 22), ("存缺卷數", 68),
)


# ----------------------------------------------------------------------------- shared


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    base = ParagraphStyle("cell", fontName=PRIMARY, fontSize=8, leading=10.5, textColor=INK, wordWrap="CJK")
    return {
        "cell": base,
        "cellnum": ParagraphStyle("cellnum", parent=base, fontSize=7, leading=10.5),
        "cellc": ParagraphStyle("cellc", parent=base, alignment=TA_CENTER),
        "head": ParagraphStyle("head", parent=base, fontSize=8.5, alignment=TA_CENTER),
        "h1": ParagraphStyle("h1", parent=base, fontSize=16, leading=22, spaceBefore=6, spaceAfter=8,
                             alignment=TA_CENTER, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=16, spaceBefore=8, spaceAfter=5,
                             keepWithNext=1),
        "letter": ParagraphStyle("letter", parent=base, fontSize=10, leading=14, spaceBefore=6, spaceAfter=2,
                                 keepWithNext=1),
        "title": ParagraphStyle("title", parent=base, fontSize=26, leading=36, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12, leading=20, alignment=TA_CENTER),
        "idx": ParagraphStyle("idx", parent=base, fontSize=8.5, leading=11, leftIndent=8, firstLineIndent=-8),
        "idxnum": ParagraphStyle("idxnum", parent=base, fontSize=8, leading=11, alignment=TA_RIGHT),
        "entry_title": ParagraphStyle("entry_title", parent=base, fontSize=12.5, leading=17, spaceAfter=4),
        "desc": ParagraphStyle("desc", parent=base, fontSize=9, leading=13.5, spaceAfter=1.5, leftIndent=0),
    }


@dataclass(frozen=True)
class _Section:
    """A 部 or 類 of the classification, with its place in the vocabulary order."""

    order: tuple[int, int]
    branch_label: str
    category_label: str | None


def _class_order() -> tuple[dict[str, tuple[int, str]], dict[str, tuple[int, str]]]:
    branches: dict[str, tuple[int, str]] = {}
    cats: dict[str, tuple[int, str]] = {}
    for i, e in enumerate(vocab.choices("classification", depth=0)):
        branches[e.code] = (i, e.label)
    for i, e in enumerate(vocab.choices("classification", depth=1)):
        cats[e.code] = (i, e.label)
    return branches, cats


def _section_of(rec: ExportRecord, branches: dict[str, tuple[int, str]],
                cats: dict[str, tuple[int, str]]) -> _Section:
    d = rec.data
    b = branches.get(d.class_branch or "")
    if b is None:
        return _Section((len(branches), 0), UNCLASSIFIED, None)
    c = cats.get(d.class_category or "")
    if c is None:
        return _Section((b[0], -1), b[1], None)
    return _Section((b[0], c[0]), b[1], c[1])


def _ordered(records: Iterable[ExportRecord]) -> list[tuple[_Section, ExportRecord]]:
    """Records in catalogue order: 部, 類 (vocabulary order), then census number."""
    branches, cats = _class_order()
    items = [(_section_of(r, branches, cats), r) for r in records]
    items.sort(key=lambda it: (it[0].order, it[1].census_number))
    return items


def _authors(rec: ExportRecord) -> list[AuthorData]:
    if rec.data.authors:
        return list(rec.data.authors)
    return authors_from_statement(rec.data.author_statement)


def _author_statement(rec: ExportRecord) -> str:
    if rec.data.author_statement:
        return rec.data.author_statement
    return "".join(f"（{a.dynasty}）{a.name}{a.mode or ''}" if a.dynasty else f"{a.name}{a.mode or ''}"
                   for a in rec.data.authors)


def _sort_key(text: str) -> tuple[str, str]:
    return (pinyin_key(text), stroke_key(text))


def _institution_title(records: Sequence[ExportRecord], kind: str) -> str:
    names = {r.institution_name for r in records}
    return f"{names.pop()}{kind}" if len(names) == 1 else kind


# ---------------------------------------------------------------------------- register


class _Heading(Paragraph):
    """A 部 or 類 heading: becomes a bookmark and changes the running head."""

    def __init__(self, text: str, style: ParagraphStyle, *, outline: str, level: int, running: str,
                 missing: MissingChars):
        super().__init__(markup(text, missing), style)
        self.outline = outline
        self.level = level
        self.running = running


class _EntryTable(Table):
    """The entry table of one 類; ``entries``, the number of entries it holds, for progress."""

    entries = 0

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """The parts keep the class, so every part still counts its entries (progress)."""
        parts = super().split(avail_width, avail_height)
        total = self.entries
        for p in parts:
            rows = max(len(getattr(p, "_cellvalues", [])) - 1, 0)
            p.__class__ = _EntryTable
            assert isinstance(p, _EntryTable)  # true after the class change; tells the type checker
            p.entries = min(rows, total)
            total -= p.entries
        return parts


class _RegisterDoc(BaseDocTemplate):
    def __init__(self, filename: IO[bytes], *, title: str, total: int, progress: Progress | None,
                 cancel: threading.Event | None, missing: MissingChars, **kw: Any):
        super().__init__(filename, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                         bottomMargin=MARGIN_BOTTOM, title=title, author="guji", subject="古籍普查登記目錄",
                         creator="guji", initialFontName=PRIMARY, **kw)
        self.catalogue_title = title
        self.total = max(total, 1)
        self.progress_cb = progress
        self.cancel = cancel
        self.missing = missing
        self.running = ""  # section in force
        self.page_head: str | None = None  # what this page's running head shows
        self.done = 0
        self.bookmarks = 0
        body = Frame(MARGIN_X, MARGIN_BOTTOM, PAGE_W - 2 * MARGIN_X, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        gap = 8 * mm
        col_w = (PAGE_W - 2 * MARGIN_X - gap) / 2
        left = Frame(MARGIN_X, MARGIN_BOTTOM, col_w, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="l",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        right = Frame(MARGIN_X + col_w + gap, MARGIN_BOTTOM, col_w, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="r",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate("cover", [body], onPageEnd=self._plain_page),
            PageTemplate("body", [body], onPageEnd=self._decorate),
            PageTemplate("index", [left, right], onPageEnd=self._decorate_index),
        ])

    def handle_pageBegin(self) -> None:  # noqa: N802 - reportlab API
        self.page_head = None
        super().handle_pageBegin()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab API
        check_cancel(self.cancel)
        if isinstance(flowable, _Heading):
            key = f"s{self.bookmarks}"
            self.bookmarks += 1
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.outline, key, level=flowable.level, closed=flowable.level == 0)
            self.running = flowable.running
            if flowable.level == 0 and self.page_head is None:
                self.page_head = flowable.running
        elif isinstance(flowable, Table):
            if self.page_head is None:
                self.page_head = self.running
            n = getattr(flowable, "entries", 0)
            if n:
                self.done += n
                if self.progress_cb:
                    self.progress_cb(min(self.done, self.total) / self.total,
                                     f"set {min(self.done, self.total)} / {self.total} entries")

    def _plain_page(self, canv: Canvas, doc: Any) -> None:
        pass

    def _head(self, canv: Canvas, right_text: str) -> None:
        y = PAGE_H - MARGIN_TOP + HEAD_GAP
        canv.saveState()
        canv.setFillColor(INK)
        fonts.draw_text(canv, MARGIN_X, y, self.catalogue_title, 8.5, missing=self.missing)
        fonts.draw_text(canv, PAGE_W - MARGIN_X, y, right_text, 8.5, anchor="right", missing=self.missing)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, y - 3, PAGE_W - MARGIN_X, y - 3)
        fonts.draw_text(canv, PAGE_W / 2, MARGIN_BOTTOM - 9 * mm, str(canv.getPageNumber()), 9, anchor="centre")
        canv.restoreState()

    def _decorate(self, canv: Canvas, doc: Any) -> None:
        self._head(canv, self.page_head if self.page_head is not None else self.running)

    def _decorate_index(self, canv: Canvas, doc: Any) -> None:
        self._head(canv, self.page_head if self.page_head is not None else self.running)


def _register_table(rows: list[tuple[int, ExportRecord]], st: dict[str, ParagraphStyle],
                    missing: MissingChars) -> _EntryTable:
    head = [Paragraph(markup(h), st["head"]) for h, _ in REGISTER_COLUMNS]
    data: list[list[Any]] = [head]
    for n, rec in rows:
        d = rec.data
        data.append([
            Paragraph(str(n), st["cellc"]),
            Paragraph(markup(rec.census_number, missing), st["cellnum"]),
            Paragraph(markup(d.call_number or "", missing), st["cell"]),
            Paragraph(markup(d.title or "", missing), st["cell"]),
            # One person per line, as the printed registers set them.
            Paragraph(markup(re.sub(r"(?<=.)(?=[（(])", "\n", _author_statement(rec)), missing), st["cell"]),
            Paragraph(markup(d.edition_statement or "", missing), st["cell"]),
            Paragraph("" if d.volumes is None else str(d.volumes), st["cellc"]),
            Paragraph(markup(d.extant or "", missing), st["cell"]),
        ])
    t = _EntryTable(data, colWidths=[w for _, w in REGISTER_COLUMNS], repeatRows=1, hAlign="LEFT")
    t.entries = len(rows)
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), PRIMARY),  # the cell default (Helvetica) would be referenced unembedded
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, RULE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ]))
    return t


def _index_tables(title: str, items: list[tuple[tuple[str, str], str, list[int]]], st: dict[str, ParagraphStyle],
                  missing: MissingChars, width: float) -> list[Flowable]:
    """One index: headings per initial letter, then (term, entry numbers) rows."""
    out: list[Flowable] = []
    by_letter: OrderedDict[str, list[list[Any]]] = OrderedDict()
    for key, term, numbers in items:
        initial = key[0][:1].upper()
        letter = initial if "A" <= initial <= "Z" else "#"
        by_letter.setdefault(letter, []).append([
            Paragraph(markup(term, missing), st["idx"]),
            Paragraph("，".join(str(n) for n in numbers), st["idxnum"]),
        ])
    for letter, rows in by_letter.items():
        out.append(Paragraph(letter, st["letter"]))
        # Numbers get a wide column: a prolific author points to dozens of entries.
        t = Table(rows, colWidths=[width * 0.58, width * 0.42], hAlign="LEFT")
        t.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), PRIMARY),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 0.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
        ]))
        out.append(t)
    return out


def build_register(records: Sequence[ExportRecord], out: IO[bytes], *, title: str | None = None,
                   progress: Progress | None = None, cancel: threading.Event | None = None) -> ExportResult:
    """Write the 普查登記目錄 of ``records`` (any order: they are sorted here) to the binary file ``out``.

    Raises :class:`guji.jobs.Cancelled` when ``cancel`` is set.
    """
    st = _styles()
    missing = MissingChars()
    ordered = _ordered(records)
    cat_title = title or _institution_title(records, "古籍普查登記目錄")
    story: list[Flowable] = []
    # Cover.
    story += [Spacer(1, 70 * mm), Paragraph(markup(cat_title, missing), st["title"]), Spacer(1, 12 * mm),
              Paragraph(markup(f"共著錄 {len(ordered)} 部", missing), st["subtitle"]),
              Paragraph(markup(date.today().strftime("%Y年%m月%d日編印"), missing), st["subtitle"]),
              NextPageTemplate("body"), PageBreak()]
    numbered: list[tuple[int, ExportRecord]] = []
    branch: str | None = None
    i = 0
    while i < len(ordered):
        section = ordered[i][0]
        j = i
        while j < len(ordered) and ordered[j][0] == section:
            j += 1
        if section.branch_label != branch:
            branch = section.branch_label
            story.append(_Heading(branch, st["h1"], outline=branch, level=0, running=branch, missing=missing))
        rows = []
        for _sec, rec in ordered[i:j]:
            numbered.append((len(numbered) + 1, rec))
            rows.append(numbered[-1])
        if section.category_label:
            running = f"{section.branch_label}·{section.category_label}"
            story.append(_Heading(section.category_label, st["h2"], outline=section.category_label, level=1,
                                  running=running, missing=missing))
        story.append(_register_table(rows, st, missing))
        i = j
    if not numbered:
        story.append(Paragraph(markup("（無著錄）"), st["subtitle"]))

    # Indexes: titles and authors by pinyin, then strokes for the same reading.
    titles: dict[str, list[int]] = {}
    authors: dict[tuple[str, str], list[int]] = {}
    for n, rec in numbered:
        titles.setdefault(rec.data.title or "", []).append(n)
        for a in _authors(rec):
            lst = authors.setdefault((a.name, a.dynasty or ""), [])
            if not lst or lst[-1] != n:
                lst.append(n)
    title_items = sorted(((_sort_key(t), t, ns) for t, ns in titles.items() if t), key=lambda x: (x[0], x[1]))
    author_items = sorted(((_sort_key(name), f"{name}（{dyn}）" if dyn else name, ns)
                           for (name, dyn), ns in authors.items()), key=lambda x: (x[0], x[1]))
    col_w = (PAGE_W - 2 * MARGIN_X - 8 * mm) / 2
    if numbered:
        story += [NextPageTemplate("index"), PageBreak(),
                  _Heading("題名索引", st["h1"], outline="題名索引", level=0, running="題名索引", missing=missing)]
        story += _index_tables("題名索引", title_items, st, missing, col_w)
        if author_items:
            story += [PageBreak(),
                      _Heading("著者索引", st["h1"], outline="著者索引", level=0, running="著者索引", missing=missing)]
            story += _index_tables("著者索引", author_items, st, missing, col_w)

    with fonts.binary_streams():
        doc = _RegisterDoc(out, title=cat_title, total=len(numbered), progress=progress, cancel=cancel,
                           missing=missing)
        doc.build(story)
        pages = doc.page
    warnings = [w for w in [missing.warning()] if w]
    if progress:
        progress(1.0, f"{len(numbered)} entries, {pages} pages")
    return ExportResult("register", "", len(numbered), "entries", pages, tuple(warnings), tuple(missing.sorted()))


def render_register(data: ExportData, out: IO[bytes], progress: Progress | None = None,
                    cancel: threading.Event | None = None) -> ExportResult:
    """The register (the ``register`` format of :mod:`export.registry`); option ``title``."""
    return build_register(list(data.records), out, title=data.options.get("title"), progress=progress,
                          cancel=cancel)


# ------------------------------------------------------------------------- illustrated


def find_images_in_dir(folder: str | os.PathLike[str], census_number: str) -> list[Path]:
    """Image files of a record in ``folder``: named by its census number (``210000-0101-0000001.jpg``),
    optionally with a page suffix (``…-0000001_2.png``, ``…-0000001-02.jpg``), in natural order."""
    base = Path(folder)
    if not base.is_dir():
        return []
    found = []
    for p in base.iterdir():
        if p.suffix.lower() not in IMAGE_SUFFIXES or not p.is_file():
            continue
        stem = p.stem
        if stem == census_number or (stem.startswith(census_number) and stem[len(census_number):][:1] in "_-."):
            found.append(p)

    def natural(p: Path) -> list[Any]:
        return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p.stem[len(census_number):])]

    return sorted(found, key=natural)


def pick_images(census_number: str, *, images: Mapping[str, Any] | None = None,
                images_dir: str | os.PathLike[str] | None = None) -> list[Path] | None:
    """The image files of a record, first the 書影, from what the person named: an explicit mapping
    census number → path (or list of paths) wins, then files named by census number in
    ``images_dir``; None when neither names any (the stored images are then used)."""
    if images and census_number in images:
        v = images[census_number]
        return [Path(p) for p in v] if isinstance(v, (list, tuple)) else [Path(v)]
    if images_dir is not None:
        found = find_images_in_dir(images_dir, census_number)
        if found:
            return found
    return None


@dataclass(frozen=True)
class _Prepared:
    data: bytes | None
    width_pt: float
    height_pt: float
    error: str | None = None


def prepare_image(path: str | os.PathLike[str], box_w: float, box_h: float, dpi: int = 200,
                  quality: int = 80) -> _Prepared:
    """Fit an image into a ``box_w`` × ``box_h`` point box and resample it to ``dpi`` at that size (JPEG).

    Never upsamples. Grey scans stay grey (a third of the bytes). Returns the JPEG
    bytes and the printed size in points; an unreadable file gives ``error`` instead.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            w, h = im.size
            s = min(box_w / w, box_h / h)
            pw, ph = w * s, h * s
            tw = max(1, min(w, round(pw / 72 * dpi)))
            th = max(1, min(h, round(ph / 72 * dpi)))
            mode = "L" if im.mode in ("L", "1", "I;16", "I") else "RGB"
            if im.format == "JPEG":
                im.draft(mode, (tw, th))  # DCT scaling: decode at 1/2, 1/4 or 1/8 size directly
            img = im.convert(mode) if im.mode != mode else im
            if img.size != (tw, th):
                # reducing_gap 2: box-reduce in C to within 2× of the size, then bicubic; 3× faster than
                # a full Lanczos pass and indistinguishable at print resolution.
                img = img.resize((tw, th), Image.Resampling.BICUBIC, reducing_gap=2.0)
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi))
            return _Prepared(buf.getvalue(), pw, ph)
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as exc:
        return _Prepared(None, 0, 0, f"{Path(path).name}: {exc}")


class _ImagePipeline:
    """Resamples images on a few threads ahead of the page being drawn (Pillow releases the GIL
    while decoding, resizing and encoding), with a bounded look-ahead so memory stays flat."""

    def __init__(self, jobs: list[Path | None], box_w: float, box_h: float, dpi: int, workers: int | None = None):
        self.jobs = jobs
        self.box = (box_w, box_h)
        self.dpi = dpi
        self.pool = ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 2))
        self.ahead = 2 * (workers or min(4, os.cpu_count() or 2)) + 2
        self.futures: dict[int, Future[_Prepared]] = {}
        self.next_submit = 0

    def _fill(self, upto: int) -> None:
        while self.next_submit < min(upto, len(self.jobs)):
            p = self.jobs[self.next_submit]
            if p is not None:
                self.futures[self.next_submit] = self.pool.submit(prepare_image, p, *self.box, self.dpi)
            self.next_submit += 1

    def get(self, i: int) -> _Prepared | None:
        self._fill(i + self.ahead)
        f = self.futures.pop(i, None)
        return None if f is None else f.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _frame_text(d: Any) -> str | None:
    if d.frame_height_cm is None and d.frame_width_cm is None:
        return None
    h = "?" if d.frame_height_cm is None else f"{d.frame_height_cm}"
    w = "?" if d.frame_width_cm is None else f"{d.frame_width_cm}"
    text = f"{h} × {w} cm"
    notes = []
    if d.frame_is_half:
        notes.append("半框")
    if d.frame_edge == "inner":
        notes.append("量內框")
    return text + (f"（{'，'.join(notes)}）" if notes else "")


def _layout_text(d: Any) -> str | None:
    if d.layout_statement:
        return d.layout_statement
    parts = []
    if d.lines_per_half_leaf and d.chars_per_line:
        parts.append(f"半葉{format_number(d.lines_per_half_leaf)}行行{format_number(d.chars_per_line)}字")
    parts += [x for x in (d.commentary, d.banko, d.border, d.fishtail) if x]
    return "，".join(parts) or None


def _list_numbers(d: Any) -> str | None:
    parts = []
    if d.national_list_number:
        parts.append(f"國家珍貴古籍名錄 {d.national_list_number}")
    if d.provincial_list:
        parts.append(f"省級珍貴古籍名錄 {d.provincial_list}")
    return "；".join(parts) or None


def description_items(rec: ExportRecord) -> list[tuple[str, str]]:
    """(label, value) lines of an illustrated-catalogue entry, in print order; empty items left out."""
    d = rec.data
    seals = "、".join(f"「{s.text}」" + (f"（{s.owner}）" if s.owner else "") for s in d.seals)
    notes = "；".join("".join(x for x in (a.person, a.kind) if x) + (f"：{a.description}" if a.description else "")
                     for a in d.annotations)
    items = [
        ("題名卷數", d.title), ("著者", _author_statement(rec)), ("版本", d.edition_statement),
        ("冊數", None if d.volumes is None else (f"{d.cases}函{d.volumes}冊" if d.cases else f"{d.volumes}冊")),
        ("存缺卷數", d.extant), ("版框", _frame_text(d)), ("行款", _layout_text(d)), ("鈐印", seals or None),
        ("批校題跋", notes or None), ("收藏單位", rec.institution_name), ("名錄號", _list_numbers(d)),
        ("普查編號", rec.census_number),
    ]
    return [(k, v) for k, v in items if v]


class _Illustrated:
    """Draws the illustrated catalogue page by page on a canvas (two half-page slots per page)."""

    def __init__(self, path: IO[bytes], title: str, missing: MissingChars):
        fonts.register_fonts()
        # types-reportlab declares initialFontName a float; reportlab takes a font name there.
        self.c = Canvas(path, pagesize=A4, pageCompression=1, initialFontName=PRIMARY)  # type: ignore[arg-type]
        self.c.setTitle(title)
        self.c.setAuthor("guji")
        self.c.setSubject("珍貴古籍圖錄")
        self.c.setCreator("guji")
        self.title = title
        self.missing = missing
        self.st = _styles()
        self.running = ""
        self.slot = 0  # 0 top, 1 bottom of the current page
        self.pages = 0
        self.page_open = False
        self.bookmarks = 0
        self.slot_h = (PAGE_H - MARGIN_TOP - MARGIN_BOTTOM) / 2
        self.image_w = 92 * mm
        self.image_h = self.slot_h - 10 * mm

    def _end_page(self) -> None:
        if not self.page_open:
            return
        c = self.c
        y = PAGE_H - MARGIN_TOP + HEAD_GAP
        c.saveState()
        c.setFillColor(INK)
        fonts.draw_text(c, MARGIN_X, y, self.title, 8.5, missing=self.missing)
        fonts.draw_text(c, PAGE_W - MARGIN_X, y, self.running, 8.5, anchor="right", missing=self.missing)
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(MARGIN_X, y - 3, PAGE_W - MARGIN_X, y - 3)
        fonts.draw_text(c, PAGE_W / 2, MARGIN_BOTTOM - 9 * mm, str(c.getPageNumber()), 9, anchor="centre")
        c.restoreState()
        c.showPage()
        self.pages += 1
        self.page_open = False
        self.slot = 0

    def cover(self, count: int) -> None:
        c = self.c
        st = self.st
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, PAGE_W - 2 * MARGIN_X, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM,
                      showBoundary=0)
        frame.addFromList([Spacer(1, 70 * mm), Paragraph(markup(self.title, self.missing), st["title"]),
                           Spacer(1, 12 * mm), Paragraph(markup(f"收錄 {count} 部", self.missing), st["subtitle"]),
                           Paragraph(markup(date.today().strftime("%Y年%m月%d日編印")), st["subtitle"])], c)
        c.showPage()
        self.pages += 1

    def section(self, label: str) -> None:
        """A new 部: starts on a fresh page, with a bookmark."""
        self._end_page()
        self.running = label
        self._bookmark(label, 0)

    def _bookmark(self, text: str, level: int, top: float = PAGE_H) -> None:
        key = f"b{self.bookmarks}"
        self.bookmarks += 1
        self.c.bookmarkPage(key, fit="XYZ", left=0, top=top)
        self.c.addOutlineEntry(text, key, level=level, closed=level == 0)

    def entry(self, n: int, rec: ExportRecord, image: _Prepared | None, image_note: str | None) -> None:
        c = self.c
        st = self.st
        self.page_open = True
        top = PAGE_H - MARGIN_TOP - self.slot * self.slot_h
        self._bookmark(f"{n}　{rec.data.title or rec.census_number}", 1, top + 2 * mm)
        # Image box: left part of the slot, the picture centred in it.
        box_x, box_top = MARGIN_X, top - 4 * mm
        if image is not None and image.data is not None:
            x = box_x + (self.image_w - image.width_pt) / 2
            y = box_top - image.height_pt
            c.drawImage(ImageReader(io.BytesIO(image.data)), x, y, image.width_pt, image.height_pt)
            c.setStrokeColor(colors.HexColor("#999999"))
            c.setLineWidth(0.3)
            c.rect(x, y, image.width_pt, image.height_pt)
        else:
            c.saveState()
            c.setStrokeColor(colors.HexColor("#bbbbbb"))
            c.setDash(2, 2)
            c.rect(box_x, box_top - self.image_h, self.image_w, self.image_h)
            c.setFillColor(colors.HexColor("#888888"))
            fonts.draw_text(c, box_x + self.image_w / 2, box_top - self.image_h / 2, image_note or "（無書影）", 10,
                            anchor="centre", missing=self.missing)
            c.restoreState()
        # Description: right part.
        dx = MARGIN_X + self.image_w + 7 * mm
        dw = PAGE_W - MARGIN_X - dx
        flow: list[Flowable] = [Paragraph(markup(f"{n}　{rec.data.title or ''}", self.missing), st["entry_title"])]
        for label, value in description_items(rec):
            flow.append(Paragraph(f'<font color="#7a4e1d">{markup(label)}</font>　{markup(value, self.missing)}',
                                  st["desc"]))
        frame = Frame(dx, top - self.slot_h + 6 * mm, dw, self.slot_h - 10 * mm, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)
        frame.addFromList([KeepInFrame(dw, self.slot_h - 10 * mm, flow, mode="shrink")], c)
        if self.slot == 0:
            c.setStrokeColor(colors.HexColor("#cccccc"))
            c.setLineWidth(0.4)
            y = top - self.slot_h
            c.line(MARGIN_X, y, PAGE_W - MARGIN_X, y)
            self.slot = 1
        else:
            self._end_page()

    def finish(self) -> int:
        self._end_page()
        self.c.save()
        return self.pages


def check_dpi(dpi: int) -> None:
    """Raise :class:`ValidationError` for a print resolution outside 72–600 dpi."""
    if not 72 <= dpi <= 600:
        from guji.errors import FieldProblem, ValidationError

        raise ValidationError(FieldProblem("dpi", "print resolution must be between 72 and 600 dpi", dpi))


def build_illustrated(records: Sequence[ExportRecord], out: IO[bytes], *,
                      images: Mapping[str, Sequence[Path]] | None = None, dpi: int = 200, title: str | None = None,
                      progress: Progress | None = None, cancel: threading.Event | None = None,
                      workers: int | None = None) -> ExportResult:
    """Write the 珍貴古籍圖錄 of ``records`` to the binary file ``out``.

    ``images`` maps census numbers to image files, the first is the 書影. Entries without an
    image are printed with an empty frame and listed in the result's warnings. Images are
    resampled to ``dpi`` at their printed size. Raises :class:`ValidationError` for a bad
    ``dpi``, :class:`guji.jobs.Cancelled` when ``cancel`` is set.
    """
    check_dpi(dpi)
    missing = MissingChars()
    ordered = _ordered(records)
    cat_title = title or _institution_title(records, "珍貴古籍圖錄")
    paths: list[Path | None] = []
    for _, rec in ordered:
        found = (images or {}).get(rec.census_number) or ()
        paths.append(Path(found[0]) if found else None)
    warnings: list[str] = []
    without: list[str] = []
    embedded = 0
    with fonts.binary_streams():
        doc = _Illustrated(out, cat_title, missing)
        pipe = _ImagePipeline(paths, doc.image_w, doc.image_h, dpi, workers)
        try:
            doc.cover(len(ordered))
            branch = None
            for i, (section, rec) in enumerate(ordered):
                check_cancel(cancel)
                if section.branch_label != branch:
                    branch = section.branch_label
                    doc.section(branch)
                prepared = pipe.get(i)
                note = None
                if prepared is None:
                    without.append(rec.census_number)
                elif prepared.data is None:
                    without.append(rec.census_number)
                    warnings.append(f"{rec.census_number}: image not readable ({prepared.error})")
                    note = "（書影無法讀取）"
                else:
                    embedded += 1
                doc.entry(i + 1, rec, prepared, note)
                if progress and (i % 10 == 0 or i == len(ordered) - 1):
                    progress((i + 1) / max(len(ordered), 1),
                             f"set {i + 1} / {len(ordered)} entries")
            pages = doc.finish()
        finally:
            pipe.close()
    if without:
        warnings.insert(0, f"{len(without)} entr{'y has' if len(without) == 1 else 'ies have'} no image: "
                        + ", ".join(without[:10]) + (" …" if len(without) > 10 else ""))
    w = missing.warning()
    if w:
        warnings.insert(0, w)
    return ExportResult("illustrated", "", len(ordered), "entries", pages, tuple(warnings), tuple(missing.sorted()),
                        tuple(without), embedded)


def render_illustrated(data: ExportData, out: IO[bytes], progress: Progress | None = None,
                       cancel: threading.Event | None = None) -> ExportResult:
    """The illustrated catalogue (the ``illustrated`` format of :mod:`export.registry`); options
    ``dpi`` and ``title``, the records' images in ``data.images``."""
    o = data.options
    return build_illustrated(list(data.records), out, images=data.images, dpi=int(o.get("dpi") or 200),
                             title=o.get("title"), progress=progress, cancel=cancel, workers=o.get("workers"))
