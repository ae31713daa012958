from datetime import date

import pytest

from tracker.domain import renal
from tracker.domain.errors import DomainError
from tracker.domain.regimen import load_regimen
from tracker.domain.renal import age_on, creatinine_clearance, renal_starting_dose
from tracker.resources import resource_path


def test_cockcroft_gault_male_and_female():
    # (140 - 70) x 72 / (72 x 1.0) = 70
    assert creatinine_clearance(70, 72, 1.0, "mg/dL", "M") == pytest.approx(70.0)
    assert creatinine_clearance(70, 72, 1.0, "mg/dL", "F") == pytest.approx(59.5)
    # (140 - 60) x 90 / (72 x 1.5) = 66.67
    assert creatinine_clearance(60, 90, 1.5, "mg/dL", "male") == pytest.approx(66.6667, abs=1e-4)


def test_creatinine_in_micromoles_is_divided_by_88_4():
    in_umol = creatinine_clearance(70, 72, 176.8, "umol/L", "M")
    assert in_umol == pytest.approx(creatinine_clearance(70, 72, 2.0, "mg/dL", "M"))
    assert in_umol == pytest.approx(35.0)
    assert creatinine_clearance(70, 72, 88.4, "µmol/L", "F") == pytest.approx(59.5)


@pytest.mark.parametrize(
    ("crcl", "band", "dose_mg", "every_days"),
    [
        (120.0, ">=60", 25, 1),
        (60.0, ">=60", 25, 1),
        (59.99, "30-60", 10, 1),
        (30.0, "30-60", 10, 1),
        (29.75, "<30", 15, 2),
        (0.0, "<30", 15, 2),
    ],
)
def test_renal_starting_dose_bands(crcl, band, dose_mg, every_days):
    dose = renal_starting_dose(crcl, on_dialysis=False)
    assert (dose.band, dose.dose_mg, dose.every_days) == (band, dose_mg, every_days)
    assert f"{dose_mg} mg" in dose.text


def test_dialysis_gets_5_mg_daily_after_dialysis_whatever_the_estimate():
    for crcl in (10.0, 45.0):
        dose = renal_starting_dose(crcl, on_dialysis=True)
        assert (dose.band, dose.dose_mg, dose.every_days) == ("dialysis", 5, 1)
        assert "after dialysis" in dose.text


def test_every_starting_dose_is_a_rung_of_the_regimen_ladder():
    ladder = load_regimen().lenalidomide
    for crcl, dialysis in ((80, False), (40, False), (20, False), (20, True)):
        assert ladder.level_for_dose(renal_starting_dose(crcl, dialysis).dose_mg) >= 0


def test_every_48_hours_text_names_the_interval():
    assert "48 hours" in renal_starting_dose(20, on_dialysis=False).text


def test_age_on_counts_completed_years():
    born = date(1956, 3, 2)
    assert age_on(born, date(2026, 3, 2)) == 70
    assert age_on(born, date(2026, 3, 1)) == 69
    assert age_on(date(1960, 2, 29), date(2021, 2, 28)) == 60
    assert age_on(date(1960, 2, 29), date(2021, 3, 1)) == 61
    with pytest.raises(DomainError, match="after 2020-01-01"):
        age_on(date(2021, 1, 1), date(2020, 1, 1))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((70, 0, 1.0, "mg/dL", "M"), "weight must be more than 0 kg"),
        ((70, -5, 1.0, "mg/dL", "M"), "weight must be more than 0 kg"),
        ((70, 72, 0, "mg/dL", "M"), "creatinine must be more than 0 mg/dL"),
        ((70, 72, -3, "umol/L", "M"), "creatinine must be more than 0 umol/L"),
        ((17, 72, 1.0, "mg/dL", "M"), "age from 18 to 120 years, not 17"),
        ((121, 72, 1.0, "mg/dL", "M"), "age from 18 to 120 years, not 121"),
        ((70, 72, 1.0, "mmol/L", "M"), "unknown creatinine unit 'mmol/L'"),
        ((70, 72, 1.0, "mg/dL", "X"), "sex M or F, not 'X'"),
    ],
)
def test_bad_inputs_are_refused_with_a_clear_message(args, message):
    with pytest.raises(DomainError, match=message):
        creatinine_clearance(*args)


def test_negative_clearance_is_refused():
    with pytest.raises(DomainError, match="0 mL/min or more"):
        renal_starting_dose(-1, on_dialysis=False)


def test_formula_constants_and_bands_come_from_the_data_file(monkeypatch, tmp_path):
    changed = resource_path("renal", "lenalidomide-renal.toml").read_text(encoding="utf-8")
    for shipped, edited in (
        ("cockcroft_gault_age_offset = 140", "cockcroft_gault_age_offset = 150"),
        ("female_factor = 0.85", "female_factor = 0.5"),
        ("min_crcl = 60", "min_crcl = 70"),
    ):
        assert changed.count(shipped) == 1
        changed = changed.replace(shipped, edited)
    (tmp_path / "renal").mkdir()
    (tmp_path / "renal" / "lenalidomide-renal.toml").write_text(changed, encoding="utf-8")
    monkeypatch.setenv("RD_TRACKER_RESOURCES", str(tmp_path))
    renal.load_renal_rules.cache_clear()
    try:
        # (150 - 70) x 72 / (72 x 1.0) = 80, halved for a woman
        assert creatinine_clearance(70, 72, 1.0, "mg/dL", "M") == pytest.approx(80.0)
        assert creatinine_clearance(70, 72, 1.0, "mg/dL", "F") == pytest.approx(40.0)
        assert renal_starting_dose(65, on_dialysis=False).dose_mg == 10
    finally:
        monkeypatch.undo()
        renal.load_renal_rules.cache_clear()
    assert creatinine_clearance(70, 72, 1.0, "mg/dL", "M") == pytest.approx(70.0)
    assert renal_starting_dose(65, on_dialysis=False).dose_mg == 25


def test_the_assessment_explains_the_starting_dose() -> None:
    from tracker.domain.renal import assess_renal_function

    kept = assess_renal_function(
        date_of_birth=date(1950, 1, 1),
        sex="F",
        weight_kg=60,
        creatinine=1.2,
        creatinine_unit="mg/dL",
        on_dialysis=False,
        on=date(2027, 1, 1),
    )
    assert kept.band == "30-60" and kept.basis == "Cockcroft-Gault CrCl 37.2 mL/min"
    missing = assess_renal_function(
        date_of_birth=None,
        sex="F",
        weight_kg=None,
        creatinine=1.2,
        creatinine_unit="mg/dL",
        on_dialysis=False,
        on=date(2027, 1, 1),
    )
    assert (
        missing.dose is None and missing.basis == "the patient record has no date of birth, weight"
    )
    dialysis = assess_renal_function(
        date_of_birth=None,
        sex=None,
        weight_kg=None,
        creatinine=None,
        creatinine_unit=None,
        on_dialysis=True,
        on=date(2027, 1, 1),
    )
    assert dialysis.band == "dialysis" and "after dialysis" in dialysis.dose.text


def test_a_band_change_is_said_and_no_change_is_silent() -> None:
    from tracker.domain.renal import assess_renal_function, band_change_text

    worse = assess_renal_function(
        date_of_birth=date(1950, 1, 1),
        sex="M",
        weight_kg=70,
        creatinine=3.0,
        creatinine_unit="mg/dL",
        on_dialysis=False,
        on=date(2027, 1, 1),
    )
    assert "(>=60 -> <30" in band_change_text(">=60", worse)
    assert band_change_text("<30", worse) is None
    assert band_change_text(None, worse) is None


def test_clearance_is_never_rounded_up_onto_a_band_boundary() -> None:
    from tracker.domain.renal import clearance_text

    assert clearance_text(29.97) == "29.9" and clearance_text(30.04) == "30.0"
