"""Demo patients one after another from a single seeded generator: who they are, what their
course is meant to hold, and the rows their walked course becomes.

Grade 3-4 events are drawn per patient at the reference trial's rates: low-count spells that
the counts then show, and clots. What the clinic does about them (holds, resumes, reduced
levels, delayed cycles) is the course walk's, which asks the treatment engine. The doses
recorded are the engine's doses due, day by day: none inside an interruption.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from tracker.domain.grading import CTCAE_VERSION, NEUTROPENIA, THROMBOCYTOPENIA, VTE, Unit
from tracker.domain.identifiers import mrn_key
from tracker.domain.prophylaxis import LMWH, prophylaxis_rules
from tracker.domain.prophylaxis import suggest as suggest_prophylaxis
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, Regimen
from tracker.domain.renal import (
    MG_PER_DL,
    UMOL_PER_L,
    age_on,
    creatinine_clearance,
    load_renal_rules,
    renal_starting_dose,
)
from tracker.domain.treatment.engine import course_days
from tracker.domain.treatment.monitoring import count_schedule
from tracker.domain.treatment.rems_start import cycle_capsules
from tracker.storage.demo import rems as demo_rems
from tracker.storage.demo.counts import LowSpell, PatientCounts
from tracker.storage.demo.course_walk import CourseWalk
from tracker.storage.demo.events import PlannedClot
from tracker.storage.demo.outcomes import OutcomePlan, add_outcome_rows, plan_outcome
from tracker.storage.demo.rates import EventRates
from tracker.storage.demo.tables import DemoRows, Ids, IsoDates

RISK_FACTORS = tuple(prophylaxis_rules().risk_factors)

# Courses start over the last four and a half years: with MM-010's time to progression that
# leaves about a quarter of the cohort on treatment today, as in a clinic.
HISTORY_DAYS = 1643
# Cycles run until progression or a stop (``outcomes``); three years hold at most 40.
MAX_CYCLES = 40
# Myelosuppression and clots come early in treatment: most fall in cycles 1 to 3.
_EVENT_CYCLES = (1, 1, 1, 2, 2, 3, 4, 5, 6)
_SHARE_GRADE_4 = {NEUTROPENIA: 0.3, THROMBOCYTOPENIA: 0.35}
_ANOTHER_SPELL = 0.3  # patients with a spell who have a later one of the same count
_LAST_DOSING_DAY = 21  # a course ends on day 21 of its last cycle at the earliest
_MISSED = {LENALIDOMIDE: 0.03, DEXAMETHASONE: 0.02}


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
        self.rems_random = random.Random(f"rems {seed}")
        self.seed = seed
        self.today = today
        self.rates = rates
        self.regimen = regimen
        self.ids = Ids(dict(first_ids))
        self.rows = DemoRows()
        self.iso = IsoDates()
        self.len_ladder = regimen.lenalidomide.dose_ladder_mg
        self.umol_per_mg_dl = load_renal_rules().umol_per_mg_dl
        self._cycle_ids: list[int] = []

    # -- one patient --------------------------------------------------------------------------

    def add_patient(self, number: int) -> None:
        rng = self.random
        patient_id = self.ids.take("patients")
        # Pregnancy prevention draws from a generator of its own, so the clinical events of
        # the cohort are those of the same seed without it.
        rems_rng = self.rems_random
        reproductive = rems_rng.random() < demo_rems.SHARE_REPRODUCTIVE
        sex = "F" if rng.random() < 0.42 or reproductive else "M"
        age = int(rng.triangular(45, 88, 69))
        if reproductive:
            age = rems_rng.randint(*demo_rems.REPRODUCTIVE_AGES)
        birth = self.today - timedelta(days=age * 365 + rng.randrange(365))
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
        category = (
            demo_rems.reproductive_category(rems_rng)
            if reproductive
            else demo_rems.draw_category(rems_rng, sex, age)
        )
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
                category.category,
                category.reason,
                int(category.irregular_cycles),
                f"Synthetic demo record (seed {self.seed}); not a real patient.",
                mrn_key(f"DEMO-{number:05d}"),
                None,  # date of death: set by the outcome if the patient dies on treatment
            )
        )
        start = self.today - timedelta(days=rng.randrange(HISTORY_DAYS))
        crcl = creatinine_clearance(
            age_on(birth, start), weight, float(creatinine), creatinine_unit, sex
        )
        plan = plan_outcome(rng)
        walk = self._walk_course(birth, start, crcl, on_dialysis, plan)
        course_id = self._add_course(patient_id, walk, plan)
        self._add_labs_and_events(patient_id, course_id, walk, (float(creatinine), creatinine_unit))
        starts = [cycle.actual for cycle in walk.cycles]
        add_outcome_rows(self.rows, self.ids, self.iso, course_id, plan, starts, walk.end)
        self._add_pregnancy_prevention(patient_id, course_id, walk, category)

    def _walk_course(
        self, birth: date, start: date, crcl: float, on_dialysis: bool, plan: OutcomePlan
    ) -> CourseWalk:
        rng = self.random
        planned_cycles = plan.planned_cycles(self.regimen.cycle_length_days, MAX_CYCLES)
        dose = renal_starting_dose(crcl, on_dialysis)
        len_level = self.len_ladder.index(dose.dose_mg)
        # MM-010 gave dexamethasone 40 mg whatever the age.
        dex_level = 0
        # Prophylaxis by the IMWG rule the start-course form suggests: cycle 1's 480 mg of
        # dexamethasone alone calls for LMWH (or full-dose warfarin).
        risk_factors = tuple(factor for factor in RISK_FACTORS if rng.random() < 0.06)
        agent = suggest_prophylaxis(risk_factors, self.regimen, dex_level=dex_level).agent
        prophylaxis = "warfarin" if agent == LMWH and rng.random() < 0.05 else agent
        spells, clots = self._plan_events(planned_cycles)
        walk = CourseWalk(
            rng=rng,
            regimen=self.regimen,
            today=self.today,
            start=start,
            planned_cycles=planned_cycles,
            len_start_level=len_level,
            dex_start_level=dex_level,
            len_every_days=dose.every_days,
            renal_band=dose.band,
            thromboprophylaxis=prophylaxis,
            vte_risk_factors=",".join(risk_factors) or None,
            counts_source=PatientCounts(rng, spells),
            clots=clots,
        )
        walk.run()
        return walk

    def _add_course(self, patient_id: int, walk: CourseWalk, plan: OutcomePlan) -> int:
        course_id = self.ids.take("courses")
        end_reason = None if walk.end is None else plan.end_reason
        self.rows.tables["courses"].append(
            (
                course_id,
                patient_id,
                self.regimen.id,
                self.iso(walk.start),
                walk.len_start_level,
                walk.dex_start_level,
                walk.len_every_days,
                walk.renal_band,
                walk.thromboprophylaxis,
                "active" if walk.end is None else "ended",
                self.iso.optional(walk.end),
                end_reason,
                "" if walk.end is None else "synthetic demo course",
                walk.course_override,
                walk.course_problems,
                walk.vte_risk_factors,
            )
        )
        self._add_cycles(course_id, walk)
        self._add_doses(course_id, walk)
        return course_id

    def _add_pregnancy_prevention(
        self, patient_id: int, course_id: int, walk: CourseWalk, category: demo_rems.Category
    ) -> None:
        """Each cycle's prescription; for a female of reproductive potential, her
        contraception counselling and pregnancy tests too."""
        rng, iso, tables = self.rems_random, self.iso, self.rows.tables
        authorized = demo_rems.authorization_dates(rng, walk)
        for cycle, cycle_id, on in zip(walk.cycles, self._cycle_ids, authorized, strict=True):
            capsules = cycle_capsules(self.regimen, cycle.number, walk.len_every_days)
            number = f"D{rng.randrange(10**7, 10**8)}"
            tables["prescriptions"].append(
                (self.ids.take("prescriptions"), course_id, cycle_id, number, iso(on), capsules,
                 self.regimen.cycle_length_days, "")
            )  # fmt: skip
        if category.category != demo_rems.FEMALE_REPRODUCTIVE:
            return
        record = demo_rems.reproductive_record(rng, walk, category.irregular_cycles, authorized)
        methods = record.methods
        tables["contraception"].append(
            (self.ids.take("contraception"), patient_id, iso(record.counselled_on),
             methods[0] if methods else None, methods[1] if methods else None,
             int(not methods), "")
        )  # fmt: skip
        for test in record.tests:
            tables["pregnancy_tests"].append(
                (self.ids.take("pregnancy_tests"), patient_id, iso(test.on), test.kind,
                 test.sensitivity_miu_ml, test.result, "")
            )  # fmt: skip

    def _plan_events(self, planned_cycles: int) -> tuple[list[LowSpell], list[PlannedClot]]:
        """This patient's grade 3-4 findings (and the clots that needed treatment), each in a
        cycle the course is meant to reach."""
        rng = self.random
        spells: list[LowSpell] = []
        clots: list[PlannedClot] = []
        for kind, rate in self.rates.by_type().items():
            if rng.random() >= rate:
                continue
            cycle = min(rng.choice(_EVENT_CYCLES), planned_cycles)
            if kind == VTE:
                clots.append(PlannedClot.drawn(rng, cycle))
                continue
            spells.append(self._spell(kind, cycle, planned_cycles))
            later = min(cycle + rng.randint(1, 4), planned_cycles)
            if rng.random() < _ANOTHER_SPELL and later > spells[-1].cycle:
                spells.append(self._spell(kind, later, planned_cycles))
        return spells, clots

    def _spell(self, kind: str, cycle: int, planned_cycles: int) -> LowSpell:
        """A spell found by the first count from a day of its cycle on: a mid-cycle count
        where the schedule has one, else the next cycle's day 1 count. In the course's last
        cycle it falls before that cycle's last mid-cycle count (or in the cycle before), so
        that a count finds it."""
        rng = self.random
        grade = 4 if rng.random() < _SHARE_GRADE_4[kind] else 3
        days = rng.randint(7, 21) if grade == 4 else rng.randint(5, 14)
        latest_day = _LAST_DOSING_DAY
        if cycle == planned_cycles:
            mid_cycle = [day for day in count_schedule().cycle_days(cycle) if 1 < day <= latest_day]
            if mid_cycle:
                latest_day = max(mid_cycle)
            else:
                cycle -= 1
        return LowSpell(kind, grade, cycle, rng.randint(2, latest_day), days)

    # -- rows of the walked course ------------------------------------------------------------

    def _add_cycles(self, course_id: int, walk: CourseWalk) -> None:
        iso, take = self.iso, self.ids.take
        last = walk.cycles[-1]
        self._cycle_ids = []
        for cycle in walk.cycles:
            self._cycle_ids.append(take("cycles"))
            self.rows.tables["cycles"].append(
                (
                    self._cycle_ids[-1],
                    course_id,
                    cycle.number,
                    iso(cycle.planned),
                    iso(cycle.actual),
                    cycle.len_level,
                    cycle.dex_level,
                    "active" if walk.end is None and cycle is last else "completed",
                    cycle.delay_reason,
                    cycle.override,
                    cycle.problems,
                )
            )
        for step in walk.steps:
            self.rows.tables["level_changes"].append(
                (take("level_changes"), course_id, iso(step.effective), step.drug, step.level,
                 step.reason)
            )  # fmt: skip
        for interruption in walk.interruptions:
            self.rows.tables["interruptions"].append(
                (
                    take("interruptions"),
                    course_id,
                    interruption.drug,
                    iso(interruption.start),
                    iso.optional(interruption.end),
                    interruption.reason,
                    interruption.resume_level,
                    "synthetic",
                )
            )

    def _add_doses(self, course_id: int, walk: CourseWalk) -> None:
        """A record for each dose the engine has due up to yesterday (today's are still to
        be taken): mostly taken, a few missed; none on interrupted days."""
        rng = self.random.random
        rows = self.rows.tables["dose_records"]
        iso = self.iso
        # The hot loop of the demo (millions of rows for a large cohort): plain locals only.
        next_id = self.ids.next["dose_records"]
        until = self.today - timedelta(days=1)
        if walk.end is not None:
            until = min(until, walk.end)
        missed_len, missed_dex = _MISSED[LENALIDOMIDE], _MISSED[DEXAMETHASONE]
        for day in course_days(walk.history(final=True)):
            if day.date > until:
                break
            if day.lenalidomide_mg:
                status = "missed" if rng() < missed_len else "taken"
                rows.append(
                    (next_id, course_id, iso(day.date), LENALIDOMIDE, status, day.lenalidomide_mg, "")
                )  # fmt: skip
                next_id += 1
            if day.dexamethasone_mg:
                status = "missed" if rng() < missed_dex else "taken"
                rows.append(
                    (next_id, course_id, iso(day.date), DEXAMETHASONE, status, day.dexamethasone_mg, "")
                )  # fmt: skip
                next_id += 1
        self.ids.next["dose_records"] = next_id

    def _add_labs_and_events(
        self,
        patient_id: int,
        course_id: int,
        walk: CourseWalk,
        creatinine: tuple[float, str],
    ) -> None:
        """Counts in the unit this patient's laboratory reports; the baseline lab (the
        course's first) carries the creatinine the renal dose was chosen from."""
        rng = self.random
        unit, scale = (Unit.PER_MM3, 1000) if rng.random() < 0.3 else (Unit.PER_LITRE_E9, 1)
        rows = self.rows.tables["labs"]
        lab_ids: dict[date, int] = {}
        for count in walk.counts:
            lab_id = lab_ids[count.on] = self.ids.take("labs")
            assert count.anc is not None and count.platelets is not None
            value, value_unit = creatinine if count.on == walk.start else (None, None)
            rows.append(
                (lab_id, patient_id, self.iso(count.on), round(count.anc * scale, 2), unit,
                 count.platelets * scale, unit, value, value_unit, "")
            )  # fmt: skip
        for event in walk.events:
            self.rows.tables["adverse_events"].append(
                (
                    self.ids.take("adverse_events"),
                    patient_id,
                    course_id,
                    lab_ids[event.onset] if event.spell is not None else None,
                    event.event_type,
                    event.term,
                    event.grade,
                    CTCAE_VERSION,
                    self.iso(event.onset),
                    self.iso.optional(event.resolved_by(self.today)),
                    event.action,
                    event.note,
                )
            )
