"""An inspector's path through the real window, offline: open the day's inspection, walk the
checklist, record a finding with a photo, sign off; then rectification and the list."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtWidgets import QApplication

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.inspections import InspectionStatus, ItemResult, RiskLevel
from compliance_desk.gui import i18n
from compliance_desk.gui.inspection_walk import InspectionWalk
from compliance_desk.gui.main_window import MainWindow
from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.services.demo_data import load_demo

pytestmark = pytest.mark.gui
CN = timezone(timedelta(hours=8))


@pytest.fixture(scope="module", autouse=True)
def chinese(qapp: QApplication):  # type: ignore[no-untyped-def]
    keep = i18n.install(qapp)
    yield
    del keep


@pytest.fixture
def window(qtbot: Any, sqlite_desk: Desk, clock: Any) -> MainWindow:
    clock.now = datetime(2026, 3, 2, 8, 30, tzinfo=CN)
    load_demo(sqlite_desk.ctx, "small", appeals=0)
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    departments = [d.id for d in sqlite_desk.reference.items(admin, "department")[:3]]
    for n in range(2):
        enterprise = sqlite_desk.enterprises.search(admin, "sx", limit=5)[n].id
        sqlite_desk.inspections.plan(admin, enterprise, date(2026, 3, 2), departments, [])
    user = sqlite_desk.auth.login("inspector", "Inspector2026")
    w = MainWindow(sqlite_desk, user, TaskRunner(synchronous=True))
    qtbot.addWidget(w)
    w.show()
    return w


def test_the_inspectors_day(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk, tmp_path: Path, monkeypatch: Any
) -> None:
    page = window.inspections_page
    assert page is not None and window.pages.currentWidget() is page  # where the day starts
    assert page.table.rowCount() == 2 and page.table.item(0, 2).text() == "已计划"
    page.table.clearSelection()  # nothing selected: nothing to follow up
    assert not page.advice_button.isEnabled() and not page.correct_button.isEnabled()
    fresh = InspectionWalk(sqlite_desk, window.user, TaskRunner(synchronous=True))
    qtbot.addWidget(fresh)  # nothing open: nothing to photograph or sign
    assert not fresh.sign_button.isEnabled() and not fresh.photo_button.isEnabled()
    page.table.selectRow(0)
    assert page.walk.sign_button.isEnabled() and not page.advice_button.isEnabled()  # planned
    walk = page.walk
    assert walk.view is not None and walk.table.rowCount() == 24
    assert walk.progress.text() == "已答 0 / 24 项，发现问题 0 项"

    # A finding on the first item, with its risk and what was seen; the rest passed.
    walk.combo(0, 3).setCurrentIndex(walk.combo(0, 3).findData(ItemResult.FINDING))
    walk.combo(0, 4).setCurrentIndex(walk.combo(0, 4).findData(RiskLevel.HIGH))
    walk.table.item(0, 5).setText("外贸合同未约定验收标准")
    for row in range(1, walk.table.rowCount()):
        walk.combo(row, 3).setCurrentIndex(walk.combo(row, 3).findData(ItemResult.PASSED))
    photo = tmp_path / "scene.jpg"
    Image.new("RGB", (1600, 1200), (30, 90, 160)).save(photo)
    junk = tmp_path / "notes.png"
    junk.write_text("not a photo")
    warned: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.warning", lambda *a: warned.append(a[2]))
    walk.table.selectRow(0)
    walk.add_photos([str(photo), str(junk)])
    assert warned and "不是可以识别的照片" in warned[0]
    walk.table.selectRow(0)
    assert walk.photos.count() == 1  # the thumbnail, made on the task runner

    saved = sqlite_desk.inspections.inspection(window.user, walk.view.id)
    assert saved.items[0].result == ItemResult.FINDING and saved.items[0].risk == RiskLevel.HIGH
    assert saved.items[0].description == "外贸合同未约定验收标准" and saved.items[0].photos == 1
    assert all(i.result == ItemResult.PASSED for i in saved.items[1:])

    assert walk.sign("企业法务 王玥")
    assert walk.view.status == InspectionStatus.SIGNED and not walk.sign_button.isEnabled()
    assert not walk.combo(1, 3).isEnabled()  # locked

    # Rectification from the finding, then acceptance puts the enterprise on the list.
    page.table.selectRow(next(r for r in range(page.table.rowCount())
                              if page.table.item(r, 2).text() == "已签字确认"))  # fmt: skip
    assert page.advice_button.isEnabled() and page.rectify_button.isEnabled()  # signed
    dialog = page.draft_advice(show=False)
    assert dialog is not None
    qtbot.addWidget(dialog)
    drafted = dialog.form.data()
    assert drafted["findings"][0]["issue"] == "外贸合同未约定验收标准"
    assert drafted["findings"][0]["risk_level"] == "高" and drafted["rectification_deadline"]
    page.start_rectification(date(2026, 6, 2))
    assert page.rect_table.rowCount() == 1 and page.rect_table.item(0, 2).text() == "2026-06-02"
    assert page.rect_table.item(0, 1).text() == walk.view.planned_on.isoformat()  # which one
    page.rect_table.selectRow(0)
    page.evidence("提交了新合同范本")
    page.rect_table.selectRow(0)
    listed = {
        e.enterprise_id for e in sqlite_desk.compliant_list.as_of(window.user, date(2026, 3, 3))
    }
    page.acceptance(True, "整改到位")
    page.as_of.setDate(page.as_of.date().addDays(1))
    rows = page.list_table.rowCount()
    assert rows == len(listed | {walk.view.enterprise_id}) and rows > 1  # the demo's list too
    mine = [
        r for r in range(rows) if page.list_table.item(r, 0).text() == walk.view.enterprise_name
    ]
    assert mine and "整改" in page.list_table.item(mine[0], 3).text()
    out = tmp_path / "list.xlsx"
    page.export_list(str(out))
    assert out.exists() and f"{rows} 家" in page.list_count.text()


def test_the_enterprise_record_shows_its_inspections_and_list_history(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk
) -> None:
    enterprise = sqlite_desk.enterprises.search(window.user, "sx", limit=5)[0]
    inspection = sqlite_desk.inspections.for_enterprise(window.user, enterprise.id)[0]
    for item in inspection.items:
        sqlite_desk.inspections.record(window.user, item.id, ItemResult.PASSED)
    sqlite_desk.inspections.sign(window.user, inspection.id, "代表")
    page = window.enterprise_page
    page._show_detail(sqlite_desk.enterprises.get(window.user, enterprise.id))
    text = page.detail.toPlainText()
    assert "检查" in text and "已签字确认" in text
    assert "合规名单记录" in text and "列入：合规体检合格" in text


def test_the_administrator_keeps_the_settings_checklists_and_exemptions(
    qtbot: Any, sqlite_desk: Desk, monkeypatch: Any
) -> None:
    from compliance_desk.gui.inspection_admin import InspectionAdmin

    refused: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.warning", lambda *a: refused.append(a[2]))
    load_demo(sqlite_desk.ctx, "small", appeals=0)
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    page = InspectionAdmin(sqlite_desk, admin)
    qtbot.addWidget(page)
    assert page.ratio.value() == 20 and page.months["low"][1].value() == 6
    page.ratio.setValue(30)
    page.compliant_ratio.setValue(10)
    page.months["high"][1].setValue(4)
    page.on_penalty.setCurrentIndex(page.on_penalty.findData("remove"))
    assert page.save_policy()
    policy = sqlite_desk.compliant_list.policy(admin)
    assert policy["draw.ratio"] == 0.3 and policy["draw.compliant_ratio"] == 0.1
    assert policy["rectification.months"]["high"] == 4
    assert policy["compliant_list.on_penalty"] == "remove"

    rows = page.items.rowCount()
    page.items.item(0, 1).setText("订立合同前审查对方主体资格（修订）")
    assert not page.save_checklist()  # no note: refused, nothing saved
    assert "修改说明" in refused[-1]
    page.note.setText("依法治区办 2026 年修订")
    assert page.save_checklist()
    latest = sqlite_desk.inspections.checklist(admin, page.industry.currentData())
    assert latest.version == 2 and len(latest.items) == rows
    assert latest.items[0][3] == "订立合同前审查对方主体资格（修订）"

    page.ex_title.setText("未按规定公示营业执照")
    assert not page.add_exemption()  # basis and conditions missing
    assert "法律依据" in refused[-1]
    page.ex_basis.setText("《中华人民共和国行政处罚法》第三十三条第一款")
    page.ex_conditions.setText("初次违法、危害后果轻微并及时改正")
    assert page.add_exemption() and page.exemptions.rowCount() == 1


def test_a_drawn_plan_keeps_hand_added_enterprises_apart_and_a_plan_is_moved_or_called_off(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk
) -> None:
    from sqlalchemy import select

    from compliance_desk.domain.inspections import InspectionStatus
    from compliance_desk.persistence.inspection_models import Inspection
    from compliance_desk.services.demo_data import ensure_demo_inspectors

    ensure_demo_inspectors(sqlite_desk.ctx)
    page = window.inspections_page
    assert page is not None
    centres = [c.name for c in sqlite_desk.reference.items(window.user, "centre")]
    page.draw(centres.index("伞业合规中心"), 2, ask=False)
    dialog = page.plan_dialog
    qtbot.addWidget(dialog)
    drawn = {e for e, _n, _c in page.last_draw.enterprises}
    extra = next(v for v in sqlite_desk.enterprises.search(window.user, "sx", limit=50)
                 if v.id not in drawn and not v.on_compliant_list)  # fmt: skip
    for typed in (extra.name, extra.name, "没有这家企业"):
        dialog.search.setText(typed)
        dialog._add()
    shown = [dialog.enterprises.item(n).text() for n in range(dialog.enterprises.count())]
    assert shown[-1] == extra.name + "（另行添加，非抽取）" and len(shown) == 3
    assert "找不到" in dialog.message.text() and dialog.search.text() == "没有这家企业"
    dialog.search.setText(extra.name)
    dialog._add()
    assert "已在列表中" in dialog.message.text() and dialog.enterprises.count() == 3
    dialog.departments.item(0).setCheckState(dialog.departments.item(0).checkState().Checked)
    dialog.plan()
    with sqlite_desk.ctx.factory() as s:
        planned = {i.enterprise_id: i.draw_id for i in s.scalars(
            select(Inspection).where(Inspection.id.in_(dialog.planned)))}  # fmt: skip
    assert planned[extra.id] is None and all(planned[e] == page.last_draw.id for e in drawn)

    page.refresh_inspections()
    row = next(n for n, r in enumerate(page.rows) if r.id == dialog.planned[0])
    page.table.selectRow(row)
    assert page.move_button.isEnabled() and page.cancel_button.isEnabled()
    assert page.reschedule(date(2026, 3, 9))
    assert page.current() is not None and page.current().planned_on == date(2026, 3, 9)
    assert page.cancel("误排：企业已搬离本中心")
    current = page.current()
    assert current is not None and current.status == InspectionStatus.CANCELLED
    assert not page.move_button.isEnabled() and not page.cancel_button.isEnabled()
    row = next(n for n, r in enumerate(page.rows) if r.id == current.id)  # (re-sorted)
    assert page.table.item(row, 2).text() == "已取消"
    assert "误排：企业已搬离本中心" in page.walk.header.text()


def test_an_item_answered_again_as_passed_shows_no_risk(qtbot: Any, window: MainWindow) -> None:
    from compliance_desk.domain.inspections import ItemResult, RiskLevel

    page = window.inspections_page
    assert page is not None
    page.table.selectRow(0)
    walk = page.walk
    result, risk = walk.combo(0, 3), walk.combo(0, 4)
    result.setCurrentIndex(
        [result.itemData(i) for i in range(result.count())].index(ItemResult.FINDING)
    )
    risk.setCurrentIndex([risk.itemData(i) for i in range(risk.count())].index(RiskLevel.MEDIUM))
    assert walk.view is not None and walk.view.items[0].risk == RiskLevel.MEDIUM
    result.setCurrentIndex(
        [result.itemData(i) for i in range(result.count())].index(ItemResult.PASSED)
    )
    assert walk.view.items[0].risk is None
    assert walk.combo(0, 4).currentData() is None and not walk.combo(0, 4).isEnabled()
