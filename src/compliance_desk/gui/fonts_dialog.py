"""This computer's fonts for letters: the font each part of a letter prints in, whether it is
of the style the official format asks for (仿宋 body, 小标宋 title), and a font file chosen for a
part, kept in this computer's settings.  A file that cannot be embedded is refused in the dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.documents.fonts import ROLE_USES, RoleFont, check_file, role_fonts
from compliance_desk.domain.errors import DomainError
from compliance_desk.gui.login import error_label, ok_cancel


class FontsDialog(QDialog):
    """``fonts``: the settings' role -> font file ("path" or "path#face"); on OK, ``fonts``
    holds the choice."""

    def __init__(self, fonts: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Fonts for letters"))
        self.fonts = dict(fonts)
        self.roles = list(ROLE_USES)
        intro = QLabel(
            self.tr(
                "Official letters are set in 仿宋 with titles in 小标宋 (GB/T 9704). Where this "
                "computer lacks them, a similar font stands in; choose the font files here "
                "(TrueType .ttf or .ttc, e.g. C:/Windows/Fonts/simfang.ttf)."
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.roles), 3)
        self.table.setObjectName("fonts")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Used for"), self.tr("Style asked for"), self.tr("Font used here")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.choose_button = QPushButton(self.tr("Choose font file…"))
        self.choose_button.setObjectName("chooseFont")
        self.choose_button.clicked.connect(lambda: self.choose())
        self.default_button = QPushButton(self.tr("Use the default"))
        self.default_button.setObjectName("defaultFont")
        self.default_button.clicked.connect(lambda: self.use_default())
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.default_button)
        buttons.addStretch(1)
        self.message = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(ok_cancel(self, self.accept))
        self.resize(760, 360)
        self._show()
        self.table.selectRow(0)

    def _show(self) -> None:
        for row, found in enumerate(role_fonts(self.fonts)):
            style, use = ROLE_USES[found.role]
            self.table.setItem(row, 0, QTableWidgetItem(use))
            self.table.setItem(row, 1, QTableWidgetItem(style))
            item = QTableWidgetItem(self._describe(found))
            item.setToolTip(found.path)
            if not found.proper:
                item.setForeground(QColor("#9a5000"))
            self.table.setItem(row, 2, item)
        self._update_buttons()

    def _describe(self, found: RoleFont) -> str:
        name = f"{found.family}（{Path(found.path).name}）"
        if found.chosen:
            return name + self.tr(" — chosen on this computer")
        if not found.proper:
            return name + self.tr(" — stands in for %1").replace("%1", found.style)
        return name

    def _role(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.roles[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        role = self._role()
        self.choose_button.setEnabled(role is not None)
        self.default_button.setEnabled(role is not None and role in self.fonts)

    def pick_file(self) -> str:
        """Separate so a test can answer instead of a person."""
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Font file"), "", self.tr("TrueType fonts (*.ttf *.ttc)")
        )
        return path

    def choose(self) -> None:
        role = self._role()
        if role is None:
            return
        path = self.pick_file()
        if not path:
            return
        try:
            check_file(role, path)
        except DomainError as exc:
            self.message.setText(exc.message_zh)
            return
        self.message.clear()
        self.fonts[role] = path
        self._show()

    def use_default(self) -> None:
        role = self._role()
        if role is not None and self.fonts.pop(role, None) is not None:
            self.message.clear()
            self._show()
