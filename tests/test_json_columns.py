"""JSON columns on SQLite are written by orjson (persistence/db.py ``json_text``): UTF-8 text
without escapes or spaces (a pulled backlog's audit entries: half the bytes, a few times less
CPU), read back as the values written, with json.dumps taking what orjson refuses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import StatementError

from compliance_desk.bootstrap import Desk
from compliance_desk.persistence.db import json_text
from compliance_desk.sync import codec


def _write(desk: Desk, changes: Any) -> tuple[str, Any]:
    tbl = codec.table("audit_entry")
    row_id = uuid.uuid4()
    with desk.ctx.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # made-up user and device
        connection.commit()
        try:
            with connection.begin():
                connection.execute(insert(tbl).values(
                    id=row_id, at=datetime.now(UTC), user_id=uuid.uuid4(),
                    device_id=uuid.uuid4(), table_name="enterprise", row_id=uuid.uuid4(),
                    action="update", changes=changes,
                ))  # fmt: skip
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.commit()
        stored = connection.exec_driver_sql(
            "SELECT changes FROM audit_entry WHERE id = ?", (row_id.hex,)
        ).scalar_one()
        back = connection.execute(select(tbl.c.changes).where(tbl.c.id == row_id)).scalar_one()
    return stored, back


def test_a_json_column_is_stored_as_utf8_text_and_read_back_as_written(sqlite_desk: Desk) -> None:
    changes = {"name": ["上虞崧厦伞业", "上虞崧厦伞业有限公司"], "n": [1, 2.5, None, True]}
    stored, back = _write(sqlite_desk, changes)
    assert stored == '{"name":["上虞崧厦伞业","上虞崧厦伞业有限公司"],"n":[1,2.5,null,true]}'
    assert back == changes


def test_what_orjson_refuses_is_written_by_json_dumps_and_the_rest_still_fails(
    sqlite_desk: Desk,
) -> None:
    big = {"count": 2**70, "中": "文"}
    stored, back = _write(sqlite_desk, big)
    assert stored == '{"count":1180591620717411303424,"\\u4e2d":"\\u6587"}' and back == big
    lone = {"a": "\ud800"}  # a lone surrogate: JSON, but no UTF-8 (orjson refuses it)
    stored, back = _write(sqlite_desk, lone)
    assert stored == '{"a":"\\ud800"}' and back == lone  # saved, as before orjson
    assert json_text({1: "a"}) == '{"1":"a"}'  # keys made text, as json.dumps does
    with pytest.raises(StatementError, match="not JSON serializable"):
        _write(sqlite_desk, {"at": datetime.now(UTC)})  # as before: a datetime is refused
    with sqlite_desk.ctx.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM audit_entry WHERE "
                                          "changes LIKE '%\"at\"%'").scalar() == 0  # fmt: skip
