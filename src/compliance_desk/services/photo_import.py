"""Evidence photos from a camera folder: the images not yet attached to the inspection.

A camera (or a phone's DCIM folder copied to the laptop) keeps every photo of the day, so the
folder is imported again and again: a photo whose content (SHA-256) is already attached to any
item of the inspection is not attached a second time, whatever its file name.  Each photo is
attached on its own (checked to be an image, stored by hash, recorded), so stopping half-way
or a refused file leaves nothing half-kept.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from compliance_desk.domain.errors import DomainError, NotFound
from compliance_desk.domain.roles import Permission
from compliance_desk.persistence.blob_store import sha256_of
from compliance_desk.persistence.inspection_models import InspectionItem
from compliance_desk.persistence.models import Attachment

if TYPE_CHECKING:
    from compliance_desk.services.context import CurrentUser
    from compliance_desk.services.inspections import InspectionService

# What cameras and phones write as photos; videos and sidecar files (.MOV, .THM, .AAE) are not.
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".bmp", ".tif", ".tiff"}

log = logging.getLogger("compliance_desk.photos")


@dataclass
class FolderImport:
    added: list[str] = field(default_factory=list)  # file names, in the order imported
    already: list[str] = field(default_factory=list)  # same content already in the inspection
    refused: list[str] = field(default_factory=list)  # why, in Chinese, one per file
    skipped: int = 0  # files that are not photos by their kind (videos, sidecar files)
    cancelled: bool = False


def camera_photos(folder: Path) -> tuple[list[Path], int]:
    """The folder's photos (subfolders too, as DCIM/100CANON), by path; and how many other
    files it holds."""
    if not folder.is_dir():
        raise DomainError(f"找不到文件夹：{folder}", f"no folder {folder}")
    photos, others = [], 0
    files = (p for p in folder.rglob("*") if p.is_file())
    # Folder by folder, by name: IMG_0001.JPG before its copy IMG_0001 (1).JPG.
    for path in sorted(files, key=lambda p: (p.parent, p.stem.casefold(), p.suffix)):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue  # hidden files and folders (.thumbnails, .DS_Store)
        if path.suffix.lower() in PHOTO_SUFFIXES:
            photos.append(path)
        else:
            others += 1
    return photos, others


def attached_hashes(service: InspectionService, user: CurrentUser, item_id: uuid.UUID) -> set[str]:
    """The contents already attached to any item of ``item_id``'s inspection."""
    with service.ctx.uow(user) as uow:
        s = uow.session
        item = s.get(InspectionItem, item_id)
        if item is None:
            raise NotFound("找不到该检查项", f"inspection item {item_id}")
        service._must_be_open(service._row(s, item.inspection_id))
        items = select(InspectionItem.id).where(InspectionItem.inspection_id == item.inspection_id)
        return set(
            s.scalars(
                select(Attachment.sha256).where(
                    Attachment.owner_table == "inspection_item",
                    Attachment.owner_id.in_(items),
                    Attachment.deleted_at.is_(None),
                )
            )
        )


def import_folder(
    service: InspectionService,
    user: CurrentUser,
    item_id: uuid.UUID,
    folder: Path,
    progress: Callable[[int, int], bool] | None = None,
) -> FolderImport:
    """Attach the folder's photos not yet in the inspection to the item; ``progress(done,
    total)`` returning False stops after the photo in hand."""
    user.require(Permission.INSPECTION_EDIT)
    photos, others = camera_photos(folder)
    known = attached_hashes(service, user, item_id)  # also refuses a signed inspection
    result = FolderImport(skipped=others)
    for done, path in enumerate(photos, start=1):
        try:
            sha = sha256_of(path)
        except OSError as exc:
            log.info("photo %s unreadable: %r", path, exc)
            result.refused.append(f"无法读取“{path.name}”：文件不存在、无权限读取或已损坏")
            continue
        if sha in known:
            result.already.append(path.name)
        else:
            try:
                service.attach_photo(user, item_id, path)
            except DomainError as exc:
                result.refused.append(exc.message_zh)
            else:
                result.added.append(path.name)
                known.add(sha)
        if progress is not None and not progress(done, len(photos)):
            result.cancelled = done < len(photos)
            break
    return result
