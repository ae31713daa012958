"""Medical record numbers and names as people type them.

Two MRNs are the same record number when they match after Unicode NFKC normalisation
(full-width letters become plain ones), with invisible format characters (zero-width spaces,
joiners, byte-order marks, soft hyphens) removed, spaces trimmed, and case folded.
Control characters (tabs, newlines, escapes) are never part of an MRN or a name.
"""

from __future__ import annotations

import unicodedata

from tracker.domain.errors import DomainError

_INVISIBLE = "Cf"
_CONTROL = "Cc"


def control_characters(text: str) -> list[str]:
    """The control characters in ``text``, as U+XXXX codes."""
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == _CONTROL]


def refuse_control_characters(text: str, label: str) -> None:
    found = control_characters(text)
    if found:
        raise DomainError(
            f"{label} contains a control character ({', '.join(dict.fromkeys(found))}); "
            "type it again without tabs, line breaks or pasted control codes"
        )


def mrn_key(mrn: str) -> str:
    """The form two MRNs are compared in: 'MRN-1', 'mrn-1 ' and 'ＭＲＮ－１' share one key."""
    text = unicodedata.normalize("NFKC", mrn)
    text = "".join(c for c in text if unicodedata.category(c) != _INVISIBLE)
    return text.strip().casefold()
