"""文书模板: the administrator edits a kind's wording, previews it on sample data, saves a version.

Rendering the preview and saving (which renders the wording once more, to refuse wording that
does not print) run in the task runner: the editor stays responsive, and a newer preview
supersedes one still rendering."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.documents.kinds import KINDS
from compliance_desk.domain.local_time import local_text
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.pdf_preview import PdfPreviewDialog
from compliance_desk.gui.tasks import Latest, TaskRunner
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.letters import TemplateView

HELP = (
    "每行一段；“一、”开头为黑体标题，“（一）”开头为楷体标题。@to 行不缩进（主送、当事人信息），"
    "@blank 空一行，| 标签 | 内容 为表格行，@sign 为发文机关署名、日期和用印位置。"
    "{{ 字段 }} 取文书数据，如 {{ party.name }}；{{ legal.review.period }} 等法定数值按决定日期取用。"
)


class TemplatePage(QWidget):
    def __init__(
        self,
        desk: Desk,
        user: CurrentUser,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk, self.user = desk, user
        self.runner = runner or TaskRunner(synchronous=True, parent=self)
        self._previews = Latest(self.runner)
        self.previewed: bytes | None = None  # the last preview shown
        self.versions: list[TemplateView] = []
        self.kind = QComboBox()
        self.kind.setObjectName("templateKind")
        for code, k in KINDS.items():
            self.kind.addItem(k.title, code)
        self.kind.currentIndexChanged.connect(lambda _i: self.load())
        self.version_list = QListWidget()
        self.version_list.setObjectName("templateVersions")
        self.version_list.setMaximumWidth(260)
        self.version_list.currentRowChanged.connect(self._show_version)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("templateBody")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)
        self.editor.setFont(mono)
        self.note = QLineEdit()
        self.note.setObjectName("templateNote")
        self.note.setPlaceholderText(self.tr("What changed, and on whose instruction"))
        preview = QPushButton(self.tr("Preview with sample data"))
        preview.setObjectName("templatePreview")
        preview.clicked.connect(lambda: self.preview())
        save = QPushButton(self.tr("Save as new version"))
        save.setObjectName("templateSave")
        save.clicked.connect(lambda: self.save())
        self.save_button = save
        self.status = QLabel()
        self.status.setObjectName("templateStatus")
        self.status.setStyleSheet("color: #555;")
        help_label = QLabel(HELP)
        help_label.setWordWrap(True)
        help_label.setStyleSheet("color: #555;")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Letter")))
        top.addWidget(self.kind)
        top.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.editor, 1)
        right_layout.addWidget(help_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.status)
        buttons.addWidget(preview)
        buttons.addWidget(save)
        right_layout.addLayout(buttons)
        split = QSplitter()
        split.addWidget(self.version_list)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.load()

    def code(self) -> str:
        return str(self.kind.currentData())

    def load(self) -> None:
        try:
            self.versions = self.desk.letters.templates(self.user, self.code())
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.version_list.clear()
        for v in self.versions:
            item = QListWidgetItem(
                self.tr("Version %1 — %2").replace("%1", str(v.version))
                .replace("%2", local_text(v.created_at))
            )  # fmt: skip
            item.setToolTip(v.note)
            self.version_list.addItem(item)
        self.version_list.setCurrentRow(0)

    def _show_version(self, row: int) -> None:
        if 0 <= row < len(self.versions):
            self.editor.setPlainText(self.versions[row].body)

    def preview(self) -> None:
        """The kind's sample letter in the editor's wording, rendered in the runner and shown
        when it arrives (only the newest preview asked for is shown)."""
        code, body, title = self.code(), self.editor.toPlainText(), self.kind.currentText()
        letters = self.desk.letters
        self.status.setText(self.tr("Rendering the preview…"))

        def show(pdf: bytes) -> None:
            self.status.clear()
            self.previewed = pdf
            PdfPreviewDialog(pdf, title, self).exec()

        def failed(exc: BaseException) -> None:
            self.status.clear()
            show_error(self, exc)

        self._previews.run(lambda: letters.preview_template(code, body), show, failed)

    def save(self) -> None:
        note = self.note.text().strip()
        if not note:
            QMessageBox.warning(self, self.tr("Save"), self.tr("Please say what changed."))
            return
        user, code, body, letters = (
            self.user,
            self.code(),
            self.editor.toPlainText(),
            self.desk.letters,
        )
        self.save_button.setEnabled(False)  # one version per click
        self._editing(False)  # what is typed meanwhile would be replaced by the saved version
        self.status.setText(self.tr("Saving…"))

        def saved(view: TemplateView) -> None:
            self.save_button.setEnabled(True)
            self._editing(True)
            self.status.clear()
            self.note.clear()
            self.load()
            QMessageBox.information(
                self,
                self.tr("Saved"),
                self.tr("Version %1 saved. Letters already drafted keep their version until edited.")
                .replace("%1", str(view.version)),
            )  # fmt: skip

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self._editing(True)
            self.status.clear()
            show_error(self, exc)

        self.runner.run(lambda: letters.save_template(user, code, body, note), saved, failed)

    def _editing(self, allowed: bool) -> None:
        """While a save runs: the text, the note and the kind stay as they were sent."""
        self.editor.setReadOnly(not allowed)
        self.note.setReadOnly(not allowed)
        self.kind.setEnabled(allowed)
        self.version_list.setEnabled(allowed)
