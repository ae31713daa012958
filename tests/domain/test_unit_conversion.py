"""Converting a lab value between its two units keeps its meaning."""

from __future__ import annotations

import pytest

from tracker.domain.errors import DomainError
from tracker.domain.plausibility import convert, plausibility_problem
from tracker.domain.renal import creatinine_mg_dl, load_renal_rules


@pytest.mark.parametrize(
    ("quantity", "value", "from_unit", "to_unit", "expected"),
    [
        ("anc", 0.8, "10^9/L", "/mm3", 800),
        ("anc", 800, "/mm3", "10^9/L", 0.8),
        ("platelets", 2800, "/mm3", "10^9/L", 2.8),
        ("platelets", 150, "10^9/L", "/mm3", 150_000),
        ("anc", 0, "10^9/L", "/mm3", 0),
        ("creatinine", 1.8, "mg/dL", "umol/L", 159.12),
        ("creatinine", 88.4, "umol/L", "mg/dL", 1.0),
        ("creatinine", 1.8, "mg/dL", "mg/dL", 1.8),
    ],
)
def test_convert(quantity, value, from_unit, to_unit, expected):
    assert convert(quantity, value, from_unit, to_unit) == pytest.approx(expected, rel=1e-12)


def test_creatinine_uses_the_renal_rules_factor():
    factor = load_renal_rules().umol_per_mg_dl
    assert convert("creatinine", 2.0, "mg/dL", "umol/L") == pytest.approx(2.0 * factor)
    # The same factor Cockcroft-Gault reads umol/L with, so a converted value estimates alike.
    assert creatinine_mg_dl(convert("creatinine", 1.8, "mg/dL", "umol/L"), "umol/L") == (
        pytest.approx(1.8)
    )


@pytest.mark.parametrize(
    ("quantity", "value", "from_unit"),
    [("anc", 0.8, "10^9/L"), ("platelets", 1500, "10^9/L"), ("creatinine", 19.9, "mg/dL")],
)
def test_a_plausible_value_stays_plausible_in_the_other_unit(quantity, value, from_unit):
    to_unit = {"10^9/L": "/mm3", "mg/dL": "umol/L"}[from_unit]
    converted = convert(quantity, value, from_unit, to_unit)
    assert plausibility_problem(quantity, value, from_unit) is None
    assert plausibility_problem(quantity, round(converted), to_unit) is None


@pytest.mark.parametrize(
    ("quantity", "from_unit", "to_unit"),
    [("anc", "mg/dL", "/mm3"), ("creatinine", "mg/dL", "/mm3"), ("anc", "10^9/L", "cells")],
)
def test_a_unit_the_quantity_does_not_have_is_refused(quantity, from_unit, to_unit):
    with pytest.raises(DomainError, match="has no unit"):
        convert(quantity, 1.0, from_unit, to_unit)
