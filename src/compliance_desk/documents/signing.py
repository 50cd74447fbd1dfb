"""Signed references for the QR code on every issued letter, verified offline.

The QR text is ``CDV1|number|enterprise|yyyymmdd|content hash|key id|signature``, all ASCII
(number and enterprise as base64url of their UTF-8, so a barcode scanner that types what it
reads, as a keyboard, can enter it): an Ed25519 signature over everything before it, made with
the private key of the machine that approved the letter.  Any desk holding the public key (public keys travel with the data) can say
whether a scanned code is genuine.  The short verification code printed beside the QR (16
characters from the signature) lets someone type the letter's number and that code instead.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from compliance_desk.domain.errors import DomainError

PREFIX = "CDV1"


class Forged(DomainError):
    """The code does not verify: forged, altered, truncated, or signed by an unknown key."""


@dataclass(frozen=True)
class Reference:
    number: str
    enterprise: str
    on: date
    content_hash: str
    key_id: str
    signature: str

    @property
    def short_code(self) -> str:
        return short_code(self.signature)


def content_hash(
    kind: str,
    data: Mapping[str, Any],
    template_version: int,
    legal: Mapping[str, Any] | None = None,
) -> str:
    """SHA-256 (first 128 bits, base64url) of what the letter says, canonically encoded: its
    data, the template version that words it and the legal values it prints."""
    canonical = json.dumps(
        {"kind": kind, "data": data, "template": template_version, "legal": legal or {}},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return _b64(hashlib.sha256(canonical.encode()).digest()[:16])


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def short_code(signature: str) -> str:
    raw = base64.b32encode(_unb64(signature)[:10]).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def new_private_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def public_key_of(private: bytes) -> bytes:
    return (
        Ed25519PrivateKey.from_private_bytes(private)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def key_id(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:12]


def _message(number: str, enterprise: str, on: date, digest: str, kid: str) -> str:
    fields = (_b64(number.encode()), _b64(enterprise.encode()), on.strftime("%Y%m%d"))
    return "|".join((PREFIX, *fields, digest, kid))


@lru_cache(maxsize=8)
def _signer(private: bytes) -> tuple[Ed25519PrivateKey, str]:
    """The key loaded and its id, once per key (loading it twice cost a third of a signature)."""
    key = Ed25519PrivateKey.from_private_bytes(private)
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return key, key_id(public)


def sign(private: bytes, number: str, enterprise: str, on: date, digest: str) -> str:
    """The QR text of a letter."""
    key, kid = _signer(private)
    message = _message(number, enterprise, on, digest, kid)
    signature = key.sign(message.encode())
    return f"{message}|{_b64(signature)}"


def parse(code: str) -> Reference:
    parts = code.strip().split("|")
    if len(parts) != 7 or parts[0] != PREFIX:
        raise Forged(
            "这不是本系统签发的核验码，或二维码不完整（被截断或污损）",
            f"malformed verification code ({len(parts)} fields)",
        )
    _, number_b64, enterprise_b64, day, digest, kid, signature = parts
    try:
        number = _unb64(number_b64).decode()
        enterprise = _unb64(enterprise_b64).decode()
        on = date(int(day[:4]), int(day[4:6]), int(day[6:8]))
        if len(_unb64(signature)) != 64:
            raise ValueError("signature length")
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise Forged(
            "核验码格式有误（日期或签名不完整），该文书不能被认定为真实",
            f"malformed verification code: {exc}",
        ) from exc
    canonical = _message(number, enterprise, on, digest, kid) + "|" + _b64(_unb64(signature))
    if canonical != code.strip():
        raise Forged(
            "核验码的文字被改动过（与签发时的格式不符），该文书不能被认定为真实",
            "verification code is not in canonical form",
        )
    return Reference(number, enterprise, on, digest, kid, signature)


def verify(code: str, public_keys: Mapping[str, bytes]) -> Reference:
    """The reference if the code was signed by one of ``public_keys``; Forged otherwise."""
    ref = parse(code)
    public = public_keys.get(ref.key_id)
    if public is None:
        raise Forged(
            f"核验码的签发密钥（{ref.key_id}）不在本机已知的密钥中：该文书可能是伪造的，"
            "或本机尚未同步到签发单位的公钥",
            f"unknown key id {ref.key_id}",
        )
    message = _message(ref.number, ref.enterprise, ref.on, ref.content_hash, ref.key_id)
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(_unb64(ref.signature), message.encode())
    except (InvalidSignature, ValueError) as exc:
        raise Forged(
            "核验失败：核验码的内容与签名不符，文书可能被伪造或篡改",
            f"bad signature for {ref.number}",
        ) from exc
    return ref
