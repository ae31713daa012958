"""How the desktop knows the application: its icon, read from ``resources/icons`` like every
other data file (so a checkout, an installed copy and the bundle show the same one), and the
name of its desktop entry."""

from __future__ import annotations

import logging

from PySide6.QtGui import QIcon

from tracker.resources import resource_path

ICON_FILE = "rd-cycle-tracker.svg"
# The reverse-DNS id that names the desktop entry and the AppStream metainfo in packaging/.
DESKTOP_FILE_ID = "org.rdcycletracker.RdCycleTracker"
log = logging.getLogger("tracker")


def application_icon() -> QIcon:
    """The SVG icon; an empty QIcon when the file is missing, which costs a plain window frame
    rather than the start of the application (a data folder set by RD_TRACKER_RESOURCES may
    hold only the clinical files)."""
    try:
        path = resource_path("icons", ICON_FILE)
    except FileNotFoundError as error:
        log.warning("no application icon: %s", error)
        return QIcon()
    return QIcon(str(path))
