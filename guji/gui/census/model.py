"""The register table model: an ordered list of record ids, rows fetched by page on the DB worker.

A search returns the *ids* of every match in order (cheap even for a million
records: one integer column). The row text is fetched only for the pages the
view actually shows, :data:`PAGE_SIZE` rows at a time, through
``app.search.rows(ids)`` on the database worker; until a page arrives its cells
show a placeholder, so scrolling never waits for the database. After a change
only the pages holding the changed ids are marked stale and re-fetched; the
model is reset only when the list of ids itself is replaced (a new search).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from guji.census.models import STATE_LABELS_ZH, ReviewState
from guji.census.search import RecordRow
from guji.gui.qt import QAbstractTableModel, QColor, QModelIndex, QObject, Qt, pyqtSignal

PAGE_SIZE = 200
LOADING = "…"

# (key, header (English, translated by the page), sort key of SearchService or None)
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("census_number", "Census number", "census_number"),
    ("call_number", "Call number", None),
    ("title", "Title and juan", "title"),
    ("author_statement", "Author", None),
    ("edition_statement", "Edition", "year"),
    ("volumes", "Volumes", None),
    ("extant", "Extant juan", None),
    ("state", "Review state", None),
    ("institution_code", "Institution", None),
)

_STATE_COLOURS = {
    ReviewState.DRAFT.value: None,
    ReviewState.SUBMITTED.value: QColor("#1f5fa8"),
    ReviewState.RETURNED.value: QColor("#b03a2e"),
    ReviewState.UNIT_APPROVED.value: QColor("#2e7d32"),
    ReviewState.CENTRE_APPROVED.value: QColor("#1b5e20"),
}


def state_label(state: str) -> str:
    try:
        return STATE_LABELS_ZH[ReviewState(state)]
    except ValueError:
        return state


# A fetcher takes (ids, on_rows) and arranges for on_rows(list[RecordRow]) to be
# called on the GUI thread, now (inline worker) or later (worker thread).
Fetcher = Callable[[list[int], Callable[[list[RecordRow]], None]], None]


class RegisterModel(QAbstractTableModel):
    """Rows = record ids in search order; row text fetched lazily, a page at a time.

    ``fetcher(ids, on_rows)`` must call ``on_rows`` on the GUI thread with the rows of
    ``ids`` (any order, missing ids = records no longer visible).
    ``headers`` maps column key → display text (the page passes translated headers).
    Emits ``pageLoaded(first_row, last_row)`` whenever rows arrive.
    """

    pageLoaded = pyqtSignal(int, int)
    sortRequested = pyqtSignal(str, bool)  # SearchService sort key, descending

    def __init__(self, fetcher: Fetcher, headers: dict[str, str] | None = None,
                 institution_names: dict[str, str] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._fetcher = fetcher
        self._headers = headers or {k: h for k, h, _ in COLUMNS}
        self.institution_names = institution_names or {}
        self._ids: list[int] = []
        self._pages: dict[int, dict[int, RecordRow]] = {}  # page no → id → row
        self._pending: set[int] = set()
        self._stale: set[int] = set()
        self._generation = 0  # bumped on every new id list: late pages of an old list are dropped
        self._delivering_inline = False

    # --- the id list -------------------------------------------------------------------

    def set_ids(self, ids: list[int]) -> None:
        """Replace the list (a new search or sort): the only operation that resets the model."""
        self.beginResetModel()
        self._ids = list(ids)
        self._pages.clear()
        self._pending.clear()
        self._stale.clear()
        self._generation += 1
        self.endResetModel()

    def set_preview(self, rows: list[RecordRow]) -> None:
        """Show the first rows of a search at once, before its full id list arrives.

        The whole list of a million ids takes seconds to read; the first page takes
        milliseconds. :meth:`adopt_ids` then appends the rest without a reset.
        """
        self.set_ids([r.id for r in rows])
        if rows:
            self._pages[0] = {r.id: r for r in rows[:PAGE_SIZE]}

    def adopt_ids(self, ids: list[int]) -> None:
        """The full id list of the search whose preview is shown: append the rows after the
        preview (the loaded rows, scroll position and selection stay); replace the list if the
        preview turns out not to be its start (the data changed in between)."""
        n = len(self._ids)
        if len(ids) >= n and ids[:n] == self._ids:
            if len(ids) > n:
                self.beginInsertRows(QModelIndex(), n, len(ids) - 1)
                self._ids = list(ids)
                self.endInsertRows()
                if n % PAGE_SIZE and (n // PAGE_SIZE) in self._pages:
                    # The preview filled only part of its page: fetch the whole page
                    # (the preview rows stay on screen until it arrives).
                    self._stale.add(n // PAGE_SIZE)
                    self._request(n // PAGE_SIZE)
            return
        self.set_ids(ids)

    def update_ids(self, ids: list[int]) -> None:
        """Adopt a re-run of the same search after records were added or removed.

        One insertion or one removal is applied as such (the view keeps its scroll
        position and selection); anything else replaces the list.
        """
        old = self._ids
        if ids == old:
            return
        if len(ids) == len(old) + 1:
            pos = next((i for i, (a, b) in enumerate(zip(ids, old, strict=False)) if a != b), len(old))
            if ids[pos + 1:] == old[pos:]:
                self.beginInsertRows(QModelIndex(), pos, pos)
                self._ids = list(ids)
                self._forget_pages_from(pos)
                self.endInsertRows()
                return
        if len(ids) == len(old) - 1:
            pos = next((i for i, (a, b) in enumerate(zip(ids, old, strict=False)) if a != b), len(ids))
            if old[pos + 1:] == ids[pos:]:
                self.beginRemoveRows(QModelIndex(), pos, pos)
                self._ids = list(ids)
                self._forget_pages_from(pos)
                self.endRemoveRows()
                return
        self.set_ids(ids)

    def _forget_pages_from(self, row: int) -> None:
        # Rows after ``row`` moved by one: their page numbers are no longer right.
        first = row // PAGE_SIZE
        for p in [p for p in self._pages if p >= first]:
            del self._pages[p]
        self._pending = {p for p in self._pending if p < first}
        self._generation += 1

    def ids(self) -> list[int]:
        return list(self._ids)

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: int) -> int | None:
        """Row of a record id (linear scan: called on user actions, not per cell)."""
        try:
            return self._ids.index(record_id)
        except ValueError:
            return None

    def record_row(self, row: int) -> RecordRow | None:
        """The fetched row data, or None while its page is loading."""
        rid = self.id_at(row)
        if rid is None:
            return None
        page = self._pages.get(row // PAGE_SIZE)
        return page.get(rid) if page is not None else None

    # --- staleness -----------------------------------------------------------------------

    def mark_stale(self, ids: list[int] | tuple[int, ...]) -> int:
        """Re-fetch the loaded pages holding any of ``ids`` (after an edit); returns how many pages."""
        wanted = set(ids)
        hit = [p for p, rows in self._pages.items() if wanted & rows.keys()]
        for p in hit:
            self._stale.add(p)
            self._request(p)
        return len(hit)

    def is_stale(self, row: int) -> bool:
        return row // PAGE_SIZE in self._stale

    # --- fetching ------------------------------------------------------------------------

    def ensure_rows(self, first: int, last: int) -> None:
        """Make sure the pages covering rows ``first``..``last`` are loaded or on their way."""
        if not self._ids:
            return
        first = max(0, first)
        last = min(len(self._ids) - 1, last)
        for p in range(first // PAGE_SIZE, last // PAGE_SIZE + 1):
            if p not in self._pages:
                self._request(p)

    def _request(self, page: int) -> None:
        if page in self._pending:
            return
        start = page * PAGE_SIZE
        ids = self._ids[start:start + PAGE_SIZE]
        if not ids:
            return
        self._pending.add(page)
        generation = self._generation
        delivered_now: list[bool] = []

        def on_rows(rows: list[RecordRow]) -> None:
            delivered_now.append(True)
            if generation != self._generation:
                return  # the list changed meanwhile; this page belongs to an old list
            self._pending.discard(page)
            self._stale.discard(page)
            self._pages[page] = {r.id: r for r in rows}
            last = min(start + PAGE_SIZE, len(self._ids)) - 1
            if not self._delivering_inline:
                self.dataChanged.emit(self.index(start, 0), self.index(last, len(COLUMNS) - 1))
            self.pageLoaded.emit(start, last)

        self._fetcher(ids, on_rows)

    # --- Qt model interface ----------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(COLUMNS):
                return self._headers.get(COLUMNS[section][0], COLUMNS[section][1])
            return None
        return str(section + 1) if 0 <= section < len(self._ids) else None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._ids)) or not (0 <= index.column() < len(COLUMNS)):
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[row]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole):
            return None
        page = row // PAGE_SIZE
        if page not in self._pages:
            # An inline fetcher answers inside data(): the caller reads the row right
            # after, so no dataChanged is emitted from within data().
            self._delivering_inline = True
            try:
                self._request(page)
            finally:
                self._delivering_inline = False
        rec = self.record_row(row)
        if rec is None:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor("#999999")
            return LOADING if role == Qt.ItemDataRole.DisplayRole and col == 0 else None
        key = COLUMNS[col][0]
        if role == Qt.ItemDataRole.ForegroundRole:
            if page in self._stale:
                return QColor("#999999")
            return _STATE_COLOURS.get(rec.state) if key == "state" else None
        value = getattr(rec, key)
        if key == "state":
            return state_label(value)
        if key == "institution_code" and role == Qt.ItemDataRole.DisplayRole:
            return self.institution_names.get(value, value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return None if value is None else str(value)
        return "" if value is None else str(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header clicks: ask the page to re-run the search in that order (the database sorts)."""
        if 0 <= column < len(COLUMNS) and COLUMNS[column][2] is not None:
            self.sortRequested.emit(COLUMNS[column][2], order == Qt.SortOrder.DescendingOrder)
