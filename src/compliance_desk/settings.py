"""The one typed settings object, stored as JSON under the user config dir, with a version.

Each version bump adds an upgrade step, so a settings file written by an older release is
carried forward instead of being thrown away.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

from compliance_desk import APP_NAME

log = logging.getLogger("compliance_desk.settings")

VERSION = 2


@dataclass
class Settings:
    version: int = VERSION
    database_url: str = ""  # empty: the SQLite file under the user data dir
    last_username: str = ""
    window_geometry: str = ""  # base64 of QMainWindow.saveGeometry()
    search_page_size: int = 200
    enterprise_columns: list[str] = field(default_factory=list)
    pdf_fonts: dict[str, str] = field(default_factory=dict)
    # Background sync of an enrolled device: seconds between syncs when all is well (failures
    # back off to 5, 10, 30, 60 s).  A missing key in an older file means the default.
    sync_interval_seconds: float = 10.0


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    # v1 called the database setting "db"; v2 names it database_url.
    data["database_url"] = data.pop("db", "")
    return data


UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def settings_path() -> Path:
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "settings.json"


def load(path: Path | None = None) -> Settings:
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
        return Settings()
    version = int(data.get("version", 1))
    while version < VERSION:
        data = UPGRADES[version](data)
        version += 1
    data["version"] = VERSION
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in data.items() if k in known})


def save(settings: Settings, path: Path | None = None) -> None:
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
