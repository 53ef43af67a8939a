"""``guji era TEXT``: date an edition statement by its reign period."""

from __future__ import annotations

import argparse
import sys

from guji.cli.common import print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("era", help="parse a reign-era date or edition statement (e.g. 清乾隆三十年武英殿刻本) into JSON")
    p.add_argument("text")
    p.add_argument("--dynasty", help="dynasty to resolve an era name used by several dynasties")
    p.set_defaults(func=cmd_era)


def cmd_era(args: argparse.Namespace) -> int:
    from guji.census.era import EraParseError, parse_era

    try:
        result = parse_era(args.text, dynasty_hint=args.dynasty)
    except EraParseError as exc:
        print(f"guji: error: cannot date {args.text!r}: {exc}", file=sys.stderr)
        return 2
    print_json(result.to_json_dict())
    return 0
