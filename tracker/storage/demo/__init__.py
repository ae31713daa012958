"""A synthetic, clearly labelled cohort for demonstrations, training and load testing.

Every demo patient is named "DEMO Patient 00042" with MRN "DEMO-00042" and a note saying the
record is synthetic, and the database gets the setting ``demo = 1``. The cohort is simulated
from one seeded random generator, so the same seed and the same ``store.today()`` give the
same rows.

It is a fair picture of a clinic that follows the label: grade 3-4 findings come at the
reference trial's rates (``rates``), blood counts are drawn when the count schedule and the
label ask for them, and every hold, resume, reduced level and delayed cycle is what the
treatment engine advised on that day for the history so far (``course_walk``). Holds are
interruptions; doses are recorded only on days the engine has a dose due (``cohort``).
Each course's outcome is drawn when it starts so that a large cohort lands near the trial's
efficacy: response assessments after every two cycles, the progression that ends most
courses, and a few deaths on treatment (``outcomes``). Everything is written in one
transaction (``writing``).
"""

from tracker.storage.demo.cohort import HISTORY_DAYS, MAX_CYCLES, CohortSimulator
from tracker.storage.demo.rates import EventRates, reference_event_rates
from tracker.storage.demo.tables import COLUMNS, DemoRows
from tracker.storage.demo.writing import (
    BULK_CACHE_SIZE,
    DEMO_SETTING,
    MAX_PATIENTS,
    DemoSummary,
    fill_demo_database,
    simulate_cohort,
)

__all__ = [
    "BULK_CACHE_SIZE",
    "COLUMNS",
    "DEMO_SETTING",
    "HISTORY_DAYS",
    "MAX_CYCLES",
    "MAX_PATIENTS",
    "CohortSimulator",
    "DemoRows",
    "DemoSummary",
    "EventRates",
    "fill_demo_database",
    "reference_event_rates",
    "simulate_cohort",
]
