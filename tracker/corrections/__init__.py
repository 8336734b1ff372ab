"""Corrections from the public: readers report errors, staff accept or decline them."""
