"""The official letters as printed: every required item, every character, the GB/T 9704 page."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance_desk.documents import signing
from compliance_desk.documents.fields import LetterDataError
from compliance_desk.documents.fonts import MissingCharacter
from compliance_desk.documents.kinds import KINDS
from compliance_desk.documents.linebreak import NO_END, NO_START
from compliance_desk.documents.render import LetterRequest, render
from compliance_desk.documents.templates import TemplateFault
from tests.letters_pdf import (
    MM,
    body_text,
    fonts,
    lines,
    normalised,
    pdf_text,
    qr_codes,
    sample,
    with_number,
)

KEY = signing.new_private_key()
PUBLIC = {signing.key_id(signing.public_key_of(KEY)): signing.public_key_of(KEY)}
NAME = "绍兴上虞喆堃镕昇珺玥伞业有限公司"  # characters GB2312 fonts lack

# What DOCUMENTS.md requires of each kind, as it must read on paper.
REQUIRED = {
    "penalty_decision": [
        "行政处罚决定书", "虞市监处罚〔2026〕12号", NAME, "住所(经营场所):浙江省绍兴市上虞区崧厦街道伞城大道8号",
        "违法事实和证据", "产品检验报告(编号ZJ2026-0117)", "违反的法律规定", "《中华人民共和国产品质量法》第十三条",
        "行政处罚的种类和依据", "依据《中华人民共和国产品质量法》第四十九条", "罚款人民币8,600元",
        "履行方式和期限", "十五日内", "申请行政复议", "六十日内向绍兴市上虞区人民政府申请行政复议",
        "六个月内依法向绍兴市上虞区人民法院提起行政诉讼", "《中华人民共和国行政复议法》第二十条",
        "绍兴市上虞区市场监督管理局", "2026年3月9日",
    ],
    "advice_letter": [
        "行政合规建议书", "虞市监合建〔2026〕12号", NAME, "产品标识不全,未标注执行标准", "风险等级:高风险",
        "法律依据:《中华人民共和国产品质量法》第二十七条", "整改建议:对库存及在售产品逐一补正标识",
        "进货查验记录不完整", "风险等级:中风险", "请你单位于2026年6月30日前完成整改", "申请整改验收",
        "0575-82112345", "2026年3月9日",
    ],
    "credit_repair_notice": [
        "信用修复告知书", "虞市监信修〔2026〕12号", NAME, "虞市监处罚〔2026〕12号《行政处罚决定书》",
        "2026年3月9日", "《失信行为纠正后的信用信息修复管理办法(试行)》", "国家企业信用信息公示系统",
        "最短公示期为三个月,最长公示期为一年", "修复条件", "信用修复申请书或者信用承诺书",
        "已履行行政处罚决定的证明材料", "营业执照复印件", "授权委托书", "信用中国", "www.creditchina.gov.cn",
        "0575-82112345",
    ],
    "no_penalty_decision": [
        "不予行政处罚决定书", "虞市监不罚〔2026〕12号", NAME, "违法事实和证据", "违反的法律规定",
        "《中华人民共和国行政处罚法》第三十三条第一款,决定对当事人不予行政处罚", "教育情况",
        "当事人签署了合规经营承诺书", "六十日内", "六个月内", "2026年3月9日",
    ],
    "service_receipt": [
        "送达回证", "行政处罚决定书(虞市监处罚〔2026〕12号)", "行政合规建议书(虞市监合建〔2026〕7号)",
        "信用修复告知书(虞市监信修〔2026〕5号)", f"受送达人{NAME}", "送达方式直接送达", "签名或盖章",
        "见证人签名", "年月日", "送达人签名王珺、李玥",
    ],
    "appeal_receipt": [
        "诉求受理回执", "20260213-K7Q4M", NAME, "一般性问题", "2026年3月5日24时", "劳动合同续签问题&<岗位调整>",
        "查询办理进度", "民法典",
    ],
}  # fmt: skip


def issued(kind: str, **changes: object) -> LetterRequest:
    data = sample(kind, **changes)
    if KINDS[kind].series:
        data.setdefault("number", f"虞市监{KINDS[kind].series}〔2026〕12号")
    return LetterRequest(kind, data)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("letters")
    out = {}
    for kind in KINDS:
        path = folder / f"{kind}.pdf"
        path.write_bytes(render([issued(kind)], KEY))
        out[kind] = path
    return out


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_required_item_is_on_paper(rendered: dict[str, Path], kind: str) -> None:
    text = body_text(rendered[kind])
    missing = [item for item in REQUIRED[kind] if normalised(item) not in text]
    assert not missing, f"{kind} lacks {missing}"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_font_is_embedded_truetype(rendered: dict[str, Path], kind: str) -> None:
    found = fonts(rendered[kind])
    assert found
    assert all(emb == "yes" and kind_ == "TrueType" for _, kind_, emb in found), found
    assert not any("Helvetica" in name for name, _, _ in found)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_page_follows_gbt_9704(rendered: dict[str, Path], kind: str) -> None:
    text_lines = [ln for ln in lines(rendered[kind]) if ln.y1 < 37 * MM + 225 * MM + 1]
    left, right, top = 28 * MM, 28 * MM + 156 * MM, 37 * MM
    assert min(ln.x0 for ln in text_lines) == pytest.approx(left, abs=0.5)
    assert max(ln.x1 for ln in text_lines) <= right + 0.5
    assert min(ln.y0 for ln in text_lines) >= top - 0.5
    for ln in text_lines:
        assert ln.text[0] not in NO_START, f"line starts with closing punctuation: {ln.text}"
        assert ln.text[-1] not in NO_END, f"line ends with an opening bracket: {ln.text}"


def test_a_full_body_line_holds_28_characters_and_a_page_22_lines(tmp_path: Path) -> None:
    request = issued("penalty_decision", facts="经查明当事人违法行为属实" * 200)
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(render([request], KEY))
    page2 = [ln for ln in lines(pdf) if ln.page == 2 and ln.y1 < 37 * MM + 225 * MM + 1]
    assert len(page2) == 22
    widths = {len(ln.text) for ln in page2}
    assert 28 in widths and max(widths) == 28
    pitch = [b.y0 - a.y0 for a, b in zip(page2, page2[1:], strict=False)]
    assert all(p == pytest.approx(225 * MM / 22, abs=0.05) for p in pitch)


def test_page_numbers_odd_right_even_left(tmp_path: Path) -> None:
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(render([issued("penalty_decision", facts="事实" * 600)], KEY))
    folios = [ln for ln in lines(pdf) if ln.text.startswith("—")]
    assert [f.text for f in folios[:3]] == ["—1—", "—2—", "—3—"]
    one, two = folios[0], folios[1]
    assert one.x1 == pytest.approx(28 * MM + 156 * MM - 14, abs=1)  # one character in from right
    assert two.x0 == pytest.approx(28 * MM + 14, abs=1)
    assert one.y0 == pytest.approx(37 * MM + 225 * MM + 7 * MM, abs=1.5)


def test_the_seal_never_stands_alone_on_a_page(tmp_path: Path) -> None:
    # Find a length of facts that fills the page exactly, then check the last page has text.
    for n in range(180, 260, 7):
        pdf = tmp_path / f"fill{n}.pdf"
        pdf.write_bytes(render([issued("penalty_decision", facts="查" * n * 2)], KEY))
        body = [ln for ln in lines(pdf) if ln.y1 < 37 * MM + 225 * MM + 1]
        last_page = max(ln.page for ln in body)
        on_last = [ln.text for ln in body if ln.page == last_page]
        assert on_last[-1] == "2026年3月9日"
        assert len(on_last) >= 4, f"signature alone on the last page: {on_last}"


def test_the_qr_code_verifies_and_a_tampered_one_does_not(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    (code,) = qr_codes(rendered["penalty_decision"], tmp_path)
    assert code.isascii()  # a scanner that types like a keyboard can enter it
    ref = signing.verify(code, PUBLIC)
    assert ref.number == "虞市监处罚〔2026〕12号"
    assert ref.enterprise == "91330604QU4AX6JM2M"
    assert normalised(f"核验码{ref.short_code}") in pdf_text(rendered["penalty_decision"])
    for bad in (
        with_number(code, "虞市监处罚〔2026〕13号"),
        code.replace("20260309", "20260310"),
        code[:-10],
        code.rsplit("|", 1)[0],
        "hello",
    ):
        with pytest.raises(signing.Forged) as err:
            signing.verify(bad, PUBLIC)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.message_zh)
    other = signing.new_private_key()
    with pytest.raises(signing.Forged) as err:
        signing.verify(code, {signing.key_id(signing.public_key_of(other)): b"x" * 32})
    assert "密钥" in err.value.message_zh


def test_a_draft_has_a_watermark_and_no_number_or_code(tmp_path: Path) -> None:
    data = sample("penalty_decision", number="虞市监处罚〔2026〕99号")
    pdf = tmp_path / "draft.pdf"
    pdf.write_bytes(render([LetterRequest("penalty_decision", data, draft=True)]))
    text = pdf_text(pdf)
    assert (
        "草稿·未经批准,不得作为正式文书送达" in text
        and "〔2026〕99号" not in text
        and "核验码" not in text
    )
    assert qr_codes(pdf, tmp_path) == []


def test_an_issued_letter_needs_a_number_and_a_key() -> None:
    data = sample("penalty_decision")
    with pytest.raises(LetterDataError) as err:
        render([LetterRequest("penalty_decision", data)], KEY)
    assert "文号" in err.value.message_zh
    with pytest.raises(LetterDataError) as err:
        render([issued("penalty_decision")])
    assert "签名密钥" in err.value.message_zh


def test_missing_fields_are_all_listed_in_chinese() -> None:
    data = sample("penalty_decision", facts="", court=None)
    del data["party"]["address"]
    with pytest.raises(LetterDataError) as err:
        render([issued("penalty_decision", **data)], KEY)
    assert err.value.problems == [
        "缺少“当事人·住所（经营场所）”",
        "缺少“违法事实”",
        "缺少“管辖人民法院”",
    ]


def test_a_character_no_font_has_stops_printing() -> None:
    party = sample("penalty_decision")["party"] | {"name": "绍兴\U0002a6d6伞业有限公司"}
    with pytest.raises(MissingCharacter) as err:
        render([issued("penalty_decision", party=party)], KEY)
    assert "U+2A6D6" in err.value.message_zh and "缺字" in err.value.message_zh


def test_a_5000_character_finding_is_printed_whole(tmp_path: Path) -> None:
    finding = ("当事人未按规定建立进货查验记录，" * 320)[:5000]
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(render([issued("penalty_decision", facts=finding)], KEY))
    assert normalised(finding) in body_text(pdf)


def test_ampersand_and_angle_brackets_print_as_typed(tmp_path: Path) -> None:
    party = sample("penalty_decision")["party"] | {"name": "上虞<R&D>伞业有限公司"}
    pdf = tmp_path / "amp.pdf"
    pdf.write_bytes(render([issued("penalty_decision", party=party)], KEY))
    assert "当事人:上虞<R&D>伞业有限公司" in pdf_text(pdf)


def test_rectification_needs_at_least_three_months() -> None:
    with pytest.raises(LetterDataError) as err:
        render([issued("advice_letter", rectification_deadline="2026-06-08")], KEY)
    assert "整改期限应不早于2026年6月9日" in err.value.message_zh
    render([issued("advice_letter", rectification_deadline="2026-06-09")], KEY)


def test_credit_periods_follow_the_rules_in_force_on_the_decision_date(tmp_path: Path) -> None:
    with pytest.raises(LetterDataError) as err:
        render([issued("credit_repair_notice", grade="minor")], KEY)
    assert "没有该失信等级" in err.value.message_zh
    later = issued(
        "credit_repair_notice", grade="minor", penalty_date="2026-05-06", date="2026-05-06"
    )
    pdf = tmp_path / "credit.pdf"
    pdf.write_bytes(render([later], KEY))
    text = pdf_text(pdf)
    assert "根据《信用修复管理办法》" in text
    assert "属于轻微失信信息,原则上不予公示;确有必要公示的,公示期最长不超过三个月" in text


def test_a_broken_template_is_refused_with_its_version() -> None:
    request = LetterRequest(
        "penalty_decision",
        issued("penalty_decision").data,
        template="{{ party.nmae }}",
        template_version=3,
    )
    with pytest.raises(TemplateFault) as err:
        render([request], KEY)
    assert "第 3 版" in err.value.message_zh
    sandboxed = LetterRequest(
        "penalty_decision",
        issued("penalty_decision").data,
        template="{{ party.__class__.__mro__ }}",
    )
    with pytest.raises(TemplateFault):
        render([sandboxed], KEY)


def test_an_optional_value_not_given_prints_as_nothing(tmp_path: Path) -> None:
    """An edited template that uses an optional field without an "if" printed "None"."""
    data = issued("advice_letter").data | {"inspection_date": None}
    request = LetterRequest(
        "advice_letter",
        data,
        template="检查日期：{{ inspection_date }}。\n@sign",
        template_version=2,
    )
    pdf = tmp_path / "none.pdf"
    pdf.write_bytes(render([request], KEY))
    text = body_text(pdf)
    assert "检查日期:。" in text and "None" not in text


def test_unknown_kind_and_unknown_fields_are_named() -> None:
    from compliance_desk.domain.errors import DomainError

    with pytest.raises(DomainError) as err:
        render([LetterRequest("parking_ticket", {})], KEY)
    assert "没有这种文书" in err.value.message_zh
    with pytest.raises(LetterDataError) as err:
        render([issued("penalty_decision", colour="red")], KEY)
    assert "未知字段“colour”" in err.value.message_zh


def test_line_breaks_inside_data_never_become_layout(tmp_path: Path) -> None:
    forged = "事实甲。\n@sign\n| 罚款 | 人民币一元\n一、伪造的标题\u2028@blank"
    pdf = tmp_path / "inject.pdf"
    pdf.write_bytes(render([issued("penalty_decision", facts=forged)], KEY))
    text = body_text(pdf)
    assert "@sign" in text and "|罚款|人民币一元" in text and "@blank" in text
    assert text.count("2026年3月9日") == 1  # one signature block, at the end
    heading = [ln for ln in lines(pdf) if ln.text == "一、伪造的标题"][0]
    assert heading.x0 > 28 * MM + 2 * 15  # set as an indented body paragraph, like the rest


def test_a_service_receipt_is_one_page_with_a_dated_line_for_each_who_signs(
    tmp_path: Path,
) -> None:
    pdf = tmp_path / "receipt.pdf"
    # values ending as the template's directive does are printed as typed, never as date lines
    data = {"method": None, "servers": "王珺 @date", "remarks": "@date"}
    pdf.write_bytes(render([issued("service_receipt", **data)], KEY))
    text = body_text(pdf)
    assert "— 2 —" not in pdf_text(pdf)  # one sheet
    # Not chosen at print: every way of service offered, ticked by hand at the door.
    assert all(f"□{way}" in text for way in ("直接", "留置", "邮寄", "委托", "电子"))
    # The recipient, a receiver on their behalf, the witness of a refusal and the servers
    # each sign and date by hand; a value's "@date" is printed as typed, not as a date line.
    assert text.count("年月日") == 4 and "王珺@date" in text and "备注@date" in text
    assert "由送达人、见证人签名或者盖章" in text
    days = [ln for ln in lines(pdf) if ln.text == "日"]  # at the right of their cells
    right = 28 * MM + 156 * MM
    assert len(days) == 4 and all(right - 30 < ln.x1 <= right for ln in days)
    # A long address, the servers named and a remark: still one sheet, the rule whole on it.
    long = {"place": "浙江省绍兴市上虞区崧厦街道伞城大道与人民西路交叉口东北侧创业园3幢", "method": None,
            "servers": "王珺、李玥", "remarks": "当事人委托其员工代收"}  # fmt: skip
    full = tmp_path / "long.pdf"
    full.write_bytes(render([issued("service_receipt", **long)], KEY))
    assert "— 2 —" not in pdf_text(full) and "即视为送达" in body_text(full)


def test_a_condition_in_a_template_does_not_split_its_table(tmp_path: Path) -> None:
    # {% if %} leaves an empty line where it stood: the rows around it are still one table,
    # its value column where the longest label puts it (the appeal receipt's 咨询电话 row).
    body = "| 甲 | 一\n{% if method %}\n| 送达方式之说明 | {{ method }}\n{% endif %}\n| 乙 | 二\n"
    pdf = tmp_path / "table.pdf"
    pdf.write_bytes(render([LetterRequest("service_receipt", sample("service_receipt"), body,
                                          draft=True)]))  # fmt: skip
    starts = {round(ln.x0) for ln in lines(pdf) if ln.text in ("一", "直接送达", "二")}
    assert len(starts) == 1


def test_control_and_private_use_characters_are_refused() -> None:
    for name in ("绍兴\x07伞业有限公司", "绍兴\ue123伞业有限公司", "绍兴\n伞业有限公司"):
        party = sample("penalty_decision")["party"] | {"name": name}
        with pytest.raises(LetterDataError) as err:
            render([issued("penalty_decision", party=party)], KEY)
        assert "当事人·名称" in err.value.message_zh


def test_a_malformed_number_is_refused() -> None:
    with pytest.raises(LetterDataError) as err:
        render([issued("penalty_decision", number="虞市监处罚【2026】第012号")], KEY)
    assert "文号格式不对" in err.value.message_zh


def test_a_table_cell_taller_than_a_page_continues_on_the_next(tmp_path: Path) -> None:
    docs = [{"title": "行政处罚决定书", "number": f"虞市监处罚〔2026〕{n}号"} for n in range(1, 61)]
    pdf = tmp_path / "many.pdf"
    pdf.write_bytes(render([issued("service_receipt", documents=docs)], KEY))
    text = body_text(pdf)
    assert all(f"〔2026〕{n}号" in text for n in range(1, 61)) and "(续)" in text
    bottom = 37 * MM + 225 * MM
    assert all(
        ln.y1 <= bottom + 1 for ln in lines(pdf) if not ln.text.startswith(("—", "扫码", "核验"))
    )


def test_a_warning_alone_prints_no_late_payment_clause(tmp_path: Path) -> None:
    pdf = tmp_path / "warning.pdf"
    pdf.write_bytes(render([issued("penalty_decision", penalty="警告")], KEY))
    assert "加处罚款" not in pdf_text(pdf)
    fine = tmp_path / "fine.pdf"
    fine.write_bytes(render([issued("penalty_decision")], KEY))
    assert "加处罚款的数额不得超出罚款的数额" in body_text(fine)


def test_a_code_changed_in_form_is_refused(rendered: dict[str, Path], tmp_path: Path) -> None:
    (code,) = qr_codes(rendered["penalty_decision"], tmp_path)
    parts = code.split("|")
    for bad in (
        "|".join(parts[:3] + [parts[3] + "-FORGED"] + parts[4:]),
        "|".join(parts[:1] + [parts[1] + "!!"] + parts[2:]),
        code + "=",
    ):
        with pytest.raises(signing.Forged):
            signing.verify(bad, PUBLIC)


def test_templates_cannot_exhaust_memory_or_crash() -> None:
    data = issued("penalty_decision").data
    for body in ("{{ 'x' * 400000000 }}", "{{ 2 ** 100000 }}", "{{ facts|cn_date }}"):
        with pytest.raises(TemplateFault):
            render([LetterRequest("penalty_decision", data, template=body)], KEY)


def test_a_letters_phone_is_checked_when_drafted_never_when_reprinted() -> None:
    """An issued letter is reprinted and verified as issued (rules=False): a phone the rule
    would now refuse must not make a genuine letter look altered; service lines pass."""
    from compliance_desk.documents.fields import LetterDataError
    from compliance_desk.documents.kinds import check_data

    kind = KINDS["advice_letter"]
    odd = kind.sample() | {"contact_phone": "咨询请拨窗口"}
    assert check_data(kind, odd, rules=False)["contact_phone"] == "咨询请拨窗口"
    with pytest.raises(LetterDataError) as refused:
        check_data(kind, odd)
    assert "联系电话格式不正确" in refused.value.message_zh
    for fine in ("12345", "400-123-4567", "0575-82110174 13957667049", "0575 8211 0174"):
        assert check_data(kind, kind.sample() | {"contact_phone": fine})["contact_phone"] == fine


def test_a_copy_of_a_known_font_chosen_from_another_folder_is_the_one_used(tmp_path: Path) -> None:
    """Fonts were registered by file name alone: a copy of the bundled (or a system) font
    chosen elsewhere was refused as "not embeddable" and never used."""
    import shutil

    from compliance_desk.documents.fonts import bundled_font, check_file, role_fonts

    copy = tmp_path / Path(bundled_font().path).name
    shutil.copy(bundled_font().path, copy)
    check_file("fangsong", str(copy))
    (body,) = [f for f in role_fonts({"fangsong": str(copy)}) if f.role == "fangsong"]
    assert body.chosen and body.path == str(copy)


def test_a_value_after_a_table_and_an_empty_line_is_a_paragraph_not_the_last_cell() -> None:
    """Empty lines no longer end a table (an {% if %} leaves them between rows); a value set
    on its own after one, which looks like a heading, was folded into the table's last cell."""
    from compliance_desk.documents.gbt9704 import Para, Table
    from compliance_desk.documents.templates import blocks, expand

    lines = expand(
        "| 甲 | {{ a }}\n\n{{ b }}\n", {"a": "第一行\n第二行", "b": "一、不是表格里的字"}
    )
    table, para = blocks(lines, "某局", "2026年3月9日")
    assert isinstance(table, Table) and table.rows == (("甲", "第一行\n第二行"),)
    assert isinstance(para, Para) and para.spans[0].text == "一、不是表格里的字"
