"""The one place that wires the database, the services and this device together."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy.exc import OperationalError

from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.ids import new_id
from compliance_desk.persistence import migrate
from compliance_desk.persistence.db import describe, make_engine
from compliance_desk.persistence.models import LocalSetting
from compliance_desk.persistence.uow import Clock, session_factory, utc_now
from compliance_desk.services import appeal_clocks
from compliance_desk.services.appeals import AppealLog, AppealService
from compliance_desk.services.auth import AuthService
from compliance_desk.services.calendars import CalendarService
from compliance_desk.services.compliant_list import CompliantListService
from compliance_desk.services.context import ServiceContext
from compliance_desk.services.enterprise_import import EnterpriseImporter
from compliance_desk.services.enterprises import EnterpriseService
from compliance_desk.services.inspections import InspectionService
from compliance_desk.services.letters import LetterService
from compliance_desk.services.reference import ReferenceService, seed
from compliance_desk.services.signing_keys import KeyStore
from compliance_desk.sync import capture, wal_checkpoint

log = logging.getLogger("compliance_desk.bootstrap")


@dataclass
class Desk:
    ctx: ServiceContext
    auth: AuthService
    enterprises: EnterpriseService
    reference: ReferenceService
    importer: EnterpriseImporter
    calendars: CalendarService
    appeals: AppealService
    appeal_log: AppealLog
    letters: LetterService
    inspections: InspectionService
    compliant_list: CompliantListService

    def close(self) -> None:
        # A pull's checkpoint of the file, if one runs (a long log: a second or two); a thread
        # stuck past that is left to end with the process (SQLite recovers either way).
        wal_checkpoint.wait(self.ctx.engine, timeout=30.0)
        self.ctx.engine.dispose()


def _device_id(ctx: ServiceContext) -> uuid.UUID:
    with ctx.factory() as session:
        row = session.get(LocalSetting, "device_id")
        if row is None:
            row = LocalSetting(key="device_id", value=str(new_id()))
            session.add(row)
            session.commit()
        return uuid.UUID(row.value)


def open_desk(
    url: str, clock: Clock = utc_now, upgrade: bool = True, hasher: PasswordHasher | None = None
) -> Desk:
    """Open (and by default create or upgrade) the database at ``url``."""
    engine = make_engine(url)
    try:
        if upgrade:
            migrate.ensure_current(engine)
        else:
            engine.connect().close()
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DomainError(
            f"无法打开数据库 {describe(url)}：{reason}",
            f"cannot open database {describe(url)}: {reason}",
        ) from exc
    factory = session_factory(engine)
    appeal_clocks.install(factory)
    ctx = ServiceContext(engine, factory, clock, uuid.UUID(int=0), describe(url))
    if hasher is not None:
        ctx.hasher = hasher
    ctx.device_id = _device_id(ctx)
    with ctx.uow(None) as uow:
        # Seeded rows have the same ids and values everywhere: a laptop has nothing to send.
        uow.session.info[capture.SEEDING] = True
        if seed(uow.session):
            log.info("seeded reference data into %s", ctx.database_label)
        if LetterService.seed_templates(uow.session):
            log.info("seeded letter templates into %s", ctx.database_label)
        if InspectionService.seed_checklists(uow.session):
            log.info("seeded inspection checklists into %s", ctx.database_label)
        uow.commit()
    calendars = CalendarService(ctx)
    keys = KeyStore(ctx.key_folder())
    appeals = AppealService(ctx, calendars, keys)
    letters = LetterService(ctx, keys)
    return Desk(
        ctx,
        AuthService(ctx),
        EnterpriseService(ctx),
        ReferenceService(ctx),
        EnterpriseImporter(ctx),
        calendars,
        appeals,
        AppealLog(ctx, appeals),
        letters,
        InspectionService(ctx, letters),
        CompliantListService(ctx),
    )


def schema_is_current(url: str) -> bool:
    engine = make_engine(url)
    try:
        return not migrate.needs_upgrade(engine)
    finally:
        engine.dispose()


__all__ = ["Desk", "open_desk", "schema_is_current"]
