"""The bundle's executable: the ``tracker`` command, which opens the application when it is
given no command (``rd-cycle-tracker --db FILE``) and runs any other (``rd-cycle-tracker demo``)."""

from tracker.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
