"""The folded search text of a record, for both databases' indexes."""

from __future__ import annotations

from dataclasses import dataclass

from guji.census.record import RecordData
from guji.text.fold import fold, gram_tokens

SEPARATOR = "|"


@dataclass(frozen=True)
class SearchText:
    """The five text columns of the FTS5 table (:func:`~guji.text.fold.gram_tokens`), plus the folded key.

    ``grams`` (PostgreSQL's GIN array) is computed on first use only: SQLite does not
    need it, and building it was a tenth of a bulk import's time.
    """

    title: str
    people: str
    edition: str
    ids: str
    other: str
    key: str

    @property
    def grams(self) -> list[str]:
        """Character unigrams and bigrams within each field group (never across the separator)."""
        grams: set[str] = set()
        for g in self.key.split(SEPARATOR):
            grams.update(g)
            grams.update(map(str.__add__, g, g[1:]))
        return sorted(grams)


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
        parts.append(gram_tokens(fold(call_number)))
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
    return SearchText(
        # The FTS5 columns are the tokens of the folded groups (folding is most of the cost,
        # so each text is folded once).
        title=gram_tokens(groups[0]),
        people=gram_tokens(groups[1]),
        edition=gram_tokens(groups[2]),
        ids=_id_tokens(d.census_number, d.call_number, d.national_list_number),
        other=gram_tokens(groups[4]),
        key=SEPARATOR.join(groups),
    )


def query_grams(folded_query: str) -> list[str]:
    """The grams a record must contain to match ``folded_query`` (PostgreSQL GIN search)."""
    if len(folded_query) == 1:
        return [folded_query]
    return sorted({folded_query[i : i + 2] for i in range(len(folded_query) - 1)})
