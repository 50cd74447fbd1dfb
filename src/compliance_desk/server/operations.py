"""The record of an operation id (``sync_operation``): what a replay of it gets back (rule 6).

A result stored as NULL means "applied" with nothing more to say: the bulk push claims a page of
plain inserts that way (one statement, no result of five fields built per operation), and a
replay is answered exactly as the stored result would have answered it.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

log = logging.getLogger("compliance_desk.server")


def applied(op_id: uuid.UUID | str) -> dict[str, Any]:
    """The answer for an applied operation (merge.Outcome("applied").as_result)."""
    return {"op_id": str(op_id), "status": "applied", "reason_zh": "", "reason_en": "",
            "conflict": None}  # fmt: skip


def replayed(op_id: uuid.UUID | str, stored: dict[str, Any] | None) -> dict[str, Any]:
    """What a replay of ``op_id`` gets: its stored result, NULL being "applied"."""
    return applied(op_id) if stored is None else dict(stored)


def answer_replay(op_id: uuid.UUID | str, digest: str, prior: Any) -> dict[str, Any]:
    """What a replay of ``op_id`` (fingerprint ``digest``) gets, ``prior`` being its record
    (payload_hash, result): the stored result, or a refusal when the payload differs."""
    if prior.payload_hash != digest:
        log.warning("operation %s replayed with a different payload: refused", op_id)
        return {"op_id": str(op_id), "status": "refused",
                "reason_zh": "同一操作编号的内容与先前不同，服务器拒绝处理",
                "reason_en": "same operation id, different payload", "conflict": None}  # fmt: skip
    return replayed(op_id, prior.result)
