"""The Cohort report screen: the clinic's grade 3-4 rates and outcomes against MM-010, one
tab each, read off the GUI thread. May import forms, widgets and common; not the other
screens."""
