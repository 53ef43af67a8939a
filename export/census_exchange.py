"""What the census XML writer and reader share: namespace, schema, content hash, vocabulary flags.

The content hash is the per-record "exchange hash" (``CensusRecord.exchange_hash``):
a SHA-256 over the canonical form of everything the exchange format carries for a
record except its local id — the :class:`RecordData` fields, the holding
institution's code and the review state. It is computed the same way from a
database row and from a parsed ``<record>``, so "changed here since the last
exchange" (current hash ≠ stored hash) and "changed there" (incoming hash ≠ stored
hash) can be told apart when packages are merged.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from guji.census import vocab
from guji.census.record import SCALAR_FIELDS, VOCAB_FIELDS, RecordData
from guji.errors import GujiError

NS = "urn:guji:census:1.0"
FORMAT_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "resources" / "schema" / "census-1.0.xsd"

# 定級 code → 文物級別 (grades 一/二/三 map to 一/二/三級珍貴文物); informative in the file.
RELIC_LEVELS = {"1": "一級珍貴文物", "2": "二級珍貴文物", "3": "三級珍貴文物"}


class ExchangeCancelled(GujiError):
    """The user cancelled an export or import; nothing was written."""


def q(tag: str) -> str:
    """The Clark name of an element of the census namespace."""
    return f"{{{NS}}}{tag}"


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    """The compiled XSD (our own file, parsed without network access)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), parser))


@lru_cache(maxsize=4096)
def is_free(field_name: str, value: str) -> bool:
    """Whether a vocabulary field's stored value lies outside its list (it was saved as free text)."""
    vname = VOCAB_FIELDS.get(field_name)
    if vname is None:
        return False
    if field_name == "frame_edge" and vocab.entry("frame_measured_edge", value) is not None:
        return False
    return not vocab.is_valid(vname, value)


def relic_level(grade: str | None) -> str | None:
    """文物級別 of a 定級 code (``2B`` → 二級珍貴文物), None for 四級 and ungraded."""
    if not grade:
        return None
    return RELIC_LEVELS.get(grade[0])


def _canon(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.1'))}"
    return value


def canonical_content(data: RecordData, institution_code: str, state: str) -> list[Any]:
    """The exchanged content of a record as a JSON-ready list, in a fixed order."""
    return [
        [_canon(getattr(data, name)) for name in SCALAR_FIELDS],
        [[a.name, a.dynasty, a.mode] for a in data.authors],
        [[s.text, s.owner, s.position] for s in data.seals],
        [[a.person, a.kind, a.description] for a in data.annotations],
        data.parent_census_number,
        data.bound_with_census_number,
        institution_code,
        state,
    ]


def content_hash(data: RecordData, institution_code: str, state: str) -> str:
    """SHA-256 (hex, 64 characters) of :func:`canonical_content`."""
    blob = json.dumps(canonical_content(data, institution_code, state), ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def record_schema() -> etree.XMLSchema:
    """The XSD with ``record`` also declared as a global element, to validate one ``<record>`` at a time.

    lxml's ``iterparse(schema=...)`` validates while it streams, but reports validity errors only
    when the document ends; validating each record as it is read names the offending record
    (and its line) at once. The whole-document validation still runs as the outer check.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    doc = etree.parse(str(SCHEMA_PATH), parser)
    xs = "http://www.w3.org/2001/XMLSchema"
    etree.SubElement(doc.getroot(), f"{{{xs}}}element", name="record", type="Record")
    return etree.XMLSchema(doc)
