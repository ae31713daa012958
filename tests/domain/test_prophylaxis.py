"""The IMWG thromboprophylaxis suggestion at its boundaries."""

from __future__ import annotations

import pytest

from tracker.domain.errors import DomainError
from tracker.domain.prophylaxis import ASPIRIN, LMWH, dexamethasone_mg_per_cycle, suggest
from tracker.domain.regimen import load_regimen

REGIMEN = load_regimen()


def test_mm010_cycles_1_to_4_are_high_dose_dexamethasone_and_the_taper_is_not() -> None:
    assert dexamethasone_mg_per_cycle(REGIMEN, 1) == 480
    assert dexamethasone_mg_per_cycle(REGIMEN, 4) == 480
    assert dexamethasone_mg_per_cycle(REGIMEN, 5) == 160
    assert dexamethasone_mg_per_cycle(REGIMEN, 1, level=1) == 240


@pytest.mark.parametrize(
    ("factors", "cycle", "dex_level", "agent"),
    [
        ((), 1, 0, LMWH),  # MM-010 cycle 1: 480 mg dexamethasone, whatever else
        ((), 5, 0, ASPIRIN),
        (("diabetes",), 5, 0, ASPIRIN),  # one factor: aspirin
        (("diabetes", "obesity"), 5, 0, LMWH),  # two: LMWH
        (("diabetes",), 1, 1, ASPIRIN),  # 20 mg dexamethasone: 240 mg, not high dose
        (("diabetes", "diabetes"), 5, 0, ASPIRIN),  # ticked twice is one factor
    ],
)
def test_the_suggestion_table(factors, cycle, dex_level, agent) -> None:
    suggestion = suggest(factors, REGIMEN, cycle=cycle, dex_level=dex_level)
    assert suggestion.agent == agent
    assert suggestion.why


def test_the_reason_names_the_factors_and_the_dexamethasone() -> None:
    why = suggest(("previous_vte",), REGIMEN).why
    assert "480 mg in cycle 1" in why and "previous vte" in why


def test_an_unknown_risk_factor_is_refused() -> None:
    with pytest.raises(DomainError, match="unknown VTE risk factor 'smoking'"):
        suggest(("smoking",), REGIMEN)
