"""The register's table model: holds only the ordered ids and fetches rows a page at a time.

Sorting, filtering and searching happen in SQL (EnterpriseService.ids); the model keeps at
most ``max_pages`` pages of row data, so 100,000 enterprises scroll without loading them all.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from compliance_desk.services.dto import EnterpriseView

Index = QModelIndex | QPersistentModelIndex
FetchRows = Callable[[Sequence[uuid.UUID]], list[EnterpriseView]]


class EnterpriseTableModel(QAbstractTableModel):
    PAGE = 200

    def __init__(
        self, fetch: FetchRows, max_pages: int = 20, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._ids: Sequence[uuid.UUID] = []
        self._pages: OrderedDict[int, list[EnterpriseView]] = OrderedDict()
        self._max_pages = max_pages
        self.headers = [
            self.tr("Name"),
            self.tr("Unified social credit code"),
            self.tr("Industry"),
            self.tr("Chamber"),
            self.tr("Contact"),
            self.tr("Phone"),
            self.tr("Size"),
            self.tr("Compliant list"),
        ]

    # --- what the page sets --------------------------------------------------------
    def set_ids(self, ids: Sequence[uuid.UUID]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()

    def id_at(self, row: int) -> uuid.UUID | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, enterprise_id: uuid.UUID) -> int:
        try:
            return self._ids.index(enterprise_id)
        except ValueError:
            return -1

    def record(self, row: int) -> EnterpriseView | None:
        if not 0 <= row < len(self._ids):
            return None
        page_no = row // self.PAGE
        page = self._pages.get(page_no)
        if page is None:
            ids = self._ids[page_no * self.PAGE : (page_no + 1) * self.PAGE]
            fetched = {v.id: v for v in self._fetch(ids)}
            page = [fetched[i] for i in ids if i in fetched]
            if len(page) != len(ids):  # a row vanished meanwhile: keep positions stable
                page = [
                    fetched.get(i) or EnterpriseView.placeholder(i, "（已删除）", True) for i in ids
                ]
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
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(self.headers) - 1)
            )

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
        view = self.record(index.row())
        if view is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            values = (
                view.name,
                view.uscc,
                view.industry_name,
                view.chamber_name,
                view.contact_person,
                view.contact_phone,
                view.size.label if view.size else "",
                self.tr("Yes") if view.on_compliant_list else "",
            )
            return values[column] if 0 <= column < len(values) else None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0 and view.is_model:
            return self.tr("Model compliant enterprise")
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.column() == 7
            and view.on_compliant_list
        ):
            return QColor("#1b7f3b")
        if role == Qt.ItemDataRole.UserRole:
            return view.id
        return None
