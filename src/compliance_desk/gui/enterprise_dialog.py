"""Create or edit one enterprise: the Designer form, checked as the clerk types."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.domain import phone, uscc
from compliance_desk.domain.duplicates import DuplicateEnterprise, SimilarNames
from compliance_desk.domain.enterprise import EnterpriseDraft, EnterpriseSize
from compliance_desk.domain.errors import DomainError, ValidationError
from compliance_desk.domain.ledger import parse_date
from compliance_desk.gui.combo import enum_of
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.forms.ui_enterprise_form import Ui_EnterpriseForm
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.dto import EnterpriseView

HINTS = {"name": "nameHint", "uscc": "usccHint", "contact_phone": "phoneHint"}


def _fill(combo: QComboBox, items: list[tuple[str, object]], current: object) -> None:
    combo.clear()
    combo.addItem("", None)
    for label, value in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(_index_of(combo, current))


def _index_of(combo: QComboBox, value: object) -> int:
    """QComboBox.findData cannot compare Python objects such as UUIDs; compare here."""
    for i in range(combo.count()):
        if value is not None and combo.itemData(i) == value:
            return i
    return 0


class EnterpriseDialog(QDialog):
    open_existing = Signal(object)  # uuid of an existing record the user chose to open

    def __init__(
        self,
        desk: Desk,
        user: CurrentUser,
        existing: EnterpriseView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.user = user
        self.existing = existing
        self.saved: EnterpriseView | None = None
        self.setWindowTitle(
            self.tr("New enterprise") if existing is None else self.tr("Edit enterprise")
        )
        self.form = QWidget()
        self.ui = Ui_EnterpriseForm()
        self.ui.setupUi(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self._load_choices(existing)
        if existing is not None:
            self._show(existing)
        ui = self.ui
        ui.usccEdit.textEdited.connect(self._check_uscc)
        ui.phoneEdit.textEdited.connect(self._check_phone)
        ui.usccEdit.editingFinished.connect(self._check_duplicates)
        ui.nameEdit.editingFinished.connect(self._check_duplicates)
        for hint in (ui.nameHint, ui.usccHint):
            hint.linkActivated.connect(self._open_link)
        # the form's designed width (it opened at about 400 px, its hints cut off)
        self.setMinimumWidth(600)
        self.resize(620, self.sizeHint().height())
        ui.nameEdit.setFocus()

    def _grow(self) -> None:
        """Taller when a hint appears, so that its lines are not cut off at the row's foot."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        need = self.sizeHint().height()
        if need > self.height():
            self.resize(self.width(), need)

    # --- filling -------------------------------------------------------------------
    def _load_choices(self, existing: EnterpriseView | None) -> None:
        ref = self.desk.reference
        industries = [(i.name, i.id) for i in ref.items(self.user, "industry")]
        centres = [(c.name, c.id) for c in ref.items(self.user, "centre")]
        chambers = [(c.name, c.id) for c in ref.items(self.user, "chamber")]
        default_centre = existing.centre_id if existing else self.user.centre_id
        _fill(self.ui.industryCombo, industries, existing.industry_id if existing else None)
        _fill(self.ui.centreCombo, centres, default_centre)
        _fill(self.ui.chamberCombo, chambers, existing.chamber_id if existing else None)
        _fill(
            self.ui.sizeCombo,
            [(s.label, s) for s in EnterpriseSize],
            existing.size if existing else None,
        )
        if existing is None and self.ui.centreCombo.currentData() is not None:
            centre = next(c for c in ref.items(self.user, "centre") if c.id == default_centre)
            self.ui.industryCombo.setCurrentIndex(
                _index_of(self.ui.industryCombo, centre.parent_id)
            )

    def _show(self, v: EnterpriseView) -> None:
        ui = self.ui
        ui.nameEdit.setText(v.name)
        ui.usccEdit.setText(v.uscc)
        ui.addressEdit.setText(v.address)
        ui.legalRepresentativeEdit.setText(v.legal_representative)
        ui.contactPersonEdit.setText(v.contact_person)
        ui.phoneEdit.setText(v.contact_phone)
        ui.settledOnEdit.setText(v.settled_on.isoformat() if v.settled_on else "")
        ui.compliantCheck.setChecked(v.on_compliant_list)
        ui.modelCheck.setChecked(v.is_model)
        ui.notesEdit.setPlainText(v.notes)

    # --- live checks ---------------------------------------------------------------
    def _check_uscc(self) -> None:
        text = self.ui.usccEdit.text()
        problem = uscc.problem(text) if len(uscc.normalise(text)) >= 18 else None
        self.ui.usccHint.setText(problem or "")
        self._grow()

    def _check_phone(self) -> None:
        typed = self.ui.phoneEdit.text()
        wrong = phone.numbers_problem(typed, service_lines=False) if typed.strip() else None
        self.ui.phoneHint.setText(wrong or "")
        self._grow()

    def _check_duplicates(self) -> None:
        draft = self._draft_or_none()
        if draft is None:
            return
        check = self.desk.enterprises.check_duplicates(
            self.user, draft, self.existing.id if self.existing else None
        )
        if check.same_uscc is not None:
            e = check.same_uscc
            self.ui.usccHint.setText(
                self.tr('Already registered as “%1”. <a href="%2">Open that record</a>')
                .replace("%1", e.name)
                .replace("%2", str(e.id))
            )
        if check.similar and (self.existing is None or self.existing.name != draft.name):
            links = "、".join(f'<a href="{s.id}">{s.name}</a>' for s in check.similar[:3])
            self.ui.nameHint.setText(
                self.tr("Similar names already registered: %1").replace("%1", links)
            )
        else:
            self.ui.nameHint.setText("")
        self._grow()

    def _open_link(self, href: str) -> None:
        self.open_existing.emit(uuid.UUID(href))
        self.reject()

    # --- saving --------------------------------------------------------------------
    def _draft_or_none(self) -> EnterpriseDraft | None:
        try:
            return self.draft()
        except DomainError:
            return None

    def draft(self) -> EnterpriseDraft:
        ui = self.ui
        settled = ui.settledOnEdit.text().strip()
        date_problem = ""
        try:
            settled_on = parse_date(settled) if settled else None
        except ValueError as exc:
            settled_on, date_problem = None, str(exc)
        draft = EnterpriseDraft(
            name=ui.nameEdit.text(),
            uscc=ui.usccEdit.text(),
            industry_id=ui.industryCombo.currentData(),
            centre_id=ui.centreCombo.currentData(),
            chamber_id=ui.chamberCombo.currentData(),
            address=ui.addressEdit.text(),
            legal_representative=ui.legalRepresentativeEdit.text(),
            contact_person=ui.contactPersonEdit.text(),
            contact_phone=ui.phoneEdit.text(),
            size=enum_of(ui.sizeCombo, EnterpriseSize),
            settled_on=settled_on,
            on_compliant_list=ui.compliantCheck.isChecked(),
            is_model=ui.modelCheck.isChecked(),
            notes=ui.notesEdit.toPlainText(),
        )
        if date_problem:  # said with every other wrong field, not before them
            try:
                draft.validated()
            except ValidationError as exc:
                raise ValidationError({**exc.problems, "settled_on": date_problem}) from None
            raise ValidationError({"settled_on": date_problem})
        return draft

    def save(self, allow_similar: bool = False) -> None:
        try:
            draft = self.draft()
            if self.existing is None:
                self.saved = self.desk.enterprises.create(self.user, draft, allow_similar)
            else:
                self.saved = self.desk.enterprises.update(
                    self.user, self.existing.id, draft, self.existing.row_version, allow_similar
                )
        except ValidationError as exc:
            for key, reason in exc.problems.items():
                label = getattr(self.ui, HINTS.get(key, ""), None)
                if label is not None:
                    label.setText(reason)
            self._grow()
            QMessageBox.warning(self, self.tr("Please correct"), "\n".join(exc.problems.values()))
            return
        except SimilarNames as exc:
            answer = QMessageBox.question(
                self,
                self.tr("Similar name"),
                exc.message_zh + "\n\n" + self.tr("Save it as a different enterprise anyway?"),
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.save(allow_similar=True)
            return
        except DuplicateEnterprise as exc:
            box = QMessageBox(
                QMessageBox.Icon.Warning, self.tr("Already registered"), exc.message_zh, parent=self
            )
            open_button = box.addButton(
                self.tr("Open the existing record"), QMessageBox.ButtonRole.AcceptRole
            )
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is open_button:
                self.open_existing.emit(exc.existing.id)
                self.reject()
            return
        except DomainError as exc:
            show_error(self, exc)
            return
        self.accept()
