"""Kaplan-Meier estimates of the time to an event (progression, death) from censored times.

The curve is scipy's: ``scipy.stats.ecdf`` on right-censored ``CensoredData``. A time with
both events and censorings counts the censored ones as still at risk at that time, as
Kaplan and Meier did.

The confidence band is also scipy's, ``confidence_interval(method="log-log")``: pointwise,
the "exponential Greenwood" interval, Greenwood's variance on the log(-log S) scale, which
keeps the band inside 0..1. It is the default of SAS PROC LIFETEST (CONFTYPE=LOGLOG) and
R's ``conf.type="log-log"``. Where the curve is still at 1 the band is 1; where it has
reached 0 the band's upper edge is undefined (NaN) and its lower edge is 0.

The median and its interval (``quantile``): the median is the first time the curve is at or
below 0.5; where the curve lies exactly at 0.5 over an interval, the middle of that interval,
as SAS and R take it. Its interval is Brookmeyer and Crowley's (Biometrics 1982;38:29-41)
read off that band: from the first time the band's lower edge is at or below 0.5 to the
first time its upper edge is, the times whose survival the band does not tell apart from
0.5. A limit the band never reaches is "not reached" (None), as is a median the curve never
reaches. The same rule gives any other quantile.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from tracker.domain.errors import DomainError

DAYS_PER_MONTH = 30.4375
BAND_METHOD = "log-log"
BAND_TEXT = (
    "pointwise log-log (exponential Greenwood) band; median interval by Brookmeyer-Crowley "
    "from that band"
)
# Survival probabilities are products of fractions: equal to 0.5 "exactly" within this.
_TOLERANCE = 1e-9
# What scipy says when the log-log band is undefined where the curve is 1 or 0 (mended here).
_UNDEFINED_BAND = "The confidence interval is undefined"


class Observation(NamedTuple):
    """One subject: the days from the start to the event, or to the last time it was known
    not to have happened (censored)."""

    days: float
    event: bool


@dataclass(frozen=True)
class QuantileEstimate:
    """A time (days) from the curve, with its confidence interval; None: not reached."""

    point: float | None
    low: float | None
    high: float | None

    def in_months(self) -> QuantileEstimate:
        return QuantileEstimate(*(months(value) for value in (self.point, self.low, self.high)))


NOT_REACHED = QuantileEstimate(None, None, None)


@dataclass(frozen=True)
class SurvivalCurve:
    """A Kaplan-Meier curve: at each distinct observed time (days, ascending) the number at
    risk just before it, the events and censorings at it, and the survival just after it
    with its confidence band."""

    times: tuple[float, ...]
    at_risk: tuple[int, ...]
    events: tuple[int, ...]
    censored: tuple[int, ...]
    survival: tuple[float, ...]
    band_low: tuple[float, ...]
    band_high: tuple[float, ...]
    confidence: float
    median: QuantileEstimate

    @property
    def subjects(self) -> int:
        return self.at_risk[0] if self.times else 0

    @property
    def event_count(self) -> int:
        return sum(self.events)

    @property
    def censored_count(self) -> int:
        return sum(self.censored)

    def survival_at(self, days: float) -> float:
        """The curve's value at ``days`` (1 before the first event)."""
        value = 1.0
        for time, survival in zip(self.times, self.survival, strict=True):
            if time > days:
                break
            value = survival
        return value

    def at_risk_at(self, days: float) -> int:
        """Subjects still followed and free of the event at ``days`` (observed that long)."""
        return sum(
            events + censored
            for time, events, censored in zip(self.times, self.events, self.censored, strict=True)
            if time >= days
        )

    def censored_points(self) -> tuple[list[float], list[float]]:
        """Where each censoring sits on the curve: its time and the survival there."""
        pairs = [
            (time, survival)
            for time, censored, survival in zip(
                self.times, self.censored, self.survival, strict=True
            )
            if censored
        ]
        return [time for time, _ in pairs], [survival for _, survival in pairs]

    def quantile(self, level: float) -> QuantileEstimate:
        """The first time the curve is at or below ``level`` (0.5: the median), with the
        interval the band gives it (see the module's description)."""
        return QuantileEstimate(
            _first_time_at_or_below(self.times, self.survival, level),
            _first_time_at_or_below(self.times, self.band_low, level),
            _first_time_at_or_below(self.times, self.band_high, level),
        )


def months(days: float | None) -> float | None:
    return None if days is None else days / DAYS_PER_MONTH


def kaplan_meier(observations: Iterable[Observation], confidence: float = 0.95) -> SurvivalCurve:
    """The Kaplan-Meier curve of ``observations`` with its band and median."""
    if not 0 < confidence < 1:
        raise DomainError(f"the confidence level must be between 0 and 1, not {confidence}")
    import numpy as np

    observed = list(observations)
    if any(not observation.days >= 0 for observation in observed):
        raise DomainError("a time to an event cannot be negative")
    if not observed:
        return SurvivalCurve((), (), (), (), (), (), (), confidence, NOT_REACHED)
    from scipy.stats import CensoredData, ecdf

    days = np.array([observation.days for observation in observed], dtype=float)
    seen = np.array([observation.event for observation in observed], dtype=bool)
    result = ecdf(CensoredData(uncensored=days[seen], right=days[~seen])).sf
    times = result.quantiles
    survival = result.probabilities
    low, high = _band(result, survival, confidence)
    events = _counts_at(times, days[seen])
    censored = _counts_at(times, days[~seen])
    # At risk just before a time: everyone observed at least that long.
    at_risk = np.cumsum((events + censored)[::-1])[::-1]
    curve = SurvivalCurve(
        times=tuple(times.tolist()),
        at_risk=tuple(at_risk.tolist()),
        events=tuple(events.tolist()),
        censored=tuple(censored.tolist()),
        survival=tuple(survival.tolist()),
        band_low=tuple(low.tolist()),
        band_high=tuple(high.tolist()),
        confidence=confidence,
        median=NOT_REACHED,
    )
    return replace(curve, median=curve.quantile(0.5))


def _band(result, survival, confidence: float):
    """scipy's log-log band, with its undefined ends mended: 1 while the curve is 1, and a
    lower edge of 0 (the upper one undefined) once it has reached 0."""
    import numpy as np

    # Only scipy's own message is silenced, and only around this one call (it may run on a
    # worker thread: the filter is that narrow so no other warning is lost meanwhile).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_UNDEFINED_BAND, category=RuntimeWarning)
        band = result.confidence_interval(confidence, method=BAND_METHOD)
    low = np.array(band.low.probabilities, dtype=float)
    high = np.array(band.high.probabilities, dtype=float)
    whole = survival >= 1.0
    low[whole] = high[whole] = 1.0
    none_left = survival <= 0.0
    low[none_left] = 0.0
    high[none_left] = np.nan
    return low, high


def _counts_at(times, values):
    """How many of ``values`` fall on each of ``times`` (every value is one of them)."""
    import numpy as np

    unique, counts = np.unique(values, return_counts=True)
    result = np.zeros(len(times), dtype=int)
    result[np.searchsorted(times, unique)] = counts
    return result


def _first_time_at_or_below(
    times: Sequence[float], values: Sequence[float], level: float
) -> float | None:
    """The first time a step function is at or below ``level``; where it stays exactly at
    ``level`` until a later step, the middle of the two times. NaN never counts."""
    for index, value in enumerate(values):
        if math.isnan(value) or value > level + _TOLERANCE:
            continue
        if abs(value - level) > _TOLERANCE:
            return times[index]
        for later in range(index + 1, len(values)):
            if values[later] < level - _TOLERANCE:
                return (times[index] + times[later]) / 2
        return times[index]
    return None
