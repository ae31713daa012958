import pytest

from tracker.domain.errors import DomainError
from tracker.domain.references import (
    efficacy_reference_ids,
    load_reference,
    reference_from_data,
    reference_ids,
    toxicity_reference_ids,
)


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


def test_mm010_efficacy_from_the_abstract():
    mm010 = load_reference("mm010")
    lenalidomide, placebo = mm010.arm("lenalidomide").efficacy, mm010.arm("placebo").efficacy
    assert (lenalidomide.responders, lenalidomide.response_percent) == (106, 60.2)
    assert (placebo.responders, placebo.response_percent) == (42, 24.0)
    assert lenalidomide.response_rate == pytest.approx(0.602)
    assert (lenalidomide.complete_response_percent, placebo.complete_response_percent) == (
        15.9,
        3.4,
    )
    assert (lenalidomide.median_ttp_months, placebo.median_ttp_months) == (11.3, 4.7)
    # The abstract gives overall survival as a hazard ratio, not as medians.
    assert lenalidomide.median_os_months is None
    assert mm010.efficacy.overall_survival_hazard_ratio == 0.66
    assert "EBMT" in mm010.efficacy.response_criteria


def test_the_pooled_analysis_is_an_unconfirmed_efficacy_reference_only():
    pooled = load_reference("mm009-mm010-pooled")
    assert not pooled.confirmed and "Leukemia 2009;23:2147-52" in pooled.citation
    lenalidomide, placebo = pooled.arm("lenalidomide"), pooled.arm("placebo")
    assert (lenalidomide.patients, placebo.patients) == (353, 351)
    assert lenalidomide.efficacy.response_percent == 60.6
    assert placebo.efficacy.complete_response_percent == 2.0
    assert (lenalidomide.efficacy.median_ttp_months, placebo.efficacy.median_ttp_months) == (
        13.4,
        4.6,
    )
    assert (lenalidomide.efficacy.median_os_months, placebo.efficacy.median_os_months) == (
        38.0,
        31.6,
    )
    assert not pooled.has_toxicity_rates and lenalidomide.percent == {}
    assert "mm009-mm010-pooled" not in toxicity_reference_ids()
    assert efficacy_reference_ids() == ["mm009-mm010-pooled", "mm010"]


def test_impossible_efficacy_is_refused():
    data = {
        "id": "bad",
        "name": "Bad",
        "citation": "-",
        "arms": {"x": {"label": "X", "patients": 10, "efficacy": {"responders": 11}}},
    }
    with pytest.raises(DomainError, match="impossible efficacy"):
        reference_from_data(data)
