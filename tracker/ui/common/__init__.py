"""Plumbing for every layer: the application context, reads (also off the GUI thread),
settings, dates, confirmation, unsaved input and sheet output. Imports no other GUI package."""
