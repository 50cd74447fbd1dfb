"""Each table's sync policy, declared in this one place (SYNC.md rules 3 and 4).

- ``record``: a plain record, merged field by field against the version the edit was based on
  (three-way); the same field changed on both sides is a conflict; update-versus-delete too.
- ``append``: rows are only ever added; replicas take the union; they cannot conflict.
  A table with a ``command`` is a workflow's timeline: each row is a command the server
  re-validates with the domain's state machine before it joins the union.
- ``local``: never leaves the machine (settings of this installation, derived caches, the
  sync machinery itself).

A new table joins sync by a line here.  A table with no line is treated as ``local`` and
the first use logs a warning; a test keeps every mapped table declared, so nothing is
"local" by accident.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum

log = logging.getLogger("compliance_desk.sync")


class Kind(StrEnum):
    RECORD = "record"
    APPEND = "append"
    LOCAL = "local"


@dataclass(frozen=True)
class TablePolicy:
    kind: Kind
    # Projections the server computes from commands: never sent as field diffs (rule 3).
    derived: frozenset[str] = field(default_factory=frozenset)
    # A natural key unique among live rows on the server: a clash is a merge task (rule 1).
    natural_key: tuple[str, ...] = ()
    # The name of the command family whose rows this table holds (sync.commands).
    command: str | None = None

    @property
    def synced(self) -> bool:
        return self.kind is not Kind.LOCAL


RECORD = TablePolicy(Kind.RECORD)
APPEND = TablePolicy(Kind.APPEND)
LOCAL = TablePolicy(Kind.LOCAL)

POLICIES: dict[str, TablePolicy] = {
    # reference data and users (users travel with the data: offline login on any device)
    "industry": RECORD,
    "centre": RECORD,
    "compliance_point": RECORD,
    "department": RECORD,
    "chamber": RECORD,
    "app_user": TablePolicy(Kind.RECORD, natural_key=("username",)),
    "calendar_year": RECORD,
    # the register
    # on_compliant_list: the projection of its list events (sync/list_commands.py)
    "enterprise": TablePolicy(
        Kind.RECORD, derived=frozenset({"on_compliant_list"}), natural_key=("uscc",)
    ),
    # the front desk
    "visit": APPEND,
    "appeal": TablePolicy(Kind.RECORD, derived=frozenset({"state", "tier"})),
    "appeal_event": TablePolicy(Kind.APPEND, command="appeal"),
    "attachment": APPEND,
    "audit_entry": APPEND,
    # letters (numbers: leased blocks are later work, see README "Sync (preview)")
    "letter_template": RECORD,
    "signing_key": RECORD,
    "letter": RECORD,
    "document_number": RECORD,
    # inspections
    "policy_setting": RECORD,
    "checklist": RECORD,
    "checklist_item": RECORD,
    "inspection_draw": RECORD,
    "inspection": RECORD,
    "inspection_item": RECORD,
    "rectification": RECORD,
    "compliant_list_event": TablePolicy(Kind.APPEND, command="compliant_list"),
    "exemption_item": RECORD,
    # never synced
    "local_setting": LOCAL,
    "number_counter": LOCAL,  # server-authoritative; devices number from leased blocks
    "number_lease": LOCAL,  # the server's grants; a device's own leases (services/number_leases)
    "local_appeal_clock": LOCAL,  # derived: each appeal's deadline, rewritten from its timeline
    "local_appeal_department": LOCAL,  # derived: the departments an appeal was forwarded to
    "sync_outbox": LOCAL,
    "sync_conflict": LOCAL,
    "sync_change": LOCAL,
    "sync_counter": LOCAL,
    "sync_operation": LOCAL,
    "sync_device": LOCAL,
    "sync_push_order": LOCAL,  # the server's: each device's last page (server/push_order.py)
    "sync_blob": LOCAL,  # the server's attachment store (sync/attachments.py)
    "sync_blob_chunk": LOCAL,
    "sync_blob_wanted": LOCAL,  # a replica's files still to download
}

_warned: set[str] = set()


def policy(table: str) -> TablePolicy:
    """The table's declared policy; an undeclared table is local, and says so in the log."""
    found = POLICIES.get(table)
    if found is not None:
        return found
    if table not in _warned:
        _warned.add(table)
        log.warning("table %s declares no sync policy: treated as local (never synced)", table)
    return LOCAL


def synced_tables() -> list[str]:
    return [name for name, p in POLICIES.items() if p.synced]
