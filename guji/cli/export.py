"""``guji export FORMAT …``: writing records out, one subcommand per entry of the export registry.

The subcommands and their options are built from :data:`export.registry.EXPORTERS`: formats
that share a subcommand (``marc --format xml|iso2709``, ``catalogue --layout
register|illustrated``) are told apart by their variant option. Every export runs through the
exports service (``app.exports.export``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from guji.cli.common import sign_in


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export", help="export records (census XML, MARC, Excel, catalogues, labels, IIIF)")
    register_export(p.add_subparsers(dest="format", required=True, metavar="FORMAT"))


def register_export(esub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add every export format's subcommand to the ``export`` group."""
    from export.registry import STATES, commands

    for command, exporters in commands().items():
        first = exporters[0]
        a = esub.add_parser(command, help=" / ".join(str(e.label) for e in exporters))
        if first.selection == "record":
            a.add_argument("record", metavar="RECORD", help="census number or record id")
        a.add_argument("--out", required=True, metavar=f"FILE{first.suffix}", help="the file to write")
        if first.selection == "records":
            a.add_argument("--institution", metavar="CODE", help="only this holding institution, e.g. 210000-0101")
            a.add_argument("--state", choices=list(STATES), help="only records in this review state")
        if first.variant is not None:
            name = first.variant[0]
            a.add_argument(f"--{name}", choices=[e.variant[1] for e in exporters if e.variant],
                           default=first.variant[1], help=f"which {name} (default {first.variant[1]})")
        seen: set[str] = set()
        for e in exporters:
            for o in e.options:
                if o.name in seen:
                    continue
                seen.add(o.name)
                dest = o.name
                if o.kind == "flag":
                    a.add_argument(o.flag, dest=dest, action="store_false" if o.default else "store_true",
                                   help=str(_help(o.help)))
                elif o.kind == "int":
                    a.add_argument(o.flag, dest=dest, type=int, default=o.default, help=str(_help(o.help)))
                else:
                    a.add_argument(o.flag, dest=dest, required=o.required, default=o.default,
                                   help=str(_help(o.help)))
        a.set_defaults(func=cmd_export, export_command=command)


def _help(key: str) -> str:
    from guji.messages import msg

    return msg(key)


def exporter_for(args: argparse.Namespace) -> Any:
    """The registry entry a parsed ``guji export`` command line names."""
    from export.registry import commands

    exporters = commands()[args.export_command]
    for e in exporters:
        if e.variant is None or getattr(args, e.variant[0]) == e.variant[1]:
            return e
    raise LookupError(args.export_command)


def _progress() -> Any:
    """A one-line progress display on a terminal; silent when stderr is not one."""
    if not sys.stderr.isatty():
        return None

    def show(fraction: float, message: str) -> None:
        sys.stderr.write(f"\r{fraction * 100:5.1f}%  {message[:60]:<60}")
        if fraction >= 1.0:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def cmd_export(args: argparse.Namespace) -> int:
    from export.registry import ExportFilters

    exporter = exporter_for(args)
    options = {o.name: getattr(args, o.name) for o in exporter.options}
    app = sign_in(args)
    if exporter.selection == "record":
        result = app.exports.export(exporter.key, args.out, record=args.record, options=options,
                                    progress=_progress())
    else:
        result = app.exports.export(exporter.key, args.out, options=options, progress=_progress(),
                                    filters=ExportFilters(institution=args.institution, state=args.state))
    for w in result.warnings:
        print(f"guji: warning: {w}", file=sys.stderr)
    print(result.summary(), file=sys.stderr)
    return 0
