"""Helpers for GUI tests (no tests here)."""

from __future__ import annotations

import uuid

from compliance_desk.services.dto import EnterpriseView


def fake_view(enterprise_id: uuid.UUID) -> EnterpriseView:
    return EnterpriseView.placeholder(enterprise_id, f"企业{enterprise_id.hex[:6]}", False)
