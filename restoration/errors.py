"""Errors of the pure restoration domain.

Both are :class:`ValueError` subclasses: they mean "the data handed in is not
acceptable", so callers that already catch ``ValueError`` keep working, and the
service layer can wrap them in its own user-facing errors.
"""

from __future__ import annotations


class RestorationError(ValueError):
    """A value or request the restoration domain rejects; ``str(err)`` is the message to show."""


class FieldError(RestorationError):
    """A single field's value is not acceptable.

    ``field`` names the field (stable, ASCII, for the GUI to highlight the widget);
    ``message`` is the sentence to show the person at the desk.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field: str = field
        self.message: str = message
