"""Reading from the store for a screen: a refused read is shown, never raised.

``AppContext.run`` is for writes: it announces a change after every call, so a view that read
through it would refresh itself forever.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtWidgets import QWidget

from tracker.domain.errors import DomainError
from tracker.storage.errors import StorageError
from tracker.ui.context import AppContext

Result = TypeVar("Result")


def read(
    context: AppContext,
    query: Callable[..., Result],
    *args: Any,
    parent: QWidget | None = None,
    **kwargs: Any,
) -> Result | None:
    """``query(store, *args, **kwargs)``; on a refusal show why and return None.

    A damaged file also returns None, after closing the database (``AppContext.read_failed``).
    """
    try:
        return query(context.store, *args, **kwargs)
    except (StorageError, DomainError) as error:
        context.report_error(parent, str(error))
        return None
    except sqlite3.DatabaseError as error:
        # Damage the opening check had not (yet) reported; the file is closed, not retried.
        context.read_failed(parent, error)
        return None
