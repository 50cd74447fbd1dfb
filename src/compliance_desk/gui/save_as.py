"""A name typed in a save dialog without its extension gets the one of the chosen file type
(the dialog on Linux adds none: "台账" was refused as 不支持导出为“”)."""

from __future__ import annotations

import re
from pathlib import Path


def with_suffix(path: str, selected_filter: str = "", default: str = ".xlsx") -> Path:
    chosen = Path(path)
    if chosen.suffix:
        return chosen
    found = re.search(r"\*(\.\w+)", selected_filter)  # "Excel workbook (*.xlsx)" -> .xlsx
    return chosen.with_name(chosen.name + (found.group(1) if found else default))
