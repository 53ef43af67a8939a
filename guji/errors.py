"""Errors a user can act on.

Every service raises a subclass of :class:`GujiError` with a message meant for the
person at the desk (the CLI prints it on one line, the GUI in a dialog). Anything
else escaping a service is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass


class GujiError(Exception):
    """Base of all user-facing errors; ``str(err)`` is the message to show.

    Built from :func:`guji.messages.msg`, an error also names its message: ``err.key``.
    """

    @property
    def key(self) -> str | None:
        """The catalogue key of the message, when it came from the catalogue."""
        first = self.args[0] if self.args else None
        return getattr(first, "key", None)


class DatabaseUnavailable(GujiError):
    """The database cannot be opened, reached or written (bad URL, server down, read-only, locked)."""


class SchemaOutOfDate(GujiError):
    """The database exists but is not at the schema this program needs (run ``guji init``)."""


class AuthenticationError(GujiError):
    """Unknown user or wrong password (deliberately not saying which)."""


class PermissionDenied(GujiError):
    """The signed-in user may not do this (role or institution)."""


class NotFound(GujiError):
    """The named object does not exist."""


class Conflict(GujiError):
    """The change clashes with existing data (duplicate code, concurrent edit, locked record)."""


@dataclass
class FieldProblem:
    """One problem with one field; ``field`` is the model field name (``title``, ``volumes``)."""

    field: str
    message: str
    value: object = None


class ValidationError(GujiError):
    """One or more fields are invalid. Nothing was written."""

    def __init__(self, problems: list[FieldProblem] | FieldProblem | str, field_name: str | None = None):
        if isinstance(problems, str):
            problems = [FieldProblem(field_name or "", problems)]
        elif isinstance(problems, FieldProblem):
            problems = [problems]
        self.problems: list[FieldProblem] = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems))

    @property
    def fields(self) -> list[str]:
        return [p.field for p in self.problems]

    @property
    def key(self) -> str | None:
        """The catalogue key of the (first) problem's message, when it came from the catalogue."""
        return getattr(self.problems[0].message, "key", None) if self.problems else None
