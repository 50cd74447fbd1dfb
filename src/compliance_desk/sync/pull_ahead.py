"""A pulled page's pure Python work, done in the read-ahead thread while the page before it is
written here.

SQLite lets go of the GIL while it writes (``sqlite3_step``), so on a second core the next
page's rows can meanwhile become what the driver gets: each row's values in stored form
(``pull_bulk.forms_for``, the very converters the apply uses), each live enterprise's index
rows, each id as SQLite stores it.  None of it needs the database: what this machine holds
(rows present, pending edits, twins) is still looked up when the page is applied, and a row
that then needs the per-row path ignores what was made for it.  A table whose rows cannot be
converted here (an unknown table, a value the converters refuse) is left to the apply, which
converts it as before (or fails the page as before).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect

from compliance_desk.persistence import search_index
from compliance_desk.sync import codec, gc_pause, pull_bulk

log = logging.getLogger("compliance_desk.sync")


@dataclass(frozen=True)
class Prepared:
    """Lists aligned with the page's changes (None: nothing made for that change)."""

    forms: list[tuple[Any, ...] | None]
    docs: list[search_index.DocRows | None]
    keys: list[str] | None = None  # ids as SQLite stores them (pull_bulk.hex_id)
    # where each table's changes are (replica._positions), when every change names its row
    tables: dict[str, list[int]] | None = None
    # a stored page's (sync/pull_stored.py): each change's values as parsed, and each table's
    # columns as the page names them (a change whose ``row`` is None gets its wire row of them)
    values: list[Any] | None = None
    plans: dict[str, Any] | None = None


def prepare(changes: list[Any], dialect: Dialect) -> Prepared:
    forms: list[tuple[Any, ...] | None] = [None] * len(changes)
    docs: list[search_index.DocRows | None] = [None] * len(changes)
    by_table: dict[str, list[int]] = {}
    for i, change in enumerate(changes):
        if isinstance(change, dict) and isinstance(change.get("row"), dict):
            by_table.setdefault(str(change.get("table")), []).append(i)
    for table, positions in by_table.items():
        try:
            tbl = codec.table(table)
            names = pull_bulk.names(tbl)
            whole = positions
            try:
                made = pull_bulk.forms_for(dialect, tbl, [changes[i]["row"] for i in whole])
            except KeyError:  # rows lacking a column (an older server's): left to the apply
                whole = [i for i in positions if changes[i]["row"].keys() >= names]
                made = pull_bulk.forms_for(dialect, tbl, [changes[i]["row"] for i in whole])
            if table == "enterprise":
                at = [c.name for c in tbl.columns].index("id")  # its stored form: hex
                for i, form in zip(whole, made, strict=True):
                    wire = changes[i]["row"]
                    if wire.get("deleted_at") is None:
                        docs[i] = search_index.hex_doc_rows(
                            form[at], wire["name"], wire["name_pinyin"], wire["name_initials"],
                            wire.get("contact_phone") or "",
                        )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - the apply converts these rows itself
            log.debug("pull read-ahead left table %s to the apply: %r", table, exc)
            for i in positions:
                docs[i] = None
            continue
        for i, form in zip(whole, made, strict=True):
            forms[i] = form
        gc_pause.checkpoint()  # a table's values out of full collections (inside a sync)
    try:
        keys: list[str] | None = pull_bulk.hex_ids([c["id"] for c in changes])
    except (KeyError, TypeError, ValueError):
        keys = None  # the apply fails on it, as before
    every = sum(map(len, by_table.values())) == len(changes)
    return Prepared(forms, docs, keys, by_table if every else None)


RELEASE = 250  # changes freed at a time (1,000: a 45 ms gap of the window's loop under load)


def release(changes: list[Any], made: Prepared | None) -> None:
    """Empty a page that has been applied, a slice at a time (the interpreter may switch to
    the window's thread between slices); objects still referred to elsewhere live on."""
    lists: list[list[Any]] = [changes]
    if made is not None:
        lists += [made.forms, made.docs, made.keys or [], made.values or [],
                  *(made.tables or {}).values()]  # fmt: skip
    for items in lists:
        while items:
            del items[-RELEASE:]
