"""Whether a screen may read: the context's store while it is open, else None.

``AppContext.has_store`` is False once the store is closed, so this is the one-call form of
"the store if there is one" for screens that read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tracker.ui.common.context import AppContext

if TYPE_CHECKING:
    from tracker.storage.database import Store


def open_store(context: AppContext) -> Store | None:
    """The context's store while it is open; None without one or once it is closed."""
    return context.store if context.has_store else None


def open_database_files(context: AppContext | None) -> list[Path]:
    """The open database and its -wal/-shm/-journal: files a saved output must never replace."""
    from tracker.storage.output_files import database_files

    store = open_store(context) if context is not None else None
    return database_files(store.path) if store is not None else []
