"""The application icon on the window, and ``tracker gui --smoke-test`` in a fresh process."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QIcon, QImageReader

from tracker.resources import resource_path
from tracker.ui.app import launch
from tracker.ui.app_icon import ICON_FILE, application_icon
from tracker.ui.settings import AppSettings


def test_qt_reads_svg_images_and_icons(qapp):
    # PySide6-Essentials carries the svg image format and icon engine plugins; without them
    # every window would fall back to a blank icon.
    assert b"svg" in [bytes(name) for name in QImageReader.supportedImageFormats()]
    icon = QIcon(str(resource_path("icons", ICON_FILE)))
    assert not icon.isNull()
    for size in (16, 32, 256):
        assert not icon.pixmap(size, size).isNull()


def test_the_icon_draws_a_28_day_page_with_21_dosing_days(qapp):
    image = application_icon().pixmap(256, 256).toImage()
    assert (image.width(), image.height()) == (256, 256)
    header = image.pixelColor(128, 60)
    first_dosing_day = image.pixelColor(50, 116)  # row 1, column 1
    last_dosing_day = image.pixelColor(206, 174)  # row 3, column 7: day 21
    rest_day = image.pixelColor(50, 203)  # row 4: the week without lenalidomide
    corner = image.pixelColor(2, 2)
    assert header == QColor("#c0392b")
    assert first_dosing_day == QColor("#1f6f8b")
    assert last_dosing_day == QColor("#1f6f8b")
    assert rest_day == QColor("#ffffff")
    assert corner.alpha() == 0


def test_the_main_window_shows_the_application_icon(qtbot, tmp_path: Path):
    window = launch(
        tmp_path / "clinic.sqlite", AppSettings.in_file(tmp_path / "s.ini"), ask_staff=False
    )
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.context.has_store, timeout=5000)

    shown = window.windowIcon()
    expected = QIcon(str(resource_path("icons", ICON_FILE)))
    assert not shown.isNull()
    assert shown.pixmap(64, 64).toImage() == expected.pixmap(64, 64).toImage()
    window.context.store.close()


def test_a_data_folder_without_the_icon_gives_a_plain_frame_rather_than_a_failure(
    qapp, tmp_path: Path, monkeypatch
):
    # RD_TRACKER_RESOURCES may name a folder holding only the clinical files.
    monkeypatch.setenv("RD_TRACKER_RESOURCES", str(tmp_path / "clinical-files-only"))

    assert application_icon().isNull()
