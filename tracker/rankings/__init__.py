"""Rankings: the bodies that met most within a meeting-list filter (issue 17)."""
