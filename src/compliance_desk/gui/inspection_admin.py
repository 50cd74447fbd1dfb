"""检查设置 (administrators): the checklists, the sampling ratios and rectification months, what a
penalty does to the compliant list, and the minor-violation exemption list."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.front_desk import ManagementArea
from compliance_desk.gui.crash import show_error
from compliance_desk.services.context import CurrentUser


class InspectionAdmin(QWidget):
    def __init__(self, desk: Desk, user: CurrentUser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.user = desk, user
        layout = QVBoxLayout(self)
        layout.addWidget(self._policy_box())
        layout.addWidget(self._checklist_box(), 1)
        layout.addWidget(self._exemption_box())
        self.load()

    # -- policy ---------------------------------------------------------------------------

    def _policy_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Sampling and rectification"))
        self.ratio = QDoubleSpinBox()
        self.ratio.setObjectName("ratio")
        self.compliant_ratio = QDoubleSpinBox()
        self.compliant_ratio.setObjectName("compliantRatio")
        for spin in (self.ratio, self.compliant_ratio):
            spin.setRange(1, 100)
            spin.setSuffix(" %")
        self.months = {}
        for risk, label in (("high", "高"), ("medium", "中"), ("low", "低")):
            spin = QSpinBox()
            spin.setRange(3, 24)  # never under the legal three months
            spin.setSuffix(self.tr(" months"))
            spin.setObjectName(f"months_{risk}")
            self.months[risk] = (label, spin)
        self.on_penalty = QComboBox()
        self.on_penalty.setObjectName("onPenalty")
        self.on_penalty.addItem(self.tr("Flag for review"), "flag")
        self.on_penalty.addItem(self.tr("Remove from the list"), "remove")
        save = QPushButton(self.tr("Save settings"))
        save.setObjectName("savePolicy")
        save.clicked.connect(lambda: self.save_policy())
        form = QFormLayout(box)
        form.addRow(self.tr("Sampling ratio, other enterprises"), self.ratio)
        form.addRow(self.tr("Sampling ratio, compliant list"), self.compliant_ratio)
        for label, spin in self.months.values():
            form.addRow(self.tr("Default rectification period, risk %1").replace("%1", label), spin)
        form.addRow(self.tr("When a listed enterprise is penalised"), self.on_penalty)
        form.addRow("", save)
        return box

    def load(self) -> None:
        try:
            policy = self.desk.compliant_list.policy(self.user)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.ratio.setValue(float(policy["draw.ratio"]) * 100)
        self.compliant_ratio.setValue(float(policy["draw.compliant_ratio"]) * 100)
        for risk, (_label, spin) in self.months.items():
            spin.setValue(int(policy["rectification.months"].get(risk, 3)))
        self.on_penalty.setCurrentIndex(max(self.on_penalty.findData(
            policy["compliant_list.on_penalty"]), 0))  # fmt: skip
        self._load_checklist()
        self._load_exemptions()

    def save_policy(self) -> bool:
        if self.compliant_ratio.value() > self.ratio.value():
            QMessageBox.warning(self, self.tr("Settings"),
                                self.tr("The compliant list's ratio may not exceed the others'."))  # fmt: skip
            return False
        values = {
            "draw.ratio": round(self.ratio.value() / 100, 4),
            "draw.compliant_ratio": round(self.compliant_ratio.value() / 100, 4),
            "rectification.months": {r: s.value() for r, (_l, s) in self.months.items()},
            "compliant_list.on_penalty": self.on_penalty.currentData(),
        }
        try:
            for key, value in values.items():
                self.desk.compliant_list.set_policy(self.user, key, value)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return False
        return True

    # -- the checklist --------------------------------------------------------------------

    def _checklist_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Checklist"))
        self.industry = QComboBox()
        self.industry.setObjectName("checklistIndustry")
        for item in self.desk.reference.items(self.user, "industry"):
            self.industry.addItem(item.name, item.id)
        self.industry.currentIndexChanged.connect(lambda _i: self._load_checklist())
        self.items = QTableWidget(0, 3)
        self.items.setObjectName("checklistItems")
        self.items.setHorizontalHeaderLabels([self.tr("Area"), self.tr("Item"),
                                              self.tr("Legal basis")])  # fmt: skip
        self.items.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.items.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        add = QPushButton(self.tr("Add item"))
        add.clicked.connect(lambda: self._add_row("other", "", ""))
        remove = QPushButton(self.tr("Remove item"))
        remove.clicked.connect(self._remove_rows)
        self.note = QLineEdit()
        self.note.setObjectName("checklistNote")
        self.note.setPlaceholderText(self.tr("What changed, and on whose instruction"))
        save = QPushButton(self.tr("Save as new version"))
        save.setObjectName("saveChecklist")
        save.clicked.connect(lambda: self.save_checklist())
        row = QHBoxLayout()
        row.addWidget(self.industry)
        row.addStretch(1)
        row.addWidget(add)
        row.addWidget(remove)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note, 1)
        bottom.addWidget(save)
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(self.items, 1)
        layout.addLayout(bottom)
        return box

    def _add_row(self, area: str, text: str, basis: str) -> None:
        n = self.items.rowCount()
        self.items.insertRow(n)
        combo = QComboBox()
        for a in ManagementArea:
            combo.addItem(a.label, a.value)
        combo.setCurrentIndex(max(combo.findData(area), 0))
        self.items.setCellWidget(n, 0, combo)
        self.items.setItem(n, 1, QTableWidgetItem(text))
        self.items.setItem(n, 2, QTableWidgetItem(basis))

    def _remove_rows(self) -> None:
        for n in sorted({i.row() for i in self.items.selectedIndexes()}, reverse=True):
            self.items.removeRow(n)

    def _load_checklist(self) -> None:
        try:
            checklist = self.desk.inspections.checklist(self.user, self.industry.currentData())
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.items.setRowCount(0)
        labels = {a.label: a.value for a in ManagementArea}
        for _id, _code, area, text, basis in checklist.items:
            self._add_row(labels.get(area, "other"), text, basis)

    def save_checklist(self) -> bool:
        items = []
        for n in range(self.items.rowCount()):
            combo = self.items.cellWidget(n, 0)
            text, basis = self.items.item(n, 1), self.items.item(n, 2)
            items.append({"area": combo.currentData() if isinstance(combo, QComboBox) else "",
                          "text": text.text() if text else "",
                          "legal_basis": basis.text() if basis else ""})  # fmt: skip
        try:
            saved = self.desk.inspections.save_checklist(
                self.user, self.industry.currentData(), items, self.note.text()
            )
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return False
        self.note.clear()
        self.note.setPlaceholderText(
            self.tr("Saved as version %1").replace("%1", str(saved.version))
        )
        return True

    # -- exemptions -----------------------------------------------------------------------

    def _exemption_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Minor-violation exemption list (轻微违法不予处罚清单)"))
        self.exemptions = QTableWidget(0, 3)
        self.exemptions.setObjectName("exemptions")
        self.exemptions.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Legal basis"),
                                                   self.tr("Conditions")])  # fmt: skip
        self.exemptions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.exemptions.setMaximumHeight(140)
        self.ex_title, self.ex_basis, self.ex_conditions = QLineEdit(), QLineEdit(), QLineEdit()
        self.ex_title.setPlaceholderText(self.tr("Item"))
        self.ex_basis.setPlaceholderText(self.tr("Legal basis"))
        self.ex_conditions.setPlaceholderText(self.tr("Conditions (first violation, minor harm, "
                                                      "corrected promptly)"))  # fmt: skip
        add = QPushButton(self.tr("Add to the list"))
        add.setObjectName("addExemption")
        add.clicked.connect(lambda: self.add_exemption())
        row = QHBoxLayout()
        for w in (self.ex_title, self.ex_basis, self.ex_conditions):
            row.addWidget(w)
        row.addWidget(add)
        layout = QVBoxLayout(box)
        layout.addWidget(self.exemptions)
        layout.addLayout(row)
        return box

    def _load_exemptions(self) -> None:
        rows = self.desk.compliant_list.exemptions(self.user)
        self.exemptions.setRowCount(len(rows))
        for n, (_id, title, basis, conditions) in enumerate(rows):
            for col, text in enumerate((title, basis, conditions)):
                self.exemptions.setItem(n, col, QTableWidgetItem(text))

    def add_exemption(self) -> bool:
        try:
            self.desk.compliant_list.add_exemption(self.user, self.ex_title.text(),
                                                   self.ex_basis.text(), self.ex_conditions.text())  # fmt: skip
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return False
        for w in (self.ex_title, self.ex_basis, self.ex_conditions):
            w.clear()
        self._load_exemptions()
        return True
