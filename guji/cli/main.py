"""Entry point of the ``guji`` command."""

from __future__ import annotations

import argparse
import importlib
import sys

from guji import __version__
from guji.errors import GujiError
from guji.messages import msg

# Each module adds its own subcommands; the list is the whole command line.
COMMAND_MODULES = ["guji.cli.admin", "guji.cli.era", "guji.cli.export", "guji.cli.import_", "guji.cli.imaging",
                   "guji.cli.census", "guji.cli.restoration", "guji.cli.exchange", "guji.cli.session"]
# Commands that one module makes whole (no other module adds to them): running one builds only
# that module's part of the command line, since describing the others' options may load heavy
# code (the export formats, the imaging plugins). tests/census/test_search_startup.py checks that
# each is the same command either way. Help without a command, and every other command, build all.
SOLE_MODULE = {"census": "guji.cli.census", "era": "guji.cli.era", "login": "guji.cli.session",
               "logout": "guji.cli.session"}
_GLOBAL_WITH_VALUE = ("--db", "--user")


def command_of(argv: list[str]) -> str | None:
    """The command word of ``argv`` when only global options with values come before it."""
    it = iter(argv)
    for token in it:
        if token in _GLOBAL_WITH_VALUE:
            next(it, None)
        elif token.startswith(tuple(o + "=" for o in _GLOBAL_WITH_VALUE)):
            continue
        elif token.startswith("-"):
            return None  # --help, --version, an abbreviation: the whole command line decides
        else:
            return token
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; ``only`` a module of :data:`COMMAND_MODULES`: just its commands."""
    parser = argparse.ArgumentParser(
        prog="guji",
        description="古籍普查、修复与影像 — census, restoration and imaging for ancient-book protection centres",
    )
    parser.add_argument("--version", action="version", version=f"guji {__version__}")
    parser.add_argument("--db", metavar="URL",
                        help="database URL or SQLite file (default: GUJI_DB, else the per-user file)")
    parser.add_argument("--user", metavar="NAME", help="sign in as NAME (password from GUJI_PASSWORD or a prompt)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES if only is None else [only]:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(SOLE_MODULE.get(command_of(argv) or ""))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GujiError as exc:
        print(f"guji: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a file the command was given or writes: one line, not a traceback
        print(f"guji: error: {msg('error.file', path=exc.filename or '-', reason=exc.strerror or exc)}",
              file=sys.stderr)
        return 1
    except Exception as exc:
        # The database refused something no service foresaw: one line, not a traceback. (Told
        # apart by module, so that commands which never touch the database never import it;
        # sqlite3's own errors come from the quick read path, guji.db.direct.)
        if not type(exc).__module__.startswith(("sqlalchemy", "sqlite3")):
            raise
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"guji: error: {msg('error.database', detail=detail)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("guji: interrupted; nothing more was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
