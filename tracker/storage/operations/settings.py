"""Program settings kept in the database (shared by everyone using the file)."""

from __future__ import annotations

from tracker.storage.audit import write_audit
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.roles import CHANGE_SETTINGS, RECORD_CARE, check, requires
from tracker.storage.validation import required_text

SETTINGS_TABLE = "settings"
CLINIC_NAME_KEY = "clinic_name"
PAGE_SIZE_KEY = "sheet_page_size"
PAGE_SIZE_NAMES = ("A4", "Letter")


def get_setting(store: Store, key: str, default: str | None = None) -> str | None:
    rows = list(store.query("SELECT value FROM settings WHERE key = ?", [key]))
    return rows[0]["value"] if rows else default


def set_setting(store: Store, key: str, value: str) -> None:
    key = required_text(key, "setting name", max_length=100)
    # The paper size is remembered for whoever prints (a viewer changes nothing, so not for
    # a viewer); the demo flag comes with demo patients.
    check(store, RECORD_CARE if key in (PAGE_SIZE_KEY, "demo") else CHANGE_SETTINGS)
    if not isinstance(value, str):
        raise ValidationError(f"setting {key} must be text")
    with store.transaction():
        rows = list(store.query("SELECT * FROM settings WHERE key = ?", [key]))
        before = rows[0] if rows else None
        after = {"key": key, "value": value}
        if before == after:
            return
        store.engine.upsert(store, SETTINGS_TABLE, after, "key")
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


# Longer names no longer fit the sheet's title line at its smallest type.
CLINIC_NAME_MAX_LENGTH = 60
# Counts older than a cycle say nothing about the day a cycle starts.
COUNTS_MAX_AGE_RANGE = (0, 28)


def counts_max_age_days(text: str) -> int:
    """The typed number of days, refused unless a whole number in ``COUNTS_MAX_AGE_RANGE``."""
    low, high = COUNTS_MAX_AGE_RANGE
    cleaned = text.strip()
    if not cleaned.isdigit() or not low <= int(cleaned) <= high:
        raise ValidationError(
            f"the latest counts' age limit must be a whole number of days from {low} to "
            f"{high}, not {text.strip()!r}"
        )
    return int(cleaned)


@requires(CHANGE_SETTINGS)
def save_settings(store: Store, clinic_name: str, page_size: str, counts_max_age: str) -> bool:
    """Store the settings form in one transaction; True once saved. ValidationError if any
    value is unusable (nothing is written then).

    The counts' age limit is written only when it differs from the one in force, so leaving
    the shipped default alone adds no audit row."""
    for label, value in (
        ("clinic name", clinic_name), ("paper size", page_size),
        ("latest counts' age limit", counts_max_age),
    ):
        if not isinstance(value, str):
            raise ValidationError(f"the {label} must be text, not {value!r}")
    cleaned = " ".join(clinic_name.split())
    if len(cleaned) > CLINIC_NAME_MAX_LENGTH:
        raise ValidationError(
            f"the clinic name is {len(cleaned)} characters long; "
            f"at most {CLINIC_NAME_MAX_LENGTH} fit on a cycle sheet"
        )
    if page_size not in PAGE_SIZE_NAMES:
        raise ValidationError(
            f"the paper size must be {' or '.join(PAGE_SIZE_NAMES)}, not {page_size!r}"
        )
    max_age = counts_max_age_days(counts_max_age)
    with store.transaction():
        set_setting(store, CLINIC_NAME_KEY, cleaned)
        set_setting(store, PAGE_SIZE_KEY, page_size)
        if max_age != start_counts_max_age(store):
            set_setting(store, START_COUNTS_MAX_AGE_KEY, str(max_age))
    return True
