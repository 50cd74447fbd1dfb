"""Devices: enrolled by an administrator, each with its own revocable token (stored hashed).

A token is 32 random bytes; its SHA-256 is all the database keeps, so a copy of the database
does not let anyone sync as a device.  (A slow password hash would buy nothing for a
random 256-bit secret and would cost every request.)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from compliance_desk.persistence.models import Centre
from compliance_desk.persistence.sync_models import SyncDevice

SEEN_EVERY = 60.0  # seconds: how fresh "last seen" is kept


class Refused(Exception):
    """A request the server answers with an error the device shows in plain words."""

    def __init__(self, status: int, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass(frozen=True)
class DeviceView:
    id: uuid.UUID
    name: str
    enrolled_at: datetime
    revoked_at: datetime | None
    revoked_reason: str
    last_seen_at: datetime | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def centre_named(session: Session, name: Any) -> uuid.UUID | None:
    """The centre a device is enrolled for, by code, name or id; None or "": every centre."""
    if name is None or str(name).strip() == "":
        return None
    text = str(name).strip()
    match = [Centre.code == text, Centre.name == text]
    try:
        match.append(Centre.id == uuid.UUID(text))
    except ValueError:
        pass
    found = session.scalars(
        select(Centre.id).where(or_(*match), Centre.deleted_at.is_(None))
    ).first()
    if found is None:
        raise Refused(400, "unknown_centre", f"没有名为“{text}”的中心", f"unknown centre {text!r}")
    return found


def enrol(
    session: Session,
    device_id: uuid.UUID,
    name: str,
    by: uuid.UUID | None,
    now: datetime,
    centre_id: uuid.UUID | None = None,
) -> str:
    """A new token for the device (a re-enrolment replaces the old one and lifts a revocation:
    an administrator is doing it)."""
    token = secrets.token_urlsafe(32)
    device = session.get(SyncDevice, device_id)
    if device is None:
        device = SyncDevice(id=device_id, name=name, token_hash="", enrolled_at=now)
        session.add(device)
    device.name = name or device.name
    device.token_hash = token_hash(token)
    device.enrolled_at = now
    device.enrolled_by = by
    device.revoked_at = None
    device.revoked_reason = ""
    device.centre_id = centre_id
    return token


def authenticate(
    session: Session, token: str | None, device_id: str | None, now: datetime
) -> SyncDevice:
    if not token or not device_id:
        raise Refused(401, "not_enrolled", "本设备尚未登记，请管理员先为本机办理同步登记",
                      "no device token")  # fmt: skip
    device = session.scalars(
        select(SyncDevice).where(SyncDevice.token_hash == token_hash(token))
    ).first()
    if device is None or not hmac.compare_digest(str(device.id), device_id):
        raise Refused(401, "unknown_device", "服务器不认识本设备的登记凭据，请管理员重新登记本机",
                      "unknown token or device id")  # fmt: skip
    if device.revoked_at is not None:
        raise Refused(
            403,
            "device_revoked",
            "本设备的同步权限已被管理员停用，无法同步；本机数据仍完整保存，请联系管理员",
            f"device {device.id} revoked: {device.revoked_reason}",
        )
    if (
        device.last_seen_at is None
        or abs((now - device.last_seen_at).total_seconds()) >= SEEN_EVERY
    ):
        device.last_seen_at = now  # not a write per request: a desk syncs every few seconds
    return device


def revoke(
    session: Session, device_id: uuid.UUID, reason: str, now: datetime, lost: bool = False
) -> int:
    """Stop the device syncing.  ``lost`` (the laptop is gone for good): the numbers it leased
    and never reported using are voided with the reason, since it will never say what became of
    them; returns how many.  Not for a revocation that may be lifted by enrolling the device
    again: numbers it used offline and has not pushed yet would be voided under its letters."""
    from compliance_desk.services import number_leases

    device = session.get(SyncDevice, device_id)
    if device is None:
        raise Refused(404, "unknown_device", "没有这台设备的登记记录", f"no device {device_id}")
    device.revoked_at = now
    device.revoked_reason = reason
    return number_leases.void_revoked(session, device_id, reason, now) if lost else 0


def devices(session: Session) -> list[DeviceView]:
    return [
        DeviceView(d.id, d.name, d.enrolled_at, d.revoked_at, d.revoked_reason, d.last_seen_at)
        for d in session.scalars(select(SyncDevice).order_by(SyncDevice.enrolled_at))
    ]
