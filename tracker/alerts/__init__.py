"""Saved searches of the meeting list: Atom feeds and e-mail alerts."""
