"""A small clinic database for the sheet tests, and reading sheets back from PDF files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from tests.starts import start_course, start_next_cycle
from tracker.storage.database import open_database
from tracker.storage.operations.courses import end_course
from tracker.storage.operations.interruptions import interrupt, resume
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient, archive_patient
from tracker.storage.operations.settings import set_setting

TODAY = date(2027, 7, 1)
# Monday 2027-06-28 to Sunday 2027-07-04.
BATCH_WEEK_OF = date(2027, 6, 30)
# Ada Lovelace, Charles Babbage, Grace Hopper and Alan Turing are treated that week; the
# ended course and the archived patient are not.
BATCH_NAMES = ["Ada Lovelace", "Alan Turing", "Charles Babbage", "Grace Hopper"]
CLINIC = "Riverside Haematology Day Unit"


def build_clinic_database(path: Path) -> Path:
    with open_database(path, clock=lambda: TODAY) as store:
        set_setting(store, "clinic_name", CLINIC)
        ada = add_patient(store, mrn="A1001", name="Ada Lovelace", date_of_birth=date(1950, 12, 10))
        course = start_course(store, ada, date(2027, 2, 1), thromboprophylaxis="aspirin")
        record_labs(store, ada, date(2027, 2, 8), anc=0.8, platelets=95)
        # Held on days 9-11, resumed on day 12 two levels lower (15 mg).
        interrupt(store, course, date(2027, 2, 9), "ANC 0.8")
        record_labs(
            store,
            ada,
            date(2027, 2, 12),
            anc=1400,
            anc_unit="/mm3",
            platelets=120000,
            platelets_unit="/mm3",
        )
        resume(store, course, date(2027, 2, 12), level=2)
        for start in (date(2027, 3, 1), date(2027, 3, 29), date(2027, 4, 26), date(2027, 5, 24)):
            start_next_cycle(store, course, start)

        babbage = add_patient(
            store, mrn="B2002", name="Charles Babbage", date_of_birth=date(1948, 12, 26)
        )
        start_course(
            store,
            babbage,
            date(2027, 6, 14),
            len_level=3,
            len_every_days=2,
            dex_level=1,
            thromboprophylaxis="LMWH",
        )
        hopper = add_patient(store, mrn="C3003", name="Grace Hopper")
        start_course(store, hopper, date(2027, 6, 24), thromboprophylaxis="none")
        turing = add_patient(store, mrn="D4004", name="Alan Turing")
        start_course(store, turing, date(2027, 7, 1))

        ended = add_patient(store, mrn="E5005", name="Edith Ended")
        ended_course = start_course(store, ended, date(2027, 6, 1))
        end_course(store, ended_course, date(2027, 6, 20), "toxicity")
        archived = add_patient(store, mrn="F6006", name="Frank Archived")
        start_course(store, archived, date(2027, 6, 21))
        archive_patient(store, archived, reason="entered in error")
    return path


# Reading the PDF back


def page_lines(path: Path) -> list[list[str]]:
    """Each page's text lines, with runs of whitespace made single spaces."""
    return [
        [" ".join(line.split()) for line in page.extract_text().splitlines() if line.strip()]
        for page in PdfReader(path).pages
    ]


def page_text(lines: list[str]) -> str:
    return " ".join(lines)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAY = re.compile(r"^Day (\d+)$")
# What a grid cell can say; the first line that says something else ends the grid.
_CELL = re.compile(
    r"^(\d+(\.\d+)? mg|HELD \*|rest|no dose|stopped|blood count due|pregnancy test due|"
    r"blood count \+ pregnancy test)$"
)


COUNTS_DUE = "blood count due"
PREGNANCY_TEST_DUE = "pregnancy test due"
BOTH_DUE = "blood count + pregnancy test"
_NOTES = (COUNTS_DUE, PREGNANCY_TEST_DUE, BOTH_DUE)


@dataclass(frozen=True)
class GridRow:
    date: str
    weekday: str
    day: int
    lenalidomide: str
    dexamethasone: str | None  # the dose text, or None on a day without dexamethasone
    counts_due: bool
    pregnancy_test_due: bool = False


def grid_rows(lines: list[str]) -> list[GridRow]:
    """The day rows of a page's grid, as printed."""
    end = lines.index("Blood counts")
    rows = []
    index = 0
    while index < end:
        if _DATE.match(lines[index]) and index + 2 < end and _DAY.match(lines[index + 2]):
            cells = []
            cursor = index + 3
            while cursor < end and _CELL.match(lines[cursor]):
                cells.append(lines[cursor])
                cursor += 1
            due = COUNTS_DUE in cells or BOTH_DUE in cells
            test_due = PREGNANCY_TEST_DUE in cells or BOTH_DUE in cells
            doses = [cell for cell in cells if cell not in _NOTES]
            rows.append(
                GridRow(
                    date=lines[index],
                    weekday=lines[index + 1],
                    day=int(_DAY.match(lines[index + 2]).group(1)),
                    lenalidomide=doses[0],
                    dexamethasone=doses[1] if len(doses) > 1 else None,
                    counts_due=due,
                    pregnancy_test_due=test_due,
                )
            )
            index = cursor
        else:
            index += 1
    return rows


def footnotes(lines: list[str]) -> list[str]:
    """The lines between the grid's last row and the blood counts."""
    end = lines.index("Blood counts")
    last_day = max(i for i, line in enumerate(lines[:end]) if _DAY.match(line))
    start = last_day + 1
    while start < end and _CELL.match(lines[start]):
        start += 1
    return lines[start:end]


def dexamethasone_days(lines: list[str]) -> list[int]:
    return [row.day for row in grid_rows(lines) if row.dexamethasone]


def counts_due_days(lines: list[str]) -> list[int]:
    """The cycle days whose row says a blood count is due."""
    return [row.day for row in grid_rows(lines) if row.counts_due]


def lab_table_days(lines: list[str]) -> list[int]:
    """The cycle days of the blood count table's lines (below the grid)."""
    start = lines.index("Blood counts")
    return [int(match.group(1)) for line in lines[start:] if (match := _DAY.match(line))]
