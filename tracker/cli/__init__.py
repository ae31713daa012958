"""The ``tracker`` command line."""
