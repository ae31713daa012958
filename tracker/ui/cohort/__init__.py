"""The Cohort report screen: the clinic's rates against MM-010, read off the GUI thread.
May import forms, widgets and common; not the other screens."""
