"""One record number, one patient: MRNs compared as people mean them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils
from sqlite_utils import Migrations

from tracker.domain.identifiers import mrn_key
from tracker.storage.database import Store, open_database
from tracker.storage.operations.patients import add_patient, update_patient
from tracker.storage.queries import mrn_clashes, patient_by_mrn
from tracker.storage.schema import MIGRATION_SET, m001_initial, m002_interruptions

VARIANTS = {
    "lower case": ("MRN-1", "mrn-1"),
    "trailing space": ("MRN-1", "MRN-1 "),
    "zero-width space": ("MRN-1", "MRN\u200b-1"),
    "byte-order mark": ("MRN-1", "\ufeffMRN-1"),
    "full-width letters": ("MRN-1", "ＭＲＮ－１"),
    "soft hyphen": ("MRN-1", "MR\u00adN-1"),
    "another Unicode form": ("ÉLÉ-9", "E\u0301LE\u0301-9"),
    "case folding beyond lower()": ("STRASSE-1", "straße-1"),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_variant_of_an_existing_mrn_is_refused(
    store: Store, assert_refused: Callable, variant: str
) -> None:
    existing, typed = VARIANTS[variant]
    add_patient(store, mrn=existing, name="First Patient")
    assert_refused(
        lambda: add_patient(store, mrn=typed, name="Second Patient"),
        "already belongs to another patient",
    )


def test_the_message_names_the_existing_mrn(store: Store, assert_refused: Callable) -> None:
    add_patient(store, mrn="MRN-1", name="First Patient")
    assert_refused(
        lambda: add_patient(store, mrn="mrn-1", name="Second"),
        "the same as 'MRN-1' once case, spaces and look-alike characters are ignored",
    )


def test_renaming_to_a_variant_of_another_mrn_is_refused(
    store: Store, assert_refused: Callable
) -> None:
    add_patient(store, mrn="MRN-1", name="First Patient")
    second = add_patient(store, mrn="MRN-2", name="Second Patient")
    assert_refused(lambda: update_patient(store, second, reason="entered in error", mrn="Mrn-1"), "already belongs")
    update_patient(store, second, reason="entered in error", mrn="mrn-2")  # its own MRN in another case is fine


@pytest.mark.parametrize(
    ("field", "value"),
    [("mrn", "MRN\t7"), ("mrn", "MRN\n7"), ("name", "Ada\x1b[31m"), ("name", "Ada\x00")],
)
def test_control_characters_are_refused(
    store: Store, assert_refused: Callable, field: str, value: str
) -> None:
    values = {"mrn": "MRN-7", "name": "Ada Lovelace", field: value}
    assert_refused(lambda: add_patient(store, **values), "control character")


def test_an_mrn_of_invisible_characters_only_is_empty(
    store: Store, assert_refused: Callable
) -> None:
    assert_refused(lambda: add_patient(store, mrn="\u200b\u200b", name="X"), "must not be empty")


def test_lookups_by_mrn_use_the_same_comparison(store: Store) -> None:
    patient = add_patient(store, mrn="MRN-1", name="First Patient")
    assert patient_by_mrn(store, " ｍｒｎ-1").id == patient


def test_an_older_file_with_clashing_mrns_keeps_both_and_reports_them(tmp_path: Path) -> None:
    path = tmp_path / "older.sqlite"
    db = sqlite_utils.Database(path)
    migrations = Migrations(MIGRATION_SET)
    migrations()(m001_initial)
    migrations()(m002_interruptions)
    migrations.apply(db)
    stamp = {"archived": 0, "created_at": "2027-01-01", "updated_at": "2027-01-01"}
    db["patients"].insert_all(
        [
            {"id": 1, "mrn": "MRN-1", "name": "Kept", **stamp},
            {"id": 2, "mrn": "mrn-1", "name": "Clash", **stamp},
            {"id": 3, "mrn": "MRN-3", "name": "Alone", **stamp},
        ]
    )
    db.close()
    with open_database(path) as store:
        clashes = mrn_clashes(store)
        assert [(kept.name, clash.name) for kept, clash in clashes] == [("Kept", "Clash")]
        assert store.db.execute("SELECT COUNT(*) FROM patients").fetchone()[0] == 3
        keys = dict(store.db.execute("SELECT id, mrn_key FROM patients").fetchall())
        assert keys == {1: mrn_key("MRN-1"), 2: None, 3: mrn_key("MRN-3")}
