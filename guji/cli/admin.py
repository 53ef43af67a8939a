"""init, settings, institution, user, backup, restore, audit."""

from __future__ import annotations

import argparse
import sys

from guji.cli.common import open_db, print_json, print_table, read_password, sign_in
from guji.messages import msg


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="create or upgrade the database; on a new one, create the first administrator")
    p.add_argument("--admin", metavar="NAME", help="login of the first centre administrator (new database)")
    p.add_argument("--full-name", default="", help="the administrator's name")
    p.add_argument("--demo", action="store_true", help="also load demo institutions, users and records")
    p.add_argument("--image-store", metavar="PATH",
                   help="folder of the database's image store (new database; required for PostgreSQL unless an "
                        "administrator sets it later; SQLite default: <file stem>.images beside the file)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("settings", help="installation settings kept in the database")
    ssub = p.add_subparsers(dest="setting", required=True)
    a = ssub.add_parser("image-store", help="show where the image store is, or (administrators) set it to PATH")
    a.add_argument("path", nargs="?", help="absolute folder path shared by every desk")
    a.add_argument("--force", action="store_true", help="set it even if the folder lacks images the database cites")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_settings_image_store)

    p = sub.add_parser("institution", help="holding institutions")
    isub = p.add_subparsers(dest="action", required=True)
    a = isub.add_parser("add", help="add an institution (administrators)")
    a.add_argument("--name", required=True)
    a.add_argument("--region", required=True, help="6-digit GB/T 2260 region code, e.g. 210000")
    a.add_argument("--unit", required=True, help="4-digit unit code assigned by the census centre, e.g. 0101")
    a.add_argument("--centre", action="store_true", help="this is the provincial centre")
    a.set_defaults(func=cmd_institution_add)
    a = isub.add_parser("list", help="list institutions")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_institution_list)

    p = sub.add_parser("user", help="user accounts")
    usub = p.add_subparsers(dest="action", required=True)
    a = usub.add_parser("add", help="add a user (administrators); the new password comes from GUJI_NEW_PASSWORD "
                                    "or a prompt")
    a.add_argument("login")
    a.add_argument("--role", action="append", required=True,
                   help="census (著录员), reviewer (审核员), restorer (修复师), admin (中心管理员); repeat for several")
    a.add_argument("--institution", help="institution code, e.g. 210000-0101")
    a.add_argument("--full-name", default="")
    a.set_defaults(func=cmd_user_add)
    a = usub.add_parser("list", help="list users")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_user_list)
    a = usub.add_parser("passwd", help="set a password (GUJI_NEW_PASSWORD or a prompt)")
    a.add_argument("login")
    a.set_defaults(func=cmd_user_passwd)
    a = usub.add_parser("set", help="change roles, institution, name or state of a user (administrators)")
    a.add_argument("login")
    a.add_argument("--role", action="append")
    a.add_argument("--institution")
    a.add_argument("--full-name")
    g = a.add_mutually_exclusive_group()
    g.add_argument("--disable", action="store_true")
    a.add_argument("--unlock", action="store_true", help="lift the lock set by repeated failed sign-ins")
    g.add_argument("--enable", action="store_true")
    a.set_defaults(func=cmd_user_set)

    p = sub.add_parser("backup", help="administrators: write a consistent copy of the data and its images into "
                                      "FOLDER (online, incremental); --verify FOLDER checks one")
    p.add_argument("folder", help="backup folder (created, or brought up to date)")
    p.add_argument("--verify", action="store_true",
                   help="check FOLDER instead: the data against its checksum, every image against its hash")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="load a backup FOLDER (or an old single-file backup) into an empty database; "
                                       "--user names an administrator of the backup")
    p.add_argument("file", metavar="FOLDER")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("audit", help="show the audit log, newest first; `audit verify` checks its hash chain")
    p.add_argument("what", nargs="?", choices=["verify"], help="verify: walk the hash chain, exit 1 where it breaks")
    p.add_argument("--expect", metavar="ENTRIES:HASH",
                   help="with verify: a chain head from a backup or export that the chain must pass through")
    p.add_argument("--entity")
    p.add_argument("--id")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit)


def cmd_init(args: argparse.Namespace) -> int:
    from guji.app import Guji
    from guji.db import migrate
    from guji.images import location
    from guji.services import auth

    db = open_db(args, create=True)
    before, after = migrate.upgrade(db)
    if before == after:
        print(f"{db.name}: schema is up to date ({after})")
    else:
        print(f"{db.name}: schema {before or 'empty'} -> {after}")
    if db.is_postgres:
        from guji.db import pg_security

        with db.engine.connect() as conn:
            if pg_security.installed(conn):
                print(msg("security.installed", prefix=pg_security.prefix_for(db.url.database or "")))
            else:
                print(msg("security.not_installed"), file=sys.stderr)
    users = auth.user_count(db)
    if args.image_store:
        if users:
            print(msg("images.init_store_needs_admin_command"), file=sys.stderr)
            return 1
        store = location.init_store(db, args.image_store)
        assert store is not None  # a path was given
        print(msg("images.store_set", path=store[0], store_id=store[1]))
    elif not users:
        claimed = location.init_store(db, None)
        if claimed is None:
            print(msg("images.init_pg_store_later"), file=sys.stderr)
        else:
            print(msg("images.store_set", path=claimed[0], store_id=claimed[1]))
    if users == 0:
        if not args.admin:
            print("the database has no users yet: run `guji init --admin NAME` to create the first administrator",
                  file=sys.stderr)
            return 1
        password = read_password(f"Password for the new administrator {args.admin}: ", confirm=True)
        actor = auth.bootstrap_admin(db, args.admin, password, args.full_name)
        print(f"created the centre administrator {actor.login}")
        if args.demo:
            from guji.demo import seed_demo

            summary = seed_demo(Guji(db, actor))
            print("demo data: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    elif args.admin:
        print(f"the database already has users; {args.admin!r} was not created", file=sys.stderr)
    elif args.demo:
        print("demo data is only loaded into a new database", file=sys.stderr)
    return 0


def cmd_settings_image_store(args: argparse.Namespace) -> int:
    app = sign_in(args)
    status = app.images.set_store_location(args.path, force=args.force) if args.path else app.images.store_location()
    if args.json:
        print_json({"path": status.path, "source": status.source, "store_id": status.store_id,
                    "expected": status.expected, "images": status.images, "ok": status.ok, "problem": status.problem})
    else:
        state = msg("images.store_state_ok") if status.ok else status.problem
        print(msg("images.store_status", path=status.path or "-", source=msg(f"images.store_source_{status.source}"),
                  store_id=status.store_id or "-", state=state))
    return 0 if status.ok else 1


def cmd_institution_add(args: argparse.Namespace) -> int:
    app = sign_in(args)
    inst = app.institutions.add_institution(args.name, args.region, args.unit, is_centre=args.centre)
    print(f"added {inst.code} {inst.name}")
    return 0


def cmd_institution_list(args: argparse.Namespace) -> int:
    app = sign_in(args)
    rows = app.institutions.list()
    if args.json:
        print_json([{"code": i.code, "name": i.name, "is_centre": i.is_centre} for i in rows])
    else:
        print_table([[i.code, i.name, "centre" if i.is_centre else ""] for i in rows], ["code", "name", ""])
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    app = sign_in(args)
    pw = read_password(f"New password for {args.login}: ", env="GUJI_NEW_PASSWORD", confirm=True)
    u = app.users.add_user(args.login, pw, args.role, institution=args.institution, full_name=args.full_name)
    print(f"added {u.login} ({', '.join(sorted(r.value for r in u.roles))}) {u.institution_code or ''}".rstrip())
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    app = sign_in(args)
    users = app.users.list_users()
    if args.json:
        print_json([{"login": u.login, "full_name": u.full_name, "roles": sorted(r.value for r in u.roles),
                     "institution": u.institution_code, "active": u.active} for u in users])
    else:
        print_table(
            [[u.login, u.full_name, ",".join(sorted(r.value for r in u.roles)), u.institution_code or "-",
              "" if u.active else "disabled"] for u in users],
            ["login", "name", "roles", "institution", ""],
        )
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    app = sign_in(args)
    pw = read_password(f"New password for {args.login}: ", env="GUJI_NEW_PASSWORD", confirm=True)
    old = None
    if args.login == app.actor.login:
        import os

        old = os.environ.get("GUJI_PASSWORD")
    app.users.change_password(args.login, pw, old_password=old)
    print(f"password of {args.login} changed")
    return 0


def cmd_user_set(args: argparse.Namespace) -> int:
    app = sign_in(args)
    active = True if args.enable else False if args.disable else None
    app.users.update_user(args.login, roles=args.role, institution=args.institution, full_name=args.full_name,
                          active=active, unlock=args.unlock)
    print(f"updated {args.login}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from guji import backup as backup_mod

    if args.verify:
        # Checking a backup reads only the folder: no database, no sign-in.
        report = backup_mod.verify(args.folder)
        for line in report.problems:
            print(f"guji: error: {line}", file=sys.stderr)
        print(report.message(), file=sys.stdout if report.ok else sys.stderr)
        return 0 if report.ok else 1
    app = sign_in(args)
    result = app.exports.backup(args.folder)
    print(result.message())
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    import os

    from guji import backup as backup_mod
    from guji.db import migrate
    from guji.errors import AuthenticationError

    # The target is empty, so nobody can sign in to it: --user names an administrator of the backup,
    # whose password is checked against the backup's own user rows before anything is written.
    login = args.user or os.environ.get("GUJI_USER")
    if not login:
        raise AuthenticationError(msg("backup.restore_needs_admin"))
    password = read_password(f"Password of {login} in the backup: ")
    db = open_db(args, create=True)
    migrate.upgrade(db)
    result = backup_mod.restore(db, args.file, login=login, password=password)
    print(result.message())
    for ref in result.missing:
        print(f"guji: warning: {msg('backup.image_absent', file=ref)}", file=sys.stderr)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from guji.db import audit_chain

    app = sign_in(args)
    if args.what == "verify":
        from guji.services.audit import describe_chain

        report = app.audit.verify_chain(args.expect)
        expect = audit_chain.ChainHead.parse(args.expect) if args.expect else None
        line = describe_chain(report, expect)
        if args.json:
            p = report.problem
            print_json({"ok": report.ok, "entries": report.entries, "head": str(report.head) if report.head else None,
                        "problem": None if p is None else {"kind": p.kind, "entry": p.entry_id, "position": p.position},
                        "message": line})
        else:
            print(line, file=sys.stdout if report.ok else sys.stderr)
        return 0 if report.ok else 1
    rows = app.audit.history(args.entity, args.id, limit=args.limit)
    if args.json:
        print_json([{"id": r.id, "at": r.at.isoformat(), "login": r.login, "action": r.action, "entity": r.entity,
                     "entity_id": r.entity_id, "changes": r.changes, "note": r.note} for r in rows])
    else:
        print_table([[r.id, r.at.strftime("%Y-%m-%d %H:%M:%S"), r.login, r.action, r.entity, r.entity_id,
                      ", ".join(r.changes)] for r in rows],
                    ["id", "at (UTC)", "user", "action", "entity", "id", "fields"])
    return 0
