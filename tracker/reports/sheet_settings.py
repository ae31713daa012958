"""The settings a cycle sheet reads from the database: clinic name and paper size."""

from __future__ import annotations

from tracker.storage.database import Store
from tracker.storage.operations.settings import (
    CLINIC_NAME_KEY,
    PAGE_SIZE_KEY,
    PAGE_SIZE_NAMES,
    get_setting,
)

__all__ = ["CLINIC_NAME_KEY", "PAGE_SIZE_KEY", "PAGE_SIZE_NAMES", "clinic_name", "sheet_page_size"]

DEFAULT_CLINIC_NAME = "Clinic"
DEFAULT_PAGE_SIZE = "A4"


def page_size_name(text: str | None) -> str:
    """A stored or typed paper size ('a4', 'letter') as 'A4' or 'Letter'; A4 when unknown."""
    cleaned = (text or "").strip().lower()
    for name in PAGE_SIZE_NAMES:
        if cleaned == name.lower():
            return name
    return DEFAULT_PAGE_SIZE


def clinic_name(store: Store) -> str:
    name = (get_setting(store, CLINIC_NAME_KEY) or "").strip()
    return name or DEFAULT_CLINIC_NAME


def sheet_page_size(store: Store) -> str:
    """The paper size the user last chose for sheets."""
    return page_size_name(get_setting(store, PAGE_SIZE_KEY))
