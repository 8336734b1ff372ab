"""Elections: the run-up to each polling day."""
