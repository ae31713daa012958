"""How long an idle window stays open before it locks: a clinic setting, 10 minutes unless
an administrator changes it."""

from __future__ import annotations

from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations.settings import get_setting, set_setting
from tracker.storage.roles import CHANGE_SETTINGS, requires

IDLE_LOCK_KEY = "idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 10
MAX_IDLE_LOCK_MINUTES = 240


def idle_lock_minutes(store: Store) -> int:
    text = get_setting(store, IDLE_LOCK_KEY)
    try:
        minutes = int(text) if text is not None else DEFAULT_IDLE_LOCK_MINUTES
    except ValueError:
        return DEFAULT_IDLE_LOCK_MINUTES
    return minutes if 1 <= minutes <= MAX_IDLE_LOCK_MINUTES else DEFAULT_IDLE_LOCK_MINUTES


@requires(CHANGE_SETTINGS)
def set_idle_lock_minutes(store: Store, minutes: int) -> int:
    """Lock an idle window after ``minutes`` (1 to 240)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValidationError("the idle time is a whole number of minutes")
    if not 1 <= minutes <= MAX_IDLE_LOCK_MINUTES:
        raise ValidationError(
            f"the window locks after 1 to {MAX_IDLE_LOCK_MINUTES} idle minutes, not {minutes}"
        )
    set_setting(store, IDLE_LOCK_KEY, str(minutes))
    return minutes
