"""Restoration archive pages of the desktop."""
