"""The `guji` command line: one line of error and a non-zero exit for every bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from guji.cli.main import main


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    db = str(tmp_path / "cli.sqlite3")

    def run(*argv: str, password: str | None = "admin-pass-1", new_password: str | None = None,
            user: str | None = "admin") -> tuple[int, str, str]:
        if password is None:
            monkeypatch.delenv("GUJI_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("GUJI_PASSWORD", password)
        if new_password is not None:
            monkeypatch.setenv("GUJI_NEW_PASSWORD", new_password)
        args = ["--db", db]
        if user:
            args += ["--user", user]
        code = main(args + list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    run.db = db  # type: ignore[attr-defined]
    return run


def test_init_institution_user_roundtrip(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("init", "--admin", "admin", user=None)
    assert code == 0, err
    assert "created the centre administrator admin" in out
    code, out, _ = cli("init", user=None)
    assert code == 0 and "up to date" in out
    assert cli("institution", "add", "--name", "遼寧省圖書館", "--region", "210000", "--unit", "0101")[0] == 0
    code, out, _ = cli("institution", "list", "--json")
    assert json.loads(out) == [{"code": "210000-0101", "name": "遼寧省圖書館", "is_centre": False}]
    code, out, err = cli("user", "add", "wang", "--role", "census", "--institution", "210000-0101",
                         "--full-name", "王", new_password="wang-pass-12")
    assert code == 0, err
    code, out, _ = cli("user", "list", "--json")
    assert {"login": "wang", "full_name": "王", "roles": ["census"], "institution": "210000-0101",
            "active": True} in json.loads(out)
    # wang changes his own password
    code, out, err = cli("user", "passwd", "wang", user="wang", password="wang-pass-12", new_password="wang-pass-34")
    assert code == 0, err
    assert cli("institution", "list", user="wang", password="wang-pass-34")[0] == 0
    code, out, _ = cli("audit", "--json")
    actions = [r["action"] for r in json.loads(out)]
    assert "passwd" in actions and "create" in actions


@pytest.mark.parametrize(
    "argv,message",
    [
        (["institution", "add", "--name", "X", "--region", "21000", "--unit", "0101"], "region_code"),
        (["institution", "add", "--name", "X", "--region", "210000", "--unit", "01"], "unit_code"),
        (["user", "add", "li", "--role", "wizard", "--institution", "210000-0101"], "unknown role"),
        (["user", "add", "li", "--role", "census", "--institution", "999999-0101"], "region"),
    ],
)
def test_bad_values_exit_non_zero_and_write_nothing(cli, argv: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    cli("init", "--admin", "admin", user=None)
    _, before, _ = cli("audit", "--json", "--limit", "1000")
    code, _out, err = cli(*argv, new_password="li-pass-1234")
    assert code == 1
    assert err.startswith("guji: error:") and message in err
    assert len(err.strip().splitlines()) == 1
    _, after, _ = cli("audit", "--json", "--limit", "1000")
    # Only the sign-in of the failed command was added.
    added = [r for r in json.loads(after) if r not in json.loads(before)]
    assert [r["action"] for r in added] == ["login"] * len(added)


def test_wrong_password_and_unknown_user(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init", "--admin", "admin", user=None)
    code, _, err = cli("institution", "list", password="nope")
    assert code == 1 and "用户名或密码不正确" in err
    code, _, err = cli("institution", "list", user="ghost")
    assert code == 1 and "用户名或密码不正确" in err
    code, _, err = cli("institution", "list", user=None)
    assert code == 1 and "--user" in err


def test_wrong_db_url(cli, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", "mysql://x@y/z", "--user", "a", "institution", "list"]) == 1
    assert "unsupported database" in capsys.readouterr().err
    assert main(["--db", "/nonexistent/dir/x.sqlite3", "--user", "a", "institution", "list"]) == 1
    assert "no database at" in capsys.readouterr().err


def test_init_without_admin_on_new_database(cli) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("init", user=None)
    assert code == 1 and "--admin" in err


def test_backup_and_restore_commands(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init", "--admin", "admin", user=None)
    cli("institution", "add", "--name", "遼寧省圖書館", "--region", "210000", "--unit", "0101")
    out_file = tmp_path / "x.gz"
    code, _out, err = cli("backup", str(out_file))
    assert code == 0, err
    target = tmp_path / "restored.sqlite3"
    # Restore signs in as an administrator of the backup (the password comes from GUJI_PASSWORD).
    code = main(["--db", str(target), "--user", "admin", "restore", str(out_file)])
    assert code == 0
    code = main(["--db", str(target), "--user", "admin", "restore", str(out_file)])
    assert code == 1  # not empty any more


def test_console_script_runs(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("guji")
    result = subprocess.run([str(exe), "--db", str(tmp_path / "x.sqlite3"), "init", "--admin", "root1"],
                            env={"GUJI_PASSWORD": "root-pass-1", "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "created the centre administrator root1" in result.stdout
