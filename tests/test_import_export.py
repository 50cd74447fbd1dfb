"""Importing the ledgers as they arrive, and exporting so that the export re-imports."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.errors import DomainError
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.enterprise_import import AllRowsChecked, ImportCancelled, write_report
from tests.conftest import LEDGERS

UMBRELLA = LEDGERS / "崧厦街道伞业企业名录.xlsx"
GAME = LEDGERS / "e游小镇游戏企业清单.csv"


def _import(desk: Desk, user: CurrentUser, path: Path, **kw):  # type: ignore[no-untyped-def]
    centre = kw.pop("centre", None)
    plan = desk.importer.plan(user, path, centre_id=centre)
    return plan, desk.importer.apply(user, plan, **kw)


def test_the_umbrella_ledger_imports_as_it_is(desk: Desk, clerk: CurrentUser) -> None:
    plan, result = _import(desk, clerk, UMBRELLA)
    assert plan.header_row == 3  # under the merged title and the 填报单位 line
    assert result.created == 39  # 40 numbered rows, one an exact duplicate
    assert any("内容相同，只导入一次" in n for n in result.notices)
    assert desk.enterprises.count(clerk) == 39
    [fullwidth] = desk.enterprises.search(clerk, "曹娥润泽伞业")
    assert fullwidth.uscc == "91330604PQU6NQPEXW"
    assert fullwidth.chamber_name == "崧厦伞业商会" and fullwidth.industry_name == "伞业"
    assert fullwidth.centre_name == "伞业合规中心"
    assert fullwidth.contact_phone == "13957909598转8001"
    [spaced] = desk.enterprises.search(clerk, "上虞丽晶制伞")
    assert spaced.name == "上虞丽晶制伞有限公司"
    names = {r.name for r in desk.enterprises.search(clerk, "合计", limit=100)}
    assert not names


def test_the_gbk_game_ledger_with_its_synonyms_and_dates(desk: Desk, clerk: CurrentUser) -> None:
    centres = desk.reference.lookup(clerk, "centre")
    plan, result = _import(desk, clerk, GAME, centre=centres["游戏产业合规中心"])
    assert set(plan.columns.values()) >= {
        "name",
        "uscc",
        "legal_representative",
        "contact_phone",
        "settled_on",
    }
    assert result.created == 25
    assert any("名称相同" in n for n in result.notices)  # same name, different codes: told, kept
    [row] = desk.enterprises.search(clerk, "91330604Q64CMN2579")
    assert (
        row.settled_on is not None and row.settled_on.isoformat() == "2023-01-01"
    )  # Excel serial 44927
    assert row.centre_name == "游戏产业合规中心" and row.industry_name == "游戏产业"
    [row] = desk.enterprises.search(clerk, "9133060429PTM3U5MF")
    assert row.settled_on is not None and row.settled_on.isoformat() == "2023-09-01"  # 2023年9月


def test_importing_the_same_file_again_changes_nothing(desk: Desk, clerk: CurrentUser) -> None:
    _import(desk, clerk, UMBRELLA)
    _, again = _import(desk, clerk, UMBRELLA)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 39)
    assert desk.enterprises.count(clerk) == 39


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_reimports_unchanged(
    desk: Desk, clerk: CurrentUser, tmp_path: Path, suffix: str
) -> None:
    _import(desk, clerk, UMBRELLA)
    out = tmp_path / f"export{suffix}"
    assert desk.importer.export(clerk, out) == 39
    _, again = _import(desk, clerk, out)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 39)


def test_export_writes_readable_chinese_columns(
    desk: Desk, clerk: CurrentUser, tmp_path: Path
) -> None:
    _import(desk, clerk, UMBRELLA)
    out = tmp_path / "e.xlsx"
    desk.importer.export(clerk, out)
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("企业名称", "统一社会信用代码")
    assert len(rows) == 40
    assert not list(tmp_path.glob("*.part"))


def _bad_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称", "统一社会信用代码", "联系电话"])
    ws.append(["好企业有限公司", "91330604QU4AX6JM2M", "13957667049"])
    ws.append(["", "91330604K8FGWDMD69", ""])
    ws.append(["坏代码有限公司", "91330604K8FGWDMD6X", "12"])
    ws.append(["大字段有限公司", "91330604U7ABQNWR1W", "1" * 100])
    wb.save(path)
    return path


def test_one_bad_row_writes_nothing_and_every_bad_row_is_listed(
    desk: Desk, clerk: CurrentUser, tmp_path: Path
) -> None:
    path = _bad_workbook(tmp_path / "bad.xlsx")
    plan = desk.importer.plan(clerk, path)
    with pytest.raises(AllRowsChecked) as info:
        desk.importer.apply(clerk, plan)
    problems = {(p.row, p.column) for p in info.value.row_problems}
    assert problems == {(3, "企业名称"), (4, "统一社会信用代码"), (4, "联系电话"), (5, "联系电话")}
    assert "第4行“统一社会信用代码”" in info.value.message_zh
    assert desk.enterprises.count(clerk) == 0


def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(
    desk: Desk, clerk: CurrentUser, tmp_path: Path
) -> None:
    path = _bad_workbook(tmp_path / "bad.xlsx")
    plan = desk.importer.plan(clerk, path)
    result = desk.importer.apply(clerk, plan, skip_invalid=True)
    assert result.created == 1
    report = tmp_path / "report.csv"
    write_report(report, plan, result.rejected)
    rows = list(csv.reader(report.open(encoding="utf-8-sig")))
    assert rows[0] == ["行号", "列", "原因", "原始内容"]
    assert {r[0] for r in rows[1:]} == {"3", "4", "5"}
    assert any("校验位" in r[2] for r in rows[1:])


def test_a_ten_megabyte_cell_is_refused_with_a_reason(
    desk: Desk, clerk: CurrentUser, tmp_path: Path
) -> None:
    path = tmp_path / "huge.csv"
    path.write_text(
        "企业名称,统一社会信用代码,备注\n好企业有限公司,91330604QU4AX6JM2M,"
        + "很" * 10_000_000
        + "\n",
        encoding="utf-8",
    )
    plan = desk.importer.plan(clerk, path)
    assert [(p.row, p.column) for p in plan.problems] == [(2, "备注")]
    assert "过长" in plan.problems[0].reason


def test_wrong_headers_say_what_is_needed(desk: Desk, clerk: CurrentUser, tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("公司,代码\n某某有限公司,91330604QU4AX6JM2M\n", encoding="gbk")
    with pytest.raises(DomainError) as info:
        desk.importer.plan(clerk, path)
    assert "找不到表头" in info.value.message_zh and "统一社会信用代码" in info.value.message_zh
    plan = desk.importer.plan(clerk, path, mapping={"公司": "name", "代码": "uscc"})
    assert len(plan.drafts) == 1


def test_a_file_that_is_not_a_workbook(desk: Desk, clerk: CurrentUser, tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("this is not excel", encoding="utf-8")
    with pytest.raises(DomainError) as info:
        desk.importer.plan(clerk, path)
    assert "不是有效的 Excel 工作簿" in info.value.message_zh


def test_cancel_leaves_the_register_as_it_was(desk: Desk, clerk: CurrentUser) -> None:
    plan = desk.importer.plan(clerk, UMBRELLA)
    seen: list[int] = []

    def progress(done: int, total: int) -> bool:
        seen.append(done)
        return False

    with pytest.raises(ImportCancelled):
        desk.importer.apply(clerk, plan, progress=progress)
    assert seen and desk.enterprises.count(clerk) == 0


def test_inspectors_cannot_import(desk: Desk, inspector: CurrentUser) -> None:
    from compliance_desk.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        desk.importer.plan(inspector, UMBRELLA)


def test_a_correction_file_never_moves_an_enterprise_to_another_centre(
    desk: Desk, clerk: CurrentUser, tmp_path: Path
) -> None:
    centres = desk.reference.lookup(clerk, "centre")
    _import(desk, clerk, GAME, centre=centres["游戏产业合规中心"])
    fix = tmp_path / "fix.csv"
    fix.write_text(
        "单位名称,信用代码,地址\n绍兴上虞星游数字科技有限公司,91330604Q64CMN2579,e游小镇1幢101室\n",
        encoding="utf-8",
    )
    _, result = _import(desk, clerk, fix, centre=centres["伞业合规中心"])  # the dialog's default
    assert result.updated == 1
    [row] = desk.enterprises.search(clerk, "91330604Q64CMN2579")
    assert row.address == "e游小镇1幢101室"
    assert row.centre_name == "游戏产业合规中心" and row.industry_name == "游戏产业"


def test_a_ledger_puts_enterprises_on_the_compliant_list_and_the_register_agrees(
    desk: Desk, admin: CurrentUser, tmp_path: Path
) -> None:
    """A ledger's "列入合规企业名单：是" puts the enterprise on the list by a dated event with its
    reason, which the register's flag mirrors (the flag alone was set: the register's filter
    and the list itself, used by the random draw, disagreed).  A ledger never takes one off,
    and the enterprise form's tick is not a way on or off the list."""
    from dataclasses import replace

    from compliance_desk.domain.uscc import with_check_character
    from compliance_desk.services.enterprises import Filter

    codes = [with_check_character(f"91330604MA2BLXT{n:02d}") for n in range(3)]
    ledger = tmp_path / "名单.csv"
    ledger.write_text("企业名称,统一社会信用代码,列入合规企业名单\n"
                      f"崧厦晴雨伞业有限公司,{codes[0]},是\n崧厦晴川伞业有限公司,{codes[1]},否\n"
                      f"崧厦晴空伞业有限公司,{codes[2]},\n", encoding="utf-8")  # fmt: skip
    _plan, result = _import(desk, admin, ledger)
    assert result.created == 3
    by_code = {v.uscc: v for v in desk.enterprises.search(admin, "崧厦晴", limit=10)}
    listed, unlisted = by_code[codes[0]], by_code[codes[1]]
    today = desk.compliant_list.today()

    def both() -> tuple[set[object], set[object]]:
        register = set(desk.enterprises.ids(admin, Filter(compliant_only=True)))
        return register, {e.enterprise_id for e in desk.compliant_list.as_of(admin, today)}

    assert both() == ({listed.id}, {listed.id})
    [(on, label, reason)] = desk.compliant_list.history(admin, listed.id)
    assert on == today and label == "列入" and "台账导入" in reason
    _plan, again = _import(desk, admin, ledger)  # the same file: nothing more
    assert again.unchanged == 3 and len(desk.compliant_list.history(admin, listed.id)) == 1

    for view, tick in ((listed, False), (unlisted, True)):  # the form's tick: changes nothing
        draft = replace(view.to_draft(), on_compliant_list=tick)
        desk.enterprises.update(admin, view.id, draft, view.row_version)
    assert both() == ({listed.id}, {listed.id})
    assert len(desk.enterprises.history(admin, listed.id)) == 1  # made listed in one write

    from compliance_desk.services import compliant_list

    with desk.ctx.uow(admin) as uow:  # a penalty takes it off the list
        compliant_list.record_event(uow.session, listed.id, today, "left", "受到行政处罚，移出名单")
        uow.commit()
    _import(desk, admin, ledger)  # the old ledger again: its 是 does not put it back
    assert both() == (set(), set())


def test_the_demo_register_and_its_compliant_list_agree(desk: Desk, admin: CurrentUser) -> None:
    from compliance_desk.services.demo_data import load_demo
    from compliance_desk.services.enterprises import Filter

    load_demo(desk.ctx, "small", appeals=0)
    register = set(desk.enterprises.ids(admin, Filter(compliant_only=True)))
    entries = desk.compliant_list.as_of(admin, desk.compliant_list.today())
    assert register and register == {e.enterprise_id for e in entries}


def test_an_export_to_a_place_that_cannot_be_written_is_said_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that is not there, or one that cannot be written (a file Excel holds open on
    Windows): a Chinese reason, no half file and no temporary file left; text a clerk typed
    with "=" stays text in the workbook, never a formula Excel runs."""
    import errno

    from openpyxl import load_workbook

    from compliance_desk.domain.errors import DomainError
    from compliance_desk.services.ledger_files import save_bytes, write_rows

    with pytest.raises(DomainError) as missing:
        write_rows(tmp_path / "没有的文件夹" / "台账.xlsx", ["名称"], [["甲"]])
    assert "保存位置不存在" in missing.value.message_zh
    held = tmp_path / "回执.pdf"

    def excel_holds_it(self: Path, target: Path) -> Path:  # Windows, the file open in Excel
        raise PermissionError(errno.EACCES, "Permission denied", str(target))

    monkeypatch.setattr(Path, "replace", excel_holds_it)
    with pytest.raises(DomainError) as refused:
        save_bytes(held, b"%PDF-1.7")
    assert "没有写入该位置的权限，或文件正被其他程序（如 Excel）打开" in refused.value.message_zh
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []  # the temporary file went with the failure
    out = tmp_path / "公式.xlsx"
    write_rows(out, ["名称", "备注"], [['=HYPERLINK("http://x")', "=1+2"], ["甲", 3]])
    cells = list(load_workbook(out).active.iter_rows(values_only=False))
    assert [(c.value, c.data_type) for c in cells[1]] == [
        ('=HYPERLINK("http://x")', "s"),
        ("=1+2", "s"),
    ]
    assert list(tmp_path.glob("*.part")) == []
    # CSV: such a cell is written after an apostrophe (Excel shows it as text) and read back
    # as it was typed; other text is untouched.
    from compliance_desk.services.ledger_files import read_rows

    flat = tmp_path / "公式.csv"
    write_rows(flat, ["名称", "备注"], [["=1+2", "-未核实"], ["甲'乙", "'原样"]])
    text = flat.read_text(encoding="utf-8-sig")
    assert "'=1+2" in text and "'-未核实" in text
    assert [r.cells for r in read_rows(flat)][1:] == [["=1+2", "-未核实"], ["甲'乙", "'原样"]]


def test_headers_with_remarks_total_rows_and_namesakes(
    desk: Desk, clerk: CurrentUser, tmp_path: Path
) -> None:
    """A header with a remark in brackets (企业名称（全称）) or 单位全称 is the name; a total row
    written 合计：2家 is a total, not a row without a code; a row named as a registered
    enterprise with another code is pointed out before anything is written."""
    from compliance_desk.domain.enterprise import EnterpriseDraft

    desk.enterprises.create(
        clerk, EnterpriseDraft(name="崧厦蓝天伞业有限公司", uscc="91330604QU4AX6JM2M")
    )
    ledger = tmp_path / "名录.csv"
    ledger.write_text(
        "企业名称（全称）,统一社会信用代码,联系电话(手机)\n"
        "崧厦蓝天伞业有限公司,91330604K8FGWDMD69,13957667049\n"
        "上虞区新伞业有限公司,91330604DC4W5CE5CH,\n"
        "合计：2家,,\n",
        encoding="utf-8",
    )
    plan = desk.importer.plan(clerk, ledger)
    assert plan.problems == [] and len(plan.drafts) == 2
    assert plan.drafts[0][1].contact_phone == "13957667049"
    [namesake] = [n for n in plan.notices if "同名" in n]
    assert "第 2 行“崧厦蓝天伞业有限公司”" in namesake and "91330604QU4AX6JM2M" in namesake
    headless = tmp_path / "单位.csv"
    headless.write_text(
        "单位全称,信用代码\n上虞区新伞业有限公司,91330604DC4W5CE5CH\n", encoding="utf-8"
    )
    assert len(desk.importer.plan(clerk, headless).drafts) == 1
    wrong = tmp_path / "错.csv"
    wrong.write_text("企业,代码\n甲,1\n", encoding="utf-8")
    with pytest.raises(DomainError) as missing:
        desk.importer.plan(clerk, wrong)
    assert "--map" not in missing.value.message_zh and "“企业名称”" in missing.value.message_zh


def test_a_row_repeated_with_spaces_a_workbook_opening_on_its_instructions_and_unknown_fields(
    desk: Desk, clerk: CurrentUser, tmp_path: Path
) -> None:
    """A row typed again with spaces in its name, code and phone is the same row (it blocked
    the import as "内容不同"); the list on a workbook's second sheet is found (its first, the
    填表说明, made the importer ask to rename headers that were right; a hidden sheet is not
    read); a column mapped to no field is refused (it was dropped unsaid)."""
    book = Workbook()
    notes = book.active
    notes.title = "填表说明"
    notes.append(["请按下表填写，信用代码为18位"])
    hidden = book.create_sheet("旧表")
    hidden.append(["企业名称", "统一社会信用代码"])
    hidden.append(["隐藏的企业有限公司", "91330604MA2BXXXX1X"])
    hidden.sheet_state = "hidden"
    listing = book.create_sheet("企业名单")
    listing.append(["企业名称", "统一社会信用代码", "联系电话", "手机号码"])
    listing.append(["绍兴上虞晴川伞业有限公司", "91330604Q64CMN2579", "0575-82110000", "1"])
    listing.append(["绍兴上虞 晴川伞业 有限公司", "9133 0604 Q64C MN25 79", "0575 8211 0000", "1"])
    book.move_sheet("旧表", offset=-2)  # hidden, first
    path = tmp_path / "名单.xlsx"
    book.save(path)
    with pytest.raises(DomainError) as err:
        desk.importer.plan(clerk, path, {"手机号码": "phone"})
    assert "字段“phone”不存在" in err.value.message_zh and "contact_person" in err.value.message_zh
    plan = desk.importer.plan(clerk, path, {"手机号码": "备注"})  # a header it knows will do
    assert plan.sheet == "企业名单" and "已读取工作表“企业名单”" in plan.notices
    assert not plan.problems and len(plan.drafts) == 1
    assert any("第 3 行与第 2 行内容相同，只导入一次" in n for n in plan.notices)
    assert plan.drafts[0][1].notes == "1"


def test_the_centre_for_rows_without_one_and_its_industry_are_said(
    desk: Desk, clerk: CurrentUser
) -> None:
    """The game ledger with the clerk's own (umbrella) centre chosen: its rows took the
    umbrella industry unsaid."""
    centres = desk.reference.lookup(clerk, "centre")
    plan = desk.importer.plan(clerk, GAME, centre_id=centres["伞业合规中心"])
    assert plan.notices[0].startswith("25 行未注明合规中心，归入“伞业合规中心”")
    assert "所属产业随之记为“伞业”" in plan.notices[0] and "请另选合规中心" in plan.notices[0]


def test_a_name_registered_twice_in_the_file_itself_is_no_namesake_on_import_again(
    desk: Desk, clerk: CurrentUser
) -> None:
    """The umbrella ledger names 谢塘恒丰日用品有限公司 twice, with two codes: imported again,
    it was said to be a namesake of a registered enterprise (its own other row)."""
    _import(desk, clerk, UMBRELLA)
    plan = desk.importer.plan(clerk, UMBRELLA)
    assert not [n for n in plan.notices if "与已登记的企业同名" in n]


def test_a_layout_said_by_the_clerk_is_checked_and_read(
    desk: Desk, clerk: CurrentUser, tmp_path: Path
) -> None:
    from compliance_desk.services.enterprise_import import ColumnLayout, preview

    odd = tmp_path / "odd.csv"
    odd.write_text("纳税号,企业名字,联系方式\n91330604K8FGWDMD69,布局测试伞业有限公司,13800000000\n",
                   encoding="utf-8")  # fmt: skip
    with pytest.raises(DomainError):
        desk.importer.plan(clerk, odd)
    ((sheet, rows),) = preview(odd)
    assert sheet == "" and rows[0].cells == ["纳税号", "企业名字", "联系方式"]
    for columns, said in (({0: "uscc"}, "企业名称"), ({0: "uscc", 1: "name", 2: "name"}, "只能对应一列"),
                          ({0: "uscc", 1: "nickname"}, "未知的字段")):  # fmt: skip
        with pytest.raises(DomainError) as err:
            desk.importer.plan(clerk, odd, layout=ColumnLayout("", 1, columns))
        assert said in err.value.message_zh
    with pytest.raises(DomainError) as err:
        desk.importer.plan(clerk, odd, layout=ColumnLayout("", 9, {0: "uscc", 1: "name"}))
    assert "没有第 9 行" in err.value.message_zh
    plan = desk.importer.plan(clerk, odd, layout=ColumnLayout("", 1, {0: "uscc", 1: "name"}))
    assert [d.name for _n, d in plan.drafts] == ["布局测试伞业有限公司"]
    assert not [n for n in plan.notices if "无法识别" in n]  # left out by the clerk: not said
    assert plan.drafts[0][1].contact_phone == ""
