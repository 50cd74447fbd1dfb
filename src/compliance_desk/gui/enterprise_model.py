"""The register's table: the paged model over the enterprises' ordered ids."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from compliance_desk.gui.paged_model import PagedIdModel
from compliance_desk.services.dto import EnterpriseView

FetchRows = Callable[[Sequence[uuid.UUID]], list[EnterpriseView]]


class EnterpriseTableModel(PagedIdModel[EnterpriseView]):
    def __init__(
        self, fetch: FetchRows, max_pages: int = 20, parent: QObject | None = None
    ) -> None:
        super().__init__(
            fetch,
            lambda i: EnterpriseView.placeholder(i, "（已删除）", True),
            [],
            max_pages,
            parent,
        )
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

    def cell(self, view: EnterpriseView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
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
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and view.is_model:
            return self.tr("Model compliant enterprise")
        if role == Qt.ItemDataRole.ForegroundRole and column == 7 and view.on_compliant_list:
            return QColor("#1b7f3b")
        return None
