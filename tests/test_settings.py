from __future__ import annotations

import json
from pathlib import Path

from compliance_desk import settings


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert settings.load(tmp_path / "none.json") == settings.Settings()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    s = settings.Settings(last_username="clerk", search_page_size=100)
    settings.save(s, path)
    assert settings.load(path) == s


def test_an_old_version_is_upgraded_not_thrown_away(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"version": 1, "db": "sqlite:///x.db", "last_username": "adviser"}))
    loaded = settings.load(path)
    assert loaded.version == settings.VERSION
    assert loaded.database_url == "sqlite:///x.db" and loaded.last_username == "adviser"


def test_a_corrupt_file_falls_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("{not json")
    assert settings.load(path) == settings.Settings()
