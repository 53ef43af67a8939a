"""The census register desktop: register table, record editor, review queue, vault movements."""
