"""Helpers for GUI tests (no tests here)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from compliance_desk.services.dto import EnterpriseView


def fake_view(enterprise_id: uuid.UUID) -> EnterpriseView:
    now = datetime.now(UTC)
    return EnterpriseView(
        enterprise_id,
        1,
        f"企业{enterprise_id.hex[:6]}",
        "",
        None,
        "",
        None,
        "",
        None,
        "",
        "",
        "",
        "",
        "",
        None,
        None,
        False,
        False,
        "",
        now,
        now,
        False,
    )
