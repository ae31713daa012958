"""Reading a written PDF, PNG or SVG back before it is put in place.

Qt's PDF writer reports no error when the disk fills up: it leaves a cut-off file that looks
like a PDF. So every output is read back from its temporary file, and only one that is whole
(its pages all there, its last bytes the format's end marker) is renamed into place.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

from tracker.reports.errors import ReportError

_PDF_END = b"%%EOF"
_PNG_START, _PNG_END = b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"
_SVG_END = b"</svg>"
_TAIL_BYTES = 1024
# Less room than this left after a write that came out cut off: the disk filled up.
_NEARLY_FULL_BYTES = 1 << 20


class BrokenOutputError(ReportError):
    """A file read back after writing it is cut off or unreadable; it was not put in place."""


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it finds wrong in a file; here that is an error raised, not a line on
    stderr beside the one message the user gets."""
    logger = logging.getLogger("pypdf")
    was = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was


def _tail(path: Path) -> bytes:
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - _TAIL_BYTES))
        return handle.read()


def _cut_off(path: Path) -> BrokenOutputError:
    try:
        full = shutil.disk_usage(path.parent).free < _NEARLY_FULL_BYTES
    except OSError:
        full = False
    return BrokenOutputError("the disk is full" if full else "the file came out cut off")


def check_pdf(path: Path, pages: int) -> None:
    """Refuse a PDF that does not end properly or does not hold exactly ``pages`` pages."""
    from pypdf import PdfReader

    if _PDF_END not in _tail(path):
        raise _cut_off(path)
    try:
        with _quiet_pypdf():
            found = len(PdfReader(path, strict=True).pages)
    except Exception as error:  # pypdf raises many kinds for a broken file; any one means broken
        raise BrokenOutputError(f"it could not be read back ({error})") from None
    if found != pages:
        raise BrokenOutputError(f"it read back with {found} pages instead of {pages}")


def check_image(path: Path, file_format: str) -> None:
    """Refuse a PNG or SVG that is cut off, and a PDF chart that is not one whole page."""
    if file_format == "pdf":
        check_pdf(path, 1)
        return
    with path.open("rb") as handle:
        start = handle.read(len(_PNG_START))
    tail = _tail(path).rstrip()
    whole = (
        start == _PNG_START and tail.endswith(_PNG_END)
        if file_format == "png"
        else tail.endswith(_SVG_END)
    )
    if not whole:
        raise _cut_off(path)
