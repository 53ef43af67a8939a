"""``guji login`` and ``guji logout``: a command-line session that later calls join without the password."""

from __future__ import annotations

import argparse
import os
import sys

from guji.cli import session_file
from guji.cli.common import open_db, read_password
from guji.errors import AuthenticationError
from guji.messages import msg


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("login", help="sign in once (password from GUJI_PASSWORD or a prompt); later calls of "
                                     "the session need no password until it has been idle for 30 minutes")
    p.set_defaults(func=cmd_login)
    p = sub.add_parser("logout", help="end the command-line session that guji login opened")
    p.set_defaults(func=cmd_logout)


def _login_of(args: argparse.Namespace) -> str:
    login = args.user or os.environ.get("GUJI_USER")
    if not login:
        raise AuthenticationError(msg("login.who"))
    return str(login).strip()


def cmd_login(args: argparse.Namespace) -> int:
    from guji.app import Guji
    from guji.services import auth
    from guji.services.auth import CLI_SESSION_IDLE

    login = _login_of(args)
    db = open_db(args)
    if db.anonymous:
        raise AuthenticationError(msg("login.needs_password_on_server"))
    app = Guji.sign_in(db, login, read_password(f"Password for {login}: "), client="cli")
    token = auth.issue_cli_token(db, app.actor)
    session_file.write(args.db, login, token)
    print(msg("login.signed_in", login=login, minutes=int(CLI_SESSION_IDLE.total_seconds() // 60)))
    return 0


def cmd_logout(args: argparse.Namespace) -> int:
    from guji.services import auth

    login = _login_of(args)
    token = session_file.read(args.db, login)
    session_file.forget(args.db, login)
    if token is None or not auth.end_cli_session(open_db(args), login, token):
        print(msg("login.not_signed_in", login=login), file=sys.stderr)
        return 1
    print(msg("login.signed_out", login=login))
    return 0
