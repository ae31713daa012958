import pytest

from tracker.domain.errors import DomainError
from tracker.domain.references import load_reference, reference_from_data, reference_ids


def test_mm010_both_arms_with_patients_and_rates():
    mm010 = load_reference("mm010")
    assert mm010.confirmed and mm010.grading == "NCI CTC v2.0"
    assert "N Engl J Med 2007;357:2123-32" in mm010.citation
    lenalidomide, placebo = mm010.arm("lenalidomide"), mm010.arm("placebo")
    assert (lenalidomide.patients, placebo.patients) == (176, 175)
    assert lenalidomide.percent == {"neutropenia": 29.5, "thrombocytopenia": 11.4, "vte": 11.4}
    assert placebo.percent == {"neutropenia": 2.3, "thrombocytopenia": 5.7, "vte": 4.6}
    assert lenalidomide.rate("neutropenia") == pytest.approx(0.295)
    assert placebo.rates["vte"] == pytest.approx(0.046)
    assert lenalidomide.rate("anaemia") is None
    assert lenalidomide.confirmed and lenalidomide.short_label == "MM-010 Len+Dex"


def test_mm009_is_marked_unconfirmed():
    mm009 = load_reference("mm009")
    assert mm009.status == "unconfirmed" and not mm009.confirmed
    assert "2133-42" in mm009.citation
    arm = mm009.arm("lenalidomide")
    assert arm.patients == 177 and not arm.confirmed
    assert arm.percent == {"neutropenia": 41.2, "thrombocytopenia": 14.7, "vte": 14.7}
    with pytest.raises(DomainError, match="MM-009 has no arm 'placebo'"):
        mm009.arm("placebo")


def test_shipped_references_are_listed():
    assert {"mm009", "mm010"} <= set(reference_ids())


def test_unknown_reference_is_a_clear_error():
    with pytest.raises(DomainError, match="unknown reference 'mm999'"):
        load_reference("mm999")


def test_impossible_figures_are_refused():
    data = {
        "id": "bad",
        "name": "Bad",
        "citation": "-",
        "arms": {"x": {"label": "X", "patients": 10, "grade3_4_percent": {"vte": 120}}},
    }
    with pytest.raises(DomainError, match="impossible"):
        reference_from_data(data)
