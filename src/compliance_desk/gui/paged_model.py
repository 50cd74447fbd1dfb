"""A table model that holds only the ordered ids and fetches row data a page at a time.

Sorting, filtering and searching happen in SQL (the services return the ordered ids); the
model keeps at most ``max_pages`` pages of rows, so 100,000 or 1,000,000 rows scroll without
being loaded, as Anki's browser does.  Subclasses say how to fetch a page and show a cell.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class HasId(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


R = TypeVar("R", bound=HasId)


class PagedIdModel(QAbstractTableModel, Generic[R]):
    PAGE = 200

    def __init__(
        self,
        fetch: Callable[[Sequence[uuid.UUID]], list[R]],
        missing: Callable[[uuid.UUID], R],
        headers: list[str],
        max_pages: int = 20,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._missing = missing
        self.headers = headers
        self._ids: Sequence[uuid.UUID] = []
        self._pages: OrderedDict[int, list[R]] = OrderedDict()
        self._max_pages = max_pages

    # --- what the page sets --------------------------------------------------------
    def set_ids(self, ids: Sequence[uuid.UUID]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()

    def id_at(self, row: int) -> uuid.UUID | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: uuid.UUID) -> int:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return -1

    def record(self, row: int) -> R | None:
        if not 0 <= row < len(self._ids):
            return None
        page_no = row // self.PAGE
        page = self._pages.get(page_no)
        if page is None:
            ids = list(self._ids[page_no * self.PAGE : (page_no + 1) * self.PAGE])
            fetched = {r.id: r for r in self._fetch(ids)}
            # A row that vanished meanwhile keeps its place, shown as missing.
            page = [fetched.get(i) or self._missing(i) for i in ids]
            self._pages[page_no] = page
            while len(self._pages) > self._max_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[row - page_no * self.PAGE]

    def invalidate(self) -> None:
        """Row data changed (an edit): drop cached pages, keep the ids."""
        self._pages.clear()
        if self._ids:
            last = self.index(len(self._ids) - 1, len(self.headers) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    @property
    def cached_pages(self) -> int:
        return len(self._pages)

    # --- QAbstractTableModel -------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
                return self.headers[section]
            if orientation == Qt.Orientation.Vertical:
                return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.record(index.row())
        if record is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return record.id
        return self.cell(record, index.column(), role)

    def cell(self, record: R, column: int, role: int) -> Any:
        raise NotImplementedError
