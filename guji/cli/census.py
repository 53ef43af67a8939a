"""``guji census …``: the census register from the command line (Excel template and import; search).

Each action adds its subcommand in :func:`register_census`; keep one ``_add_*`` function per
action so that others can append theirs.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from guji.cli.common import open_db, print_json, sign_in

if TYPE_CHECKING:
    from guji.census.search_core import SearchFilters, SearchPage


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    register_census(sub)


def register_census(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """Add the ``census`` group and its subcommands; returns the group's subparsers."""
    p = sub.add_parser("census", help="the census register (Excel template and import, …)")
    csub = p.add_subparsers(dest="census_command", required=True, metavar="ACTION")
    _add_template(csub)
    _add_import_excel(csub)
    _add_search(csub)
    return csub


# --- template -------------------------------------------------------------------------------

def _add_template(csub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    a = csub.add_parser("template", help="write the Excel register template (headers, drop-downs, instructions)")
    a.add_argument("file", help="the .xlsx file to write")
    a.set_defaults(func=cmd_census_template)


def cmd_census_template(args: argparse.Namespace) -> int:
    from guji.census.excel import write_template

    path = write_template(args.file)
    print(f"template written to {path}", file=sys.stderr)
    return 0


# --- import-excel ---------------------------------------------------------------------------

def _add_import_excel(csub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    a = csub.add_parser(
        "import-excel",
        help="import a register from .xlsx into one institution; all or nothing; a report beside it "
             "(NAME.report.xlsx) lists every row with its 普查编号 (given, matched or assigned), outcome and "
             "problems; re-import matches rows by 普查编号, else by 索书号, updates changed drafts, skips the rest")
    a.add_argument("file")
    a.add_argument("--institution", required=True, metavar="CODE", help="holding institution, e.g. 210000-0101")
    a.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    a.add_argument("--partial", action="store_true",
                   help="write the good rows even if other rows have errors (default: all or nothing)")
    a.add_argument("--allow-duplicates", action="store_true",
                   help="import rows with the same title and edition as another record or row (copies) with a "
                        "warning (default: they are errors)")
    a.add_argument("--json", action="store_true", help="print the report as JSON")
    a.add_argument("--max-errors", type=int, default=50, metavar="N", help="print at most N problems (default 50)")
    a.set_defaults(func=cmd_census_import_excel)


def cmd_census_import_excel(args: argparse.Namespace) -> int:
    """Exit 0 when the import went through (or a dry run found no errors), 1 when errors stopped it."""
    from guji.census.excel import import_excel
    from guji.messages import msg

    app = sign_in(args)

    def progress(fraction: float, message: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{fraction * 100:5.1f}% {message[:60]:60s}", end="", file=sys.stderr, flush=True)

    rep = import_excel(app, args.file, institution=args.institution, dry_run=args.dry_run,
                       all_or_nothing=not args.partial, progress=progress, allow_duplicates=args.allow_duplicates)
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
            "error_file": str(rep.error_file) if rep.error_file else None,
            "report_file": str(rep.report_file) if rep.report_file else None,
            "numbers": {str(k): v for k, v in sorted(rep.numbers.items())},
            "outcomes": {str(k): v for k, v in sorted(rep.outcomes.items())},
            "seconds": round(rep.elapsed_s, 2),
        })
    else:
        issues = rep.errors + rep.warnings
        for shown, issue in enumerate(issues):
            if shown >= args.max_errors:
                print(f"… and {len(issues) - shown} more", file=sys.stderr)
                break
            label = "error" if issue.severity == "error" else "warning"
            print(f"{label}: {issue}", file=sys.stderr)
        print(rep.summary())
        if rep.report_file:
            print(msg("census.report.saved", path=str(rep.report_file)))
    return 0 if not rep.errors else 1


# --- search ------------------------------------------------------------------------------------

def _add_search(csub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # The names only: building the command line does not load the search (and the database) code.
    from guji.census.sorts import SORT_NAMES

    a = csub.add_parser("search", help="search the register (traditional or simplified, any field); best first")
    a.add_argument("query", nargs="?", default="", help="words to find (all must match); empty: every record")
    a.add_argument("--json", action="store_true", help="print the result as JSON")
    a.add_argument("--dynasty", help="edition dynasty, e.g. 明")
    a.add_argument("--edition-type", help="e.g. 刻本, 活字本")
    a.add_argument("--grade", help="grade code, e.g. 2A, 4")
    a.add_argument("--damage-grade", help="damage grade code")
    a.add_argument("--institution", metavar="CODE", help="holding institution, e.g. 210000-0101")
    a.add_argument("--state", help="draft, submitted, returned, unit_approved, centre_approved")
    a.add_argument("--year-from", type=int, metavar="YEAR")
    a.add_argument("--year-to", type=int, metavar="YEAR")
    a.add_argument("--sort", choices=list(SORT_NAMES), default="rank")
    a.add_argument("--desc", action="store_true", help="descending (for --sort other than rank)")
    a.add_argument("--limit", type=int, default=20, metavar="N", help="rows to show (default 20)")
    a.add_argument("--offset", type=int, default=0, metavar="N")
    a.set_defaults(func=cmd_census_search)


def cmd_census_search(args: argparse.Namespace) -> int:
    """Print one page of matches and how many there are (exit 0, also when nothing matches)."""
    from dataclasses import asdict

    from guji.census.search_core import SearchFilters
    from guji.cli.common import print_table, read_password

    login = args.user or os.environ.get("GUJI_USER")
    if not login:
        sign_in(args)  # raises: says who must be named
        return 1
    filters = SearchFilters(
        dynasty=args.dynasty, edition_type=args.edition_type, grade=args.grade, damage_grade=args.damage_grade,
        institution=args.institution, state=args.state, year_from=args.year_from, year_to=args.year_to)
    from guji.cli import session_file

    token = session_file.read(args.db, login)
    page = _quick_search(args, login, None, token, filters) if token is not None else None
    app = None
    if page is None and token is not None:
        app = sign_in(args)  # the token through the full application, else (session ended) the password
    elif page is None:
        password = read_password(f"Password for {login}: ")
        page = _quick_search(args, login, password, None, filters)
        if page is None:
            from guji.app import Guji

            app = Guji.sign_in(open_db(args), login, password, client="cli")
    if page is None:
        assert app is not None
        page = app.search.search(args.query, filters, sort=args.sort, descending=args.desc, limit=args.limit,
                                 offset=args.offset)
    if args.json:
        print_json({"query": args.query, "total": page.total, "total_capped": page.total_capped,
                    "offset": args.offset, "rows": [asdict(r) for r in page.rows]})
        return 0
    if page.rows:
        print_table([[r.census_number, r.call_number, r.title, r.author_statement, r.edition_statement, r.volumes,
                      r.state] for r in page.rows],
                    ["普查编号", "索书号", "题名卷数", "著者", "版本", "册数", "状态"])
    more = "+" if page.total_capped else ""
    shown = f"{args.offset + 1}–{args.offset + len(page.rows)} of " if page.rows else ""
    print(f"{shown}{page.total}{more} records", file=sys.stderr)
    return 0


def _quick_search(args: argparse.Namespace, login: str, password: str | None, token: str | None,
                  filters: SearchFilters) -> SearchPage | None:
    """The page through :mod:`guji.db.direct` and :mod:`guji.census.search_core` (SQLite, a
    continuing command-line session by its token or the password: no SQLAlchemy to load); None when the full application
    must answer (sign-in to audit, PostgreSQL, input the search service refuses in its words)."""
    from guji.census.search_core import SqliteSearch, Unsupported
    from guji.db import direct

    try:
        SqliteSearch.check(filters, sort=args.sort, limit=args.limit, offset=args.offset)
        conn = direct.connect(direct.sqlite_file(args.db))
    except (direct.Fallback, Unsupported):
        return None
    try:
        try:
            direct.check_schema(conn)
            if token is not None:
                viewer = direct.resume_cli_session(conn, login, token)
            else:
                viewer = direct.continue_cli_session(conn, login, password or "")
        except direct.Fallback:
            return None
        search = SqliteSearch(conn, sees_all=viewer.sees_all, institution_id=viewer.institution_id)
        return search.search(args.query, filters, sort=args.sort, descending=args.desc, limit=args.limit,
                             offset=args.offset)
    finally:
        conn.close()
