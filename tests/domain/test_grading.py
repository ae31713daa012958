import math

import pytest

from tracker.domain import grading
from tracker.domain.errors import DomainError
from tracker.domain.grading import Unit, grade_anc, grade_platelets, to_per_litre_e9
from tracker.resources import resource_path

E9 = Unit.PER_LITRE_E9
MM3 = Unit.PER_MM3


@pytest.mark.parametrize(
    ("value", "unit", "grade"),
    [
        (2.0, E9, 0),
        (1.99, E9, 1),
        (1.5, E9, 1),
        (1.49, E9, 2),
        (1.0, E9, 2),
        (0.99, E9, 3),
        (0.5, E9, 3),
        (0.49, E9, 4),
        (0.0, E9, 4),
        (2000, MM3, 0),
        (1999, MM3, 1),
        (1500, MM3, 1),
        (1499, MM3, 2),
        (1000, MM3, 2),
        (999, MM3, 3),
        (500, MM3, 3),
        (499, MM3, 4),
    ],
)
def test_anc_grade_boundaries_in_both_units(value, unit, grade):
    assert grade_anc(value, unit) == grade


@pytest.mark.parametrize(
    ("value", "unit", "grade"),
    [
        (150, E9, 0),
        (149, E9, 1),
        (75, E9, 1),
        (74.9, E9, 2),
        (50, E9, 2),
        (49.9, E9, 3),
        (30, E9, 3),
        (25, E9, 3),
        (24.9, E9, 4),
        (150_000, MM3, 0),
        (149_999, MM3, 1),
        (75_000, MM3, 1),
        (74_999, MM3, 2),
        (50_000, MM3, 2),
        (49_999, MM3, 3),
        (25_000, MM3, 3),
        (24_999, MM3, 4),
    ],
)
def test_platelet_grade_boundaries_in_both_units(value, unit, grade):
    assert grade_platelets(value, unit) == grade


def test_conversion_between_units():
    assert to_per_litre_e9(1000, MM3) == 1.0
    assert to_per_litre_e9(1.0, E9) == 1.0
    assert to_per_litre_e9(1_500, "/mcL") == 1.5
    assert to_per_litre_e9(0.45, " 10^9/L ") == 0.45


@pytest.mark.parametrize("value", [-0.1, -1])
def test_negative_counts_are_refused(value):
    with pytest.raises(DomainError, match="cannot be negative"):
        grade_anc(value, E9)


def test_not_a_number_is_refused():
    with pytest.raises(DomainError, match="must be a number"):
        grade_platelets(math.nan, E9)


def test_unknown_unit_is_refused():
    with pytest.raises(DomainError, match="unknown count unit 'g/L'"):
        grade_platelets(100, "g/L")


def test_thresholds_come_from_the_data_file(monkeypatch, tmp_path):
    source = resource_path("grading", "ctcae-v5.toml").read_text(encoding="utf-8")
    changed = source.replace("lower_limit_of_normal = 2.0", "lower_limit_of_normal = 1.8")
    (tmp_path / "grading").mkdir()
    (tmp_path / "grading" / "ctcae-v5.toml").write_text(changed, encoding="utf-8")
    monkeypatch.setenv("RD_TRACKER_RESOURCES", str(tmp_path))
    grading.load_grading.cache_clear()
    try:
        assert grade_anc(1.9, E9) == 0
        assert grade_anc(1.79, E9) == 1
    finally:
        monkeypatch.undo()
        grading.load_grading.cache_clear()
    assert grade_anc(1.9, E9) == 1


def test_version_and_term_definitions():
    assert grading.CTCAE_VERSION == "CTCAE v5.0"
    assert grading.term_definition("neutropenia") == (
        "A finding based on laboratory test results that indicate a decrease in number of "
        "neutrophils in a blood specimen."
    )
    assert grading.term_definition("thrombocytopenia").endswith(
        "decrease in number of platelets in a blood specimen."
    )
    assert grading.term_definition("vte").startswith("A disorder characterized by occlusion")
    assert "CTCAE v5.0 term" in grading.term_definition("other")
    assert grading.term_name("thrombocytopenia") == "Platelet count decreased"


def test_definition_text_adds_the_grade_description_when_known():
    definition = grading.term_definition("vte")
    assert grading.definition_text("vte") == definition
    assert grading.definition_text("vte", 3) == (
        f"{definition}\nGrade 3: Urgent medical intervention indicated "
        "(e.g., pulmonary embolism or intracardiac thrombus)"
    )
    assert grading.definition_text("vte", 5).endswith("Grade 5: Death")
    assert grading.definition_text("neutropenia", 5) == grading.term_definition("neutropenia")
    assert grading.definition_text("other", 3) == grading.term_definition("other")


def test_grade_bounds_for_charts():
    assert grading.grade_bounds("neutropenia") == {1: 2.0, 2: 1.5, 3: 1.0, 4: 0.5}
    assert grading.grade_bounds("thrombocytopenia") == {1: 150, 2: 75, 3: 50, 4: 25}
    assert grading.grade_bounds("vte") == {}


def test_unknown_event_type_and_clinician_graded_terms_are_refused():
    with pytest.raises(DomainError, match="unknown adverse event type 'rash'"):
        grading.term_definition("rash")
    with pytest.raises(DomainError, match="graded by the clinician"):
        grading.grade_count("vte", 1.0, E9)
