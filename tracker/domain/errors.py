"""Errors the domain raises with messages fit to show a clinic user."""


class DomainError(ValueError):
    """A request the clinical rules refuse; the message is written for the user."""


class ScheduleError(DomainError):
    """A cycle calendar that cannot be built, such as an overlapping cycle start."""
