"""Writes. Each operation validates first, then commits its change and audit rows together."""
