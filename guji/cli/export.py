"""``guji export FORMAT …``: writing records out (census XML; other formats add their subcommands here)."""

from __future__ import annotations

import argparse
import sys

from guji.cli.common import sign_in


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", help="export records (census XML, …)")
    register_export(p.add_subparsers(dest="format", required=True, metavar="FORMAT"))


def register_export(esub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add every export format's subcommand to the ``export`` group."""
    a = esub.add_parser("census-xml", help="census XML 1.0 (resources/schema/census-1.0.xsd): every record you "
                                           "may see, or those of one institution / review state")
    a.add_argument("--out", required=True, metavar="FILE", help="the XML file to write")
    a.add_argument("--institution", metavar="CODE", help="only this holding institution, e.g. 210000-0101")
    a.add_argument("--state", choices=["draft", "submitted", "returned", "unit_approved", "centre_approved"],
                   help="only records in this review state")
    a.add_argument("--no-mark", action="store_true",
                   help="do not record this export as the last exchange of each record (a copy for reading)")
    a.set_defaults(func=cmd_export_census_xml)
    from guji.cli.export_print import register_print

    register_print(esub)  # catalogue, marc, labels, iiif
    _add_excel(esub)


def cmd_export_census_xml(args: argparse.Namespace) -> int:
    from export.census_xml import write_census_xml

    app = sign_in(args)
    n = write_census_xml(app, args.out, institution=args.institution, state=args.state, mark=not args.no_mark)
    print(f"{n} records written to {args.out}", file=sys.stderr)
    return 0


def _add_excel(esub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    a = esub.add_parser("excel", help="the register as .xlsx: the seven core columns and every detail column, "
                                      "with the headers `guji census import-excel` reads")
    a.add_argument("--out", required=True, metavar="FILE", help="the .xlsx file to write")
    a.add_argument("--institution", metavar="CODE", help="only this holding institution, e.g. 210000-0101")
    a.add_argument("--state", choices=["draft", "submitted", "returned", "unit_approved", "centre_approved"],
                   help="only records in this review state")
    a.set_defaults(func=cmd_export_excel)


def cmd_export_excel(args: argparse.Namespace) -> int:
    from export.excel import export_excel

    app = sign_in(args)
    n = export_excel(app, args.out, institution=args.institution, state=args.state)
    print(f"{n} records written to {args.out}", file=sys.stderr)
    return 0
