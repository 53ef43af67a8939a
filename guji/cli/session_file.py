"""The file where ``guji login`` keeps a command-line session's token.

One file per database and login, in ``sessions/`` of the per-user data folder, readable by the
person's operating-system account only (folder 0700, file 0600), like an SSH key. The file
holds a random token; the database keeps only its SHA-256 on the session row
(:func:`guji.services.auth.issue_cli_token`), so neither the file nor the database alone
gives the other. The token signs in only while its session is alive (used within the last
30 minutes) and not ended by ``guji logout`` or a password change.

Plain standard library: the quick read path of the command line uses it before SQLAlchemy
is loaded.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from guji.paths import default_database_path, user_data_dir


def database_key(db: str | None) -> str:
    """The database ``--db`` names (else ``GUJI_DB``, else the per-user file), as one string:
    an SQLite file's absolute path, or a URL without its password."""
    raw = (db or os.environ.get("GUJI_DB") or "").strip() or str(default_database_path())
    if "://" not in raw:
        if raw.startswith("sqlite:"):
            return raw
        return str(Path(raw).expanduser().resolve())
    parts = urlsplit(raw)
    netloc = parts.netloc.rsplit("@", 1)
    if len(netloc) == 2:
        netloc[0] = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc="@".join(netloc)))


def path_for(db: str | None, login: str) -> Path:
    """The session file of ``login`` on the database ``db`` names."""
    key = hashlib.sha256(f"{database_key(db)}\0{login.strip()}".encode()).hexdigest()[:32]
    return user_data_dir() / "sessions" / key


def read(db: str | None, login: str) -> str | None:
    """The token kept for ``login`` on that database, or None."""
    try:
        token = path_for(db, login).read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return token or None


def write(db: str | None, login: str, token: str) -> Path:
    """Keep ``token`` for ``login`` on that database (replacing an earlier one); return the file."""
    path = path_for(db, login)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, token.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def forget(db: str | None, login: str) -> None:
    """Remove the session file of ``login`` on that database, if any."""
    try:
        path_for(db, login).unlink()
    except FileNotFoundError:
        pass
