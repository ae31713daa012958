"""A form saved from an outdated copy of its record: the storage refuses the save, saying
who changed the record and when; the form shows the record as it is now, and says so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tracker.storage.errors import NotFoundError, StaleRecordError

Value = TypeVar("Value")

RELOADED = (
    "The form now shows the record as saved; make your change again if it is still needed."
)


def reloading_when_stale(
    operation: Callable[..., Value], reload: Callable[[Any], None]
) -> Callable[..., Value]:
    """``operation`` for ``context.run``; when it is refused as stale, ``reload(store)`` fills
    the form from the store before the refusal is shown."""

    def call(store: Any, *args: Any, **kwargs: Any) -> Value:
        try:
            return operation(store, *args, **kwargs)
        except StaleRecordError as error:
            try:
                reload(store)
            except NotFoundError:
                raise StaleRecordError(f"{error}, and it is no longer on record") from None
            raise StaleRecordError(f"{error}.\n\n{RELOADED}") from None

    return call
