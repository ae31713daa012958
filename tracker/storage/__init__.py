"""SQLite storage of patient records. No Qt."""
