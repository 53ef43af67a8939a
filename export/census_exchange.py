"""What the census XML writer and reader share: namespace, schema, content hash, vocabulary flags.

The per-record "exchange hash" (``CensusRecord.exchange_hash``) is
:func:`export.census_xml.content_hash`: SHA-256 over the record's own ``<record>``
text without its local id, computed the same way from a database row and from a
parsed incoming record, so "changed here since the last exchange" (current hash ≠
stored hash) and "changed there" (incoming hash ≠ stored hash) can be told apart
when packages are merged.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

from guji.census import vocab
from guji.census.record import VOCAB_FIELDS

NS = "urn:guji:census:1.0"
FORMAT_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "resources" / "schema" / "census-1.0.xsd"

# 定級 code → 文物級別 (grades 一/二/三 map to 一/二/三級珍貴文物); informative in the file.
RELIC_LEVELS = {"1": "一級珍貴文物", "2": "二級珍貴文物", "3": "三級珍貴文物"}


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


@lru_cache(maxsize=1)
def fragment_schema() -> etree.XMLSchema:
    """The XSD with ``header``, ``institutions`` and ``record`` also declared as global elements.

    The importer validates each of these parts as soon as it has been read. (lxml's
    ``iterparse(schema=...)`` does validate while streaming, but in lxml 6 it reports validity
    errors only when the document ends and, worse, lets a truncated document through without
    a well-formedness error; so the importer parses without it and validates the parts.)
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    doc = etree.parse(str(SCHEMA_PATH), parser)
    xs = "http://www.w3.org/2001/XMLSchema"
    for name, type_ in (("header", "Header"), ("institutions", "Institutions"), ("record", "Record")):
        etree.SubElement(doc.getroot(), f"{{{xs}}}element", name=name, type=type_)
    return etree.XMLSchema(doc)
