"""The folded search text of a record, for both databases' indexes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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


def _folded(text: str) -> tuple[str, str]:
    """``text`` folded, and the folded text's :func:`~guji.text.fold.gram_tokens`."""
    f = fold(text)
    return f, gram_tokens(f)


# Registers repeat the texts of a group row after row (an edition statement with its publisher, the
# author statement with its authors), and both results are pure functions of the text: short texts
# are folded and tokenised once per import. Long ones (notes) are not kept.
_folded_short = lru_cache(maxsize=32768)(_folded)


def _fold_tokens(text: str) -> tuple[str, str]:
    return _folded_short(text) if len(text) <= 300 else _folded(text)


def folded(text: str) -> str:
    """:func:`~guji.text.fold.fold` of ``text``, from the cache of :func:`search_text` (a record's title
    is usually its whole title group)."""
    return _fold_tokens(text)[0]


def search_text(d: RecordData) -> SearchText:
    """Build the index text of a record: title first, then people, edition, identifiers, everything else."""
    title = _join(d.title, d.other_titles)
    people = _join(d.author_statement, *(a.name for a in d.authors), *(a.person for a in d.annotations),
                   *(s.owner for s in d.seals))
    edition = _join(d.edition_statement, d.publisher, d.publication_place, d.edition_type, d.edition_subtype)
    other = _join(*(s.text for s in d.seals), *(a.description for a in d.annotations), d.notes, d.extant,
                  d.preface_colophon, d.publisher_mark, d.carvers, d.taboo_notes, d.incomplete_note,
                  d.storage_note, d.acquisition, d.layout_statement)
    # Folding is most of the cost, so each text is folded (and tokenised) once.
    title_f, title_t = _fold_tokens(title)
    people_f, people_t = _fold_tokens(people)
    edition_f, edition_t = _fold_tokens(edition)
    other_f, other_t = _fold_tokens(other)
    ids_f = fold(_join(d.census_number, d.call_number, d.national_list_number))
    return SearchText(
        # The FTS5 columns are the tokens of the folded groups.
        title=title_t,
        people=people_t,
        edition=edition_t,
        ids=_id_tokens(d.census_number, d.call_number, d.national_list_number),
        other=other_t,
        key=SEPARATOR.join((title_f, people_f, edition_f, ids_f, other_f)),
    )


def query_grams(folded_query: str) -> list[str]:
    """The grams a record must contain to match ``folded_query`` (PostgreSQL GIN search)."""
    if len(folded_query) == 1:
        return [folded_query]
    return sorted({folded_query[i : i + 2] for i in range(len(folded_query) - 1)})
