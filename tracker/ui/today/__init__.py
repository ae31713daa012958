"""The Today screen: everyone on treatment and the engine's answer for the day. May import
forms, widgets and common; not the other screens."""
