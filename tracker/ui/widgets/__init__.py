"""Reusable widgets: the table model every list uses and the lazily loaded chart view. May
import common only."""
