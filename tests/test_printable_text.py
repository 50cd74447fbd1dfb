"""Text a letter cannot print is refused where it is typed, not found at the printer."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.domain.errors import ValidationError
from compliance_desk.domain.front_desk import AppealDraft, VisitDraft
from compliance_desk.domain.ids import new_id
from compliance_desk.domain.text import clean_name, unprintable

CN = timezone(timedelta(hours=8))
NOW = datetime(2026, 3, 2, 10, tzinfo=CN)


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("咨询😀直播带货合规", "😀"),
        ("伞面\x07图案", "\x07"),
        ("保密协议\ue000", "\ue000"),
        ("有限公司（分公司）①℃★", ""),  # symbols Chinese text uses are printable
        ("喆堃镕昇珺玥", ""),
    ],
)
def test_what_no_letter_can_print_is_found(text: str, bad: str) -> None:
    assert unprintable(text) == bad


def test_an_appeal_a_visitor_and_an_enterprise_refuse_it_in_chinese() -> None:
    with pytest.raises(ValidationError) as title:
        AppealDraft(new_id(), "咨询😀直播带货合规", AppealTier.SIMPLE, NOW).validated(NOW)
    assert "诉求事项中有无法打印的字符（😀）" in title.value.message_zh
    with pytest.raises(ValidationError) as visitor:
        VisitDraft(new_id(), "王\x1b五", NOW).validated(NOW)
    assert "来访人姓名中有无法打印的字符（U+001B）" in visitor.value.message_zh
    with pytest.raises(ValidationError) as name:
        EnterpriseDraft(name="🌂崧厦伞业有限公司", uscc="91330604QU4AX6JM2M").validated()
    assert "企业名称中有无法打印的字符" in name.value.problems["name"]
    # Invisible characters pasted from a web page are dropped like spaces, not refused:
    assert clean_name("崧厦\u200b伞业\ufeff") == "崧厦伞业"
    with pytest.raises(ValidationError) as empty:
        EnterpriseDraft(name="\u200b", uscc="91330604QU4AX6JM2M").validated()
    assert empty.value.problems["name"] == "企业名称不能为空"


def test_the_desk_never_saves_an_appeal_it_could_not_print_a_receipt_for(
    sqlite_desk: Desk, clock
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.services.demo_data import load_demo

    clock.now = NOW
    load_demo(sqlite_desk.ctx, "small", appeals=0)
    clerk = sqlite_desk.auth.login("clerk", "Clerk2026")
    enterprise = sqlite_desk.enterprises.search(clerk, "sx")[0]
    from compliance_desk.services.appeals import LogFilter

    before = sqlite_desk.appeal_log.count(clerk, LogFilter())
    with pytest.raises(ValidationError):
        sqlite_desk.appeals.open_appeal(
            clerk, AppealDraft(enterprise.id, "咨询😀", AppealTier.SIMPLE, clock.now)
        )
    assert sqlite_desk.appeal_log.count(clerk, LogFilter()) == before
