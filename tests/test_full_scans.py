"""A clerk's everyday steps read the rows they need, not whole tables: registering an appeal,
opening it with its files, verifying its receipt's QR code, starting a letter, listing letters
(tests/sql_plans.py).  Each once read every appeal, attachment or letter: unnoticed on the
demo's data, a second and more on a desk or shared database that holds a million appeals.  On
SQLite and on PostgreSQL (a desk working on the shared database)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.front_desk import AppealDraft
from compliance_desk.services.demo_data import load_demo
from tests.letters_pdf import qr_codes
from tests.sql_plans import full_scans, recorded

CN = timezone(timedelta(hours=8))
LARGE = {"appeal", "appeal_event", "attachment", "enterprise", "visit", "audit_entry", "letter"}


def test_registering_opening_and_verifying_an_appeal_read_no_table_whole(
    desk: Desk, clock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 2, 13, 9, 30, tzinfo=CN)
    load_demo(desk.ctx, "small", appeals=20)
    desk.ctx.blob_root = tmp_path / "blobs"
    clerk = desk.auth.login("clerk", "Clerk2026")
    enterprise = desk.enterprises.search(clerk, "sx")[0]
    engine = desk.ctx.engine
    with recorded(engine) as registering:
        appeal = desk.appeals.open_appeal(
            clerk, AppealDraft(enterprise.id, "劳动合同续签问题", AppealTier.GENERAL, clock.now)
        )
    scan = tmp_path / "营业执照.jpg"
    scan.write_bytes(b"\xff\xd8scan" * 100)
    desk.appeals.attach(clerk, "appeal", appeal.id, scan)
    with recorded(engine) as opening:
        detail = desk.appeals.detail(clerk, appeal.id)
        files = desk.appeals.attachments(clerk, [detail.id])
    assert [f.filename for f in files] == ["营业执照.jpg"]
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(desk.appeals.receipt(clerk, appeal.id))
    (code,) = qr_codes(pdf, tmp_path)
    with recorded(engine) as verifying:
        assert desk.letters.verify(code).genuine
    adviser = desk.auth.login("adviser", "Adviser2026")
    department = desk.letters.issuing_departments(adviser)[0][0]
    with recorded(engine) as drafting:  # a letter's authority: its department's last letter's
        assert desk.letters.prefill(adviser, enterprise.id, department)["party"]
        desk.letters.letters(adviser)  # the letters page: the newest first
    for step, statements in (("register", registering), ("open", opening),
                             ("verify", verifying), ("draft", drafting)):  # fmt: skip
        assert statements, step
        assert full_scans(engine, statements, LARGE) == [], step
