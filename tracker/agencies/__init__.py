"""Agencies: the registry, aliases and merges."""
