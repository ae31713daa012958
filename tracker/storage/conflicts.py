"""Making a change again when it lost a race to another workstation.

A change that clashed with one saved elsewhere at the same moment (PostgreSQL's
serializability check, or a deadlock) was rolled back whole. Made again, it reads what the
other workstation saved: it succeeds, or its own checks refuse it in their usual words. A
record another workstation created first (a unique index: the same cycle, the same MRN) is
not made again: the user is told, and the screens show the other's.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from tracker.storage.database import Store
from tracker.storage.errors import ConflictError

Result = TypeVar("Result")
ATTEMPTS = 4
_PAUSE_S = 0.02


def retrying(
    operation: Callable[..., Result], store: Store, *args: Any, **kwargs: Any
) -> Result:
    """``operation(store, *args, **kwargs)``, made again (up to ``ATTEMPTS`` in all, after a
    short random pause) while it loses a race; the last ConflictError is raised as it is."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return operation(store, *args, **kwargs)
        except ConflictError as error:
            if not error.retryable or attempt == ATTEMPTS or store.connection.in_transaction:
                # Inside a caller's transaction the whole of it must be made again, not a part.
                raise
            time.sleep(_PAUSE_S * attempt * (1 + random.random()))
    raise AssertionError("unreachable")
