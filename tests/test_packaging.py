"""The files in packaging/: the desktop entry, the AppStream metainfo and the bundle's spec
agree with each other and with the application they describe."""

from __future__ import annotations

import configparser
import glob
import shlex
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from tracker import __version__
from tracker.cli.main import build_parser
from tracker.resources import resources_dir
from tracker.ui.shell.app_icon import DESKTOP_FILE_ID, ICON_FILE

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
DESKTOP_FILE = PACKAGING / f"{DESKTOP_FILE_ID}.desktop"
METAINFO_FILE = PACKAGING / f"{DESKTOP_FILE_ID}.metainfo.xml"


def desktop_entry() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive in desktop entries
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def metainfo() -> ElementTree.Element:
    return ElementTree.parse(METAINFO_FILE).getroot()


def pyproject() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_the_desktop_entry_launches_the_application_with_its_icon():
    entry = desktop_entry()

    assert entry["Type"] == "Application"
    assert entry["Name"] == "Rd Cycle Tracker"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    assert "Office" in entry["Categories"].split(";")
    command, *arguments = shlex.split(entry["Exec"])
    assert command in pyproject()["project"]["scripts"]
    assert entry["TryExec"] == command
    assert build_parser().parse_args(arguments).command == "gui"
    # The icon is named as installed under hicolor/scalable/apps, without the extension.
    assert f"{entry['Icon']}.svg" == ICON_FILE
    assert (ROOT / "resources" / "icons" / ICON_FILE).is_file()


def test_the_metainfo_describes_the_same_application_as_the_desktop_entry():
    entry = desktop_entry()
    root = metainfo()

    assert root.tag == "component"
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == DESKTOP_FILE_ID
    assert root.findtext("name") == entry["Name"]
    assert root.find("launchable[@type='desktop-id']").text == DESKTOP_FILE.name
    assert root.find("icon[@type='stock']").text == entry["Icon"]
    assert root.findtext("provides/binary") == shlex.split(entry["Exec"])[0]
    assert [category.text for category in root.iterfind("categories/category")] == [
        category for category in entry["Categories"].split(";") if category
    ]
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("summary")
    assert len(root.findall("description/p")) >= 1


def test_the_newest_release_in_the_metainfo_is_this_version():
    releases = metainfo().findall("releases/release")

    assert releases
    assert releases[0].get("version") == __version__ == pyproject()["project"]["version"]


def test_an_installed_copy_gets_every_data_file_and_the_icon():
    checkout_files = {
        path.relative_to(resources_dir()).as_posix()
        for path in resources_dir().rglob("*")
        if path.is_file()
    }
    installed = set()
    for target, patterns in pyproject()["tool"]["setuptools"]["data-files"].items():
        folder = target.removeprefix("share/rd-cycle-tracker/resources").strip("/")
        for pattern in patterns:
            for source in glob.glob(pattern, root_dir=ROOT):
                installed.add(f"{folder}/{Path(source).name}".lstrip("/"))

    assert f"icons/{ICON_FILE}" in installed
    assert checkout_files <= installed


def _validator(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed; the checks above do not need it")
    return found


def test_desktop_file_validate_accepts_the_entry():
    result = subprocess.run(
        [_validator("desktop-file-validate"), str(DESKTOP_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    # Hints (a suggested extra category) are advice, not faults.
    faults = [line for line in result.stdout.splitlines() if ": hint: " not in line]
    assert faults == []


def test_appstreamcli_validates_the_metainfo_without_warnings():
    result = subprocess.run(
        [_validator("appstreamcli"), "validate", "--no-net", str(METAINFO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    issues = [line for line in result.stdout.splitlines() if line[:2] in ("E:", "W:", "I:")]
    assert issues == []


def test_the_bundle_launcher_is_the_tracker_command_with_the_application_as_default(
    tmp_path: Path,
):
    launcher = PACKAGING / "rd-cycle-tracker.py"
    spec = (PACKAGING / "rd-cycle-tracker.spec").read_text(encoding="utf-8")
    assert launcher.name in spec

    def run(*arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(launcher), *arguments],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    schedule = run("schedule", "--start", "2027-01-04", "--cycles", "1")
    missing = tmp_path / "missing.sqlite"
    smoke_test = run("--db", str(missing), "--smoke-test")

    assert schedule.returncode == 0, schedule.stderr
    assert "2027-01-04" in schedule.stdout
    # Options alone reach the application: here its refusal of a database that is not there.
    assert smoke_test.returncode == 2
    assert smoke_test.stderr == f"tracker: error: there is no database file at {missing}\n"
