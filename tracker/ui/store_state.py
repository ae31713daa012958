"""Whether a screen may read: a database is open and has not been closed under it.

A store is closed when another database replaces it or the session ends; a refresh that a
timer or a signal delivers after that must find nothing to read rather than fail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.ui.context import AppContext

if TYPE_CHECKING:
    from tracker.storage.database import Store


def open_store(context: AppContext) -> Store | None:
    """The context's store while it is open; None without one or once it is closed."""
    if not context.has_store:
        return None
    store = context.store
    return None if getattr(store, "closed", False) else store
