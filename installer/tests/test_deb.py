"""The .deb: its control data, its file list, the desktop entry, and that what it unpacks runs."""

from __future__ import annotations

import subprocess
from pathlib import Path

from installer.tests.conftest import VERSION, run, user_env


def dpkg_deb(*args: str) -> str:
    return subprocess.run(["dpkg-deb", *args], capture_output=True, text=True, check=True).stdout


def control(deb: Path) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in dpkg_deb("-f", str(deb)).splitlines():
        if line[:1] not in (" ", "") and ":" in line:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def test_control_data(deb: Path) -> None:
    fields = control(deb)
    assert fields["Package"] == "compliance-desk"
    assert fields["Version"] == VERSION
    assert fields["Architecture"] == deb.name.rsplit("_", 1)[1].removesuffix(".deb")
    depends = [d.strip() for d in fields["Depends"].split(",")]
    for lib in (
        "libxcb-cursor0",
        "libxcb-icccm4",
        "libxcb-keysyms1",
        "libxkbcommon-x11-0",
        "libgl1",
        "libegl1",
        "libfontconfig1",
    ):
        assert lib in depends
    assert any(d.startswith("libc6 (>= 2.") for d in depends)
    assert "fonts-wqy-microhei | fonts-wqy-zenhei | fonts-noto-cjk" in depends
    assert int(fields["Installed-Size"]) > 100_000  # KiB: Qt and Python are inside
    info = dpkg_deb("-I", str(deb))
    assert "postinst" in info and "postrm" in info


def test_file_list(deb: Path) -> None:
    listing = {}
    for line in dpkg_deb("-c", str(deb)).splitlines():
        mode, owner, _size, _day, _time, path = line.split(None, 5)
        listing[path.split(" -> ")[0].removeprefix(".")] = (mode, owner)
    assert listing["/opt/compliance-desk/compliance-desk"][0] == "-rwxr-xr-x"
    assert listing["/usr/bin/compliance-desk"][0] == "-rwxr-xr-x"
    for path in (
        "/usr/share/applications/compliance-desk.desktop",
        "/usr/share/icons/hicolor/256x256/apps/compliance-desk.png",
        "/usr/share/icons/hicolor/scalable/apps/compliance-desk.svg",
        "/usr/share/doc/compliance-desk/copyright",
        "/opt/compliance-desk/_internal/resources/fonts/DroidSansFallbackFull.ttf",
        "/opt/compliance-desk/_internal/db/env.py",
    ):
        assert path in listing, path
    assert {owner for _mode, owner in listing.values()} == {"root/root"}
    outside = [
        p for p in listing if not p.startswith(("/opt/compliance-desk", "/usr/")) and p != "/"
    ]
    assert outside == ["/opt"] or outside == ["/opt/"]
    assert not any(p.startswith(("/home", "/root", "/etc/skel", "/var")) for p in listing)


def extract(deb: Path, member: str) -> str:
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True)
    out = subprocess.run(
        ["tar", "-xO", f".{member}"], input=tar.stdout, capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


def test_desktop_entry(deb: Path, tmp_path: Path) -> None:
    text = extract(deb, "/usr/share/applications/compliance-desk.desktop")
    entry = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    assert entry["Name[zh_CN]"] == "合规服务台"
    assert entry["Exec"] == "compliance-desk" and entry["Icon"] == "compliance-desk"
    assert "Office" in entry["Categories"].split(";") and entry["Terminal"] == "false"
    wrapper = extract(deb, "/usr/bin/compliance-desk")
    assert 'exec /opt/compliance-desk/compliance-desk "$@"' in wrapper
    validate = subprocess.run(["which", "desktop-file-validate"], capture_output=True, text=True)
    if validate.returncode == 0:
        path = tmp_path / "compliance-desk.desktop"
        path.write_text(text, encoding="utf-8")
        checked = subprocess.run(
            [validate.stdout.strip(), str(path)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_removal_keeps_the_users_data(deb: Path, tmp_path: Path) -> None:
    """The maintainer scripts touch no user folder (dpkg itself never does)."""
    folder = tmp_path / "control"
    subprocess.run(["dpkg-deb", "-e", str(deb), str(folder)], check=True)
    for script in ("postinst", "postrm"):
        body = (folder / script).read_text(encoding="utf-8")
        code = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith("#"))
        assert "rm " not in code and ".local" not in code and "/home" not in code


def test_what_the_package_unpacks_runs(deb: Path, tmp_path: Path, home: Path) -> None:
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    out = run(root / "opt" / "compliance-desk" / "compliance-desk", "--version", env=user_env(home))
    assert out.returncode == 0 and out.stdout.strip() == f"compliance-desk {VERSION}"
