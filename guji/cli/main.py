"""Entry point of the ``guji`` command."""

from __future__ import annotations

import argparse
import importlib
import sys

from guji import __version__
from guji.errors import GujiError

# Each module adds its own subcommands; the list is the whole command line.
COMMAND_MODULES = ["guji.cli.admin", "guji.cli.era", "guji.cli.export", "guji.cli.import_", "guji.cli.imaging", "guji.cli.census", "guji.cli.restoration", "guji.cli.exchange"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="guji",
        description="古籍普查、修复与影像 — census, restoration and imaging for ancient-book protection centres",
    )
    parser.add_argument("--version", action="version", version=f"guji {__version__}")
    parser.add_argument("--db", metavar="URL", help="database URL or SQLite file (default: GUJI_DB, else the per-user file)")
    parser.add_argument("--user", metavar="NAME", help="sign in as NAME (password from GUJI_PASSWORD or a prompt)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GujiError as exc:
        print(f"guji: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("guji: interrupted; nothing more was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
