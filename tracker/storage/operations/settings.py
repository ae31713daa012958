"""Program settings kept in the database (shared by everyone using the file)."""

from __future__ import annotations

from tracker.storage.audit import write_audit
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.validation import required_text

SETTINGS_TABLE = "settings"


def get_setting(store: Store, key: str, default: str | None = None) -> str | None:
    rows = list(store.db.query("SELECT value FROM settings WHERE key = ?", [key]))
    return rows[0]["value"] if rows else default


def set_setting(store: Store, key: str, value: str) -> None:
    key = required_text(key, "setting name", max_length=100)
    if not isinstance(value, str):
        raise ValidationError(f"setting {key} must be text")
    with store.transaction() as db:
        rows = list(db.query("SELECT * FROM settings WHERE key = ?", [key]))
        before = rows[0] if rows else None
        after = {"key": key, "value": value}
        if before == after:
            return
        db[SETTINGS_TABLE].upsert(after, pk="key")
        write_audit(
            store,
            table=SETTINGS_TABLE,
            row_id=None,
            patient_id=None,
            action="insert" if before is None else "update",
            before=before,
            after=after,
        )


START_COUNTS_MAX_AGE_KEY = "start_counts_max_age_days"


def start_counts_max_age(store: Store) -> int:
    """Days old the latest counts may be for a cycle or course to start without an override
    reason: the clinic's setting, else ``resources/monitoring.toml``."""
    from tracker.domain.treatment.monitoring import count_schedule

    stored = get_setting(store, START_COUNTS_MAX_AGE_KEY)
    try:
        return int(stored) if stored is not None else count_schedule().start_counts_max_age_days
    except ValueError:
        return count_schedule().start_counts_max_age_days
