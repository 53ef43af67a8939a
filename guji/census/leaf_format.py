"""Parse 版式/行款 (leaf-format) statements into structured fields.

Catalogues write the leaf format in many ways; all of these parse::

    半葉十行行二十字，白口，四周雙邊，單黑魚尾
    10行22字，白口，四周雙邊
    四周雙邊 半郭 22.5×15.2cm 有界 10行20字 注雙行 上下內向黑魚尾
    半叶十三行、行二十三字、小字双行同、黑口、四周双边、框高205mm宽124mm

Recognised, in traditional or simplified characters, full- or half-width:

- 行款: lines per half-leaf and characters per line (``半葉十行行二十字``, ``每半葉…``,
  ``10行22字``; a range ``行二十至二十二字`` or ``行二十一二字``; ``行字不等``);
- commentary (小字/注/註): ``小字雙行同`` (double columns, same count), ``注雙行``
  (double columns, count not stated), ``小字雙行行二十五字`` (own count), ``小字單行``;
- 版口: 白口, 黑口, 大黑口, 細黑口 (小黑口 → 細黑口), 花口;
- 魚尾: count 單/雙/三 (``上下…魚尾`` = two, ``上…魚尾`` = one), colour/pattern 黑/白/線/花
  (花紋 → 花), arrangement 對/順/內向/外向, and the petal count of patterned ones
  (``上下3葉花紋魚尾``);
- 邊欄: 四周單邊, 四周雙邊, 左右雙邊, 上下雙邊, 花欄 (also 四周花邊), 竹節欄 (欄 for 邊 too);
- sizes ``H×W`` with ×, x, X or * and a unit (公分, 厘米, cm, mm, 毫米 → cm), also
  ``框高21.5公分，寬15公分``; a size labelled 框/郭/匡 (半框, 半郭, 匡郭, 版框) is the frame;
  unlabelled sizes are kept in ``other_sizes_cm`` (catalogues give the book size that way,
  and a lone unlabelled size cannot be told apart). A size without a unit is read as cm up
  to 80 and as mm above (frames are 10–40 cm);
- 有界 / 無界; 書耳.

Anything else (juan/volume counts, paper, binding) is returned in ``unparsed`` so that
nothing is silently lost. Labels in the result are the traditional forms of
``resources/vocab/census.json``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field

from guji.census.era import parse_chinese_numeral
from guji.text.fold import t2s_chars

__all__ = ["LeafFormat", "LeafFormatError", "YuWei", "parse_leaf_format"]


class LeafFormatError(ValueError):
    """The statement is empty or not text (an unrecognised statement is not an error:
    its parts come back in ``unparsed``)."""


@dataclass(frozen=True)
class YuWei:
    """One 魚尾 description. ``count``: 單/雙/三; ``colour``: 黑/白/線/花;
    ``arrangement``: 對/順/內向/外向; ``position``: 上/下/上下; ``petals``: 花紋 leaf count."""

    count: str | None = None
    colour: str | None = None
    arrangement: str | None = None
    position: str | None = None
    petals: int | None = None
    text: str = ""


@dataclass
class LeafFormat:
    """Structured leaf format; ``None`` = not stated."""

    text: str
    lines_per_half_leaf: int | None = None
    chars_per_line: int | None = None
    chars_per_line_max: int | None = None       # set when a range is stated (20–22)
    chars_irregular: bool = False               # 行字不等
    commentary_double: bool | None = None       # 小字雙行 / 注雙行
    commentary_same: bool | None = None         # …同: same count as the main text
    commentary_chars_per_line: int | None = None
    banko: str | None = None
    yuwei: list[YuWei] = field(default_factory=list)
    border: str | None = None
    frame_height_cm: float | None = None
    frame_width_cm: float | None = None
    frame_label: str | None = None              # 半框, 半郭, 匡郭, 框 … as written
    other_sizes_cm: list[tuple[float, float]] = field(default_factory=list)
    bordered_columns: bool | None = None        # 有界 True, 無界 False
    shu_er: bool | None = None                  # 書耳 mentioned
    unparsed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """A JSON-serialisable dict of all fields."""
        d = asdict(self)
        d["other_sizes_cm"] = [list(s) for s in self.other_sizes_cm]
        return d


_NUM = r"[0-9〇零一二两三四五六七八九十廿卅]+"
_SEP = r"[\s,，、;；:：.。]*"

_LINES_CHARS = [
    # 半叶十行行二十字 / 每半叶十行，每行二十字 / 半叶 11行20字 / 10行22字
    re.compile(rf"(?:每)?(?:半[叶页])?{_SEP}({_NUM})行{_SEP}(?:每)?行?({_NUM})(?:字?(?:至|或|到|-|~)({_NUM}))?字"),
]
_CHARS_IRREGULAR = re.compile(rf"(?:每)?(?:半[叶页])?(?:({_NUM})行)?{_SEP}行?字(?:数)?不等")
_COMMENTARY = re.compile(
    rf"(小字|注|註|注文|夹注)(双|单)行{_SEP}(?:(?:字数)?(同)|(?:行?({_NUM})字))?")
_BANKO = [("大黑口", "大黑口"), ("细黑口", "細黑口"), ("小黑口", "細黑口"), ("黑口", "黑口"),
          ("白口", "白口"), ("花口", "花口")]
_BORDER = [("四周单边", "四周單邊"), ("四周双边", "四周雙邊"), ("左右双边", "左右雙邊"),
           ("上下双边", "上下雙邊"), ("四周单栏", "四周單邊"), ("四周双栏", "四周雙邊"),
           ("左右双栏", "左右雙邊"), ("四周花边", "花欄"), ("花栏", "花欄"), ("花边", "花欄"),
           ("竹节栏", "竹節欄"), ("竹节边", "竹節欄")]
_YUWEI = re.compile(r"([上下单双三对顺内外向黑白线花纹0-9一二三四五六七八九叶]{0,10})鱼尾")
_UNIT = r"(公分|厘米|cm|mm|毫米|㎝|㎜)?"
_FLOAT = r"(\d+(?:\.\d+)?)"
_SIZE = re.compile(
    rf"(?:(半框|半郭|半匡|匡郭|版框|边框|框|郭|匡)(?:高)?{_SEP})?{_FLOAT}\s*{_UNIT}\s*[×xX*✕╳]\s*(?:宽\s*)?{_FLOAT}\s*{_UNIT}",
    re.IGNORECASE)
_SIZE_HW = re.compile(
    rf"(半框|半郭|版框|框|郭|匡)?高{_SEP}{_FLOAT}\s*{_UNIT}{_SEP}(?:框)?(?:宽|广){_SEP}{_FLOAT}\s*{_UNIT}",
    re.IGNORECASE)
_TRAD_LABEL = {"半框": "半框", "半郭": "半郭", "半匡": "半匡", "匡郭": "匡郭", "版框": "版框",
               "边框": "邊框", "框": "框", "郭": "郭", "匡": "匡"}
# Words left over once a size or count was read from their segment ("半葉 11行20字").
_NOISE = {"半叶", "半页", "每半叶", "半郭", "半框", "匡郭", "版框", "框", "半叶匡郭"}
_SEGMENT_SPLIT = re.compile(r"[,，、;；。\n]+|\s{1,}")


def _num(s: str) -> int:
    return parse_chinese_numeral(s)


def _to_cm(value: str, unit: str | None, other_unit: str | None) -> float:
    v = float(value)
    u = (unit or other_unit or "").lower()
    if u in ("mm", "毫米", "㎜"):
        return round(v / 10, 2)
    if u in ("cm", "公分", "厘米", "㎝"):
        return v
    return v if v <= 80 else round(v / 10, 2)  # no unit: cm for frame-sized values, else mm


def _parse_yuwei(seg: str, raw: str) -> YuWei:
    position = None
    if seg.startswith("上下"):
        position = "上下"
    elif seg.startswith("上"):
        position = "上"
    elif seg.startswith("下"):
        position = "下"
    count = None
    if "三" in seg.replace("三叶", ""):
        count = "三"
    elif "单" in seg:
        count = "單"
    elif "双" in seg or position == "上下":
        count = "雙"
    elif position in ("上", "下"):
        count = "單"
    colour = None
    for key, label in (("花", "花"), ("黑", "黑"), ("白", "白"), ("线", "線")):
        if key in seg:
            colour = label
            break
    arrangement = None
    for key, label in (("内向", "內向"), ("外向", "外向"), ("对", "對"), ("顺", "順")):
        if key in seg:
            arrangement = label
            break
    petals = None
    m = re.search(r"([0-9一二三四五六七八九])叶", seg)
    if m:
        petals = int(m.group(1)) if m.group(1).isdigit() else _num(m.group(1))
    return YuWei(count, colour, arrangement, position, petals, raw)


def parse_leaf_format(text: str) -> LeafFormat:
    """Parse a 版式/行款 statement (see the module docstring).

    Contract: never raises for a non-empty ``str`` — what is not recognised is listed in
    ``unparsed``; raises :class:`LeafFormatError` for an empty statement or a non-string.
    The first statement of each kind wins (a later conflicting one goes to ``unparsed``).
    """
    if not isinstance(text, str):
        raise LeafFormatError(f"leaf format must be text, got {type(text).__name__}")
    orig = unicodedata.normalize("NFKC", text).strip()
    if not orig:
        raise LeafFormatError("empty leaf-format statement")
    s = t2s_chars(orig)
    if len(s) != len(orig):  # pragma: no cover - OpenCC maps CJK one-to-one in practice
        orig = s
    used = [False] * len(s)
    lf = LeafFormat(text=text)

    def take(m: re.Match[str]) -> None:
        for i in range(m.start(), m.end()):
            used[i] = True

    for rx in _LINES_CHARS:
        for m in rx.finditer(s):
            if lf.lines_per_half_leaf is not None:
                break
            cmax: int | None = None
            try:
                lines = _num(m.group(1))
                # 行二十一二字 = 21 or 22 characters: two consecutive unit digits
                pair = re.fullmatch(r"(.*十)([一二三四五六七八九])([一二三四五六七八九])", m.group(2))
                if pair and _num(pair.group(3)) == _num(pair.group(2)) + 1:
                    chars = _num(pair.group(1) + pair.group(2))
                    cmax = _num(pair.group(1) + pair.group(3))
                else:
                    chars = _num(m.group(2))
                if m.group(3):
                    cmax = _num(m.group(3))
            except ValueError:
                continue
            lf.lines_per_half_leaf, lf.chars_per_line = lines, chars
            lf.chars_per_line_max = cmax
            take(m)
    irregular = _CHARS_IRREGULAR.search(s)
    if irregular:
        lf.chars_irregular = True
        if irregular.group(1) and lf.lines_per_half_leaf is None:
            lf.lines_per_half_leaf = _num(irregular.group(1))
        take(irregular)
    commentary = _COMMENTARY.search(s)
    if commentary:
        lf.commentary_double = commentary.group(2) == "双"
        if commentary.group(3):
            lf.commentary_same = True
        elif commentary.group(4):
            lf.commentary_same = False
            lf.commentary_chars_per_line = _num(commentary.group(4))
        take(commentary)
    for key, label in _BANKO:
        i = s.find(key)
        if i >= 0 and not any(used[i:i + len(key)]):
            lf.banko = label
            for j in range(i, i + len(key)):
                used[j] = True
            break
    for key, label in _BORDER:
        i = s.find(key)
        if i >= 0 and not any(used[i:i + len(key)]):
            lf.border = label
            for j in range(i, i + len(key)):
                used[j] = True
            break
    for m in _YUWEI.finditer(s):
        lf.yuwei.append(_parse_yuwei(m.group(1), orig[m.start():m.end()]))
        take(m)
    for rx in (_SIZE_HW, _SIZE):
        for m in rx.finditer(s):
            if any(used[m.start():m.end()]):
                continue
            label, h, hu, w, wu = m.groups()
            size = (_to_cm(h, hu, wu), _to_cm(w, wu, hu))
            if label and lf.frame_height_cm is None:
                lf.frame_height_cm, lf.frame_width_cm = size
                lf.frame_label = _TRAD_LABEL[label]
            elif rx is _SIZE_HW and lf.frame_height_cm is None:
                lf.frame_height_cm, lf.frame_width_cm = size  # 高…寬… is how frames are given
                lf.frame_label = "框"
            else:
                lf.other_sizes_cm.append(size)
            take(m)
    for key, value in (("有界", True), ("无界", False)):
        i = s.find(key)
        if i >= 0 and lf.bordered_columns is None:
            lf.bordered_columns = value
            for j in range(i, i + len(key)):
                used[j] = True
    i = s.find("书耳")
    if i >= 0:
        lf.shu_er = True
        used[i] = used[i + 1] = True

    # Leftovers: segments with content that nothing above consumed.
    pos = 0
    for part in _SEGMENT_SPLIT.split(s):
        start = s.find(part, pos) if part else pos
        end = start + len(part)
        pos = end
        if not part:
            continue
        rest = "".join(orig[i] for i in range(start, end) if not used[i]).strip("[]()（）［］ ")
        if rest and re.search(r"\w", rest) and t2s_chars(rest) not in _NOISE:
            lf.unparsed.append(rest)
    return lf
