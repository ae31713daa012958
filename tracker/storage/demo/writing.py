"""Writing a demo cohort into an empty database: every table in one transaction.

Rows go straight into the tables with one ``executemany`` per table, with one audit row per
table summarising the batch and attesting its rows' contents (``attestation``), and one
"added" row per patient for the patient's History:
10,000 patients (millions of rows, mostly dose records) take well under a minute instead of
the hours that one audited operation per row would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.domain.regimen import Regimen, load_regimen
from tracker.storage.attestation import attest
from tracker.storage.audit import INSERT, append_audit_rows, audit_row, utc_now, write_audit
from tracker.storage.database import Store
from tracker.storage.demo.cohort import CohortSimulator
from tracker.storage.demo.rates import EventRates, reference_event_rates
from tracker.storage.demo.tables import COLUMNS, DemoRows
from tracker.storage.errors import ValidationError
from tracker.storage.operations.settings import set_setting

MAX_PATIENTS = 99_999
DEMO_SETTING = "demo"
BULK_CACHE_SIZE = -262_144  # KiB, i.e. 256 MiB


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
            first_id, last_id = batch[0][0], batch[-1][0]
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
                    "first_id": first_id,
                    "last_id": last_id,
                    # Patients have an audit row each (``_audit_each_patient``).
                    **({} if table == "patients" else attest(db.conn, table, first_id, last_id) or {}),
                },
            )
        # Joins this transaction: the flag and the cohort are committed together or not at all.
        set_setting(store, DEMO_SETTING, "1")


def _audit_each_patient(
    store: Store, columns: tuple[str, ...], batch: list[tuple], *, stamp: str
) -> None:
    """One "added" row per demo patient, holding the whole row: each patient's History shows
    where they came from, and ``tracker verify`` compares each patient with it. The other
    tables keep one summary row per batch (millions of dose records), attesting them."""
    # Columns the demo leaves empty (a date of death, say) are in the record as NULL.
    unwritten = {
        column.name: None for column in store.db["patients"].columns if column.name not in columns
    }
    bookkeeping = {
        **unwritten,
        "archived": 0,
        "created_at": stamp,
        "updated_at": stamp,
        "version": 1,
    }
    append_audit_rows(
        store,
        (
            audit_row(
                store,
                table="patients",
                row_id=row[0],
                patient_id=row[0],
                action=INSERT,
                before=None,
                after={**dict(zip(columns, row, strict=True)), **bookkeeping},
                at=stamp,
            )
            for row in batch
        ),
    )
