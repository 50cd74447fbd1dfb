"""A sync shares the interpreter with the window's event loop: while it runs, the objects alive
before it are out of the collector's full passes (sync/gc_pause.py) and GIL turns are short
(sync/switching.py); afterwards both are as they were."""

from __future__ import annotations

import gc
import sys
import threading
from typing import Any

import pytest

from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.sync import replica, switching
from tests.sync_support import Rig
from tests.test_sync_pull_bulk import USCC


@pytest.mark.postgres
def test_a_sync_runs_with_short_turns_and_a_frozen_heap_then_restores_both(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()
    a.desk.enterprises.create(a.user(), EnterpriseDraft(name="崧厦晴雨伞业有限公司", uscc=USCC))
    a.sync.sync_once()
    seen: list[tuple[float, int]] = []
    apply = replica.apply_pulled

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append((sys.getswitchinterval(), gc.get_freeze_count()))
        return apply(*args, **kwargs)

    monkeypatch.setattr(replica, "apply_pulled", watched)
    before = sys.getswitchinterval()
    assert b.sync.sync_once().pulled >= 1
    assert seen and all(i == switching.SYNC_INTERVAL and frozen > 0 for i, frozen in seen)
    assert sys.getswitchinterval() == before and gc.get_freeze_count() == 0


def test_overlapping_syncs_share_one_setting_and_the_last_restores_it() -> None:
    before = sys.getswitchinterval()
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with switching.short_turns():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(5)
    with switching.short_turns():
        assert sys.getswitchinterval() == switching.SYNC_INTERVAL
    assert sys.getswitchinterval() == switching.SYNC_INTERVAL  # the other sync still runs
    leave.set()
    thread.join()
    assert sys.getswitchinterval() == before
