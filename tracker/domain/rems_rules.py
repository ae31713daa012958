"""The pregnancy-prevention rules of lenalidomide (boxed warning, US label 5.1/8.3/17, the
Lenalidomide REMS), read from ``resources/rems/lenalidomide-rems.toml``: the patient
categories, the pregnancy-test schedule, contraception and what a prescription must carry."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from tracker.domain.errors import DomainError
from tracker.resources import load_toml

FEMALE_REPRODUCTIVE = "female_reproductive"
FEMALE_CHILD = "female_child"
FEMALE_NOT_REPRODUCTIVE = "female_not_reproductive"
MALE_ADULT = "male_adult"
MALE_CHILD = "male_child"
CATEGORIES = (FEMALE_REPRODUCTIVE, FEMALE_CHILD, FEMALE_NOT_REPRODUCTIVE, MALE_ADULT, MALE_CHILD)
FEMALE_CATEGORIES = (FEMALE_REPRODUCTIVE, FEMALE_CHILD, FEMALE_NOT_REPRODUCTIVE)
NATURAL_MENOPAUSE = "natural_menopause"
HYSTERECTOMY = "hysterectomy"
BILATERAL_OOPHORECTOMY = "bilateral_oophorectomy"
# Below this age a patient is a child for the REMS categories.
ADULT_FROM_AGE = 18


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    pregnancy_testing: bool
    authorization_valid_days: int
    # Why a patient of this category is not of reproductive potential (key -> words); empty
    # for the categories that need no reason.
    reasons: dict[str, str]

    @property
    def female(self) -> bool:
        return self.key in FEMALE_CATEGORIES


@dataclass(frozen=True)
class RemsRules:
    source: str
    min_sensitivity_miu_ml: float
    first_test_days_before: tuple[int, int]
    second_test_within_hours: int
    weekly_for_days_of_use: int
    weekly_every_days: int
    regular_every_days: int
    irregular_every_days: int
    wording: dict[str, str]
    contraception_weeks_before: int
    contraception_weeks_after: int
    contraception_females: str
    contraception_males: str
    contraception_everyone: str
    # The reminders as a printed sheet words them: female, male, everyone.
    sheet_reminders: tuple[str, str, str]
    contraception_methods: tuple[str, ...]
    max_supply_days: int
    refills: int
    categories: dict[str, Category]

    def category(self, key: str) -> Category:
        try:
            return self.categories[key]
        except KeyError:
            known = ", ".join(self.categories)
            raise DomainError(f"unknown REMS category {key!r} (known: {known})") from None

    def testing(self, category: str | None) -> bool:
        """Whether pregnancy tests, contraception and the start refusals apply."""
        return category is not None and self.category(category).pregnancy_testing

    def every_days_after_weekly(self, irregular_cycles: bool) -> int:
        return self.irregular_every_days if irregular_cycles else self.regular_every_days

    def qualifies(self, sensitivity_miu_ml: float | None) -> bool:
        """A test detecting hCG at ``sensitivity_miu_ml`` or lower counts for the REMS."""
        return sensitivity_miu_ml is not None and sensitivity_miu_ml <= self.min_sensitivity_miu_ml

    def reminder(self, category: str | None) -> str:
        """The contraception reminder a sheet prints for the category."""
        females, males, everyone = self.sheet_reminders
        if category is None:
            return ""
        if self.category(category).pregnancy_testing:
            return females
        if category in (MALE_ADULT, MALE_CHILD):
            return males
        return everyone


def _category(key: str, data: dict) -> Category:
    return Category(
        key=key,
        label=data["label"],
        pregnancy_testing=bool(data["pregnancy_testing"]),
        authorization_valid_days=int(data["authorization_valid_days"]),
        reasons=dict(data.get("reasons", {})),
    )


@cache
def rems_rules() -> RemsRules:
    data = load_toml("rems", "lenalidomide-rems.toml")
    tests, contraception = data["pregnancy_tests"], data["contraception"]
    first_days = sorted(int(day) for day in tests["first_test_days_before"])
    categories = {key: _category(key, value) for key, value in data["categories"].items()}
    missing = set(CATEGORIES) - set(categories)
    if missing:
        raise DomainError(f"the REMS data file has no category {sorted(missing)[0]!r}")
    return RemsRules(
        source=data["source"],
        min_sensitivity_miu_ml=float(tests["min_sensitivity_miu_ml"]),
        first_test_days_before=(first_days[0], first_days[-1]),
        second_test_within_hours=int(tests["second_test_within_hours"]),
        weekly_for_days_of_use=int(tests["weekly_for_days_of_use"]),
        weekly_every_days=int(tests["weekly_every_days"]),
        regular_every_days=int(tests["regular_every_days"]),
        irregular_every_days=int(tests["irregular_every_days"]),
        wording=dict(tests["wording"]),
        contraception_weeks_before=int(contraception["weeks_before"]),
        contraception_weeks_after=int(contraception["weeks_after"]),
        contraception_females=contraception["females"],
        contraception_males=contraception["males"],
        contraception_everyone=contraception["everyone"],
        sheet_reminders=(
            contraception["sheet_females"],
            contraception["sheet_males"],
            contraception["sheet_everyone"],
        ),
        contraception_methods=tuple(contraception["methods"]),
        max_supply_days=int(data["prescriptions"]["max_supply_days"]),
        refills=int(data["prescriptions"]["refills"]),
        categories=categories,
    )


def category_text(category: str | None, reason: str | None = None) -> str:
    """'Adult female not of reproductive potential (hysterectomy)', or 'not set'."""
    if category is None:
        return "not set"
    found = rems_rules().category(category)
    if reason and reason in found.reasons:
        return f"{found.label} ({found.reasons[reason][:1].lower()}{found.reasons[reason][1:]})"
    return found.label
