"""``guji import FORMAT FILE``: merging records from other systems and units (census XML)."""

from __future__ import annotations

import argparse
from typing import Any

from guji.cli.common import print_json, sign_in
from guji.messages import msg


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    app = sign_in(args)
    rep = app.exports.import_census_xml(args.file, dry_run=args.dry_run, theirs=args.theirs)
    if args.json:
        print_json({**rep.summary(), "new_numbers": rep.new, "updated_numbers": rep.updated,
                    "kept_local_numbers": rep.kept_local, "taken_theirs_numbers": rep.taken_theirs,
                    "conflict_list": rep.conflict_list(),
                    "held": [{"census_number": n, "claimed": c, "state": st} for n, c, st in rep.held],
                    "audit_chain_head": rep.audit_chain_head, "warnings": rep.warnings})
        return 0
    print_census_report(rep)
    if rep.taken_theirs:
        print(f"{len(rep.taken_theirs)} conflicts taken from the file (--theirs): " + ", ".join(rep.taken_theirs))
    elif rep.conflicts:
        print(msg("exchange.report.theirs_hint"))
    if rep.institutions_created:
        print("institutions created: " + ", ".join(rep.institutions_created))
    for number, claimed, state in rep.held:
        print(f"warning: {msg('exchange.state_held', number=number, claimed=claimed, state=state)}")
    for w in rep.warnings:
        print(f"warning: {w}")
    return 0


def print_census_report(rep: Any) -> None:
    """The record outcomes of a census merge, each conflict with its field differences."""
    head = msg("exchange.report.dry_run") if rep.dry_run else ""
    print(msg("exchange.report.records", head=head, records=rep.records, new=len(rep.new), updated=len(rep.updated),
              unchanged=len(rep.unchanged), kept=len(rep.kept_local), conflicts=len(rep.conflicts)))
    for number, reason in rep.conflicts:
        print(msg("exchange.report.conflict", number=number, reason=reason))
        for name, (here, there) in rep.differences.get(number, {}).items():
            print(msg("exchange.report.difference", field=name, here=_short(here), there=_short(there)))


def _short(value: Any) -> str:
    text = "—" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "…"
