"""The folded search text of a record, for both databases' indexes."""

from __future__ import annotations

from dataclasses import dataclass

from guji.census.record import RecordData
from guji.text.fold import _tokens, char_tokens, fold

SEPARATOR = "|"


@dataclass(frozen=True)
class SearchText:
    """The five field groups of the FTS5 table, as tokenised text, plus the PostgreSQL key and grams."""

    title: str
    people: str
    edition: str
    ids: str
    other: str
    key: str
    grams: list[str]


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def _id_tokens(census_number: str | None, call_number: str | None, list_number: str | None) -> str:
    # A census number is searched by its parts: "210000 0101 0010283 10283", so that
    # staff can type the serial they see on a label with or without its zeros.
    parts: list[str] = []
    if census_number:
        pieces = census_number.split("-")
        parts.extend(pieces)
        if pieces and pieces[-1].lstrip("0"):
            parts.append(pieces[-1].lstrip("0"))
    if call_number:
        parts.append(char_tokens(call_number))
    if list_number:
        parts.append(list_number)
    return " ".join(parts)


def search_text(d: RecordData) -> SearchText:
    """Build the index text of a record: title first, then people, edition, identifiers, everything else."""
    title = _join(d.title, d.other_titles)
    people = _join(d.author_statement, *(a.name for a in d.authors), *(a.person for a in d.annotations),
                   *(s.owner for s in d.seals))
    edition = _join(d.edition_statement, d.publisher, d.publication_place, d.edition_type, d.edition_subtype)
    other = _join(*(s.text for s in d.seals), *(a.description for a in d.annotations), d.notes, d.extant,
                  d.preface_colophon, d.publisher_mark, d.carvers, d.taboo_notes, d.incomplete_note,
                  d.storage_note, d.acquisition, d.layout_statement)
    groups = [fold(title), fold(people), fold(edition), fold(_join(d.census_number, d.call_number,
                                                                   d.national_list_number)), fold(other)]
    grams: set[str] = set()
    for g in groups:
        # unigrams and bigrams within one field group (never across the separator)
        grams.update(g)
        grams.update(map(str.__add__, g, g[1:]))
    return SearchText(
        # Tokenise the folded groups instead of folding each text a second time
        # (char_tokens(x) == " ".join(_tokens(fold(x))); folding is most of the cost).
        title=" ".join(_tokens(groups[0])),
        people=" ".join(_tokens(groups[1])),
        edition=" ".join(_tokens(groups[2])),
        ids=_id_tokens(d.census_number, d.call_number, d.national_list_number),
        other=" ".join(_tokens(groups[4])),
        key=SEPARATOR.join(groups),
        grams=sorted(grams),
    )


def query_grams(folded_query: str) -> list[str]:
    """The grams a record must contain to match ``folded_query`` (PostgreSQL GIN search)."""
    if len(folded_query) == 1:
        return [folded_query]
    return sorted({folded_query[i : i + 2] for i in range(len(folded_query) - 1)})
