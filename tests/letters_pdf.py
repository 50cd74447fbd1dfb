"""Reading rendered letters back the way a person would: text, fonts, line boxes, QR codes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

DATA = Path(__file__).parents[1] / "resources" / "templates" / "samples"
MM = 72 / 25.4


def sample(kind: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{kind}.json").read_text(encoding="utf-8"))
    data.update(changes)
    return data


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run `./installer/setup.sh test`")
    return path


def normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", "".join(text.split()))


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = [tool("pdftotext"), "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    out = subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True)
    return normalised(out.stdout)


def body_text(pdf: Path) -> str:
    """The text without page numbers and verification captions, as one string."""
    text = pdf_text(pdf)
    text = re.sub(r"—\d+—", "", text)
    return re.sub(r"扫码核验真伪核验码[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", "", text)


def fonts(pdf: Path) -> list[tuple[str, str, str]]:
    """(name, type, embedded) per font of the PDF, from pdffonts."""
    out = subprocess.run([tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        parts = line.split()
        # name type [type2] encoding emb sub uni id gen
        rows.append((parts[0], parts[1], parts[-5]))
    return rows


@dataclass(frozen=True)
class TextLine:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def lines(pdf: Path) -> list[TextLine]:
    out = subprocess.run(
        [tool("pdftotext"), "-bbox-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out).replace(' xmlns="http://www.w3.org/1999/xhtml"', "")
    root = ElementTree.fromstring(out)
    found = []
    for number, page in enumerate(root.iter("page"), start=1):
        for line in page.iter("line"):
            words = [w.text or "" for w in line.iter("word")]
            found.append(
                TextLine(
                    number,
                    float(line.get("xMin", 0)),
                    float(line.get("yMin", 0)),
                    float(line.get("xMax", 0)),
                    float(line.get("yMax", 0)),
                    "".join(words),
                )
            )
    return found


def qr_codes(pdf: Path, tmp: Path, page: int = 1) -> list[str]:
    """The QR codes zbarimg reads on ``page`` rendered at 300 dpi."""
    prefix = tmp / f"page{page}"
    subprocess.run(
        [tool("pdftoppm"), "-r", "300", "-gray", "-png", "-f", str(page), "-l", str(page),
         "-singlefile", str(pdf), str(prefix)],
        check=True,
    )  # fmt: skip
    out = subprocess.run(
        [tool("zbarimg"), "--raw", "-q", "-Sbinary", str(prefix) + ".png"],
        capture_output=True,
    )
    if out.returncode not in (0, 4):  # 4: nothing found
        raise AssertionError(out.stderr.decode())
    text = out.stdout.decode("utf-8")
    return [t for t in text.split("\n") if t]


def with_number(code: str, number: str) -> str:
    """The QR text with its number field replaced (a forger's edit)."""
    import base64

    parts = code.split("|")
    parts[1] = base64.urlsafe_b64encode(number.encode()).rstrip(b"=").decode()
    return "|".join(parts)
