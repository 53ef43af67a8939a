"""A census record and its table rows: the one place that maps :class:`RecordData` to the ORM and back.

``record_data`` and ``load_children`` read a record (one ORM object, or many records' children
with plain queries); ``apply_data`` writes one onto its rows (children and links included);
``snapshot`` is the JSON form the audit log and the review rounds keep. The census service,
the bulk writer, the search index, the review workflow and the XML import all read and write
records through these, so that a record means the same rows everywhere.

The search index is kept by :mod:`guji.census.search_index`, which reads records through
this module; this module does not know the index.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guji.census.models import CensusRecord, RecordAnnotation, RecordAuthor, RecordSeal
from guji.census.record import SCALAR_FIELDS, AnnotationData, AuthorData, RecordData, SealData
from guji.errors import FieldProblem, ValidationError
from guji.services import audit, visibility
from guji.services.context import Actor

# The entity name of a census record in the audit log and in change notices.
ENTITY = "census_record"


def record_data(rec: CensusRecord, session: Session | None = None) -> RecordData:
    """The stored record as :class:`RecordData` (children included, links as census numbers)."""
    values = {name: getattr(rec, name) for name in SCALAR_FIELDS}
    data = RecordData(
        **values,
        authors=[AuthorData(a.name, a.dynasty, a.mode) for a in rec.authors],
        seals=[SealData(s.text, s.owner, s.position) for s in rec.seals],
        annotations=[AnnotationData(a.person, a.kind, a.description) for a in rec.annotations],
    )
    if session is not None:
        if rec.parent_id:
            data.parent_census_number = session.scalar(
                select(CensusRecord.census_number).where(CensusRecord.id == rec.parent_id))
        if rec.bound_with_id:
            data.bound_with_census_number = session.scalar(
                select(CensusRecord.census_number).where(CensusRecord.id == rec.bound_with_id))
    return data


def load_children(executor: Any, ids: list[int]) -> tuple[dict[int, list[AuthorData]], dict[int, list[SealData]],
                                                        dict[int, list[AnnotationData]]]:
    """Authors, seals and annotations of the records ``ids``, one query per child table, in ``seq`` order.

    ``executor`` is a Session or Connection; bulk readers (XML export, Excel re-import, the
    search index rebuild) use this instead of loading ORM objects.
    """
    authors: dict[int, list[AuthorData]] = {}
    seals: dict[int, list[SealData]] = {}
    annotations: dict[int, list[AnnotationData]] = {}
    for rid, name, dynasty, mode in executor.execute(
            select(RecordAuthor.record_id, RecordAuthor.name, RecordAuthor.dynasty, RecordAuthor.mode)
            .where(RecordAuthor.record_id.in_(ids)).order_by(RecordAuthor.record_id, RecordAuthor.seq)):
        authors.setdefault(rid, []).append(AuthorData(name, dynasty, mode))
    for rid, text_, owner, position in executor.execute(
            select(RecordSeal.record_id, RecordSeal.text, RecordSeal.owner, RecordSeal.position)
            .where(RecordSeal.record_id.in_(ids)).order_by(RecordSeal.record_id, RecordSeal.seq)):
        seals.setdefault(rid, []).append(SealData(text_, owner, position))
    for rid, person, kind, desc in executor.execute(
            select(RecordAnnotation.record_id, RecordAnnotation.person, RecordAnnotation.kind,
                   RecordAnnotation.description)
            .where(RecordAnnotation.record_id.in_(ids)).order_by(RecordAnnotation.record_id, RecordAnnotation.seq)):
        annotations.setdefault(rid, []).append(AnnotationData(person, kind, desc))
    return authors, seals, annotations


def snapshot(rec: CensusRecord, session: Session | None = None) -> dict[str, Any]:
    """JSON form of a record for audit diffs and review rounds (children as lists of dicts)."""
    d = record_data(rec, session).to_dict()
    d.pop("free_text", None)
    return {k: audit.jsonable(v) for k, v in d.items()}


def apply_data(session: Session, rec: CensusRecord, data: RecordData) -> None:
    """Copy a checked :class:`RecordData` onto a record row, children and links included."""
    for name in SCALAR_FIELDS:
        if name == "census_number":
            continue
        setattr(rec, name, getattr(data, name))
    rec.authors = [RecordAuthor(seq=i, name=a.name, dynasty=a.dynasty, mode=a.mode) for i, a in enumerate(data.authors)]
    rec.seals = [RecordSeal(seq=i, text=s.text, owner=s.owner, position=s.position) for i, s in enumerate(data.seals)]
    rec.annotations = [RecordAnnotation(seq=i, person=a.person, kind=a.kind, description=a.description)
                       for i, a in enumerate(data.annotations)]
    rec.parent_id = _link(session, data.parent_census_number, "parent_census_number", rec)
    rec.bound_with_id = _link(session, data.bound_with_census_number, "bound_with_census_number", rec)


def _link(session: Session, number: str | None, field_name: str, rec: CensusRecord) -> int | None:
    if not number:
        return None
    target = session.scalar(select(CensusRecord.id).where(CensusRecord.census_number == number))
    if target is None:
        raise ValidationError(FieldProblem(field_name, f"no record with the census number {number}", number))
    if target == rec.id:
        raise ValidationError(FieldProblem(field_name, "a record cannot be linked to itself", number))
    return target


def visible_filter(actor: Actor) -> Any:
    """SQL condition for the records an actor may see (the rule of :mod:`guji.services.visibility`
    on the record's institution); ``True`` when the actor sees every institution."""
    return visibility.condition(actor, CensusRecord.institution_id)


__all__ = ["ENTITY", "apply_data", "load_children", "record_data", "snapshot", "visible_filter"]
