from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compliance_desk.domain import phone, uscc
from compliance_desk.domain.duplicates import near_identical
from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.domain.errors import ValidationError
from compliance_desk.domain.ledger import field_for_header, parse_date, parse_size
from compliance_desk.domain.search_keys import pinyin_full, pinyin_initials

VALID = "91330604QU4AX6JM2M"


@pytest.mark.parametrize(
    "raw",
    [
        "９１３３０６０４ＰＱＵ６ＮＱＰＥＸＷ",
        "91330604br6addaj6w",
        "913306 04ULKQ 77EB4C",
        " 91330604QU4AX6JM2M ",
    ],
)
def test_codes_as_ledgers_type_them_are_normalised_and_valid(raw: str) -> None:
    assert uscc.problem(raw) is None
    assert len(uscc.normalise(raw)) == 18
    assert uscc.normalise(raw) == uscc.normalise(raw).upper().replace(" ", "")


def test_a_wrong_check_character_is_explained_with_the_right_one() -> None:
    wrong = VALID[:-1] + ("A" if VALID[-1] != "A" else "B")
    message = uscc.problem(wrong)
    assert message is not None and "校验位" in message and f"应为 {VALID[-1]}" in message


@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("9133060", "18位"),
        ("", "不能为空"),
        ("AB330604QU4AX6JM2M", "前8位"),
        ("91330604QU4AX6JMIO", "不允许"),
    ],
)
def test_each_kind_of_bad_code_gets_its_own_chinese_reason(raw: str, word: str) -> None:
    message = uscc.problem(raw)
    assert message is not None and word in message


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9))
def test_generated_codes_always_validate(body: str) -> None:
    assert uscc.problem(uscc.with_check_character("91330604" + body)) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13957667049转8001", "13957667049转8001"),
        ("0575 8211 0174", "0575-82110174"),
        ("0575-82119484", "0575-82119484"),
        ("１３９５７６６７０４９", "13957667049"),
    ],
)
def test_phones_from_ledgers_are_accepted_and_normalised_idempotently(
    raw: str, expected: str
) -> None:
    assert phone.problem(raw) is None
    assert phone.normalise(raw) == expected
    assert phone.normalise(expected) == expected


@pytest.mark.parametrize("raw", ["123", "abc", "1395766704", "2395766704912"])
def test_malformed_phones_are_refused_in_chinese(raw: str) -> None:
    message = phone.problem(raw)
    assert message is not None and "联系电话" in message


def test_an_enterprise_keeps_several_numbers_as_a_ledger_gives_them() -> None:
    """ "0575-82110174/13957667049" in a ledger's phone column refused the row."""
    draft = EnterpriseDraft(name="绍兴多号伞业有限公司", uscc="91330604K8FGWDMD69",
                            contact_phone="0575 8211 0174/13957667049").validated()  # fmt: skip
    assert draft.contact_phone == "0575-82110174、13957667049"
    assert draft.validated() == draft  # the same when saved again
    with pytest.raises(ValidationError) as info:
        EnterpriseDraft(name="绍兴多号伞业有限公司", uscc="91330604K8FGWDMD69",
                        contact_phone="0575-82110174/123").validated()  # fmt: skip
    assert "联系电话" in info.value.problems["contact_phone"]


def test_draft_validation_lists_every_bad_field_at_once() -> None:
    with pytest.raises(ValidationError) as info:
        EnterpriseDraft(name="  ", uscc="123", contact_phone="abc").validated()
    assert set(info.value.problems) == {"name", "uscc", "contact_phone"}
    assert "企业名称不能为空" in info.value.message_zh


def test_a_ten_megabyte_name_is_refused_not_stored() -> None:
    with pytest.raises(ValidationError) as info:
        EnterpriseDraft(name="伞" * 10_000_000, uscc=VALID).validated()
    assert "过长" in info.value.problems["name"]


def test_draft_cleaning_trims_names_and_normalises_codes() -> None:
    d = EnterpriseDraft(name=" 浙东恒丰制伞有限公司 ", uscc="91330604ueudkn4w6d").validated()
    assert d.name == "浙东恒丰制伞有限公司"
    assert d.uscc == "91330604UEUDKN4W6D"


def test_local_place_names_get_their_local_reading() -> None:
    assert pinyin_full("崧厦伞业") == "songxiasanye"
    assert pinyin_initials("崧厦伞业") == "sxsy"


def test_near_identical_names() -> None:
    assert near_identical("崧厦蓝天伞骨厂", "崧厦蓝天伞骨有限公司")
    assert near_identical("上虞蓝天伞业有限公司", "上虞 蓝天伞业有限公司")
    assert not near_identical("上虞蓝天伞业有限公司", "谢塘恒丰日用品有限公司")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2022/07/18", date(2022, 7, 18)),
        ("2023年9月", date(2023, 9, 1)),
        ("44927", date(2023, 1, 1)),
        ("2021.3.5", date(2021, 3, 5)),
        ("2024-03-05", date(2024, 3, 5)),
    ],
)
def test_the_four_ways_ledgers_write_dates(raw: str, expected: date) -> None:
    assert parse_date(raw) == expected


def test_unreadable_dates_and_sizes_say_why() -> None:
    with pytest.raises(ValueError, match="无法识别的日期"):
        parse_date("去年春天")
    with pytest.raises(ValueError, match="企业规模"):
        parse_size("巨型")


def test_header_synonyms() -> None:
    assert field_for_header("单位名称") == "name"
    assert field_for_header("信用代码") == "uscc"
    assert field_for_header("手机") == "contact_phone"
    assert field_for_header(" 统一社会信用代码 ") == "uscc"
    assert field_for_header("成立日期") is None
