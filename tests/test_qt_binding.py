"""The Qt binding must not leak references to None (PySide6 6.12.0 did under Python 3.11)."""

import sys

from PySide6.QtGui import QImage, QPainter


def test_void_qt_calls_keep_the_reference_count_of_none(qapp):
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(2000):
            painter.drawLine(0, 0, 10, 10)
        after = sys.getrefcount(None)
    finally:
        painter.end()
    assert after >= before - 10
