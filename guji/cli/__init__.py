"""The ``guji`` command line: the same services as the desktop, one command per user action."""
