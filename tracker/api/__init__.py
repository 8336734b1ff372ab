"""The read API at /api/v1: JSON and CSV for journalists and their scripts."""
