"""Evidence photos: checked to be images before they are kept, thumbnails made on demand.

The original is stored untouched (by content hash); a thumbnail (at most 320 px, JPEG) is made
from it once and kept beside it, in whatever thread asks (the GUI asks from its task runner).
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from compliance_desk.domain.errors import DomainError

Image.MAX_IMAGE_PIXELS = 250_000_000  # a 40-megapixel camera photo is normal evidence
THUMBNAIL = 320
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "HEIF": "image/heif", "WEBP": "image/webp",
           "BMP": "image/bmp", "TIFF": "image/tiff", "GIF": "image/gif"}  # fmt: skip


def check_image(path: Path) -> str:
    """The media type of the photo at ``path``; DomainError (in Chinese) if it is not one."""
    try:
        with Image.open(path) as image:
            image.verify()
            kind = image.format or ""
    except FileNotFoundError as exc:
        raise DomainError(f"找不到照片文件：{path.name}", f"no file {path}") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if path.suffix.lower() in (".heic", ".heif"):  # no decoder for it here
            raise DomainError(
                f"“{path.name}”是 HEIC 格式（苹果手机的默认格式），本机无法读取，未保存：请在手机"
                "“设置 → 相机 → 格式”中选“兼容性最佳”后拍摄，或先转换为 JPEG",
                f"HEIC not readable: {path}: {exc}",
            ) from exc
        raise DomainError(
            f"“{path.name}”不是可以识别的照片（支持 JPEG、PNG 等格式），未保存",
            f"not an image: {path}: {exc}",
        ) from exc
    if kind not in FORMATS:
        raise DomainError(f"“{path.name}”的图片格式（{kind}）不支持", f"format {kind}")
    return FORMATS[kind]


def thumbnail(original: Path) -> Path:
    """The thumbnail of ``original`` (made once, beside it)."""
    target = original.with_name(original.name + ".thumb.jpg")
    if target.exists():
        return target
    with Image.open(original) as image:
        image.draft("RGB", (THUMBNAIL * 2, THUMBNAIL * 2))  # JPEG: decode at a reduced size
        small = (ImageOps.exif_transpose(image) or image).convert("RGB")  # phones' rotation
        small.thumbnail((THUMBNAIL, THUMBNAIL))
        buffer = io.BytesIO()
        small.save(buffer, "JPEG", quality=82)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(target)
    return target
