"""A synthetic, clearly labelled cohort for demonstrations, training and load testing.

Every demo patient is named "DEMO Patient 00042" with MRN "DEMO-00042" and a note saying the
record is synthetic, and the database gets the setting ``demo = 1``. The cohort is simulated
from one seeded random generator, so the same seed and the same ``store.today()`` give the
same rows. Grade 3-4 events are drawn per patient at the reference trial's rates, and the lab
values agree with them (a grade 4 neutropenia has a lab with ANC below 0.5 x10^9/L; no other
lab reaches grade 3).

Rows go straight into the tables with one ``executemany`` per table in a single transaction,
with one audit row per table summarising the batch and one "added" row per patient for the
patient's History: 10,000 patients (about 2.7 million rows, mostly dose records) take well
under a minute instead of the hours that one audited operation per row would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from tracker.domain.grading import (
    CTCAE_VERSION,
    NEUTROPENIA,
    THROMBOCYTOPENIA,
    VTE,
    Unit,
    grade_bounds,
    term_name,
)
from tracker.domain.references import DEFAULT_REFERENCE_ID, LENALIDOMIDE_ARM, load_reference
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, Regimen, load_regimen
from tracker.domain.renal import (
    MG_PER_DL,
    UMOL_PER_L,
    age_on,
    creatinine_clearance,
    load_renal_rules,
    renal_starting_dose,
)
from tracker.storage.audit import AUDIT_TABLE, INSERT, audit_json, os_user, utc_now, write_audit
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations.settings import set_setting

MAX_PATIENTS = 99_999
DEMO_SETTING = "demo"
HISTORY_DAYS = 3 * 365
MAX_CYCLES = 20
BULK_CACHE_SIZE = -262_144  # KiB, i.e. 256 MiB

# Column order of the rows the simulation produces; bookkeeping columns are added on insert.
COLUMNS: dict[str, tuple[str, ...]] = {
    "patients": (
        "id", "mrn", "name", "date_of_birth", "sex", "weight_kg", "creatinine",
        "creatinine_unit", "on_dialysis", "reproductive_potential", "notes",
    ),
    "courses": (
        "id", "patient_id", "regimen_id", "start_date", "len_start_level", "dex_start_level",
        "len_every_days", "renal_band", "thromboprophylaxis", "status", "end_date",
        "end_reason", "end_note",
    ),
    "cycles": (
        "id", "course_id", "number", "planned_start", "actual_start", "len_level", "dex_level",
        "status", "delay_reason",
    ),
    "level_changes": ("id", "course_id", "effective_date", "drug", "level", "reason"),
    "dose_records": ("id", "course_id", "date", "drug", "status", "dose_mg", "note"),
    "labs": (
        "id", "patient_id", "date", "anc", "anc_unit", "platelets", "platelets_unit",
        "creatinine", "creatinine_unit", "note",
    ),
    "adverse_events": (
        "id", "patient_id", "course_id", "lab_id", "event_type", "term", "grade",
        "ctcae_version", "onset_date", "resolution_date", "action", "note",
    ),
}  # fmt: skip

_ADMIN_DELAYS = (
    "patient request (travel)",
    "public holiday",
    "prescription authorisation pending",
    "intercurrent infection",
    "hospital admission (unrelated)",
)
_MINOR_TOXICITIES = ("grade 2 fatigue", "grade 2 rash", "grade 2 diarrhoea", "grade 2 neuropathy")
_STEROID_TOXICITY = "steroid side effects (insomnia, hyperglycaemia)"


@dataclass(frozen=True)
class EventRates:
    """Share of patients with a worst grade 3 or 4 event of each kind."""

    neutropenia: float
    thrombocytopenia: float
    vte: float
    source: str = ""

    def by_type(self) -> dict[str, float]:
        return {
            NEUTROPENIA: self.neutropenia,
            THROMBOCYTOPENIA: self.thrombocytopenia,
            VTE: self.vte,
        }


def reference_event_rates(
    reference_id: str = DEFAULT_REFERENCE_ID, arm: str = LENALIDOMIDE_ARM
) -> EventRates:
    """Grade 3-4 event rates of one trial arm, from ``resources/references/<id>.toml``.

    The rates are reference data, never constants in code: the demo follows the file.
    """
    reference_arm = load_reference(reference_id).arm(arm)
    missing = [
        kind for kind in (NEUTROPENIA, THROMBOCYTOPENIA, VTE) if reference_arm.rate(kind) is None
    ]
    if missing:
        raise ValidationError(
            f"{reference_arm.short_label} reports no grade 3-4 rate for {', '.join(missing)}"
        )
    rates = reference_arm.rates
    return EventRates(
        neutropenia=rates[NEUTROPENIA],
        thrombocytopenia=rates[THROMBOCYTOPENIA],
        vte=rates[VTE],
        source=reference_arm.short_label,
    )


# --- simulation ------------------------------------------------------------------------------


@dataclass
class DemoRows:
    """Rows ready to insert, one list of tuples per table in ``COLUMNS`` order."""

    tables: dict[str, list[tuple]] = field(default_factory=lambda: {table: [] for table in COLUMNS})

    def count(self, table: str) -> int:
        return len(self.tables[table])


@dataclass
class _Ids:
    """Next free id per table, so rows can point at each other before they are inserted."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class _Hold:
    """Lenalidomide interrupted from ``start`` to the day before ``resume`` (None: ongoing)."""

    start: int  # date ordinals throughout the simulation: cheap to compare and add
    resume: int | None


@dataclass
class _PlannedEvent:
    event_type: str
    grade: int
    target_cycle: int


@dataclass
class _Placed:
    """An event given its dates; ``reduced_on`` is when lenalidomide restarted a level lower."""

    event: _PlannedEvent
    onset: int
    recovery: int | None
    reduced_on: int | None = None


@dataclass(frozen=True)
class _Kidneys:
    """What the renal starting dose depends on (birth as a date ordinal)."""

    birth: int
    sex: str
    weight_kg: float
    creatinine: float
    creatinine_unit: str
    on_dialysis: bool


@dataclass
class _CycleSim:
    number: int
    planned_start: int
    actual_start: int
    len_level: int
    dex_level: int
    delay_reason: str | None


@dataclass
class _CourseSim:
    start: int
    every_days: int
    cycles: list[_CycleSim] = field(default_factory=list)
    changes: list[tuple[int, str, int, str]] = field(default_factory=list)  # day, drug, level, why
    holds: list[_Hold] = field(default_factory=list)
    events: list[_Placed] = field(default_factory=list)
    end: int | None = None
    end_reason: str | None = None

    def change(self, effective: int, drug: str, level: int, reason: str) -> None:
        self.changes.append((effective, drug, level, reason))
        self.changes.sort(key=lambda change: change[0])

    def level_on(self, drug: str, day: int, level: int) -> int:
        """The level of ``drug`` on ``day``: the latest change by then, else ``level``."""
        for effective, changed_drug, changed_level, _reason in self.changes:
            if changed_drug == drug and effective <= day:
                level = changed_level
        return level


class _Iso:
    """ISO strings of date ordinals, cached: the cohort spans only a few thousand days."""

    def __init__(self, first: int, last: int) -> None:
        # ``table`` covers every treatment day, for lookups in the hot loops.
        self.table: dict[int, str] = {
            ordinal: date.fromordinal(ordinal).isoformat() for ordinal in range(first, last + 1)
        }

    def __call__(self, ordinal: int) -> str:
        text = self.table.get(ordinal)
        if text is None:
            text = self.table[ordinal] = date.fromordinal(ordinal).isoformat()
        return text


class CohortSimulator:
    """Simulates one demo patient after another from a single seeded generator."""

    def __init__(
        self,
        *,
        seed: int,
        today: date,
        rates: EventRates,
        regimen: Regimen,
        first_ids: dict[str, int],
    ) -> None:
        self.random = random.Random(seed)
        self.seed = seed
        self.today = today.toordinal()
        self.rates = rates
        self.regimen = regimen
        self.ids = _Ids(dict(first_ids))
        self.rows = DemoRows()
        self.iso = _Iso(self.today - HISTORY_DAYS, self.today + 1)
        self.cycle_length = regimen.cycle_length_days
        len_drug, dex_drug = regimen.lenalidomide, regimen.dexamethasone
        self.len_ladder = len_drug.dose_ladder_mg
        self.dex_ladder = dex_drug.dose_ladder_mg
        self.lowest_len_level = len_drug.lowest_level
        self.lowest_dex_level = dex_drug.lowest_level
        # Grade bounds in x10^9/L (grade -> the value a count must fall below).
        self.anc_below = grade_bounds(NEUTROPENIA)
        self.umol_per_mg_dl = load_renal_rules().umol_per_mg_dl
        self.platelets_below = grade_bounds(THROMBOCYTOPENIA)
        # Dosing days per cycle number (the pattern is the same from the taper on).
        self._len_days = {n: len_drug.days_in_cycle(n) for n in range(1, MAX_CYCLES + 1)}
        self._dex_days = {n: dex_drug.days_in_cycle(n) for n in range(1, MAX_CYCLES + 1)}

    # -- one patient --------------------------------------------------------------------------

    def add_patient(self, number: int) -> None:
        rng = self.random
        patient_id = self.ids.take("patients")
        sex = "F" if rng.random() < 0.42 else "M"
        age = int(rng.triangular(45, 88, 69))
        birth = self.today - age * 365 - rng.randrange(365)
        weight = round(rng.gauss(68 if sex == "F" else 80, 12), 1)
        weight = min(max(weight, 42.0), 135.0)
        on_dialysis = rng.random() < 0.02
        creatinine_mg_dl = (
            round(rng.uniform(4.0, 8.0), 2)
            if on_dialysis
            else round(rng.uniform(1.6, 3.4) if rng.random() < 0.15 else rng.uniform(0.6, 1.3), 2)
        )
        in_umol = rng.random() < 0.25
        creatinine_unit = UMOL_PER_L if in_umol else MG_PER_DL
        creatinine = round(creatinine_mg_dl * self.umol_per_mg_dl) if in_umol else creatinine_mg_dl
        reproductive = sex == "F" and age < 50 and rng.random() < 0.5
        self.rows.tables["patients"].append(
            (
                patient_id,
                f"DEMO-{number:05d}",
                f"DEMO Patient {number:05d}",
                self.iso(birth),
                sex,
                weight,
                float(creatinine),
                creatinine_unit,
                int(on_dialysis),
                int(reproductive),
                f"Synthetic demo record (seed {self.seed}); not a real patient.",
            )
        )
        self._add_course(
            patient_id,
            _Kidneys(birth, sex, weight, float(creatinine), creatinine_unit, on_dialysis),
        )

    def _renal_start(self, crcl: float, on_dialysis: bool) -> tuple[str, int, int]:
        """Renal band, lenalidomide starting level and dosing interval (label table)."""
        dose = renal_starting_dose(crcl, on_dialysis)
        return dose.band, self.len_ladder.index(dose.dose_mg), dose.every_days

    def _add_course(self, patient_id: int, kidneys: _Kidneys) -> None:
        rng = self.random
        course_id = self.ids.take("courses")
        start = self.today - rng.randrange(HISTORY_DAYS)
        planned_cycles = rng.randint(1, MAX_CYCLES)
        age = age_on(date.fromordinal(kidneys.birth), date.fromordinal(start))
        crcl = creatinine_clearance(
            age, kidneys.weight_kg, kidneys.creatinine, kidneys.creatinine_unit, kidneys.sex
        )
        renal_band, len_level, every_days = self._renal_start(crcl, kidneys.on_dialysis)
        dex_level = self.regimen.dexamethasone.starting_level_for_age(age)
        prophylaxis = rng.choices(("aspirin", "LMWH", "DOAC", "warfarin"), (64, 30, 4, 2))[0]
        # Myelosuppression and clots come early in treatment: most target cycles 1 to 3.
        planned_events = [
            _PlannedEvent(kind, self._grade(kind), rng.choice((1, 1, 1, 2, 2, 3, 4, 5, 6)))
            for kind, rate in self.rates.by_type().items()
            if rng.random() < rate
        ]
        course = _CourseSim(start=start, every_days=every_days)
        pending_delay: tuple[int, str] | None = None
        for number in range(1, planned_cycles + 1):
            if not course.cycles:
                planned = actual = start
                delay_reason = None
            else:
                planned = course.cycles[-1].actual_start + self.cycle_length
                delay, delay_reason = pending_delay or self._admin_delay()
                pending_delay = None
                actual = planned + delay
                if actual > self.today:
                    break
                # Levels in force on day 1, after any reduction made during the last cycle.
                len_level = course.level_on(LENALIDOMIDE, actual, len_level)
                if rng.random() < 0.03 and len_level < self.lowest_len_level:
                    len_level += 1
                    course.change(actual, LENALIDOMIDE, len_level, rng.choice(_MINOR_TOXICITIES))
                if rng.random() < 0.03 and dex_level < self.lowest_dex_level:
                    dex_level += 1
                    course.change(actual, DEXAMETHASONE, dex_level, _STEROID_TOXICITY)
            cycle = _CycleSim(number, planned, actual, len_level, dex_level, delay_reason)
            course.cycles.append(cycle)
            delays = []
            for event in [e for e in planned_events if e.target_cycle == number]:
                planned_events.remove(event)
                delays.append(self._recovery_delay(self._place_event(event, cycle, course), cycle))
            pending_delay = max((delay for delay in delays if delay), default=None)
        # Events meant for cycles the course has not reached happen in its latest cycle.
        for event in planned_events:
            self._place_event(event, course.cycles[-1], course)
        self._finish_course(course, all_started=len(course.cycles) == planned_cycles)
        self.rows.tables["courses"].append(
            (
                course_id,
                patient_id,
                self.regimen.id,
                self.iso(start),
                course.cycles[0].len_level,
                course.cycles[0].dex_level,
                every_days,
                renal_band,
                prophylaxis,
                "active" if course.end is None else "ended",
                None if course.end is None else self.iso(course.end),
                course.end_reason,
                "" if course.end is None else "synthetic demo course",
            )
        )
        last = course.cycles[-1]
        for cycle in course.cycles:
            self.rows.tables["cycles"].append(
                (
                    self.ids.take("cycles"),
                    course_id,
                    cycle.number,
                    self.iso(cycle.planned_start),
                    self.iso(cycle.actual_start),
                    cycle.len_level,
                    cycle.dex_level,
                    "active" if course.end is None and cycle is last else "completed",
                    cycle.delay_reason,
                )
            )
        for effective, drug, level, reason in course.changes:
            self.rows.tables["level_changes"].append(
                (
                    self.ids.take("level_changes"),
                    course_id,
                    self.iso(effective),
                    drug,
                    level,
                    reason,
                )
            )
        # Doses are ticked off up to yesterday: today's are still to be taken.
        last_dose_day = self.today - 1 if course.end is None else min(course.end, self.today - 1)
        self._add_doses(course_id, course, last_dose_day)
        labs_until = self.today if course.end is None else min(course.end, self.today)
        self._add_labs_and_events(
            patient_id, course_id, course, labs_until, kidneys.creatinine, kidneys.creatinine_unit
        )

    def _grade(self, kind: str) -> int:
        share_grade_4 = {NEUTROPENIA: 0.3, THROMBOCYTOPENIA: 0.35, VTE: 0.15}[kind]
        return 4 if self.random.random() < share_grade_4 else 3

    def _admin_delay(self) -> tuple[int, str | None]:
        rng = self.random
        if rng.random() < 0.07:
            return rng.randint(2, 10), rng.choice(_ADMIN_DELAYS)
        return 0, None

    def _place_event(self, event: _PlannedEvent, cycle: _CycleSim, course: _CourseSim) -> _Placed:
        """Put ``event`` in ``cycle``: onset between days 8 and 21, never after today."""
        rng = self.random
        onset = min(cycle.actual_start + rng.randint(7, 20), self.today)
        if event.event_type == VTE:
            recovery = onset + rng.randint(60, 180)
            if rng.random() < 0.3:
                course.holds.append(_Hold(onset, min(onset + rng.randint(5, 10), recovery)))
            placed = _Placed(event, onset, recovery if recovery <= self.today else None)
        else:
            recovery = onset + rng.randint(5, 16)
            resolved = recovery <= self.today
            course.holds.append(_Hold(onset, recovery if resolved else None))
            placed = _Placed(event, onset, recovery if resolved else None)
            # Label: thrombocytopenia, and neutropenia that reached grade 4, restart a level lower.
            reduce = event.event_type == THROMBOCYTOPENIA or event.grade == 4
            current = course.level_on(LENALIDOMIDE, recovery, cycle.len_level)
            if reduce and resolved and current < self.lowest_len_level:
                reason = f"grade {event.grade} {event.event_type}"
                course.change(recovery, LENALIDOMIDE, current + 1, reason)
                placed.reduced_on = recovery
        course.events.append(placed)
        return placed

    def _recovery_delay(self, placed: _Placed, cycle: _CycleSim) -> tuple[int, str] | None:
        """Counts still low when the next cycle is due push its start back."""
        if placed.event.event_type == VTE or placed.recovery is None:
            return None
        late = placed.recovery - (cycle.actual_start + self.cycle_length)
        if late <= 0:
            return None
        counts = "ANC" if placed.event.event_type == NEUTROPENIA else "platelet"
        event = placed.event
        return late, f"awaiting {counts} recovery after grade {event.grade} {event.event_type}"

    def _finish_course(self, course: _CourseSim, *, all_started: bool) -> None:
        """Courses whose planned cycles are all over end; the rest run through today."""
        if not all_started:
            return
        last = course.cycles[-1]
        end = last.actual_start + self.random.randint(20, self.cycle_length - 1)
        if end >= self.today:
            return
        toxic = any(placed.event.grade == 4 for placed in course.events)
        roll = self.random.random()
        if roll < (0.35 if toxic else 0.1):
            course.end_reason = "toxicity"
        elif roll < 0.95:
            course.end_reason = "progression"
        else:
            course.end_reason = "other"
        course.end = end
        # A restart at a lower level planned after the course ended never happened.
        course.changes = [change for change in course.changes if change[0] <= end]
        for placed in course.events:
            if placed.reduced_on is not None and placed.reduced_on > end:
                placed.reduced_on = None

    # -- doses --------------------------------------------------------------------------------

    def _add_doses(self, course_id: int, course: _CourseSim, last_day: int) -> None:
        """One record per planned dose up to ``last_day``: mostly taken, a few missed, and
        lenalidomide held while counts recover."""
        rng = self.random.random
        rows = self.rows.tables["dose_records"]
        # The hot loop of the demo (millions of rows for a large cohort): plain locals only.
        next_id = self.ids.next["dose_records"]
        iso = self.iso.table
        len_changes = [(c[0], c[2]) for c in course.changes if c[1] == LENALIDOMIDE]
        dex_changes = [(c[0], c[2]) for c in course.changes if c[1] == DEXAMETHASONE]
        held_days: set[int] = set()
        for hold in course.holds:
            held_days.update(range(hold.start, hold.resume or last_day + 1))
        len_level, dex_level = course.cycles[0].len_level, course.cycles[0].dex_level
        next_len = next_dex = 0
        every_days = course.every_days
        for cycle in course.cycles:
            len_days = self._len_days[cycle.number]
            dex_days = self._dex_days[cycle.number]
            for day in range(1, self.cycle_length + 1):
                when = cycle.actual_start + day - 1
                if when > last_day:
                    break
                while next_len < len(len_changes) and len_changes[next_len][0] <= when:
                    len_level = len_changes[next_len][1]
                    next_len += 1
                while next_dex < len(dex_changes) and dex_changes[next_dex][0] <= when:
                    dex_level = dex_changes[next_dex][1]
                    next_dex += 1
                if day in len_days and (day - 1) % every_days == 0:
                    status = "held" if when in held_days else "missed" if rng() < 0.03 else "taken"
                    rows.append(
                        (next_id, course_id, iso[when], LENALIDOMIDE, status,
                         self.len_ladder[len_level], "")
                    )  # fmt: skip
                    next_id += 1
                if day in dex_days:
                    status = "missed" if rng() < 0.02 else "taken"
                    rows.append(
                        (next_id, course_id, iso[when], DEXAMETHASONE, status,
                         self.dex_ladder[dex_level], "")
                    )  # fmt: skip
                    next_id += 1
        self.ids.next["dose_records"] = next_id

    # -- labs and events ----------------------------------------------------------------------

    def _add_labs_and_events(
        self,
        patient_id: int,
        course_id: int,
        course: _CourseSim,
        until: int,
        creatinine: float,
        creatinine_unit: str,
    ) -> None:
        """Counts weekly for 8 weeks, then every two weeks; grade 3-4 only at event onsets."""
        rng = self.random
        unit, scale = (Unit.PER_MM3, 1000) if rng.random() < 0.3 else (Unit.PER_LITRE_E9, 1)
        base_anc = rng.uniform(1.8, 5.0)
        base_platelets = rng.uniform(110, 320)
        start = course.start
        dates = [start + 7 * week for week in range(8)]
        dates += range(start + 56, until + 1, 14)
        # While counts are low the scheduled labs give way to the onset and recovery labs.
        windows = [
            (placed.onset, placed.recovery if placed.recovery is not None else until)
            for placed in course.events
            if placed.event.event_type != VTE
        ]
        wanted = {
            day
            for day in dates
            if day <= until and not any(low <= day <= high for low, high in windows)
        }
        onsets: dict[int, list[_PlannedEvent]] = {}
        for placed in course.events:
            if placed.event.event_type == VTE:
                continue
            onsets.setdefault(placed.onset, []).append(placed.event)
            wanted.add(placed.onset)
            if placed.recovery is not None:
                wanted.add(placed.recovery)
        lab_ids: dict[int, int] = {}
        rows = self.rows.tables["labs"]
        anc_floor = self.anc_below[3] + 0.05
        platelets_floor = self.platelets_below[3] + 5
        for day in sorted(wanted):
            # Outside events: grade 2 at worst.
            anc = round(max(anc_floor, base_anc * rng.uniform(0.55, 1.3)), 2)
            platelets = float(round(max(platelets_floor, base_platelets * rng.uniform(0.55, 1.2))))
            for event in onsets.get(day, ()):
                if event.event_type == NEUTROPENIA:
                    anc = self._count_of_grade(self.anc_below, event.grade, step=0.01)
                else:
                    platelets = self._count_of_grade(self.platelets_below, event.grade, step=1)
            lab_id = lab_ids[day] = self.ids.take("labs")
            baseline = day == start
            rows.append(
                (
                    lab_id,
                    patient_id,
                    self.iso(day),
                    round(anc * scale, 2),
                    unit,
                    platelets * scale,
                    unit,
                    creatinine if baseline else None,
                    creatinine_unit if baseline else None,
                    "",
                )
            )
        for placed in course.events:
            self._add_event(patient_id, course_id, placed, lab_ids.get(placed.onset))

    def _count_of_grade(self, below: dict[int, float], grade: int, *, step: float) -> float:
        """A count (x10^9/L, a multiple of ``step``) in the band of grade 3 or 4.

        Grade 4 nadirs go down to a tenth of the grade 4 bound.
        """
        upper = round(below[grade] / step)  # exclusive: the bound itself is the milder grade
        lower = round(below[4] / step / (10 if grade == 4 else 1))
        return round(self.random.randint(lower, upper - 1) * step, 6)

    def _add_event(
        self, patient_id: int, course_id: int, placed: _Placed, lab_id: int | None
    ) -> None:
        rng = self.random
        event = placed.event
        if event.event_type == VTE:
            term = "Pulmonary embolism" if rng.random() < 0.4 else "Deep vein thrombosis"
            action = "held" if rng.random() < 0.3 else "none"
            note = "synthetic; anticoagulation started"
            lab_id = None
        else:
            term = term_name(event.event_type)
            action = "reduced" if placed.reduced_on is not None else "held"
            note = "synthetic"
        self.rows.tables["adverse_events"].append(
            (
                self.ids.take("adverse_events"),
                patient_id,
                course_id,
                lab_id,
                event.event_type,
                term,
                event.grade,
                CTCAE_VERSION,
                self.iso(placed.onset),
                None if placed.recovery is None else self.iso(placed.recovery),
                action,
                note,
            )
        )


# --- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    patients: int
    seed: int
    rows: dict[str, int]


def _next_ids(store: Store) -> dict[str, int]:
    return {
        table: (store.db.execute(f"SELECT COALESCE(MAX(id), 0) FROM [{table}]").fetchone()[0] + 1)
        for table in COLUMNS
    }


def simulate_cohort(
    patients: int,
    *,
    seed: int,
    today: date,
    rates: EventRates,
    regimen: Regimen | None = None,
    first_ids: dict[str, int] | None = None,
) -> DemoRows:
    """The rows of a demo cohort of ``patients`` patients; pure, nothing is written."""
    simulator = CohortSimulator(
        seed=seed,
        today=today,
        rates=rates,
        regimen=regimen or load_regimen(),
        first_ids=first_ids or dict.fromkeys(COLUMNS, 1),
    )
    for number in range(1, patients + 1):
        simulator.add_patient(number)
    return simulator.rows


def fill_demo_database(
    store: Store,
    patients: int = 200,
    *,
    seed: int = 1,
    rates: EventRates | None = None,
) -> DemoSummary:
    """Write a demo cohort into ``store``, which must hold no patients yet.

    ``rates`` default to the MM-010 lenalidomide arm's, read from the reference data file.
    """
    if not 1 <= patients <= MAX_PATIENTS:
        raise ValidationError(f"the demo cohort has 1 to {MAX_PATIENTS} patients, not {patients}")
    existing = store.db.execute("SELECT COUNT(*) FROM patients").fetchone()[0]
    if existing:
        raise ValidationError(
            f"{store.path} already holds {existing} patients; demo data goes into an empty database"
        )
    rates = rates or reference_event_rates()
    rows = simulate_cohort(
        patients, seed=seed, today=store.today(), rates=rates, first_ids=_next_ids(store)
    )
    stamp = utc_now()
    counts = {table: rows.count(table) for table in COLUMNS}
    cache_size = store.db.execute("PRAGMA cache_size").fetchone()[0]
    # A large page cache keeps index pages in memory while millions of rows go in.
    store.db.execute(f"PRAGMA cache_size = {BULK_CACHE_SIZE}")
    try:
        _insert_rows(store, rows, stamp=stamp, seed=seed)
    finally:
        store.db.execute(f"PRAGMA cache_size = {cache_size}")
    return DemoSummary(patients=patients, seed=seed, rows=counts)


def _insert_rows(store: Store, rows: DemoRows, *, stamp: str, seed: int) -> None:
    with store.transaction() as db:
        for table, columns in COLUMNS.items():
            batch = rows.tables[table]
            if not batch:
                continue
            names = ", ".join([*columns, "archived", "created_at", "updated_at"])
            marks = ", ".join(["?"] * len(columns))
            # ``stamp`` is our own ISO timestamp, so it can sit in the SQL text; binding it
            # would mean copying millions of row tuples just to append it.
            db.conn.executemany(
                f"INSERT INTO [{table}] ({names}) VALUES ({marks}, 0, '{stamp}', '{stamp}')", batch
            )
            if table == "patients":
                _audit_each_patient(store, columns, batch, stamp=stamp)
            write_audit(
                store,
                table=table,
                row_id=None,
                patient_id=None,
                action=INSERT,
                before=None,
                after={
                    "demo": True,
                    "seed": seed,
                    "rows": len(batch),
                    "first_id": batch[0][0],
                    "last_id": batch[-1][0],
                },
            )
        # Joins this transaction: the flag and the cohort are committed together or not at all.
        set_setting(store, DEMO_SETTING, "1")


def _audit_each_patient(
    store: Store, columns: tuple[str, ...], batch: list[tuple], *, stamp: str
) -> None:
    """One "added" row per demo patient, so each patient's History shows where they came
    from; the other tables keep one summary row per batch (millions of dose records)."""
    user = os_user()
    # The audit row's own time says when; leaving the row's timestamps out keeps a demo of
    # the same seed identical apart from its ``at`` column.
    bookkeeping = {"archived": 0}
    store.db.conn.executemany(
        f"INSERT INTO [{AUDIT_TABLE}] (at, os_user, staff, table_name, row_id, patient_id, "
        "action, before_json, after_json) VALUES (?, ?, ?, 'patients', ?, ?, ?, NULL, ?)",
        (
            (
                stamp,
                user,
                store.staff,
                row[0],
                row[0],
                INSERT,
                audit_json({**dict(zip(columns, row, strict=True)), **bookkeeping}),
            )
            for row in batch
        ),
    )
