"""Independent checkers for calendar output: libical (C) and ical.js (Thunderbird's parser)."""
