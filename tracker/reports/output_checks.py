"""Reading a written PDF, PNG or SVG back before it is put in place.

Qt's PDF writer reports no error when the disk fills up: it leaves a cut-off file that looks
like a PDF. So every output is read back from its temporary file, and only one that is whole
(its pages all there, its last bytes the format's end marker) is renamed into place.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from tracker.reports.errors import ReportError

_PDF_END = b"%%EOF"
_PNG_START, _PNG_END = b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"
_SVG_END = b"</svg>"
_TAIL_BYTES = 1024


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


def check_pdf(path: Path, pages: int, *, name: str) -> None:
    """Refuse a PDF that does not end properly or does not hold exactly ``pages`` pages."""
    from pypdf import PdfReader

    if _PDF_END not in _tail(path):
        raise BrokenOutputError(f"{name} was cut off while being written (is the disk full?)")
    try:
        with _quiet_pypdf():
            found = len(PdfReader(path, strict=True).pages)
    except Exception as error:  # pypdf raises many kinds for a broken file; any one means broken
        raise BrokenOutputError(f"{name} could not be read back ({error})") from None
    if found != pages:
        raise BrokenOutputError(f"{name} read back with {found} pages instead of {pages}")


def check_image(path: Path, file_format: str, *, name: str) -> None:
    """Refuse a PNG or SVG that is cut off, and a PDF chart that is not one whole page."""
    if file_format == "pdf":
        check_pdf(path, 1, name=name)
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
        raise BrokenOutputError(f"{name} was cut off while being written (is the disk full?)")
