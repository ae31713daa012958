"""Printable sheets and charts."""
