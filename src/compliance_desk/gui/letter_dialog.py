"""Drafting a letter: the issuing department, the enterprise, and the kind's form."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.documents.kinds import KINDS
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.letter_form import LetterForm
from compliance_desk.gui.pdf_preview import PdfPreviewDialog
from compliance_desk.gui.sizing import resize_within_screen
from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.letters import AUTHORITY_FIELDS, LetterView


class LetterDialog(QDialog):
    """New draft (``letter`` None) or edit of a draft.  Saving keeps incomplete data; what is
    missing is listed when the draft is previewed or approved."""

    def __init__(
        self,
        desk: Desk,
        user: CurrentUser,
        kind: str,
        *,
        letter: LetterView | None = None,
        enterprise_id: uuid.UUID | None = None,
        case_id: uuid.UUID | None = None,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk, self.user, self.kind, self.letter = desk, user, kind, letter
        # The preview is rendered off the GUI thread when the page hands its runner over.
        self.runner = runner or TaskRunner(synchronous=True, parent=self)
        self.enterprise_id, self.case_id = enterprise_id, case_id
        self.saved: LetterView | None = None
        k = KINDS[kind]
        title = self.tr("Edit draft: %1") if letter else self.tr("New draft: %1")
        self.setWindowTitle(title.replace("%1", k.title))
        self.department = QComboBox()
        self.department.setObjectName("department")
        for dept_id, name, prefix in desk.letters.issuing_departments(user):
            self.department.addItem(f"{name}（{prefix}）", dept_id)
        # a draft's own department; a new one's, that of the last letter of its kind
        chosen = letter.department_id if letter else desk.letters.usual_department(user, kind)
        at = [self.department.itemData(i) for i in range(self.department.count())]
        if letter is not None and chosen not in at:
            # its department issues no numbered letters now (retired, or its code taken off),
            # or it has none: kept as it is unless the clerk chooses one (saving any edit took
            # the list's first, and its series, unasked)
            self.department.insertItem(0, self.tr("(as drafted: no issuing department)")
                                       if chosen is None else
                                       self.tr("(as drafted: a department that no longer "
                                               "issues numbered letters)"), chosen)  # fmt: skip
            at.insert(0, chosen)
        if chosen not in at:  # none usual yet: chosen by the adviser, never the list's first
            self.department.insertItem(0, self.tr("(choose the issuing department)"), None)
            at.insert(0, None)
        self.department.setCurrentIndex(at.index(chosen))
        self._prefilled: dict[str, Any] = {}  # the authority's fields as the department gave
        self.form = LetterForm(k.fields)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.enterprise_search = QLineEdit()
        self.enterprise_search.setObjectName("enterpriseSearch")
        self.enterprise_search.setPlaceholderText(self.tr("Name, pinyin initials or code; Enter"))
        self.enterprise_search.returnPressed.connect(self.pick_enterprise)
        header = QFormLayout()
        header.addRow(self.tr("Issuing department"), self.department)
        header.addRow(self.tr("Fill in the party from the register"), self.enterprise_search)
        hint = QLabel(self.tr("The number is given when the legal adviser approves the letter."))
        hint.setStyleSheet("color: #555;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        preview = self.preview_button = QPushButton(self.tr("Save and preview"))
        preview.setObjectName("preview")
        preview.clicked.connect(self.save_and_preview)
        buttons.addButton(preview, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(hint)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        resize_within_screen(self, 760, 820)
        if letter is not None:
            self.form.set_data(letter.data)
        else:
            known = desk.letters.prefill(user, enterprise_id, self.department_id(), kind)
            self._prefilled = {k: known.get(k) for k in AUTHORITY_FIELDS}
            self.form.set_data(known)
        self.department.currentIndexChanged.connect(self._department_changed)

    def _department_changed(self) -> None:
        """Another issuing department: its authority, telephone, review body and court (as its
        last letter had them) replace those the department before filled in, not the
        clerk's own."""
        data = self.form.data()
        known = self.desk.letters.prefill(self.user, None, self.department_id())
        for key in AUTHORITY_FIELDS:
            if data.get(key) in (None, "", self._prefilled.get(key)):
                data[key] = known.get(key, "")
        self._prefilled = {k: known.get(k) for k in AUTHORITY_FIELDS}
        self.form.set_data(data)

    def pick_enterprise(self) -> None:
        text = self.enterprise_search.text().strip()
        if not text:
            return
        try:
            found = self.desk.enterprises.search(self.user, text, limit=20)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        if not found:
            QMessageBox.information(self, self.windowTitle(), self.tr("No enterprise found."))
            return
        chosen = found[0]
        if len(found) > 1:
            labels = [f"{e.name}  {e.uscc}" for e in found]
            label, ok = QInputDialog.getItem(self, self.tr("Choose the enterprise"),
                                             self.tr("Enterprise"), labels, 0, False)  # fmt: skip
            if not ok:
                return
            chosen = found[labels.index(label)]
        self.enterprise_id = chosen.id
        data = self.form.data()
        known = self.desk.letters.prefill(self.user, chosen.id, self.department_id())
        data["party"] = known.get("party", {})
        self.form.set_data(data)

    def department_id(self) -> uuid.UUID | None:
        value: Any = self.department.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def _save(self) -> LetterView | None:
        data = self.form.data()
        try:
            if self.letter is None:
                self.saved = self.desk.letters.draft(
                    self.user,
                    self.kind,
                    data,
                    enterprise_id=self.enterprise_id,
                    department_id=self.department_id(),
                    case_id=self.case_id,
                )
            else:
                self.saved = self.desk.letters.update_draft(
                    self.user, self.letter.id, data, self.letter.row_version,
                    department_id=self.department_id(),
                )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - shown to the user, nothing half-saved
            show_error(self, exc)
            return None
        self.letter = self.saved
        return self.saved

    def save(self) -> None:
        if self._save() is not None:
            self.accept()

    def save_and_preview(self) -> None:
        saved = self._save()
        if saved is None:
            return
        self.preview_button.setEnabled(False)
        desk, user, letter_id = self.desk, self.user, saved.id

        def show(pdf: bytes) -> None:
            self.preview_button.setEnabled(True)
            PdfPreviewDialog(pdf, f"{saved.kind_title}（草稿）", self).exec()

        def failed(exc: BaseException) -> None:
            self.preview_button.setEnabled(True)
            show_error(self, exc)

        self.runner.run(lambda: desk.letters.pdf(user, letter_id), show, failed)
