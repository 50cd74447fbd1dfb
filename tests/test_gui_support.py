"""Helpers for GUI tests (no tests here)."""

from __future__ import annotations

import uuid

from compliance_desk.services.dto import EnterpriseView


def fake_view(enterprise_id: uuid.UUID) -> EnterpriseView:
    return EnterpriseView.placeholder(enterprise_id, f"企业{enterprise_id.hex[:6]}", False)


def test_a_result_for_a_closed_window_is_dropped_not_raised(qtbot) -> None:  # type: ignore[no-untyped-def]
    import shiboken6
    from PySide6.QtWidgets import QLabel

    from compliance_desk.gui.tasks import TaskRunner

    runner = TaskRunner(synchronous=True)
    label = QLabel()
    shiboken6.delete(label)  # the page was closed before the task finished
    runner._deliver((lambda text: label.setText(text), lambda exc: None), "late", None)

    def broken(_result: object) -> None:
        raise RuntimeError("a real bug")

    import pytest

    with pytest.raises(RuntimeError, match="a real bug"):
        runner._deliver((broken, lambda exc: None), "x", None)
