"""The treatment engine: one course's whole history in, the state of any day out.

Every patient-safety answer (the dose due, whether lenalidomide is interrupted, the label's
hold/resume advice, whether blood counts are due, whether a cycle may start) is worked out
here and nowhere else. Screens, sheets and commands ask it.

Import rule: pure domain. No Qt, no SQL; records come in as the plain dataclasses of
``history``, built by storage.
"""
