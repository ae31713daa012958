"""Help > About: the program, its version and what its advice is."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from tracker import __version__
from tracker.ui.common.settings import APPLICATION


def show_about(parent: QWidget) -> None:
    QMessageBox.about(
        parent,
        f"About {APPLICATION}",
        f"<b>{APPLICATION}</b> {__version__}<br><br>"
        "Cycles, doses and toxicity of lenalidomide plus dexamethasone (Rd) for multiple "
        "myeloma, following the MM-010 regimen (Dimopoulos et al., NEJM 2007;357:2123-32)."
        "<br><br>Dose advice is decision support for a clinician, never an automatic change.",
    )
