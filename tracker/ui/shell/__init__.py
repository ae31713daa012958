"""The main window and what hangs off it: menus, actions, database actions (open, new,
backup), settings and the application icon. May import the screens, forms, widgets and
common; nothing but the entry points imports it."""
