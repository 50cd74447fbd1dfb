"""Table models that fetch row data a page at a time.

Sorting, filtering and searching happen in SQL; the models keep at most ``max_pages`` pages
of rows, so 100,000 or 1,000,000 rows scroll without being loaded, as Anki's browser does.
``PagedIdModel`` holds the ordered ids (the enterprise register); ``OffsetPagedModel`` holds
only a count and fetches by offset (the appeal log's million).  Subclasses say how to show a
cell.
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
Submit = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None]


class _PagedModel(QAbstractTableModel, Generic[R]):
    """What both models share: the page cache, the headers, and cells by record."""

    PAGE = 200
    # The roles ``cell`` answers (None: all).  A view asks every visible cell for seven or so
    # roles at each paint; the others are answered None at once, without finding the record.
    ROLES: frozenset[int] | None = None

    def __init__(self, headers: list[str], max_pages: int, parent: QObject | None) -> None:
        super().__init__(parent)
        self.headers = headers
        self._pages: OrderedDict[int, list[R]] = OrderedDict()
        self._max_pages = max_pages

    def _rows(self) -> int:
        raise NotImplementedError

    def _fetch_page(self, page_no: int) -> list[R]:
        raise NotImplementedError

    def record(self, row: int) -> R | None:
        if not 0 <= row < self._rows():
            return None
        page_no = row // self.PAGE
        page = self._pages.get(page_no)
        if page is None:
            page = self._missing_page(page_no)
            if page is None:  # on its way from a worker
                return None
        else:
            self._pages.move_to_end(page_no)
        offset = row - page_no * self.PAGE
        return page[offset] if offset < len(page) else None

    def _missing_page(self, page_no: int) -> list[R] | None:
        """A page not held: fetched now (None: it will arrive later)."""
        page = self._fetch_page(page_no)
        self._store(page_no, page)
        return page

    def _store(self, page_no: int, page: list[R]) -> None:
        self._pages[page_no] = page
        while len(self._pages) > self._max_pages:
            self._pages.popitem(last=False)

    def invalidate(self) -> None:
        """Row data changed (an edit): drop cached pages, keep the rows."""
        self._pages.clear()
        if self._rows():
            last = self.index(self._rows() - 1, len(self.headers) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    @property
    def cached_pages(self) -> int:
        return len(self._pages)

    # --- QAbstractTableModel -------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows()

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
        roles = self.ROLES
        if (roles is not None and role not in roles) or not index.isValid():
            return None
        record = self.record(index.row())
        if record is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return record.id
        return self.cell(record, index.column(), role)

    def cell(self, record: R, column: int, role: int) -> Any:
        raise NotImplementedError


class PagedIdModel(_PagedModel[R]):
    """Holds the ordered ids; fetches the rows of a page of ids."""

    def __init__(
        self,
        fetch: Callable[[Sequence[uuid.UUID]], list[R]],
        missing: Callable[[uuid.UUID], R],
        headers: list[str],
        max_pages: int = 20,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(headers, max_pages, parent)
        self._fetch = fetch
        self._missing = missing
        self._ids: Sequence[uuid.UUID] = []

    def set_ids(self, ids: Sequence[uuid.UUID]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()

    def _rows(self) -> int:
        return len(self._ids)

    def _fetch_page(self, page_no: int) -> list[R]:
        ids = list(self._ids[page_no * self.PAGE : (page_no + 1) * self.PAGE])
        fetched = {r.id: r for r in self._fetch(ids)}
        # A row that vanished meanwhile keeps its place, shown as missing.
        return [fetched.get(i) or self._missing(i) for i in ids]

    def id_at(self, row: int) -> uuid.UUID | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: uuid.UUID) -> int:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return -1


class OffsetPagedModel(_PagedModel[R]):
    """Holds the filter's row count only; fetches pages of rows by offset.  The first page
    arrives with the count, from the worker, so opening or filtering never waits on the GUI
    thread; later pages are small indexed reads as the user scrolls."""

    PAGE = 100

    def __init__(
        self,
        fetch: Callable[[int, int], list[R]],
        headers: list[str],
        max_pages: int = 20,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(headers, max_pages, parent)
        self._fetch = fetch
        self._count = 0
        self._submit: Submit | None = None
        self._pending: set[int] = set()  # pages asked of a worker, not yet arrived
        self._failed: set[int] = set()  # pages whose fetch failed, for this result
        self._generation = 0  # a new filter's result: pages still on their way are stale

    def set_loader(self, submit: Submit) -> None:
        """Fetch later pages off the GUI thread: ``submit(work, on_done, on_error)`` runs
        ``work`` in a worker and calls back on the GUI thread (the app's TaskRunner.run).
        A far page (dragging the scroll bar to the middle of a million rows) is then a blank
        row for a moment instead of a frozen window."""
        self._submit = submit

    def _missing_page(self, page_no: int) -> list[R] | None:
        if self._submit is None:
            return super()._missing_page(page_no)
        if page_no not in self._pending and page_no not in self._failed:
            self._pending.add(page_no)
            generation, fetch, arrived_now = self._generation, self._fetch, [True]

            def done(page: Any) -> None:
                if generation != self._generation:
                    return
                self._pending.discard(page_no)
                self._store(page_no, list(page))
                first = page_no * self.PAGE
                last = min(self._count, first + self.PAGE) - 1
                if not arrived_now[0] and last >= first:  # asynchronously: repaint its rows
                    self.dataChanged.emit(
                        self.index(first, 0), self.index(last, len(self.headers) - 1)
                    )

            def failed(_error: BaseException) -> None:
                if generation == self._generation:  # not asked again until the next result
                    self._pending.discard(page_no)  # (its error is shown once, not per repaint)
                    self._failed.add(page_no)

            self._submit(lambda: fetch(page_no * self.PAGE, self.PAGE), done, failed)
            arrived_now[0] = False
        return self._pages.get(page_no)  # there already if the submit ran synchronously

    def invalidate(self) -> None:
        """Row data changed: besides the pages held, a page still on its way was read before
        the change; it is ignored when it arrives, and asked again."""
        self._generation += 1
        self._pending.clear()
        self._failed.clear()
        super().invalidate()

    def set_result(self, count: int, first_page: list[R]) -> None:
        """A new filter's count and its first page (fetched off the GUI thread)."""
        self.beginResetModel()
        self._count = count
        self._pages.clear()
        self._pending.clear()
        self._failed.clear()
        self._generation += 1
        if count:
            self._pages[0] = first_page
        self.endResetModel()

    def set_count(self, count: int) -> None:
        """The filter's full count, arriving after its first page: rows are added (or taken
        away) at the end, so the selection and the scroll position stay."""
        if count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, count - 1)
            self._count = count
            self.endInsertRows()
        elif count < self._count:
            self.beginRemoveRows(QModelIndex(), count, self._count - 1)
            self._count = count
            for page_no in [p for p in self._pages if p * self.PAGE >= count]:
                del self._pages[page_no]
            self.endRemoveRows()

    def set_fetch(self, fetch: Callable[[int, int], list[R]]) -> None:
        self._fetch = fetch

    def _rows(self) -> int:
        return self._count

    def _fetch_page(self, page_no: int) -> list[R]:
        return self._fetch(page_no * self.PAGE, self.PAGE)  # rows gone since the count: short

    def id_at(self, row: int) -> uuid.UUID | None:
        record = self.record(row)
        return record.id if record is not None else None

    def row_of(self, record_id: uuid.UUID) -> int:
        """The row of a record among the pages held (-1 when not among them)."""
        for page_no, page in self._pages.items():
            for n, r in enumerate(page):
                if r.id == record_id:
                    return page_no * self.PAGE + n
        return -1
