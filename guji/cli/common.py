"""What every command shares: opening the database, signing in, passwords, output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from guji.errors import AuthenticationError, GujiError
from guji.messages import msg

if TYPE_CHECKING:
    from guji.app import Guji
    from guji.db.engine import Database


def open_db(args: argparse.Namespace, *, create: bool = False) -> Database:
    from guji.db.engine import Database

    return Database.open(args.db, create=create)


def read_password(prompt: str = "Password: ", *, env: str = "GUJI_PASSWORD", confirm: bool = False) -> str:
    """The password from ``env`` if set, else asked on the terminal (never echoed)."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise AuthenticationError(f"no password: set {env} or run the command in a terminal")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again: ") != first:
        raise AuthenticationError("the two passwords differ")
    return first


def sign_in(args: argparse.Namespace) -> Guji:
    """Open the database named by ``--db`` and sign in as ``--user`` (or ``GUJI_USER``): by the
    token of a session ``guji login`` opened while it lasts, else with the password."""
    login = args.user or os.environ.get("GUJI_USER")
    if not login:
        raise AuthenticationError(msg("login.who"))
    from guji.app import Guji
    from guji.cli import session_file

    db = open_db(args)
    token = session_file.read(args.db, login) if not db.anonymous else None
    if token is not None:
        try:
            return Guji.resume(db, login, token)
        except AuthenticationError:
            session_file.forget(args.db, login)  # the session has ended: the password decides
    return Guji.sign_in(db, login, read_password(f"Password for {login}: "), client="cli")


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=None, default=str) + "\n")


def print_table(rows: list[list[Any]], headers: list[str]) -> None:
    """Plain aligned columns (CJK characters count double for alignment)."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    for r in cells:
        print("  ".join(v + " " * (widths[i] - width(v)) for i, v in enumerate(r)).rstrip())


class CliError(GujiError):
    """A usage problem found after parsing (bad combination of options)."""
