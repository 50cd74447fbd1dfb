"""The appeal receipt as printed: text read back, fonts embedded, QR decoded, no lost characters."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from compliance_desk.documents.fonts import MissingCharacter, chain
from compliance_desk.documents.receipt import ReceiptData, _wrap, chinese_date, render_receipt

DATA = ReceiptData(
    number="20260213-K7Q4M",
    enterprise_name="绍兴上虞喆堃镕昇珺玥伞业有限公司",  # characters GB2312 fonts lack
    uscc="91330604QU4AX6JM2M",
    title="劳动合同续签问题 & <岗位调整>",
    tier_label="一般性问题",
    received="2026年2月13日 09:30",
    deadline=date(2026, 3, 5),
    provisional=False,
    centre_name="伞业合规中心",
    desk_phone="0575-82112345",
    explanation="受理日 2026-02-13 不计入\n  跳过 2026-02-15 至 2026-02-23：春节假期",
    reference="CD-APPEAL|20260213-K7Q4M|91330604QU4AX6JM2M|2026-02-13",
)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run `./installer/setup.sh test`")
    return path


def _text(pdf: Path) -> str:
    out = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return unicodedata.normalize("NFKC", "".join(out.stdout.split()))


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(render_receipt(DATA))
    return path


def test_the_receipt_says_what_the_enterprise_needs(pdf: Path) -> None:
    text = _text(pdf)
    for required in ("诉求受理回执", "20260213-K7Q4M", "绍兴上虞喆堃镕昇珺玥伞业有限公司", "一般性问题",
                     "2026年3月5日24时", "劳动合同续签问题&<岗位调整>", "扫码查询办理进度", "民法典"):  # fmt: skip
        assert required in text, required


def test_every_font_is_embedded(pdf: Path) -> None:
    out = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True)
    rows = out.stdout.strip().splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), out.stdout  # the emb column
    assert "Helvetica" not in out.stdout


def test_the_qr_code_decodes_to_the_reference(pdf: Path, tmp_path: Path) -> None:
    subprocess.run(
        [_tool("pdftoppm"), "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True
    )
    page = next(tmp_path.glob("page*.png"))
    out = subprocess.run(
        [_tool("zbarimg"), "-q", "--raw", str(page)], capture_output=True, text=True
    )
    assert out.stdout.strip() == DATA.reference


def test_a_character_no_font_has_is_refused_not_dropped() -> None:
    with pytest.raises(MissingCharacter) as info:
        render_receipt(DATA.__class__(**{**DATA.__dict__, "enterprise_name": "某某\U0001f600公司"}))
    assert "U+1F600" in info.value.message_zh and "缺字" in info.value.message_zh


def test_no_line_starts_with_closing_punctuation() -> None:
    song = chain("song")
    lines = _wrap(song, "甲" * 9 + "，乙丙。" * 6, 10, song.width("甲" * 10, 10))
    assert len(lines) > 1 and not any(line[:1] in "，。" for line in lines)
    assert "".join(lines) == "甲" * 9 + "，乙丙。" * 6


def test_dates_are_written_without_padding() -> None:
    assert chinese_date(date(2026, 3, 9)) == "2026年3月9日"


def test_long_fields_flow_onto_a_second_page_not_off_the_first(tmp_path: Path) -> None:
    long = DATA.__class__(
        **{
            **DATA.__dict__,
            "title": "劳动合同" * 50,  # the 200-character maximum
            "explanation": "\n".join(
                f"  跳过第{n}段：春节假期、周六休息、周日休息" for n in range(60)
            ),
        }
    )
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(render_receipt(long))
    pages = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True).stdout
    count = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
    assert count >= 2
    text = _text(pdf)
    assert "跳过第59段" in text and "民法典" in text and ("劳动合同" * 50) in text
