"""Press releases: recording them, linking them to meetings, evidence."""
