"""This machine's signing key (private half in a file only this user can read) and the public
keys of every desk (rows that travel with the data)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from compliance_desk.persistence.letter_models import SigningKey

KEY_FILE = "signing-key.ed25519"


class KeyStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def path(self) -> Path:
        return self.folder / KEY_FILE

    def private_key(self) -> bytes:
        """The machine's key, made on first use (mode 0600: never readable by other users)."""
        from compliance_desk.documents import signing  # cryptography: loaded when first signing

        if self.path.exists():
            return base64.b64decode(self.path.read_text().strip())
        self.folder.mkdir(parents=True, exist_ok=True)
        key = signing.new_private_key()
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(base64.b64encode(key).decode() + "\n")
        return key

    def public_key(self) -> bytes:
        from compliance_desk.documents import signing

        return signing.public_key_of(self.private_key())

    def key_id(self) -> str:
        from compliance_desk.documents import signing

        return signing.key_id(self.public_key())


def register(session: Session, store: KeyStore, holder: str) -> str:
    """Publish this machine's public key (once); returns its key id."""
    kid = store.key_id()
    if session.scalar(select(SigningKey.id).where(SigningKey.key_id == kid)) is None:
        public = base64.b64encode(store.public_key()).decode()
        session.add(SigningKey(key_id=kid, public_key=public, holder=holder))
    return kid


def public_keys(session: Session) -> dict[str, bytes]:
    rows = session.execute(
        select(SigningKey.key_id, SigningKey.public_key).where(
            SigningKey.deleted_at.is_(None), SigningKey.revoked_at.is_(None)
        )
    )
    return {kid: base64.b64decode(public) for kid, public in rows}


def is_known(session: Session, kid: str) -> bool:
    """Whether ``kid`` was ever published (revoked or not)."""
    return session.scalar(select(SigningKey.id).where(SigningKey.key_id == kid)) is not None
