"""``guji census …``: the census register from the command line (Excel template and import; search).

Each action adds its subcommand in :func:`register_census`; keep one ``_add_*`` function per
action so that others can append theirs.
"""

from __future__ import annotations

import argparse
import sys

from guji.cli.common import print_json, sign_in


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    register_census(sub)


def register_census(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    """Add the ``census`` group and its subcommands; returns the group's subparsers."""
    p = sub.add_parser("census", help="the census register (Excel template and import, …)")
    csub = p.add_subparsers(dest="census_command", required=True, metavar="ACTION")
    _add_template(csub)
    _add_import_excel(csub)
    return csub


# --- template -------------------------------------------------------------------------------

def _add_template(csub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    a = csub.add_parser("template", help="write the Excel register template (headers, drop-downs, instructions)")
    a.add_argument("file", help="the .xlsx file to write")
    a.set_defaults(func=cmd_census_template)


def cmd_census_template(args: argparse.Namespace) -> int:
    from guji.census.excel import write_template

    path = write_template(args.file)
    print(f"template written to {path}", file=sys.stderr)
    return 0


# --- import-excel ---------------------------------------------------------------------------

def _add_import_excel(csub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    a = csub.add_parser(
        "import-excel",
        help="import a register from .xlsx into one institution; all or nothing, errors listed by row and "
             "column and saved as FILE.errors.xlsx beside it; re-import updates changed drafts, skips the rest")
    a.add_argument("file")
    a.add_argument("--institution", required=True, metavar="CODE", help="holding institution, e.g. 210000-0101")
    a.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    a.add_argument("--partial", action="store_true",
                   help="write the good rows even if other rows have errors (default: all or nothing)")
    a.add_argument("--json", action="store_true", help="print the report as JSON")
    a.add_argument("--max-errors", type=int, default=50, metavar="N", help="print at most N problems (default 50)")
    a.set_defaults(func=cmd_census_import_excel)


def cmd_census_import_excel(args: argparse.Namespace) -> int:
    """Exit 0 when the import went through (or a dry run found no errors), 1 when errors stopped it."""
    from guji.census.excel import import_excel

    app = sign_in(args)

    def progress(fraction: float, message: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{fraction * 100:5.1f}% {message[:60]:60s}", end="", file=sys.stderr, flush=True)

    rep = import_excel(app, args.file, institution=args.institution, dry_run=args.dry_run,
                       all_or_nothing=not args.partial, progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print_json({
            "file": str(rep.path), "institution": rep.institution, "dry_run": rep.dry_run, "rows": rep.rows,
            "created": rep.created, "updated": rep.updated, "skipped": rep.skipped, "written": rep.written,
            "errors": [{"row": e.row, "column": e.column, "value": e.value, "message": e.message}
                       for e in rep.errors],
            "warnings": [{"row": e.row, "column": e.column, "value": e.value, "message": e.message}
                         for e in rep.warnings],
            "unknown_headers": rep.unknown_headers,
            "error_file": str(rep.error_file) if rep.error_file else None, "seconds": round(rep.elapsed_s, 2),
        })
    else:
        shown = 0
        for issue in rep.errors + rep.warnings:
            if shown >= args.max_errors:
                print(f"… and {len(rep.errors) + len(rep.warnings) - shown} more", file=sys.stderr)
                break
            label = "error" if issue.severity == "error" else "warning"
            print(f"{label}: {issue}", file=sys.stderr)
            shown += 1
        print(rep.summary())
        if rep.error_file:
            print(f"problems saved to {rep.error_file}")
    return 0 if not rep.errors else 1
