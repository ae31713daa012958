"""Checks on values coming into the storage layer; each failure is a ValidationError
whose message names the field and says what is acceptable."""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from tracker.storage.database import Store
from tracker.storage.errors import ValidationError

EARLIEST_DATE = date(1900, 1, 1)
MAX_TEXT_LENGTH = 2000


def as_date(value: Any, label: str) -> date:
    """A ``date`` (a datetime is cut to its day) or an ISO 'YYYY-MM-DD' string."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(
                f"{label} {value!r} is not a date in the form YYYY-MM-DD"
            ) from None
    if not isinstance(value, date):
        raise ValidationError(f"{label} is missing or is not a date")
    if value < EARLIEST_DATE:
        raise ValidationError(f"{label} {value.isoformat()} is before {EARLIEST_DATE.year}")
    return value


def optional_date(value: Any, label: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return as_date(value, label)


def past_or_today(store: Store, value: Any, label: str) -> date:
    """A date that is not in the future."""
    day = as_date(value, label)
    today = store.today()
    if day > today:
        raise ValidationError(
            f"{label} {day.isoformat()} is in the future (today is {today.isoformat()})"
        )
    return day


def not_before(day: date, earliest: date, label: str, earliest_label: str) -> None:
    if day < earliest:
        raise ValidationError(
            f"{label} {day.isoformat()} is before {earliest_label} {earliest.isoformat()}"
        )


def required_text(value: Any, label: str, *, max_length: int = 200) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{label} must not be empty")
    text = " ".join(value.split())
    if len(text) > max_length:
        raise ValidationError(f"{label} is longer than {max_length} characters")
    return text


def optional_text(value: Any, label: str, *, max_length: int = MAX_TEXT_LENGTH) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text")
    text = value.strip()
    if len(text) > max_length:
        raise ValidationError(f"{label} is longer than {max_length} characters")
    return text or None


def note_text(value: Any, label: str = "note") -> str:
    """Free text that is stored as '' when empty."""
    return optional_text(value, label) or ""


def text_items(values: Any, label: str) -> list[str]:
    """A list or tuple of strings (never one string, which would be read letter by letter)."""
    if not isinstance(values, list | tuple) or not all(isinstance(item, str) for item in values):
        raise ValidationError(f"{label} must be a list of names, not {values!r:.60}")
    return list(values)


def choice(value: Any, allowed: Collection[str], label: str) -> str:
    if value not in allowed:
        options = ", ".join(f'"{option}"' for option in allowed)
        raise ValidationError(f"{label} {value!r} is not one of {options}")
    return value


def optional_choice(value: Any, allowed: Collection[str], label: str) -> str | None:
    if value is None or value == "":
        return None
    return choice(value, allowed, label)


def whole_number(value: Any, label: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{label} must be a whole number from {minimum} to {maximum}")
    if not minimum <= value <= maximum:
        raise ValidationError(f"{label} {value} is outside {minimum} to {maximum}")
    return value


def optional_amount(
    value: Any, label: str, *, zero_allowed: bool, maximum: float | None = None
) -> float | None:
    """A measured quantity: never negative; zero only where it can really be measured."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"{label} must be a number")
    amount = float(value)
    if amount < 0 or (amount == 0 and not zero_allowed):
        bound = "0 or more" if zero_allowed else "more than 0"
        raise ValidationError(f"{label} {value:g} is not possible; it must be {bound}")
    if maximum is not None and amount > maximum:
        raise ValidationError(f"{label} {value:g} is implausibly high (above {maximum:g})")
    return amount


def flag(value: Any, label: str) -> int:
    if not isinstance(value, bool | int) or value not in (0, 1):
        raise ValidationError(f"{label} must be yes or no")
    return int(value)


REASON_MAX_LENGTH = 500


def change_reason(value: Any) -> str:
    """Why a saved record is being corrected or withdrawn: required, kept in the audit log."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            "give a reason for changing a saved record; it is kept in the audit log"
        )
    return required_text(value, "reason for the change", max_length=REASON_MAX_LENGTH)
