"""The Patients screen: the list, filtered as you type, and the patient form. May import
forms, widgets and common; not the other screens."""
