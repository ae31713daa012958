"""The Qt desktop application, in layers (``[tool.importlinter]`` in pyproject.toml checks them):

- ``app``, ``smoke_test``: entry points;
- ``shell``: the main window, its menus and actions, database actions, settings, the icon;
- ``today``, ``patients``, ``patient``, ``cohort``: one package per screen, independent of
  each other (the shell moves between them);
- ``forms``: the record forms on their shared frame (``forms.record_dialog``);
- ``widgets``: reusable widgets (table model, chart view);
- ``common``: the plumbing every layer uses (context, reads, settings, dates, confirmation,
  unsaved input, sheet output).

A layer imports only the layers below it. No GUI module opens a transaction, imports
sqlite-utils or storage internals (audit, schema, validation), or works out a clinical rule:
writes are one call to ``tracker.storage.operations``, clinical answers come from
``tracker.domain`` (the treatment engine).
"""
