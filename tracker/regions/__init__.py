"""Regions and elections: reference data loading."""
