"""One patient's screen: header, status strip, cycle calendar and its day menu, events,
history, chart and sheet commands. May import forms, widgets and common; not the other
screens."""
