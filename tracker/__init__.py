"""Rd Cycle Tracker: cycles, doses and toxicity for lenalidomide plus dexamethasone."""

__version__ = "0.1.0"
