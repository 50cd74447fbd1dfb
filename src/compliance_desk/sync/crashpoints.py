"""Named points in a sync where a test may kill the client process (SYNC.md: "the process
killed at every step of a sync, then restarted").

``COMPLIANCE_DESK_SYNC_CRASH_AT=STEP`` makes the process end at once with ``os._exit`` (no
clean-up, no commit, no flush: as a power cut or a kill -9 would) when it reaches STEP.  Unset,
each point costs one dictionary look-up.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger("compliance_desk.sync")

ENV = "COMPLIANCE_DESK_SYNC_CRASH_AT"
EXIT_CODE = 86
STEPS = (
    "after_handshake",  # the server knows us; nothing sent
    "push_prepared",  # the batch's attempt counters committed locally; not sent
    "blob_mid_upload",  # part of a file uploaded
    "push_answered",  # the server committed the batch; its answer not yet recorded here
    "push_recorded",  # the answer recorded; nothing pulled
    "pull_applied",  # a pulled batch applied, its transaction (rows and cursor) not committed
    "pull_committed",  # a pulled batch and its cursor committed; files not yet downloaded
)


def reached(step: str) -> None:
    if os.environ.get(ENV) == step:
        log.warning("test crash point %s reached: exiting", step)
        os._exit(EXIT_CODE)
