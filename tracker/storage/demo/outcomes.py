"""What becomes of each demo course, drawn when it starts so that a large demo cohort lands
near MM-010's efficacy (the lenalidomide arm: 60.2% overall response, 15.9% complete
response, median time to progression 11.3 months), and recorded as a clinic would:

- a response assessment after every two cycles, on day 1 of cycles 3, 5, 7 ...; the first
  may show one category short of the course's best, the later ones show the best;
- progression as a PD assessment on the day the course ends for it;
- a death on treatment as the end of the course and the patient's date of death.

Progression, a stop for toxicity, a death on treatment and a stop for another reason are
drawn as competing exponential times; the first ends the course in the cycle it falls in (the
course walk ends a course on day 20 to 27 of its last cycle). The stops are drawn apart from
progression, so that they censor it without bias and the Kaplan-Meier median of the cohort
comes out near the drawn one. A course that progresses before its first assessment has only
the PD assessment, as in the trial.

The figures below were tuned on the 10,000-patient demo of seed 1: ``tracker outcomes``
counts by intention to treat, so the courses too young for an assessment and those that
progress before one are in the denominator; the share of responders among assessed courses
is set above 60% to make up for them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from tracker.domain.outcomes import IMWG_RESPONSES, PROGRESSIVE_DISEASE
from tracker.storage.demo.tables import DemoRows, Ids, IsoDates

ASSESSED_EVERY_CYCLES = 2
# Median of the drawn time to progression; the course ends (and progression is recorded)
# at the end of the cycle it falls in, a week or two later on average.
MEDIAN_PROGRESSION_DAYS = 340
# Chance per year on treatment of a stop other than progression.
YEARLY_STOPS = {"toxicity": 0.13, "death": 0.04, "other": 0.03}
# The best response of an assessed course that has not progressed before its first
# assessment, best first (IMWG, PD left out: that course has progressed).
BEST_RESPONSE_SHARES = {
    "sCR": 0.05,
    "CR": 0.16,
    "VGPR": 0.23,
    "PR": 0.33,
    "MR": 0.08,
    "SD": 0.15,
}
FIRST_SHOWN_SHORT = 0.4  # the first assessment one category short of the best
ASSESSMENT_NOTE = "synthetic demo assessment"
PROGRESSION = "progression"


@dataclass(frozen=True)
class OutcomePlan:
    """A course's drawn outcome: its best response, and the day (from its start) and the
    reason of the end that comes first."""

    best_response: str
    ends_after_days: int
    end_reason: str
    first_shown_short: bool

    def planned_cycles(self, cycle_length_days: int, most: int) -> int:
        """The cycles the course is meant to reach: up to the one its end falls in."""
        return max(1, min(most, self.ends_after_days // cycle_length_days + 1))


def _exponential_days(rng: random.Random, median_days: float) -> float:
    return rng.expovariate(math.log(2) / median_days)


def plan_outcome(rng: random.Random) -> OutcomePlan:
    """Draw a course's outcome (before it is walked)."""
    times = {PROGRESSION: _exponential_days(rng, MEDIAN_PROGRESSION_DAYS)}
    for reason, yearly in YEARLY_STOPS.items():
        # A chance p within a year: an exponential time whose median is 365 ln 2 / -ln(1-p).
        times[reason] = _exponential_days(rng, 365 * math.log(2) / -math.log(1 - yearly))
    reason = min(times, key=times.__getitem__)
    best = rng.choices(list(BEST_RESPONSE_SHARES), weights=list(BEST_RESPONSE_SHARES.values()))
    return OutcomePlan(best[0], int(times[reason]), reason, rng.random() < FIRST_SHOWN_SHORT)


def _one_short(response: str) -> str:
    """The category below ``response`` (SD stays SD: the first look is not a progression)."""
    rank = IMWG_RESPONSES.index(response)
    return IMWG_RESPONSES[min(rank + 1, IMWG_RESPONSES.index("SD"))]


def assessments(
    plan: OutcomePlan, cycle_starts: list[date], end: date | None, end_reason: str | None
) -> list[tuple[date, str, date | None]]:
    """(assessed on, IMWG response, progression date) of a walked course: one on day 1 of
    cycles 3, 5, 7 ... (every cycle started is on or before its end and today), and a PD
    assessment on the day it ends for progression."""
    recorded: list[tuple[date, str, date | None]] = []
    for number in range(1 + ASSESSED_EVERY_CYCLES, len(cycle_starts) + 1, ASSESSED_EVERY_CYCLES):
        first = not recorded
        shown = _one_short(plan.best_response) if first and plan.first_shown_short else None
        recorded.append((cycle_starts[number - 1], shown or plan.best_response, None))
    if end is not None and end_reason == PROGRESSION:
        recorded.append((end, PROGRESSIVE_DISEASE, end))
    return recorded


def add_outcome_rows(
    rows: DemoRows,
    ids: Ids,
    iso: IsoDates,
    course_id: int,
    plan: OutcomePlan,
    cycle_starts: list[date],
    end: date | None,
) -> None:
    """The course's response rows, and the date of death on the patient's row (the last
    added) when the course ended with a death."""
    end_reason = None if end is None else plan.end_reason
    table = rows.tables["responses"]
    for assessed_on, response, progression in assessments(plan, cycle_starts, end, end_reason):
        table.append(
            (ids.take("responses"), course_id, iso(assessed_on), response,
             iso.optional(progression), ASSESSMENT_NOTE)
        )  # fmt: skip
    if end is not None and end_reason == "death":
        patients = rows.tables["patients"]
        patients[-1] = (*patients[-1][:-1], iso(end))
