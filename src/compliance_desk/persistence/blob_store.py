"""Content-addressed files (scans, photos): stored once under their SHA-256, verified on write.

SYNC.md rule 11: attachments travel by hash and are never deleted locally before the server
confirms them; here they are never deleted at all.  A file is written to a temporary name,
flushed to disk, checked against its hash, then renamed into place: no half-written blob.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from compliance_desk.domain.errors import DomainError

MAX_BYTES = 50 * 1024 * 1024
_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def put(self, source: Path) -> tuple[str, int]:
        """Store ``source``; returns (sha256, size). Storing the same content twice is a no-op."""
        try:
            size = source.stat().st_size
        except OSError as exc:
            raise DomainError(
                f"无法读取附件“{source.name}”：{os_reason(exc)}", f"cannot stat {source}: {exc}"
            ) from exc
        if source.is_dir():
            raise DomainError(f"“{source.name}”是文件夹，不是文件：请选择文件",
                              f"{source} is a directory")  # fmt: skip
        if size > MAX_BYTES:
            raise DomainError(
                f"附件“{source.name}”过大（{size // (1024 * 1024)} MB，最大 {MAX_BYTES // (1024 * 1024)} MB）",
                f"attachment {source} too large: {size}",
            )
        try:
            sha = sha256_of(source)
            target = self.path(sha)
            if target.exists():
                return sha, size
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".part")
            with source.open("rb") as src, tmp.open("wb") as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
                dst.flush()
                os.fsync(dst.fileno())
        except OSError as exc:
            raise DomainError(
                f"无法读取或保存附件“{source.name}”：{os_reason(exc)}",
                f"storing {source}: {exc}",
            ) from exc
        if sha256_of(tmp) != sha:
            tmp.unlink(missing_ok=True)
            raise DomainError(
                f"附件“{source.name}”在保存时发生变化，请重试", f"hash mismatch storing {source}"
            )
        tmp.replace(target)
        return sha, size

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        """Store generated content (a letter's PDF of record); returns (sha256, size)."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".part")
            with tmp.open("wb") as dst:
                dst.write(data)
                dst.flush()
                os.fsync(dst.fileno())
            tmp.replace(target)
        return sha, len(data)


def os_reason(exc: OSError) -> str:
    """The system's reason in Chinese (its own words are English: the log's)."""
    import errno

    reasons = {
        errno.ENOENT: "文件不存在或已被移走",
        errno.EACCES: "没有读取或写入的权限",
        errno.EPERM: "没有读取或写入的权限",
        errno.EISDIR: "这是文件夹，不是文件",
        errno.ENOSPC: "磁盘空间不足",
        errno.EROFS: "该位置只读",
        errno.EIO: "读写出错（存储设备可能已损坏或被拔出）",
    }
    return reasons.get(exc.errno or 0, f"系统错误代码 {exc.errno}")
