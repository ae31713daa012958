"""The period a cohort or outcomes report covers (courses started between two dates), and the
request's checks both reports share."""

from __future__ import annotations

from datetime import date

from tracker.domain.errors import DomainError


def period_text(start: date | None, end: date | None) -> str:
    """'courses started 2025-01-01 to 2025-06-30', or 'all courses' with no limits."""
    if start and end:
        return f"courses started {start.isoformat()} to {end.isoformat()}"
    if start:
        return f"courses started from {start.isoformat()}"
    if end:
        return f"courses started up to {end.isoformat()}"
    return "all courses"


def check_period(
    period_from: date | None, period_to: date | None, confidence: float = 0.95
) -> None:
    """Refuse a period that ends before it starts, or an impossible confidence level."""
    if period_from and period_to and period_from > period_to:
        raise DomainError(
            f"the period starts on {period_from.isoformat()}, after its end {period_to.isoformat()}"
        )
    if not 0 < confidence < 1:
        raise DomainError(f"the confidence level must be between 0 and 1, not {confidence}")
