"""``guji exchange export|import`` (signed packages) and ``guji institution key …`` (their keys)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from guji.cli.common import print_json, print_table, sign_in
from guji.cli.import_ import print_census_report
from guji.errors import ValidationError
from guji.messages import msg


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("exchange", help="signed exchange packages between units and the provincial centre")
    esub = p.add_subparsers(dest="action", required=True)
    a = esub.add_parser("export", help="write one signed package of your institution's records, their images, "
                                       "review rounds and restoration archives")
    a.add_argument("--out", required=True, metavar="FILE", help="the package file to write (.zip)")
    a.add_argument("--since-last", action="store_true",
                   help="only what changed since the last package sent for the same institution")
    a.add_argument("--institution", metavar="CODE",
                   help="the centre's way back: the unit whose records to send (default: your own institution)")
    a.add_argument("--key", metavar="PATH", help="the private key file (default: the one `institution key "
                                                 "generate` made for your institution)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_export)
    a = esub.add_parser("import", help="check a package's signature and sums, then merge it (administrators)")
    a.add_argument("file")
    a.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_import)

    ksub = _institution_key_group(sub)
    a = ksub.add_parser("generate", help="make your institution's key pair on this desk; prints the public key")
    a.add_argument("--out", metavar="PATH", help="private key file (default: in your user data folder)")
    a.add_argument("--public-out", metavar="FILE", help="also write the public key (PEM) to FILE")
    a.add_argument("--institution", metavar="CODE", help="(administrators) another institution than your own")
    a.add_argument("--force", action="store_true", help="replace an existing private key file")
    a.set_defaults(func=cmd_key_generate)
    a = ksub.add_parser("register", help="register an institution's public key (administrators; audited)")
    a.add_argument("code", help="institution code, e.g. 210000-0101")
    a.add_argument("pubkey_file", help="the public key (PEM) the institution exported")
    a.add_argument("--note")
    a.set_defaults(func=cmd_key_register)
    a = ksub.add_parser("revoke", help="revoke a registered key by fingerprint (administrators; audited)")
    a.add_argument("fingerprint")
    a.set_defaults(func=cmd_key_revoke)
    a = ksub.add_parser("list", help="registered keys")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_key_list)


def _institution_key_group(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """The ``key`` subcommands inside the existing ``institution`` command (guji.cli.admin makes it;
    argparse refuses a second parser of the same name, so its subparser group is reused)."""
    parent = sub.choices.get("institution")
    if parent is None:
        parent = sub.add_parser("institution", help="holding institutions")
        parent.add_subparsers(dest="action", required=True)
    group = next(a for a in parent._actions if isinstance(a, argparse._SubParsersAction))
    p = group.add_parser("key", help="exchange keys: generate, register, revoke, list")
    return p.add_subparsers(dest="key_action", required=True)


def _service(args: argparse.Namespace) -> Any:
    from guji.exchange.service import ExchangeService

    return ExchangeService(sign_in(args))


def cmd_export(args: argparse.Namespace) -> int:
    res = _service(args).export_package(args.out, since_last=args.since_last, institution=args.institution,
                                        key_path=args.key)
    if args.json:
        print_json(res.__dict__)
        return 0
    print(msg("exchange.export.done", path=res.path, code=res.institution, sequence=res.sequence,
              records=res.records, images=res.images, rounds=res.rounds, jobs=res.jobs, fingerprint=res.fingerprint,
              head=res.audit_chain_head or "-"))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    rep = _service(args).import_package(args.file, dry_run=args.dry_run)
    census = rep.census
    if args.json:
        out = rep.summary()
        if census is not None:
            out["conflict_list"] = census.conflict_list()
            out["new_numbers"], out["updated_numbers"] = census.new, census.updated
        out["job_conflicts"] = [{"job_number": j, "reason": str(r), "parts": p} for j, r, p in rep.jobs_conflicts]
        out["warnings"] = [str(w) for w in rep.warnings]
        print_json(out)
        return 0
    if rep.already:
        print(msg("exchange.package.already", code=rep.institution, sequence=rep.sequence,
                  when=rep.already_at.isoformat(timespec="seconds") if rep.already_at else "?"))
        return 0
    print(msg("exchange.import.done", code=rep.institution, sequence=rep.sequence, fingerprint=rep.fingerprint,
              head=rep.audit_chain_head or "-"))
    print_census_report(census)
    print(msg("exchange.import.parts", images_new=rep.images_new, images_known=rep.images_known,
              rounds_new=rep.rounds_new, rounds_known=rep.rounds_known, jobs_new=len(rep.jobs_new),
              jobs_updated=len(rep.jobs_updated), jobs_unchanged=len(rep.jobs_unchanged),
              jobs_conflict=len(rep.jobs_conflicts)))
    for _job, reason, parts in rep.jobs_conflicts:
        print(f"{reason}: {', '.join(parts)}")
    for w in rep.warnings:
        print(f"warning: {w}")
    return 0


def cmd_key_generate(args: argparse.Namespace) -> int:
    pair = _service(args).generate_key(args.out, institution=args.institution, force=args.force)
    if args.public_out:
        Path(args.public_out).write_bytes(pair.public_pem)
    code = args.institution or Path(pair.path).stem
    print(msg("exchange.key.generated", code=code, path=pair.path, fingerprint=pair.fingerprint), file=sys.stderr)
    sys.stdout.write(pair.public_pem.decode("ascii"))
    return 0


def cmd_key_register(args: argparse.Namespace) -> int:
    try:
        data = Path(args.pubkey_file).read_bytes()
    except OSError as exc:
        raise ValidationError(msg("exchange.key.unreadable", path=args.pubkey_file, reason=exc.strerror or exc),
                              "public_key") from None
    view = _service(args).register_key(args.code, data, label=args.pubkey_file, note=args.note)
    print(msg("exchange.key.registered", code=view.institution_code, fingerprint=view.fingerprint))
    return 0


def cmd_key_revoke(args: argparse.Namespace) -> int:
    view = _service(args).revoke_key(args.fingerprint)
    print(msg("exchange.key.revoked", code=view.institution_code, fingerprint=view.fingerprint))
    return 0


def cmd_key_list(args: argparse.Namespace) -> int:
    views = _service(args).keys()
    if args.json:
        print_json([v.__dict__ for v in views])
        return 0
    print_table([[v.institution_code, v.fingerprint, v.registered_by, v.registered_at, v.revoked_at or ""]
                 for v in views], ["institution", "fingerprint", "registered by", "registered at", "revoked at"])
    return 0
