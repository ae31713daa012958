"""Today's REMS column: the engine's pregnancy-prevention answer (``DayState.rems``) in a few
words (test due today, overdue, authorization missing, stop) and in full in the tooltip.

Plain Python without Qt, like ``today_lines``: it runs with the read, off the GUI thread.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from tracker.ui.common.dates import short_date
from tracker.ui.common.rems_text import rems_detail

__all__ = ["rems_cell", "rems_detail"]

if TYPE_CHECKING:
    from tracker.domain.treatment.rems import RemsState

_short = lru_cache(maxsize=4096)(short_date)
CATEGORY_MISSING = "category not set"
# Rank under the REMS column, what to act on first sorting first.
STOP_RANK, CATEGORY_RANK, OVERDUE_RANK, DUE_RANK, AUTHORIZATION_RANK, QUIET_RANK = range(6)


def rems_cell(rems: RemsState | None) -> tuple[str, int]:
    """The cell's text and sort rank: '' for a patient the REMS asks nothing of today."""
    if rems is None:
        return "", QUIET_RANK + 1
    if rems.stop is not None:
        return f"STOP: {rems.stop_what}", STOP_RANK
    if rems.category_missing:
        return CATEGORY_MISSING, CATEGORY_RANK
    if not rems.testing:
        return "", QUIET_RANK + 1
    parts: list[str] = []
    rank = QUIET_RANK
    if rems.overdue and rems.next_test is not None:
        parts.append(f"test overdue since {_short(rems.next_test, rems.on)}")
        rank = OVERDUE_RANK
    elif rems.test_due:
        parts.append("test due today")
        rank = DUE_RANK
    if rems.authorization_missing:
        parts.append("authorization missing")
        rank = min(rank, AUTHORIZATION_RANK)
    if not parts and rems.next_test is not None:
        parts.append(f"next test {_short(rems.next_test, rems.on)}")
    return "; ".join(parts), rank


def needs_action(rank: int) -> bool:
    return rank < QUIET_RANK
