"""Pure clinical logic: regimen, dosing, grading, statistics. No Qt, no SQL."""
