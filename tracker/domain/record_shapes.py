"""The fields the domain and the charts read from stored labs, events and responses, as
protocols: a storage record or any look-alike fits."""

from __future__ import annotations

from datetime import date
from typing import Protocol


class LabLike(Protocol):
    @property
    def date(self) -> date: ...
    @property
    def anc(self) -> float | None: ...
    @property
    def anc_unit(self) -> str | None: ...
    @property
    def platelets(self) -> float | None: ...
    @property
    def platelets_unit(self) -> str | None: ...


class EventLike(Protocol):
    @property
    def event_type(self) -> str: ...
    @property
    def grade(self) -> int: ...
    @property
    def onset_date(self) -> date: ...
    @property
    def resolution_date(self) -> date | None: ...


class ResponseLike(Protocol):
    @property
    def assessed_on(self) -> date: ...
    @property
    def response(self) -> str: ...
    @property
    def progression_date(self) -> date | None: ...
