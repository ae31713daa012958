"""Record forms on one shared frame (``record_dialog``): labs, patient, events, starting a
course or a cycle, dose changes, responses, ending a course. Each writes through one storage
operation. May import widgets and common only."""
