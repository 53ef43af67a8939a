"""``guji import FORMAT FILE``: merging records from other systems and units (census XML)."""

from __future__ import annotations

import argparse

from guji.cli.common import print_json, sign_in


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("import", help="import records (census XML, …)")
    isub = p.add_subparsers(dest="format", required=True, metavar="FORMAT")
    a = isub.add_parser("census-xml", help="validate a census XML 1.0 file and merge it: new, updated, unchanged "
                                           "and conflicting records are reported; all or nothing")
    a.add_argument("file")
    a.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    a.add_argument("--theirs", action="store_true",
                   help="for records changed on both sides since the last exchange, take the incoming version")
    a.add_argument("--json", action="store_true", help="print the report as JSON")
    a.set_defaults(func=cmd_import_census_xml)


def cmd_import_census_xml(args: argparse.Namespace) -> int:
    from export.census_xml_import import import_census_xml

    app = sign_in(args)
    rep = import_census_xml(app, args.file, dry_run=args.dry_run, theirs=args.theirs)
    if args.json:
        print_json({**rep.summary(), "new_numbers": rep.new, "updated_numbers": rep.updated,
                    "kept_local_numbers": rep.kept_local, "taken_theirs_numbers": rep.taken_theirs,
                    "conflict_list": [{"census_number": n, "reason": r} for n, r in rep.conflicts],
                    "warnings": rep.warnings})
        return 0
    head = "dry run, nothing written: " if rep.dry_run else ""
    print(f"{head}{rep.records} records: {len(rep.new)} new, {len(rep.updated)} updated, "
          f"{len(rep.unchanged)} unchanged, {len(rep.kept_local)} changed only here (kept), "
          f"{len(rep.conflicts)} conflicts" + (f", {len(rep.taken_theirs)} conflicts taken from the file"
                                               if rep.taken_theirs else ""))
    if rep.institutions_created:
        print("institutions created: " + ", ".join(rep.institutions_created))
    for number, reason in rep.conflicts:
        print(f"conflict {number}: {reason} (not overwritten; --theirs takes the file's version)")
    for w in rep.warnings:
        print(f"warning: {w}")
    return 0
