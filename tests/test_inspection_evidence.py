"""On site: findings matched to the exemption list with their legal basis edited, the no-penalty
decision of a whole inspection, and evidence photos imported from a camera folder."""

from __future__ import annotations

import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, update

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.inspections import ItemResult, RiskLevel
from compliance_desk.persistence.inspection_models import ExemptionItem
from compliance_desk.persistence.models import Department
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.demo_data import load_demo
from tests.letters_pdf import body_text


@pytest.fixture
def world(desk: Desk, admin: CurrentUser) -> Desk:
    load_demo(desk.ctx, "small", appeals=0)
    return desk


@pytest.fixture
def inspector(world: Desk) -> CurrentUser:
    return world.auth.login("inspector", "Inspector2026")


def _plan(desk: Desk, user: CurrentUser, n: int = 0) -> uuid.UUID:
    with desk.ctx.factory() as s:
        departments = list(s.scalars(select(Department.id).limit(2)))
    enterprise = desk.enterprises.search(user, "sx", limit=20)[n].id
    return desk.inspections.plan(user, enterprise, date(2026, 3, 2), departments, []).id


def _exemptions(desk: Desk, admin: CurrentUser) -> tuple[uuid.UUID, uuid.UUID]:
    licence = desk.compliant_list.add_exemption(
        admin, "未按规定公示营业执照", "《中华人民共和国行政处罚法》第三十三条第一款",
        "初次违法、危害后果轻微并及时改正",
    )  # fmt: skip
    ledger = desk.compliant_list.add_exemption(
        admin, "未按规定建立劳动者名册", "《劳动保障监察条例》第二十三条",
        "首次发现、当场改正",
    )  # fmt: skip
    return licence, ledger


def test_a_finding_keeps_its_edited_basis_and_its_exemption(
    world: Desk, inspector: CurrentUser, admin: CurrentUser
) -> None:
    licence, _ = _exemptions(world, admin)
    view = world.inspections.inspection(inspector, _plan(world, inspector))
    item = view.items[0]
    found = world.inspections.record(inspector, item.id, ItemResult.FINDING, risk=RiskLevel.LOW,
                                     description="营业执照未悬挂")  # fmt: skip
    checklist_basis = found.legal_basis
    assert checklist_basis and found.exemption_id is None  # prefilled from the checklist
    edited = world.inspections.record(
        inspector, item.id, ItemResult.FINDING, risk=RiskLevel.LOW, description="营业执照未悬挂",
        legal_basis="《市场主体登记管理条例》第三十六条", exemption_id=licence,
    )  # fmt: skip
    assert edited.legal_basis == "《市场主体登记管理条例》第三十六条"
    assert edited.exemption_id == licence
    again = world.inspections.inspection(inspector, view.id).items[0]
    assert again.legal_basis == edited.legal_basis and again.exemption_id == licence

    with world.ctx.factory() as s:  # an item withdrawn from the list cannot be matched anew
        s.execute(update(ExemptionItem).where(ExemptionItem.id == licence).values(active=False))
        s.commit()
    other = view.items[1]
    world.inspections.record(inspector, other.id, ItemResult.FINDING, risk=RiskLevel.LOW,
                             description="未公示")  # fmt: skip
    with pytest.raises(DomainError) as err:
        world.inspections.record(inspector, other.id, ItemResult.FINDING, risk=RiskLevel.LOW,
                                 description="x", exemption_id=licence)  # fmt: skip
    assert "不予处罚清单中没有该事项" in err.value.message_zh
    kept = world.inspections.inspection(inspector, view.id).items[1]
    assert kept.description == "未公示" and kept.exemption_id is None  # nothing half-saved
    # ... while the finding matched before keeps its match when it is edited.
    world.inspections.record(inspector, item.id, ItemResult.FINDING, risk=RiskLevel.MEDIUM,
                             description="营业执照未悬挂", exemption_id=licence)  # fmt: skip
    assert world.inspections.inspection(inspector, view.id).items[0].exemption_id == licence


def test_an_inspection_whose_findings_are_all_exempt_gives_one_no_penalty_decision(
    world: Desk, inspector: CurrentUser, admin: CurrentUser, tmp_path: Path
) -> None:
    adviser = world.auth.login("adviser", "Adviser2026")
    licence, ledger = _exemptions(world, admin)
    inspection = _plan(world, inspector, 1)
    view = world.inspections.inspection(inspector, inspection)
    first, second, third = view.items[:3]
    world.inspections.record(inspector, first.id, ItemResult.FINDING, risk=RiskLevel.LOW,
                             description="营业执照未悬挂于醒目位置", exemption_id=licence)  # fmt: skip
    world.inspections.record(inspector, second.id, ItemResult.FINDING, risk=RiskLevel.LOW,
                             description="未建立劳动者名册",
                             legal_basis="《劳动合同法》第七条")  # fmt: skip
    world.inspections.record(inspector, third.id, ItemResult.FINDING, risk=RiskLevel.LOW,
                             description="员工花名册缺三人", exemption_id=ledger)  # fmt: skip
    for item in view.items[3:]:
        world.inspections.record(inspector, item.id, ItemResult.PASSED)
    with pytest.raises(DomainError) as err:  # not signed yet
        world.inspections.no_penalty_decision_data(adviser, inspection, "已教育")
    assert "签字确认后" in err.value.message_zh
    world.inspections.sign(inspector, inspection, "店长")
    with pytest.raises(DomainError) as err:  # one finding is not on the list
        world.inspections.no_penalty_decision_data(adviser, inspection, "已教育")
    assert f"第 {second.code} 项问题没有对应不予处罚清单" in err.value.message_zh
    assert "合规建议书" in err.value.message_zh

    fix = world.inspections.correct(inspector, inspection)  # the correction matches it
    world.inspections.record(inspector, fix.items[1].id, ItemResult.FINDING, risk=RiskLevel.LOW,
                             description="未建立劳动者名册", legal_basis="《劳动合同法》第七条",
                             exemption_id=ledger)  # fmt: skip
    world.inspections.sign(inspector, fix.id, "店长")
    with pytest.raises(DomainError) as err:
        world.inspections.no_penalty_decision_data(adviser, fix.id, " ")
    assert "教育" in err.value.message_zh
    data = world.inspections.no_penalty_decision_data(adviser, fix.id, "当场讲解相关规定，已改正")
    assert "1. 营业执照未悬挂于醒目位置" in data["facts"] and "3. 员工花名册缺三人" in data["facts"]
    assert (
        "“未按规定公示营业执照”" in data["ground"] and "“未按规定建立劳动者名册”" in data["ground"]
    )
    assert "《劳动合同法》第七条" in data["violated"]
    assert data["ground_basis"].count("第三十三条第一款") == 1

    market = next(d for d, _n, p in world.letters.issuing_departments(adviser) if p == "虞市监")
    draft = world.letters.draft(adviser, "no_penalty_decision", data | {
        "authority": "绍兴市上虞区市场监督管理局", "review_authority": "绍兴市上虞区人民政府",
        "court": "绍兴市上虞区人民法院"}, department_id=market)  # fmt: skip
    letter = world.letters.approve(adviser, draft.id, draft.row_version)
    pdf = tmp_path / "no_penalty.pdf"
    pdf.write_bytes(world.letters.pdf(adviser, letter.id))
    text = body_text(pdf)
    for expected in ("不予行政处罚决定书", "员工花名册缺三人", "未按规定建立劳动者名册",
                     "当场讲解相关规定"):  # fmt: skip
        assert expected in text, expected


def _photo(path: Path, colour: tuple[int, int, int]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 48), colour).save(path)
    return path


def test_a_camera_folder_imports_only_the_photos_not_yet_attached(
    world: Desk, inspector: CurrentUser, tmp_path: Path
) -> None:
    # its own store: the PostgreSQL desks share the data folder's with tests running beside
    world.ctx.blob_root = tmp_path / "attachments"
    view = world.inspections.inspection(inspector, _plan(world, inspector, 2))
    first, second = view.items[0], view.items[1]
    camera = tmp_path / "DCIM"
    _photo(camera / "100CANON" / "IMG_0001.JPG", (10, 20, 30))
    _photo(camera / "100CANON" / "IMG_0002.JPG", (40, 50, 60))
    shutil.copy(camera / "100CANON" / "IMG_0001.JPG", camera / "100CANON" / "IMG_0001 (1).JPG")
    (camera / "100CANON" / "MVI_0003.MOV").write_bytes(b"\x00\x00\x00\x18ftypqt  ")
    (camera / "100CANON" / "IMG_0004.JPG").write_text("损坏的文件")
    _photo(camera / ".thumbnails" / "IMG_0001.JPG", (1, 1, 1))
    world.inspections.attach_photo(inspector, first.id, _photo(tmp_path / "p.png", (7, 7, 7)))

    done = world.inspections.import_camera_folder(inspector, first.id, camera)
    assert done.added == ["IMG_0001.JPG", "IMG_0002.JPG"]
    assert done.already == ["IMG_0001 (1).JPG"]  # the same content under another name
    assert len(done.refused) == 1 and "IMG_0004.JPG" in done.refused[0]
    assert "不是可以识别的照片" in done.refused[0] and done.skipped == 1
    assert world.inspections.inspection(inspector, view.id).items[0].photos == 3

    _photo(camera / "100CANON" / "IMG_0005.JPG", (90, 90, 90))  # taken later that day
    later = world.inspections.import_camera_folder(inspector, second.id, camera)
    assert later.added == ["IMG_0005.JPG"] and len(later.already) == 3
    items = world.inspections.inspection(inspector, view.id).items
    assert (items[0].photos, items[1].photos) == (3, 1)

    seen: list[tuple[int, int]] = []
    _photo(camera / "IMG_0006.JPG", (5, 6, 7))
    _photo(camera / "IMG_0007.JPG", (8, 9, 10))
    stopped = world.inspections.import_camera_folder(
        inspector, second.id, camera, lambda d, t: seen.append((d, t)) or False
    )
    assert seen == [(1, 7)] and stopped.cancelled and stopped.added == ["IMG_0006.JPG"]

    with pytest.raises(DomainError) as err:
        world.inspections.import_camera_folder(inspector, second.id, tmp_path / "nowhere")
    assert "找不到文件夹" in err.value.message_zh
    for item in items:
        world.inspections.record(inspector, item.id, ItemResult.PASSED)
    world.inspections.sign(inspector, view.id, "代表")
    blobs = sorted(p for p in world.ctx.blobs().root.rglob("*") if p.is_file())
    _photo(camera / "IMG_0008.JPG", (11, 12, 13))
    with pytest.raises(DomainError) as err:  # signed: refused before anything is stored
        world.inspections.import_camera_folder(inspector, second.id, camera)
    assert "不能再修改" in err.value.message_zh
    assert sorted(p for p in world.ctx.blobs().root.rglob("*") if p.is_file()) == blobs
