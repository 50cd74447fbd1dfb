"""Through the real window: a finding matched to the exemption list with its basis edited, the
no-penalty decision drafted from the signed inspection, photos imported from a camera folder,
and a draw that names the enterprises it left out."""

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
    sqlite_desk.compliant_list.add_exemption(
        admin, "未按规定公示营业执照", "《中华人民共和国行政处罚法》第三十三条第一款",
        "初次违法、危害后果轻微并及时改正",
    )  # fmt: skip
    departments = [d.id for d in sqlite_desk.reference.items(admin, "department")[:3]]
    enterprise = sqlite_desk.enterprises.search(admin, "sx", limit=5)[0].id
    sqlite_desk.inspections.plan(admin, enterprise, date(2026, 3, 2), departments, [])
    user = sqlite_desk.auth.login("inspector", "Inspector2026")
    w = MainWindow(sqlite_desk, user, TaskRunner(synchronous=True))
    qtbot.addWidget(w)
    w.show()
    return w


def test_an_exempt_finding_leads_to_the_no_penalty_decision(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk
) -> None:
    page = window.inspections_page
    assert page is not None
    page.table.selectRow(0)
    walk = page.walk
    assert walk.view is not None
    walk.table.selectRow(0)
    assert not walk.basis.isEnabled() and not walk.exemption.isEnabled()  # not a finding yet

    walk.combo(0, 3).setCurrentIndex(walk.combo(0, 3).findData(ItemResult.FINDING))
    walk.table.selectRow(0)
    checklist_basis = walk.view.items[0].legal_basis
    assert checklist_basis and walk.basis.text() == checklist_basis  # prefilled, editable
    assert walk.basis.isEnabled() and walk.exemption.currentText() == "（不适用不予处罚清单）"
    walk.basis.setText("《市场主体登记管理条例》第三十六条")
    walk.basis.editingFinished.emit()
    walk.exemption.setCurrentIndex(walk.exemption.findText("未按规定公示营业执照"))
    # Grading it and saying what was seen afterwards keeps the basis and the match.
    walk.combo(0, 4).setCurrentIndex(walk.combo(0, 4).findData(RiskLevel.LOW))
    walk.table.item(0, 5).setText("营业执照未悬挂于醒目位置")
    saved = sqlite_desk.inspections.inspection(window.user, walk.view.id).items[0]
    assert saved.legal_basis == "《市场主体登记管理条例》第三十六条"
    assert saved.exemption_id is not None and saved.risk == RiskLevel.LOW
    assert saved.description == "营业执照未悬挂于醒目位置"
    walk.open(walk.view.id)  # opened again later: the match and the basis are shown
    walk.table.selectRow(0)
    assert walk.exemption.currentText() == "未按规定公示营业执照"
    assert walk.basis.text() == "《市场主体登记管理条例》第三十六条"

    for row in range(1, walk.table.rowCount()):
        walk.combo(row, 3).setCurrentIndex(walk.combo(row, 3).findData(ItemResult.PASSED))
    assert walk.sign("店长 陈芳")
    assert walk.view.status == InspectionStatus.SIGNED
    walk.table.selectRow(0)
    assert not walk.basis.isEnabled() and not walk.exemption.isEnabled()  # locked

    page.table.selectRow(0)
    dialog = page.draft_no_penalty("当场讲解营业执照公示规定，当事人已改正", show=False)
    assert dialog is not None
    qtbot.addWidget(dialog)
    data = dialog.form.data()
    assert "营业执照未悬挂于醒目位置" in data["facts"]
    assert "未按规定公示营业执照" in data["ground"] and data["violated"].startswith("《市场主体")
    assert data["education"].startswith("当场讲解") and data["party"]["name"]
    dialog.save()
    (draft,) = [
        d for d in sqlite_desk.letters.letters(window.user) if d.kind == "no_penalty_decision"
    ]
    assert draft.enterprise_id == walk.view.enterprise_id


def test_a_finding_not_on_the_list_gives_no_no_penalty_decision(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk, monkeypatch: Any
) -> None:
    shown: list[str] = []
    monkeypatch.setattr("compliance_desk.gui.inspections_page.show_error",
                        lambda _w, e: shown.append(e.message_zh))  # fmt: skip
    page = window.inspections_page
    assert page is not None
    page.table.selectRow(0)
    walk = page.walk
    assert walk.view is not None
    for item in walk.view.items:
        sqlite_desk.inspections.record(window.user, item.id, ItemResult.PASSED)
    sqlite_desk.inspections.record(window.user, walk.view.items[2].id, ItemResult.FINDING,
                                   risk=RiskLevel.HIGH, description="无安全台账")  # fmt: skip
    sqlite_desk.inspections.sign(window.user, walk.view.id, "代表")
    page.refresh()
    page.table.selectRow(0)
    assert page.draft_no_penalty("已教育", show=False) is None
    assert shown and "没有对应不予处罚清单" in shown[0]


def test_photos_from_a_camera_folder(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk, tmp_path: Path, monkeypatch: Any
) -> None:
    told: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.information", lambda *a: told.append(a[2]))
    page = window.inspections_page
    assert page is not None
    page.table.selectRow(0)
    walk = page.walk
    assert walk.view is not None
    camera = tmp_path / "DCIM" / "100MEDIA"
    camera.mkdir(parents=True)
    for n, colour in enumerate(((200, 10, 10), (10, 200, 10), (10, 10, 200))):
        Image.new("RGB", (2000, 1500), colour).save(camera / f"IMG_{n:04}.JPG")
    (camera / "IMG_0003.JPG").write_text("不是照片")
    (camera / "VID_0004.MP4").write_bytes(b"....")
    walk.table.selectRow(3)
    walk.import_folder(str(tmp_path / "DCIM"))
    assert told and told[-1].startswith("已导入 3 张照片")
    assert "IMG_0003.JPG" in told[-1] and "1 个不是照片的文件" in told[-1]
    walk.table.selectRow(3)
    assert walk.photos.count() == 3  # thumbnails, made on the task runner
    assert walk.view.items[3].photos == 3 and walk.folder_button.isEnabled()

    walk.table.selectRow(4)  # the same folder again, later, into another item: nothing new
    walk.import_folder(str(tmp_path / "DCIM"))
    assert told[-1].startswith("已导入 0 张照片") and "3 张已在本次检查中" in told[-1]
    saved = sqlite_desk.inspections.inspection(window.user, walk.view.id)
    assert (saved.items[3].photos, saved.items[4].photos) == (3, 0)
    walk.table.selectRow(3)  # one of them went to the wrong item: taken off
    assert not walk.remove_photo_button.isEnabled()
    walk.photos.setCurrentRow(0)
    assert walk.remove_photo_button.isEnabled() and walk.photos.item(0).toolTip() == "IMG_0000.JPG"
    assert walk.remove_photo(confirm=False)
    assert walk.photos.count() == 2 and walk.view.items[3].photos == 2


def test_a_draw_names_the_enterprises_it_left_out(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk
) -> None:
    from compliance_desk.services.demo_data import ensure_demo_inspectors

    ensure_demo_inspectors(sqlite_desk.ctx)  # a draw sends two of the centre's
    page = window.inspections_page
    assert page is not None
    page.table.selectRow(0)
    walk = page.walk
    assert walk.view is not None
    for item in walk.view.items:
        sqlite_desk.inspections.record(window.user, item.id, ItemResult.PASSED)
    sqlite_desk.inspections.sign(window.user, walk.view.id, "代表")  # listed, inspected today
    centres = [c.name for c in sqlite_desk.reference.items(window.user, "centre")]
    page.draw(centres.index("伞业合规中心"), 3, ask=False)
    dialog = page.plan_dialog
    qtbot.addWidget(dialog)
    note = dialog.note.text()
    assert not dialog.note.isHidden()
    team = [name for _i, name in page.last_draw.inspectors]
    assert f"种子 {page.last_draw.seed}" in note and len(team) == 2
    assert all(name in note for name in team)
    assert "已排除 1 家" in note and walk.view.enterprise_name in note
    assert dialog.enterprises.count() == 3 and walk.view.enterprise_name not in [
        dialog.enterprises.item(n).text() for n in range(3)
    ]
