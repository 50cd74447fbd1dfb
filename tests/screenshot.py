"""Takes the README's screenshot of the real window (run under Xvfb, see README).

xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m tests.screenshot OUT.png [SEARCH]
"""

from __future__ import annotations

import sys
import tempfile

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from compliance_desk.bootstrap import open_desk
from compliance_desk.gui import i18n
from compliance_desk.gui.main_window import MainWindow
from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.services.demo_data import (
    load_demo,
    load_demo_inspections,
    load_demo_letters,
)


def main() -> int:
    out = sys.argv[1]
    query = sys.argv[2] if len(sys.argv) > 2 else ""
    which = sys.argv[3] if len(sys.argv) > 3 else "enterprises"
    app = QApplication(sys.argv)
    keep = i18n.install(app)  # noqa: F841
    with tempfile.TemporaryDirectory() as tmp:
        desk = open_desk(f"sqlite:///{tmp}/demo.sqlite3")
        load_demo(desk.ctx, "small")
        load_demo_letters(desk.ctx, desk.letters)
        load_demo_inspections(desk.ctx, desk.inspections)
        login = {
            "letters": ("adviser", "Adviser2026"),
            "inspections": ("inspector", "Inspector2026"),
        }.get(which, ("clerk", "Clerk2026"))
        user = desk.auth.login(*login)
        window = MainWindow(desk, user, TaskRunner(synchronous=True))
        window.resize(1280, 760)
        window.show()
        if which == "log" and window.log_page is not None:
            log = window.log_page
            window.show_page(log)
            log.refresh()
            log.remind()
            overdue = next(
                (
                    r
                    for r in range(log.model.rowCount())
                    if (rec := log.model.record(r)) and rec.overdue
                ),
                0,
            )
            log.table.selectRow(overdue)
        elif which == "letters" and window.letters_page is not None:
            letters = window.letters_page
            window.show_page(letters)
            letters.refresh()
            letters.table.selectRow(0)
        elif which == "inspections" and window.inspections_page is not None:
            page = window.inspections_page
            enterprise = desk.enterprises.search(user, "崧厦", limit=1)[0].id
            departments = [d.id for d in desk.reference.items(user, "department")[:3]]
            desk.inspections.plan(user, enterprise, desk.inspections.today(), departments, [])
            page.refresh()
            page.table.selectRow(0)
            walk = page.walk
            from compliance_desk.domain.inspections import ItemResult, RiskLevel

            for row in range(6):
                result = ItemResult.FINDING if row == 4 else ItemResult.PASSED
                walk.combo(row, 3).setCurrentIndex(walk.combo(row, 3).findData(result))
            walk.combo(4, 4).setCurrentIndex(walk.combo(4, 4).findData(RiskLevel.MEDIUM))
            walk.table.item(4, 5).setText("仓库内伞骨与布料混放，未见隐患排查记录")
            walk.table.selectRow(4)
        elif which == "visit" and window.visit_page is not None:
            visit = window.visit_page
            window.show_page(visit)
            visit.enterprise_edit.setText(query or "sxrz")
            visit._suggest(visit.enterprise_edit.text())
            if visit.enterprise is None and visit._completion.stringList():
                visit._chosen(visit._completion.stringList()[0])
            visit.visitor.setText("郑敏")
            visit.phone.setText("13957667049")
            visit.area.setCurrentIndex(visit.area.findText("劳动用工管理"))
            visit.description.setPlainText(
                "企业来访咨询：部分员工劳动合同到期，续签时能否调整岗位和工资。"
            )
            visit.title.setText("劳动合同续签问题")
        else:
            page = window.enterprise_page
            window.show_page(page)
            if query:
                page.search.setText(query)
            page.refresh()
            if page.model.rowCount():
                page.table.selectRow(0)

        def shoot() -> None:
            screen = window.screen()
            pixmap = (
                screen.grabWindow(window.winId())
                if QApplication.platformName() == "xcb"
                else window.grab()
            )
            pixmap.save(out)
            app.quit()

        QTimer.singleShot(1200, shoot)
        app.exec()
        desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
