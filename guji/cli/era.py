"""``guji era TEXT``: date an edition statement by its reign period."""

from __future__ import annotations

import argparse
import sys

from guji.cli.common import print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("era", help="parse a reign-era date or edition statement (e.g. 清乾隆三十年武英殿刻本) "
                                   "into JSON")
    p.add_argument("text")
    p.add_argument("--dynasty", help="dynasty to resolve an era name used by several dynasties")
    p.set_defaults(func=cmd_era)


def cmd_era(args: argparse.Namespace) -> int:
    from guji.census.era import EraParseError, parse_era

    try:
        result = parse_era(args.text, dynasty_hint=args.dynasty)
    except EraParseError as exc:
        message = str(exc)
        if not message.startswith("cannot date"):
            message = f"cannot date {args.text!r}: {message}"
        print(f"guji: error: {message}", file=sys.stderr)
        return 2
    out = result.to_json_dict()
    if result.is_ambiguous:
        # The era name is used by several dynasties or twice in one: the first is the
        # likeliest; the others are listed so the user can name the dynasty (--dynasty).
        out["ambiguous"] = [c.to_json_dict() | {"period_dynasty": c.period_dynasty} for c in result.ambiguous]
        print(f"guji: warning: {args.text} is ambiguous ({len(result.ambiguous)} candidates); "
              "name the dynasty to choose", file=sys.stderr)
    print_json(out)
    return 0
