"""Calendar export (.ics downloads and subscription feeds) and .ics import."""
