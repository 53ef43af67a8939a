"""Three-way merge of a census record, field by field (no Qt, no database).

When a save is refused as stale (:class:`guji.services.versions.StaleEdit`), three
versions of the record are at hand: the one the person loaded (*base*), what they
typed (*mine*) and what is stored now (*theirs*). Each item is compared in its
normalised form (:func:`guji.census.record.check`: text trimmed and NFC, numbers
parsed, vocabulary terms in their listed form, derived items filled in), so "4" typed
into 册数 equals the stored 4 and a simplified 线装 equals 線裝:

* changed by me only → mine; changed by them only → theirs;
* changed by both to the same value → that value;
* changed by both to different values → a conflict, which the person settles per item.

The repeated items (authors, seals, annotations) are each one item, compared as a
whole list: merging rows of two edited seal lists would guess at what people meant.

The dating items (dynasty, era, year, Gregorian range, precision) are not merged by
themselves: they follow the edition statement. When the merged statement is not the
one stored now, they are left empty so that the service dates the statement again, as
it does for every save from the editor. The grade is not merged either: it changes
only when staff confirm it (``confirm_grade``), so the stored one is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from guji.census import vocab
from guji.census.record import SCALAR_FIELDS, VOCAB_FIELDS, RecordData, check

MINE = "mine"
THEIRS = "theirs"
SAME = "same"  # both changed it to the same value
CONFLICT = "conflict"

# Filled in from the edition statement; they go with it (see the module's text).
DATING_FIELDS: tuple[str, ...] = ("edition_dynasty", "edition_era", "edition_year_of_era", "edition_ganzhi",
                                  "year_start", "year_end", "date_precision")
LIST_FIELDS: tuple[str, ...] = ("authors", "seals", "annotations")
LINK_FIELDS: tuple[str, ...] = ("parent_census_number", "bound_with_census_number")
# Every item merged by default, in the order of the register and the editor.
MERGE_FIELDS: tuple[str, ...] = (tuple(f for f in SCALAR_FIELDS if f not in DATING_FIELDS and f != "grade")
                                 + LIST_FIELDS + LINK_FIELDS)


@dataclass(frozen=True)
class FieldMerge:
    """One item that differs between base, mine and theirs (normalised values)."""

    name: str
    base: Any
    mine: Any
    theirs: Any
    outcome: str  # MINE, THEIRS, SAME or CONFLICT

    @property
    def conflict(self) -> bool:
        return self.outcome == CONFLICT


@dataclass(frozen=True)
class RecordMerge:
    """The comparison of base, mine and theirs; :meth:`result` is the merged record."""

    base: RecordData
    mine: RecordData
    theirs: RecordData
    items: tuple[FieldMerge, ...]  # only the items that differ somewhere, in field order
    free_text: Mapping[str, frozenset[str]]  # side → vocabulary items it kept as free text

    @property
    def conflicts(self) -> tuple[FieldMerge, ...]:
        return tuple(i for i in self.items if i.conflict)

    def item(self, name: str) -> FieldMerge | None:
        return next((i for i in self.items if i.name == name), None)

    def result(self, choices: Mapping[str, str] | None = None) -> RecordData:
        """The merged record: theirs, with my changes, and each conflict as ``choices`` says.

        ``choices`` maps an item to MINE or THEIRS; it must settle every conflict and may
        also override an item that only one side changed. Items that are not merged (the
        grade, items the caller did not list) stay as stored now.
        """
        choices = dict(choices or {})
        for name, side in choices.items():
            if side not in (MINE, THEIRS):
                raise ValueError(f"{name}: choose {MINE!r} or {THEIRS!r}, not {side!r}")
        open_ = [i.name for i in self.conflicts if i.name not in choices]
        if open_:
            raise ValueError(f"conflicts not settled: {', '.join(open_)}")
        out = _copy(self.theirs)
        sides: dict[str, str] = {}
        for it in self.items:
            side = choices.get(it.name) or (MINE if it.outcome in (MINE, SAME) else THEIRS)
            sides[it.name] = side
            setattr(out, it.name, _copy_value(it.mine if side == MINE else it.theirs))
        if out.edition_statement != self.theirs.edition_statement:
            for name in DATING_FIELDS:
                setattr(out, name, None)  # dated again from the chosen statement by the service
        out.free_text = _free_text(out, {n: self.free_text[s] for n, s in sides.items()},
                                   self.free_text[THEIRS])
        return out


def comparable(data: RecordData) -> RecordData:
    """``data`` normalised and with its derived items filled in, as the service would store it."""
    return check(data).data


def three_way(base: RecordData, mine: RecordData, theirs: RecordData, *,
              fields: Iterable[str] = MERGE_FIELDS) -> RecordMerge:
    """Compare the three versions item by item (``fields``: which items to merge)."""
    b, m, t = comparable(base), comparable(mine), comparable(theirs)
    items: list[FieldMerge] = []
    for name in _ordered(fields):
        vb, vm, vt = getattr(b, name), getattr(m, name), getattr(t, name)
        if vb == vm == vt:
            continue
        if vm == vt:
            outcome = SAME
        elif vm == vb:
            outcome = THEIRS
        elif vt == vb:
            outcome = MINE
        else:
            outcome = CONFLICT
        items.append(FieldMerge(name, vb, vm, vt, outcome))
    free = {MINE: frozenset(mine.free_text), THEIRS: frozenset(theirs.free_text)}
    return RecordMerge(b, m, t, tuple(items), free)


def changed_fields(base: RecordData, other: RecordData, *, fields: Iterable[str] = MERGE_FIELDS) -> list[str]:
    """The items whose normalised value differs between ``base`` and ``other`` (unsaved edits)."""
    b, o = comparable(base), comparable(other)
    return [name for name in _ordered(fields) if getattr(b, name) != getattr(o, name)]


def _ordered(fields: Iterable[str]) -> Sequence[str]:
    wanted = list(dict.fromkeys(fields))
    known = set(RecordData.__dataclass_fields__) - {"free_text"}
    unknown = [f for f in wanted if f not in known]
    if unknown:
        raise ValueError(f"not record items: {', '.join(unknown)}")
    order = {name: i for i, name in enumerate(MERGE_FIELDS + DATING_FIELDS + ("grade",))}
    return sorted(wanted, key=lambda f: order.get(f, len(order)))


def _copy_value(value: Any) -> Any:
    return [replace(v) for v in value] if isinstance(value, list) else value


def _copy(data: RecordData) -> RecordData:
    return replace(data, authors=_copy_value(data.authors), seals=_copy_value(data.seals),
                   annotations=_copy_value(data.annotations), free_text=set(data.free_text))


def _free_text(out: RecordData, chosen: Mapping[str, frozenset[str]], stored: frozenset[str]) -> set[str]:
    """Which items of the result keep a value outside their list, as the side it came from said.

    A vocabulary item is free text when its value is not a listed term (the editor marks it so,
    and a stored value was accepted as such); the authors' marker travels with the authors."""
    free = {name for name, vname in VOCAB_FIELDS.items()
            if getattr(out, name) is not None and not vocab.is_valid(vname, getattr(out, name))}
    if "authors" in chosen.get("authors", stored):
        free.add("authors")
    return free


__all__ = ["CONFLICT", "DATING_FIELDS", "LINK_FIELDS", "LIST_FIELDS", "MERGE_FIELDS", "MINE", "SAME", "THEIRS",
           "FieldMerge", "RecordMerge", "changed_fields", "comparable", "three_way"]
