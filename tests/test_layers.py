"""The house rule: nothing outside gui/ imports PySide6, and domain/ imports nothing of ours."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import compliance_desk

PACKAGE = Path(compliance_desk.__file__).parent


def _non_gui_modules() -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages([str(PACKAGE)], prefix="compliance_desk.")
        if not m.name.startswith("compliance_desk.gui")
    ]


def test_importing_every_non_gui_module_does_not_load_qt() -> None:
    modules = _non_gui_modules()
    assert "compliance_desk.services.enterprises" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    if name.endswith('__main__'): continue\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_domain_imports_nothing_of_the_project_but_itself() -> None:
    for path in (PACKAGE / "domain").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith("compliance_desk"):
                    assert name.startswith("compliance_desk.domain"), (path, name)
                assert not name.startswith(("PySide6", "sqlalchemy")), (path, name)


def test_opening_a_desk_does_not_load_the_letters_machinery(tmp_path: Path) -> None:
    """reportlab, Jinja and cryptography load when a letter is made, not when the window opens."""
    code = (
        "import sys\n"
        "from compliance_desk.bootstrap import open_desk\n"
        f"open_desk('sqlite:///{tmp_path / 'd.sqlite3'}').close()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules\n"
        "       if m.startswith(('reportlab', 'jinja2', 'cryptography', 'qrcode', 'PIL'))}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_kind_of_letter_has_its_template_and_sample() -> None:
    from compliance_desk.documents.kinds import KINDS
    from compliance_desk.paths import resources_dir

    templates = {p.stem for p in (resources_dir() / "templates").glob("*.txt")}
    samples = {p.stem for p in (resources_dir() / "templates" / "samples").glob("*.json")}
    assert templates == samples == set(KINDS)


def test_the_main_window_comes_up_without_the_data_layer() -> None:
    """The window and its sign-in appear before SQLAlchemy and the models load (a worker
    imports them while the password is typed): the cold start's budget."""
    code = (
        "import sys\n"
        "import compliance_desk.gui.app, compliance_desk.gui.main_window\n"
        "import compliance_desk.gui.startup, compliance_desk.gui.login\n"
        "print(sorted({m.split('.')[0] for m in sys.modules\n"
        "       if m.startswith(('sqlalchemy', 'alembic', 'argon2', 'httpx', 'pypinyin'))}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
