"""Chinese numerals: reading them where catalogues write them, and writing them the same way.

Catalogue text counts in Chinese: 卷 counts (``一百三十卷``, ``廿四卷``), years of an era
(``萬曆元年``, ``乾隆廿一年``, ``光緒二〇年``), the leaf format (``半葉十行行二十字``). Three
functions cover every use in the program:

- :func:`parse_number` — a count up to the thousands: ordinary digits, 十/百/千, the
  contractions 廿 (20), 卅 (30), 卌 (40), 兩/两 for 二, 〇/零 as place holders
  (``一百〇五`` = 105), or Arabic digits.
- :func:`parse_year_numeral` — the stricter reading of a year of an era (1–99): also
  ``元`` = 1, financial digits (壹 貳 參 …), 拾, 念 (20), positional strings (``二〇`` = 20);
  anything else is an error rather than a guess, because a wrong year dates a book wrongly.
- :func:`format_number` — the catalogue's way of writing a number: 十, 十五, 二十, 一百三十,
  一百〇五, 一千〇二十.

Pure functions with no dependencies beyond the standard library.
"""

from __future__ import annotations

import unicodedata

__all__ = ["DIGIT_CHARS", "format_number", "parse_number", "parse_year_numeral"]

_ORDINARY = "〇一二三四五六七八九"

_DIGITS = {
    "〇": 0, "零": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "参": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_YEAR_TENS = {"十": 10, "拾": 10, "廿": 20, "念": 20, "卅": 30, "卌": 40}
_CONTRACTED = {"廿": 20, "卅": 30, "卌": 40}
_UNITS = {"十": 10, "百": 100, "千": 1000}

#: Every character a year numeral may contain (for regular expressions that find one in text).
DIGIT_CHARS = "".join(_DIGITS) + "".join(_YEAR_TENS) + "0123456789"


def parse_number(s: str) -> int:
    """Value of a count written in Chinese or Arabic digits, up to the thousands.

    ``十`` = 10, ``二十四`` = 24, ``廿四`` = 24, ``一百三十`` = 130, ``一百〇五`` = 105,
    ``千`` = 1000, ``兩`` = 2, ``12`` = 12. Raises ``ValueError`` for text that is not a count.
    """
    if not s:
        raise ValueError("empty numeral")
    s = s.replace("兩", "二").replace("两", "二")
    if s.isdigit():
        return int(s)
    if s in _CONTRACTED:
        return _CONTRACTED[s]
    if s[0] in _CONTRACTED:
        return _CONTRACTED[s[0]] + parse_number(s[1:])
    total, current = 0, 0
    for ch in s:
        if ch in _ORDINARY:
            # 〇 and 零 only hold a place (一百〇五): they never reset a digit already read.
            if ch not in "〇零":
                current = _ORDINARY.index(ch)
        elif ch == "零":
            continue
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            raise ValueError(f"not a numeral: {s}")
    return total + current


def parse_year_numeral(s: str) -> int:
    """Value of a year numeral: ``元`` = 1, ``十`` … ``九十九``, ``廿一``, ``卅``, ``二〇``, ``12``.

    Accepts Arabic digits, the ordinary and financial Chinese digits, 十/拾, 廿/念 (20),
    卅 (30), 卌 (40) and positional digit strings (``二〇`` = 20). Raises ``ValueError``
    for anything else, for 0, and for values above 99 (no era is that long).
    """
    if not s:
        raise ValueError("empty numeral")
    s = unicodedata.normalize("NFKC", s)
    if s == "元":
        return 1
    if s.isascii() and s.isdigit():
        n = int(s)
    else:
        tens_pos = [i for i, ch in enumerate(s) if ch in _YEAR_TENS]
        if len(tens_pos) > 1 or any(ch not in _DIGITS and ch not in _YEAR_TENS for ch in s):
            raise ValueError(f"not a year numeral: {s}")
        if tens_pos:
            i = tens_pos[0]
            head, unit, tail = s[:i], _YEAR_TENS[s[i]], s[i + 1:]
            if len(head) > 1 or len(tail) > 1 or (head and unit != 10):
                raise ValueError(f"not a year numeral: {s}")
            mult = _DIGITS[head] if head else 1
            if head and mult == 0:
                raise ValueError(f"not a year numeral: {s}")
            n = mult * unit + (_DIGITS[tail] if tail else 0)
        else:
            n = 0
            for ch in s:
                n = n * 10 + _DIGITS[ch]
    if not 1 <= n <= 99:
        raise ValueError(f"year numeral out of range 1–99: {s}")
    return n


def format_number(n: int) -> str:
    """``n`` as catalogues write it: 〇, 十, 十五, 二十, 一百三十, 一百〇五, 一百一十五, 一千〇二十.

    Numbers of five digits and more (which no count or year in a catalogue reaches) are
    written in Arabic digits; negative numbers are an error.
    """
    if n < 0:
        raise ValueError(f"negative number: {n}")
    if n < 10:
        return _ORDINARY[n]
    if n < 20:
        return "十" + (_ORDINARY[n % 10] if n % 10 else "")
    if n < 100:
        return _ORDINARY[n // 10] + "十" + (_ORDINARY[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        if rest == 0:
            tail = ""
        elif rest < 10:
            tail = "〇" + _ORDINARY[rest]
        elif rest < 20:
            tail = "一" + format_number(rest)  # 一百一十五, not 一百十五
        else:
            tail = format_number(rest)
        return _ORDINARY[n // 100] + "百" + tail
    if n < 10000:
        rest = n % 1000
        if rest == 0:
            tail = ""
        elif rest < 100:
            tail = "〇" + (("一" + format_number(rest)) if 10 <= rest < 20 else format_number(rest))
        else:
            tail = format_number(rest)
        return _ORDINARY[n // 1000] + "千" + tail
    return str(n)
