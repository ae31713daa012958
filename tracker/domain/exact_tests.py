"""Exact binomial statistics: the Clopper-Pearson interval of a proportion and the exact
two-sided test of a count against an expected rate (scipy, imported when first needed)."""

from __future__ import annotations


def clopper_pearson(
    successes: int, trials: int, confidence: float = 0.95
) -> tuple[float, float] | None:
    """The exact (Clopper-Pearson) interval of a binomial proportion; None when trials is 0.

    Its bounds are quantiles of beta distributions, read directly from the inverse
    incomplete beta function rather than found by a root search (a thousand times quicker,
    the same numbers).
    """
    if trials == 0:
        return None
    from scipy.special import betaincinv

    tail = (1 - confidence) / 2
    low = 0.0 if successes == 0 else float(betaincinv(successes, trials - successes + 1, tail))
    high = (
        1.0
        if successes == trials
        else float(betaincinv(successes + 1, trials - successes, 1 - tail))
    )
    return low, high


def binomial_p_value(successes: int, trials: int, expected_rate: float | None) -> float | None:
    """Exact two-sided binomial test of the observed count against ``expected_rate``."""
    if trials == 0 or expected_rate is None:
        return None
    from scipy.stats import binomtest

    return float(binomtest(successes, trials, expected_rate, alternative="two-sided").pvalue)
