"""restoration package."""
