"""Which centre a row belongs to: what a device enrolled for one centre receives and may change.

An enterprise belongs to its centre; its visits, appeals (with their timelines), inspections
(with their items and rectifications), compliant-list entries and letters (with their numbers)
follow it; users and inspection draws name their centre; attachments and audit entries follow
the row they belong to.  Anything else (reference data, templates, keys, the register's voided
leased numbers, rows with no centre) is shared: every device receives it.

The primary stamps each change-log entry with its row's centre when it numbers it (sync/capture),
so a centre's pull reads an index (centre_id, seq) instead of judging rows at pull time.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

from sqlalchemy import Connection, FromClause, select

from compliance_desk.persistence.dialect import among
from compliance_desk.sync import codec

# table -> the hops (foreign key column, table) that lead to a table with a centre_id column
VIA: dict[str, tuple[tuple[str, str], ...]] = {
    "enterprise": (),
    "app_user": (),
    "inspection_draw": (),
    "visit": (("enterprise_id", "enterprise"),),
    "appeal": (("enterprise_id", "enterprise"),),
    "appeal_event": (("appeal_id", "appeal"), ("enterprise_id", "enterprise")),
    "inspection": (("enterprise_id", "enterprise"),),
    "inspection_item": (("inspection_id", "inspection"), ("enterprise_id", "enterprise")),
    "rectification": (("enterprise_id", "enterprise"),),
    "compliant_list_event": (("enterprise_id", "enterprise"),),
    "letter": (("enterprise_id", "enterprise"),),
    "document_number": (("letter_id", "letter"), ("enterprise_id", "enterprise")),
}
# tables whose rows belong to another row named by (table column, id column)
OWNED: dict[str, tuple[str, str]] = {
    "attachment": ("owner_table", "owner_id"),
    "audit_entry": ("table_name", "row_id"),
}
CHUNK = 5000  # ids per statement (SQLite takes at most 32,766 parameters)


def centres(
    connection: Connection, table: str, ids: Iterable[uuid.UUID], depth: int = 0
) -> dict[uuid.UUID, uuid.UUID | None]:
    """Each row's centre (None: shared).  A row that is not there is shared too."""
    wanted = list(dict.fromkeys(ids))
    found: dict[uuid.UUID, uuid.UUID | None] = dict.fromkeys(wanted)
    if not wanted:
        return found
    if table in OWNED and depth < 2:
        owner_table, owner_id = OWNED[table]
        tbl = codec.table(table)
        by_owner: dict[str, list[tuple[uuid.UUID, uuid.UUID]]] = defaultdict(list)
        for start in range(0, len(wanted), CHUNK):
            query = select(tbl.c.id, tbl.c[owner_table], tbl.c[owner_id]).where(
                among(connection, tbl.c.id, wanted[start : start + CHUNK])
            )
            for row_id, other_table, other_id in connection.execute(query).all():
                if other_table in VIA or other_table in OWNED:
                    by_owner[other_table].append((row_id, other_id))
        for other_table, pairs in by_owner.items():
            owners = centres(connection, other_table, [o for _r, o in pairs], depth + 1)
            for row_id, other_id in pairs:
                found[row_id] = owners.get(other_id)
        return found
    hops = VIA.get(table)
    if hops is None:
        return found
    start_tbl = codec.table(table)
    joined: FromClause = start_tbl
    current: FromClause = start_tbl
    for column, target in hops:
        target_tbl = codec.table(target).alias(f"hop_{target}")
        joined = joined.outerjoin(target_tbl, current.c[column] == target_tbl.c.id)
        current = target_tbl
    for start in range(0, len(wanted), CHUNK):
        query = (
            select(start_tbl.c.id, current.c.centre_id)
            .select_from(joined)
            .where(among(connection, start_tbl.c.id, wanted[start : start + CHUNK]))
        )
        for row in connection.execute(query).all():  # one fetch, not one per row
            found[row[0]] = row[1]
    return found


def of_changes(
    connection: Connection, changes: Iterable[tuple[str, uuid.UUID]]
) -> dict[tuple[str, uuid.UUID], uuid.UUID | None]:
    """The centre of each (table, row id), a query or two per table."""
    by_table: dict[str, list[uuid.UUID]] = defaultdict(list)
    for table, row_id in changes:
        by_table[table].append(row_id)
    out: dict[tuple[str, uuid.UUID], uuid.UUID | None] = {}
    for table, ids in by_table.items():
        for row_id, centre_id in centres(connection, table, ids).items():
            out[(table, row_id)] = centre_id
    return out


def outside(
    connection: Connection, centre_id: uuid.UUID, changes: Iterable[tuple[str, uuid.UUID]]
) -> list[tuple[str, uuid.UUID, uuid.UUID]]:
    """The rows among ``changes`` that belong to a centre other than ``centre_id``."""
    return [
        (table, row_id, other)
        for (table, row_id), other in of_changes(connection, changes).items()
        if other is not None and other != centre_id
    ]


@contextmanager
def by_primary_key(connection: Connection) -> Iterator[None]:
    """For the statements inside (PostgreSQL), ``centre_sql``'s hops looked up by primary key
    and no JIT.  A table filled in this same transaction (a push) still has the planner's
    estimate of a small one, and a sequential scan per entry would take seconds; the many
    subplans' summed cost estimate is huge and would have a statement compiled by JIT first
    (12 s for 2,000 entries tried).  Transaction-local settings, put back after; when a
    statement inside fails they are left to the rollback that must follow (which undoes
    them), since putting them back in an aborted transaction would fail and hide the error."""
    seqscan, jit = connection.exec_driver_sql(
        "SELECT current_setting('enable_seqscan'), current_setting('jit'), "
        "set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"
    ).one()[:2]
    yield
    connection.exec_driver_sql(
        "SELECT set_config('enable_seqscan', %(scan)s, true), set_config('jit', %(jit)s, true)",
        {"scan": seqscan, "jit": jit},
    )


def centre_sql(table: str, id_expr: str, depth: int = 0, _names: list[int] | None = None) -> str:
    """``centres`` as one SQL expression (PostgreSQL): the centre of row ``id_expr`` of
    ``table``, NULL when shared or not there.  Each hop is a scalar subquery looked up by the
    primary key, and an owned row's owner is chosen by CASE, so a statement can stamp a whole
    page's change-log entries without a Python step per entry (sync/capture.py)."""
    names = _names if _names is not None else [0]

    def alias() -> str:
        names[0] += 1
        return f"c{names[0]}"

    if table in OWNED:
        if depth >= 2:
            return "NULL::uuid"
        owner_table, owner_id = OWNED[table]
        me = alias()
        branches = " ".join(
            f"WHEN '{other}' THEN {centre_sql(other, f'{me}.{owner_id}', depth + 1, names)}"
            for other in (*VIA, *OWNED)
        )
        return (
            f"(SELECT CASE {me}.{owner_table} {branches} END "
            f"FROM {table} {me} WHERE {me}.id = {id_expr})"
        )
    hops = VIA.get(table)
    if hops is None:
        return "NULL::uuid"
    start = alias()
    joins, current = "", start
    for column, target in hops:
        nxt = alias()
        joins += f" JOIN {target} {nxt} ON {nxt}.id = {current}.{column}"
        current = nxt
    return f"(SELECT {current}.centre_id FROM {table} {start}{joins} WHERE {start}.id = {id_expr})"


class Missing(NamedTuple):
    """A row on the way to a centre that ``centre_of`` was not told about."""

    table: str
    row_id: str
    depth: int


@functools.cache
def deciding(table: str) -> tuple[str, ...]:
    """The columns of a row of ``table`` that its centre follows (``centre_of``)."""
    if table in OWNED:
        return OWNED[table]
    hops = VIA.get(table)
    if hops is None:
        return ()
    return (hops[0][0],) if hops else ("centre_id",)


def centre_of(
    table: str,
    row_id: str,
    rows: Mapping[tuple[str, str], tuple[Any, ...]],
    found: dict[tuple[str, str, int], str | None | Missing],
    depth: int = 0,
) -> str | None | Missing:
    """``centres``' answer for one row (ids as canonical text) from what is known without the
    database: ``rows``, (table, id) -> the row's ``deciding`` values (the server's bulk push
    knows them for the rows it inserted), and ``found``, (table, id, depth) -> a centre read
    before or found here (each row's answer is kept there, Missing too: the rows on the way
    of many entries, a visit of its audit entries, are followed once).  A row on the way that
    neither holds comes back as Missing (to be read)."""
    if table in OWNED:
        if depth >= 2:
            return None
    elif table not in VIA:
        return None
    key = (table, row_id, depth if table in OWNED else 0)
    if key in found:
        return found[key]
    values = rows.get((table, row_id))
    if values is None:
        return Missing(*key)
    got: str | None | Missing
    if table in OWNED:
        other_table, other_id = values
        if other_id is None or not (other_table in VIA or other_table in OWNED):
            got = None
        else:
            got = centre_of(other_table, str(other_id), rows, found, depth + 1)
    elif not VIA[table]:
        got = None if values[0] is None else str(values[0])
    elif values[0] is None:  # no parent: no centre (the hop finds no row)
        got = None
    else:
        got = centre_of(VIA[table][0][1], str(values[0]), rows, found, depth)
    found[key] = got
    return got


def centres_known(
    connection: Connection,
    changes: Sequence[tuple[str, str, Any]],
    rows: Mapping[tuple[str, str], tuple[Any, ...]],
) -> list[str | None] | None:
    """The centre of each change-log entry (table, row id, ..) as ``centres`` has it, from
    ``rows`` (see ``centre_of``) and, for the rows on the way that it does not hold, one
    statement per table of ``centre_sql`` (PostgreSQL); None when most entries would need
    that (the change log's own statement is then as cheap)."""
    found: dict[tuple[str, str, int], str | None | Missing] = {}
    out = [centre_of(t, r, rows, found) for t, r, _o in changes]
    missing = {m for m in out if type(m) is Missing}  # each read below, over its mark
    if not missing:
        return out  # type: ignore[return-value]
    if len(missing) * 2 > len(changes):
        return None
    wanted: dict[tuple[str, int], list[str]] = defaultdict(list)
    for m in missing:
        wanted[(m.table, m.depth)].append(m.row_id)
    for (table, depth), ids in wanted.items():
        codec.table(table)  # a table's name goes into the statement: known tables only
        read = connection.exec_driver_sql(
            f"SELECT u.r::text, ({centre_sql(table, 'u.r', depth)})::text "
            "FROM unnest(%(ids)s::uuid[]) AS u(r)",
            {"ids": "{" + ",".join(ids) + "}"},
        ).all()
        for row_id, owner in read:
            found[(table, row_id, depth)] = owner
    # An entry that met a row not held here has that row's centre (the rest of its way is
    # the same as centre_sql's): each Missing is the key of what was just read.
    done = [found[known] if type(known) is Missing else known for known in out]
    return done  # type: ignore[return-value]
