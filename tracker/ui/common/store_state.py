"""Whether a screen may read: the context's store while it is open, else None.

``AppContext.has_store`` is False once the store is closed, so this is the one-call form of
"the store if there is one" for screens that read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.ui.common.context import AppContext

if TYPE_CHECKING:
    from tracker.storage.database import Store


def open_store(context: AppContext) -> Store | None:
    """The context's store while it is open; None without one or once it is closed."""
    return context.store if context.has_store else None
