"""Recording in the audit trail what was copied out of the database or printed from it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tracker.storage.audit import record_action
from tracker.storage.database import Store

BACKUP, PRINT, SAVE_SHEETS = "backup", "print", "sheets_pdf"


def record_backup(store: Store, written: Path, *, automatic: bool = False) -> None:
    """A backup copy of the store's database was written to ``written``."""
    record_action(
        store,
        BACKUP,
        {
            "file": str(Path(written).resolve()),
            "bytes": Path(written).stat().st_size,
            "automatic": automatic,
        },
    )


def record_sheets(
    store: Store, sheets: Iterable[tuple[str, int]], *, file: Path | None = None
) -> None:
    """Cycle sheets, given as (MRN, cycle number), were printed, or saved to ``file``."""
    record_action(
        store,
        PRINT if file is None else SAVE_SHEETS,
        {
            "sheets": [{"mrn": mrn, "cycle": cycle} for mrn, cycle in sheets],
            "file": None if file is None else str(Path(file).resolve()),
        },
    )
