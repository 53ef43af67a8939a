"""A throw-away PostgreSQL cluster for the tests (stdlib only).

``python tests/pg_cluster.py start DIR`` prints a URL and leaves the server
running; ``stop DIR`` stops it. The test suite calls :func:`start` itself when
``GUJI_TEST_PG_URL`` is not set. The cluster lives in a temporary folder, listens
on a free loopback port, trusts local connections and is never the machine's
own server. PostgreSQL refuses to run as root, so as root the server runs as the
``postgres`` account that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

PASSWORD = "guji-test-cluster"  # the throw-away cluster's superuser; loopback only


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("running as root and there is no 'postgres' account to run the server as") from None
    runuser = shutil.which("runuser")
    if not runuser:
        raise RuntimeError("running as root without runuser")
    return [runuser, "-u", "postgres", "--"]


def start(base: str | Path) -> str:
    """Create and start a cluster under ``base``; return its URL (database ``postgres``, user ``guji``)."""
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError("PostgreSQL server programs (initdb, pg_ctl) are not installed")
    base = Path(base)
    base.mkdir(parents=True, exist_ok=True)
    data, sock = base / "data", base / "sock"
    sock.mkdir(exist_ok=True)
    prefix = _as_user()
    if prefix:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        os.chmod(base, 0o755)
    port = free_port()
    # Connections over TCP check passwords (scram-sha-256), as a real server does: the tests
    # sign desks in as their own roles and must see a wrong password refused. The socket,
    # used by nobody but pg_ctl, trusts.
    pwfile = base / "pwfile"
    pwfile.write_text(PASSWORD + "\n")
    if prefix:
        shutil.chown(pwfile, "postgres")
    subprocess.run(
        prefix + [initdb, "-D", str(data), "-U", "guji", f"--pwfile={pwfile}", "--auth-host=scram-sha-256",
                  "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    pwfile.unlink()
    opts = (f"-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=400")
    subprocess.run(
        prefix + [pg_ctl, "-D", str(data), "-l", str(base / "server.log"), "-o", opts, "-w", "-t", "60", "start"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    (base / "port").write_text(str(port))
    url = f"postgresql://guji:{PASSWORD}@127.0.0.1:{port}/postgres"
    for _ in range(50):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return url
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not start on port {port}: see {base / 'server.log'}")


def stop(base: str | Path) -> None:
    pg_ctl = find_bin("pg_ctl")
    data = Path(base) / "data"
    if pg_ctl and data.exists():
        subprocess.run(_as_user() + [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    cmd, where = sys.argv[1], sys.argv[2]
    if cmd == "start":
        print(start(where))
    elif cmd == "stop":
        stop(where)
    else:
        sys.exit(f"usage: {sys.argv[0]} start|stop DIR")
