"""The restoration archive (修复档案) as a printable A4 PDF.

:func:`write_report` takes a :class:`restoration.views.JobArchive` (plain data
from ``app.restoration.archive(job_id)``; this module never touches the
database) and writes: identification, condition with the damage table and the
suggested/confirmed grade, pH tables and the before/after chart, dye recipes
with the trial ΔE table and colour swatches, the plan, the sessions, the
materials used, before/after photographs side by side, and the acceptance with
signatures.

Fonts: the archive is a working document in simplified Chinese with record text
inside, so it is set in the interface chain of :mod:`guji.fonts` (AR PL UMing CN,
then HK, then Hanazono for rare characters, run by run) through the reportlab
adapter :mod:`export.fonts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from export import fonts as pdf_fonts
from guji.fonts import INTERFACE_TEXT
from restoration.srgb import lab_to_srgb
from restoration.views import JobArchive, PhotoView, PhSetView, RecipeView
from restoration.vocab import RestorationVocab, default_vocab
from restoration.workflow import JobState

FONT = INTERFACE_TEXT[0].pdf_name


def register_fonts() -> None:
    """Register the bundled fonts with reportlab (once)."""
    pdf_fonts.register_fonts()


def markup(text: object) -> str:
    """Paragraph markup for ``text``: escaped, each run in the first face of the interface chain that has it."""
    return pdf_fonts.markup("" if text is None else str(text), chain=INTERFACE_TEXT)


# ---------------------------------------------------------------------- styles

def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=13.5, wordWrap="CJK")
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=26, alignment=TA_CENTER,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=15, alignment=TA_CENTER,
                                   spaceAfter=10),
        "h1": ParagraphStyle("h1", parent=base, fontSize=13, leading=18, spaceBefore=10, spaceAfter=5,
                             textColor=colors.HexColor("#5a1e12"), keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontSize=10.5, leading=15, spaceBefore=6, spaceAfter=3,
                             keepWithNext=1),
    }


_GRID = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8c7b6b")),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#efe6d8")),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
])

_FORM = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8c7b6b")),
    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#efe6d8")),
    ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#efe6d8")),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
])


def _fmt(v: Any, places: int | None = None) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, float):
        return f"{v:.{places if places is not None else 2}f}"
    if isinstance(v, Decimal):
        if places is not None:
            return f"{v:.{places}f}"
        return f"{v.normalize():f}" if v == v.to_integral_value() else str(v)
    if isinstance(v, dt.datetime):
        return v.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _lab_text(lab: Sequence[Any] | None) -> str:
    if lab is None:
        return "—"
    return " / ".join(f"{float(x):.2f}" for x in lab)


def _rect(x: float, y: float, width: float, height: float, **style: Any) -> Rect:
    """reportlab's ``Rect`` with style keywords (fillColor, strokeColor, ...). Its stub in
    types-reportlab types ``**kw`` as the keyword TypedDict itself rather than ``Unpack[...]``,
    so every keyword would be refused; the keywords pass through this one typed door."""
    return Rect(x, y, width, height, **style)


def swatch(lab: Sequence[Any] | None, w: float = 14 * mm, h: float = 6 * mm) -> Drawing | str:
    """A filled rectangle in the colour ``lab`` (converted to sRGB)."""
    if lab is None:
        return "—"
    d = Drawing(w, h)
    r, g, b = lab_to_srgb([float(x) for x in lab])
    d.add(_rect(0, 0, w, h, fillColor=colors.Color(r, g, b), strokeColor=colors.HexColor("#555555"),
               strokeWidth=0.4))
    return d


#: Resolution photographs are resampled to in the PDF: masters are often 600 dpi scans of tens of
#: megabytes, which would make the archive huge; 200 dpi at the printed size is plenty for A4.
PHOTO_DPI = 200


def _fitted_image(path: Path, w: float, h: float) -> Image:
    """A flowable of the image at ``path`` (first page; EXIF orientation applied) scaled to fit
    ``w`` × ``h`` points, resampled to :data:`PHOTO_DPI` at that size and embedded as JPEG.
    PIL's decompression-bomb guard stays on: a hostile legacy ``file_path`` raises, and the caller
    prints the placeholder."""
    import io

    from PIL import Image as PILImage
    from PIL import ImageOps

    with PILImage.open(path) as im:
        im.seek(0)
        iw, ih = im.size
        if im.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # rotated a quarter turn
            iw, ih = ih, iw
        scale = min(w / iw, h / ih)
        dw, dh = iw * scale, ih * scale
        px = (max(1, round(dw / 72 * PHOTO_DPI)), max(1, round(dh / 72 * PHOTO_DPI)))
        im.draft("RGB", (max(px), max(px)))  # JPEG: decode at a reduced size directly
        pic = ImageOps.exif_transpose(im)
        if pic.mode.startswith("I"):  # 16-bit grey: keep the top 8 bits (convert() would clip to white)
            import numpy as np

            pic = PILImage.fromarray((np.asarray(pic, dtype=np.uint32) >> 8).clip(0, 255).astype(np.uint8))
        pic = pic.convert("RGB") if pic.mode not in ("RGB", "L") else pic.copy()
    pic.thumbnail(px, PILImage.Resampling.LANCZOS)
    buf = io.BytesIO()
    pic.save(buf, "JPEG", quality=85)
    buf.seek(0)
    return Image(buf, width=dw, height=dh)


class _Report:
    def __init__(self, arch: JobArchive, vocab: RestorationVocab, photo_dir: Path | None):
        self.a = arch
        self.v = vocab
        self.st = _styles()
        self.photo_dir = photo_dir
        self.story: list[Any] = []

    # --- helpers
    def p(self, text: object, style: str = "base") -> Paragraph:
        return Paragraph(markup(text), self.st[style])

    def c(self, text: object) -> Paragraph:
        return Paragraph(markup(text), self.st["cell"])

    def label(self, cat: str, code: str | None) -> str:
        if not code:
            return "—"
        try:
            return self.v.label(cat, code)
        except Exception:  # noqa: BLE001 - an unknown code prints as itself
            return code

    def table(self, rows: list[list[Any]], widths: Sequence[float], style: TableStyle = _GRID,
              extra: list[tuple] | None = None) -> Table:
        cells = [[x if not isinstance(x, str) else self.c(x) for x in r] for r in rows]
        t = Table(cells, colWidths=list(widths), repeatRows=1 if style is _GRID else 0)
        t.setStyle(style)
        if extra:
            t.setStyle(TableStyle(extra))
        return t

    def h1(self, text: str) -> None:
        self.story.append(self.p(text, "h1"))

    # --- sections
    def identification(self) -> None:
        j = self.a.job
        self.story.append(self.p("古籍修復檔案", "title"))
        self.story.append(self.p(f"修复档案号 {j.job_number}　·　{j.institution_name}", "subtitle"))
        self.h1("一、基本信息")
        restorers = "、".join(r[2] for r in j.restorers) or "—"
        grade = "—"
        if j.damage_grade:
            grade = self._grade_label(j.damage_grade) + "（修复师确认）"
        if j.damage_grade_suggested and j.damage_grade_suggested != j.damage_grade:
            grade += f"；按规则建议：{self._grade_label(j.damage_grade_suggested)}"
        state = {"assessment": "评估", "plan": "方案待批", "plan_approved": "方案已批", "in_treatment": "修复中",
                 "acceptance": "待验收", "closed": "已验收结档"}.get(j.state, j.state)
        rows = [
            ["普查编号", j.census_number, "收藏单位", j.institution_name],
            ["题名卷数", j.title, "版本", j.edition or "—"],
            ["册数", _fmt(j.volumes), "修复范围", " ".join(x for x in (j.volumes_scope, j.leaves_scope) if x) or "—"],
            ["送修", j.requester, "优先级", {"low": "低", "normal": "普通", "high": "高", "urgent": "紧急"}.get(
                j.priority, j.priority)],
            ["修复人员", restorers, "审核人", j.reviewer[2] if j.reviewer else "—"],
            ["开档日期", _fmt(j.opened_on), "开始修复", _fmt(j.treatment_started_on)],
            ["状态", state, "破损级别", grade],
            ["出库记录", f"#{j.vault_movement_id}" if j.vault_movement_id else "—", "入库",
             _fmt(j.returned_to_vault_at)],
        ]
        self.story.append(self.table(rows, [22 * mm, 63 * mm, 22 * mm, 63 * mm], _FORM))

    def _grade_label(self, code: str) -> str:
        from restoration.grading import dat64_profile

        try:
            return dat64_profile().grade(code).zh
        except Exception:  # noqa: BLE001 - a centre profile's code prints as itself
            return code

    def condition(self) -> None:
        self.h1("二、破损状况与纸张")
        if not self.a.assessments:
            self.story.append(self.p("（未记录）"))
            return
        for a in self.a.assessments:
            scope = []
            if a.volume:
                scope.append(f"第{a.volume}册")
            if a.leaf_from:
                scope.append(f"叶 {a.leaf_from}–{a.leaf_to or a.leaf_from}")
            self.story.append(self.p(f"评估 {' '.join(scope) or '全书'}（{_fmt(a.assessed_on)}，{a.assessed_by}）",
                                     "h2"))
            fibres = "、".join(f"{self.label('fibres', f)} {_fmt(p)}%" for f, p in a.fibres) or "—"
            thick = "—" if a.thickness_um is None else f"{_fmt(a.thickness_um)} µm" + (
                f" ± {_fmt(a.thickness_sd_um)}" if a.thickness_sd_um is not None else "")
            src = {"colorimeter": "色差计", "scan": "扫描图像"}.get(a.colour_source or "", "")
            colour_row = [self.c("原纸颜色 L*a*b*"),
                          self.c(f"{_lab_text(a.colour)}　{src} "
                                 f"{self.label('illuminant_observers', a.illuminant_observer)}"
                                 if a.colour else "—"),
                          self.c("色样"), swatch(a.colour)]
            rows: list[list[Any]] = [["纸张", a.paper_type or "—", "厚度", thick],
                    ["纤维", fibres, "检测方法", a.fibre_method or "—"], colour_row]
            self.story.append(self.table(rows, [22 * mm, 78 * mm, 18 * mm, 52 * mm], _FORM))
            self.story.append(Spacer(1, 3))
            if a.findings:
                rows = [["破损类型", "程度", "计量", "备注"]]
                for f in a.findings:
                    unit = {"percent": "% 面积", "count": "处", "ph": "pH"}.get(f.metric, f.metric)
                    rows.append([f.label, _fmt(f.value), unit, f.note or ""])
                self.story.append(self.table(rows, [40 * mm, 25 * mm, 25 * mm, 80 * mm]))
        g = self.a.grade
        if g:
            self.story.append(Spacer(1, 3))
            text = f"按 {g.profile_id} 规则建议破损级别：{g.label}"
            if g.reasons:
                text += "（" + "；".join(g.reasons) + "）"
            self.story.append(self.p(text, "small"))

    def ph(self) -> None:
        self.h1("三、pH 值测定")
        if not self.a.ph_sets:
            self.story.append(self.p("（未测定）"))
            return
        self.story.append(self.p(f"酸性判定阈值：pH < {self.a.acid_threshold}（标 * 者）", "small"))
        for s in self.a.ph_sets:
            self.story.append(KeepTogether(self._ph_set(s)))
        if self.a.ph_comparison:
            self.story.append(self.p("修复前后 pH 对比（各叶均值）", "h2"))
            self.story.append(self._ph_chart())
            rows = [["叶", "修复前", "修复后", "差值"]]
            for c in self.a.ph_comparison:
                rows.append([c.leaf, _fmt(c.earlier_mean, 2) if c.earlier_mean is not None else "—",
                             _fmt(c.later_mean, 2) if c.later_mean is not None else "—",
                             f"{c.difference:+.2f}" if c.difference is not None else "—"])
            self.story.append(self.table(rows, [30 * mm, 30 * mm, 30 * mm, 30 * mm]))

    def _ph_set(self, s: PhSetView) -> list[Any]:
        out: list[Any] = [self.p(f"{self.label('ph_set_kinds', s.kind)}　{_fmt(s.measured_on)}　"
                                 f"{self.label('ph_methods', s.method)}", "h2")]
        cond = [f"仪器 {s.instrument}" if s.instrument else "", f"电极 {s.electrode}" if s.electrode else "",
                "校准 " + "/".join(s.calibration) if s.calibration else "",
                f"读数等待 {s.wait_seconds} s" if s.wait_seconds is not None else "",
                f"温度 {_fmt(s.temperature_c)} °C" if s.temperature_c is not None else "", f"测定人 {s.measured_by}"]
        out.append(self.p("　".join(x for x in cond if x), "small"))
        pts = list(s.points)
        half = (len(pts) + 1) // 2
        rows = [["叶", "位置", "pH", "叶", "位置", "pH"]]
        for i in range(half):
            row: list[Any] = []
            for p in (pts[i], pts[i + half] if i + half < len(pts) else None):
                if p is None:
                    row += ["", "", ""]
                else:
                    row += [p.leaf, p.position or "—", f"{p.value:.2f}" + (" *" if p.acidic else "")]
            rows.append(row)
        out.append(self.table(rows, [20 * mm, 32 * mm, 20 * mm, 20 * mm, 32 * mm, 20 * mm]))
        st = s.stats
        if st.n:
            out.append(self.p(
                f"n = {st.n}　均值 {st.mean:.2f}　中位数 {st.median:.2f}　最小 {st.minimum:.2f}　最大 {st.maximum:.2f}"
                f"　标准差 {st.stdev:.2f}" if st.stdev is not None else
                f"n = {st.n}　均值 {st.mean:.2f}　最小 {st.minimum:.2f}　最大 {st.maximum:.2f}", "small"))
            out.append(self.p(f"低于阈值的测点：{len(st.acidic)} / {st.n}", "small"))
        return out

    def _ph_chart(self) -> Drawing:
        comps = list(self.a.ph_comparison)
        w, h = 170 * mm, 60 * mm
        d = Drawing(w, h)
        left, bottom, top = 12 * mm, 8 * mm, h - 6 * mm
        plot_w = w - left - 4 * mm
        lo, hi = 3.0, 10.0

        def y(v: float) -> float:
            return bottom + (min(max(v, lo), hi) - lo) / (hi - lo) * (top - bottom)

        for tick in range(3, 11):
            d.add(Line(left, y(tick), left + plot_w, y(tick), strokeColor=colors.HexColor("#dddddd"),
                       strokeWidth=0.3))
            d.add(String(left - 2 * mm, y(tick) - 1.2 * mm, str(tick), fontName=FONT, fontSize=6.5,
                         textAnchor="end"))
        thr = float(self.a.acid_threshold)
        d.add(Line(left, y(thr), left + plot_w, y(thr), strokeColor=colors.HexColor("#c0392b"), strokeWidth=0.6,
                   strokeDashArray=[2, 2]))
        d.add(String(left + plot_w, y(thr) + 1 * mm, f"pH {thr}", fontName=FONT, fontSize=6.5, textAnchor="end",
                     fillColor=colors.HexColor("#c0392b")))
        n = max(len(comps), 1)
        slot = plot_w / n
        bw = min(slot * 0.35, 8 * mm)
        for i, c in enumerate(comps):
            x0 = left + i * slot + slot / 2
            if c.earlier_mean is not None:
                d.add(_rect(x0 - bw, bottom, bw, y(float(c.earlier_mean)) - bottom,
                           fillColor=colors.HexColor("#b08d57"), strokeColor=None))
            if c.later_mean is not None:
                d.add(_rect(x0, bottom, bw, y(float(c.later_mean)) - bottom, fillColor=colors.HexColor("#3c6e91"),
                           strokeColor=None))
            if n <= 40:
                d.add(String(x0, bottom - 3 * mm, c.leaf[:6], fontName=FONT, fontSize=6, textAnchor="middle"))
        d.add(Line(left, bottom, left + plot_w, bottom, strokeWidth=0.5))
        d.add(_rect(left + 2 * mm, top - 1 * mm, 3 * mm, 2.5 * mm, fillColor=colors.HexColor("#b08d57"),
                   strokeColor=None))
        d.add(String(left + 6 * mm, top - 0.6 * mm, "修复前", fontName=FONT, fontSize=7))
        d.add(_rect(left + 20 * mm, top - 1 * mm, 3 * mm, 2.5 * mm, fillColor=colors.HexColor("#3c6e91"),
                   strokeColor=None))
        d.add(String(left + 24 * mm, top - 0.6 * mm, "修复后", fontName=FONT, fontSize=7))
        return d

    def dyeing(self) -> None:
        self.h1("四、染纸配方与试样色差")
        if not self.a.recipes:
            self.story.append(self.p("（无）"))
            return
        self.story.append(self.p(f"色差公式 CIEDE2000（ΔE00），合格：ΔE00 ≤ {self.a.de00_tolerance:g}；"
                                 "ΔL* > 0 为较原纸浅（宁浅勿深），偏深者标“深”。", "small"))
        for r in self.a.recipes:
            self.story.append(KeepTogether(self._recipe(r)))

    def _recipe(self, r: RecipeView) -> list[Any]:
        out: list[Any] = [self.p(f"配方：{r.name}", "h2")]
        dyes = "；".join(f"{d} {_fmt(a)} {u}" for d, a, u in r.dyes)
        cond = [f"染料 {dyes}", f"底纸 {r.base_paper.name}（{r.base_paper.batch or '—'}）" if r.base_paper else "",
                f"媒染 {r.mordant}" if r.mordant else "",
                f"浴温 {_fmt(r.bath_temperature_c)} °C" if r.bath_temperature_c is not None else "",
                f"浸染 {r.dips} 次" if r.dips is not None else "", f"{r.minutes} 分钟" if r.minutes is not None else "",
                f"干燥 {r.drying}" if r.drying else ""]
        out.append(self.p("　".join(x for x in cond if x) + (f"\n{r.notes}" if r.notes else ""), "small"))
        if r.trials:
            rows: list[list[Any]] = [["#", "试样 L*a*b*", "试样", "目标 L*a*b*", "目标", "光源", "ΔE00", "ΔE*ab",
                                      "ΔL*", "判定"]]
            for t in r.trials:
                verdict = (("合格" if t.passes else "不合格") + ("·深" if t.darker else "")
                           + ("·采用" if t.accepted else ""))
                rows.append([str(t.seq), _lab_text(t.measured), swatch(t.measured, 10 * mm), _lab_text(t.target),
                             swatch(t.target, 10 * mm), self.label("illuminant_observers", t.illuminant_observer),
                             f"{t.de00:.2f}", f"{t.de_ab:.2f}", f"{t.dl:+.2f}", verdict])
            out.append(self.table(rows, [7 * mm, 30 * mm, 12 * mm, 30 * mm, 12 * mm, 16 * mm, 13 * mm, 13 * mm,
                                         13 * mm, 24 * mm]))
        return out

    def plan(self) -> None:
        self.h1("五、修复方案")
        p = self.a.plan
        if p is None:
            self.story.append(self.p("（未制定）"))
            return
        ops = "、".join(self.label("operations", o) for o in p.operations)
        mats = "；".join(f"{m.name} {_fmt(m.quantity)} {m.unit}" for m in p.materials) or "—"
        appr = f"{p.approved_by}　{_fmt(p.approved_at)}" if p.approved_by else "未批准"
        rows = [["工序", ops, "预计工时", f"{_fmt(p.estimated_hours)} 小时"],
                ["计划材料", mats, "计划叶数", _fmt(p.planned_leaves)],
                ["方案说明", p.description or "—", "批准", appr]]
        self.story.append(self.table(rows, [22 * mm, 78 * mm, 20 * mm, 50 * mm], _FORM))

    def sessions(self) -> None:
        self.h1("六、修复记录")
        if not self.a.sessions:
            self.story.append(self.p("（无）"))
        else:
            rows: list[list[Any]] = [["日期", "修复人", "工时", "叶数", "工序", "材料", "备注"]]
            for s in self.a.sessions:
                rows.append([_fmt(s.day), s.restorer, _fmt(s.hours), str(s.leaves),
                             "、".join(self.label("operations", o) for o in s.operations) or "—",
                             "；".join(f"{m.name} {_fmt(m.quantity)}{m.unit}" for m in s.materials) or "—",
                             s.notes or ""])
            self.story.append(self.table(rows, [20 * mm, 18 * mm, 12 * mm, 12 * mm, 35 * mm, 38 * mm, 35 * mm]))
        t, pr = self.a.totals, self.a.progress
        if t is not None:
            lph = f"{t.leaves_per_hour:.2f}" if t.leaves_per_hour is not None else "—"
            text = f"合计：{t.sessions} 次，{_fmt(t.hours)} 小时，{t.leaves} 叶，每小时 {lph} 叶"
            if pr is not None and pr.planned_leaves:
                text += f"；计划 {pr.planned_leaves} 叶，已完成 {pr.done_leaves} 叶，余 {pr.remaining_leaves} 叶"
            self.story.append(self.p(text, "small"))
        self.h1("七、用料")
        if self.a.materials_used:
            rows = [["材料", "用量", "单位"]]
            for m in self.a.materials_used:
                rows.append([m.name, _fmt(m.quantity), m.unit])
            self.story.append(self.table(rows, [90 * mm, 40 * mm, 40 * mm]))
        else:
            self.story.append(self.p("（无）"))

    def _photo_file(self, photo: Any) -> Path | None:
        """The file to print for a photo: its master in the image store (``image_path``, resolved by
        SHA-256), else the local ``file_path`` older rows carry (relative to ``photo_dir``)."""
        if photo is None:
            return None
        for candidate in (getattr(photo, "image_path", None), photo.file_path):
            if not candidate:
                continue
            path = Path(candidate)
            if not path.is_absolute() and self.photo_dir is not None:
                path = self.photo_dir / path
            if path.is_file():
                return path
        return None

    def _photo_cell(self, photo: Any, w: float, h: float) -> Any:
        path = self._photo_file(photo)
        if path is not None:
            try:
                return _fitted_image(path, w, h)
            except Exception:  # noqa: BLE001 - an unreadable file falls back to the placeholder
                pass
        d = Drawing(w, h)
        d.add(_rect(0, 0, w, h, fillColor=colors.HexColor("#f4f1ec"), strokeColor=colors.HexColor("#999999"),
                   strokeWidth=0.5, strokeDashArray=[3, 2]))
        text = "无照片" if photo is None else f"影像 {photo.sha256[:12]}…"
        d.add(String(w / 2, h / 2, text, fontName=FONT, fontSize=8, textAnchor="middle",
                     fillColor=colors.HexColor("#777777")))
        return d

    def photos(self) -> None:
        self.h1("八、修复前后照片")
        before = [p for p in self.a.photos if p.stage == "before"]
        after = [p for p in self.a.photos if p.stage == "after"]
        if not before and not after:
            self.story.append(self.p("（无）"))
            return
        w, h = 80 * mm, 60 * mm
        rows: list[list[Any]] = [["修复前", "修复后"]]
        # Pair by leaf when both sides name it, else in the order taken.
        after_by_leaf = {p.leaf: p for p in after if p.leaf}
        used: set[int] = set()
        pairs: list[tuple[PhotoView | None, PhotoView | None]] = []
        for first in before:
            match = after_by_leaf.get(first.leaf) if first.leaf else None
            if match is not None:
                used.add(match.id)
            pairs.append((first, match))
        rest = [p for p in after if p.id not in used]
        pairs = [(b, a if a is not None else (rest.pop(0) if rest else None)) for b, a in pairs]
        pairs += [(None, a) for a in rest]
        for b, a in pairs:
            rows.append([self._photo_cell(b, w, h), self._photo_cell(a, w, h)])
            cap = lambda p: ("" if p is None else " ".join(x for x in (f"叶 {p.leaf}" if p.leaf else "",  # noqa: E731
                                                                     p.caption or "") if x))
            rows.append([cap(b), cap(a)])
        self.story.append(self.table(rows, [85 * mm, 85 * mm], extra=[("ALIGN", (0, 0), (-1, -1), "CENTER")]))

    def acceptance(self) -> None:
        self.h1("九、验收")
        accs = self.a.acceptances
        if not accs:
            self.story.append(self.p("（尚未验收）"))
        else:
            rows = [["次", "质量等级", "验收意见", "审核人签名", "签署时间", "备注"]]
            for x in accs:
                note = f"已撤销：{x.void_reason}（{_fmt(x.voided_at)}）" if x.voided_at else ""
                rows.append([str(x.seq), self.label("quality_grades", x.quality_grade), x.comments or "—",
                             x.signed_name, _fmt(x.signed_at), note])
            self.story.append(self.table(rows, [8 * mm, 18 * mm, 52 * mm, 25 * mm, 30 * mm, 37 * mm]))
        j = self.a.job
        self.story.append(Spacer(1, 8 * mm))
        valid = [x for x in accs if x.voided_at is None]
        reviewer = f"{valid[-1].signed_name}　{_fmt(valid[-1].signed_at)}" if valid and j.state == JobState.CLOSED \
            else "________________"
        sig = [["修复人", "、".join(r[2] for r in j.restorers) + "　（签字）________", "审核人", reviewer]]
        self.story.append(self.table(sig, [18 * mm, 72 * mm, 18 * mm, 62 * mm], _FORM))

    def build(self, out: Path) -> None:
        for section in (self.identification, self.condition, self.ph, self.dyeing, self.plan, self.sessions,
                        self.photos, self.acceptance):
            section()
        j = self.a.job
        stamp = _fmt(self.a.generated_at)

        def on_page(canvas: Any, doc: Any) -> None:
            canvas.saveState()
            canvas.setFont(FONT, 7.5)
            canvas.setFillColor(colors.HexColor("#666666"))
            canvas.drawString(18 * mm, 10 * mm, f"{j.job_number}　{j.census_number}　生成于 {stamp}")
            canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"第 {doc.page} 页")
            canvas.restoreState()

        doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                bottomMargin=18 * mm, title=f"古籍修复档案 {j.job_number}", author="guji",
                                subject=j.title)
        doc.build(self.story, onFirstPage=on_page, onLaterPages=on_page)


def write_report(archive: JobArchive, out: Path | str, *, vocab: RestorationVocab | None = None,
                 photo_dir: Path | None = None) -> Path:
    """Write the archive PDF to ``out`` (written to a temporary name, then moved into place) and return its path.

    Each photo prints from its master in the image store (``PhotoView.image_path``, which
    ``archive()`` resolves by SHA-256), else from the ``file_path`` an older row carries (``photo_dir``
    resolves a relative one). Photos without a readable file print as a labelled placeholder box.
    """
    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    _Report(archive, vocab or default_vocab(), photo_dir).build(tmp)
    tmp.replace(out)
    return out
