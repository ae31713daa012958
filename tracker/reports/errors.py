"""Errors the reports raise with messages fit to show a clinic user."""


class ReportError(ValueError):
    """A report or chart that cannot be made or saved as asked."""
