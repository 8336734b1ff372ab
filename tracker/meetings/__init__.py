"""Meetings: lists, detail pages and the operations that write them."""
