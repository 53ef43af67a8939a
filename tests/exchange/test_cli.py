"""The exchange commands end to end: key generate (0600, public key printed), register (admins),
export with --since-last, import with --dry-run and again (a no-op that says so)."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.exchange.conftest import UNIT, counts


def test_cli_keys_export_import(unit: dict[str, Any], org: dict[str, Any], tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from guji.cli.main import main

    monkeypatch.setenv("GUJI_LANG", "en")
    unit_db = str(unit["admin"].db.url.database)
    centre_db = str(org["admin"].db.url.database)
    key = tmp_path / "k" / "unit.pem"
    pub = tmp_path / "unit.pub"
    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    assert main(["--db", unit_db, "--user", "census.a", "institution", "key", "generate", "--out", str(key),
                 "--public-out", str(pub)]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("-----BEGIN PUBLIC KEY-----") and pub.read_text() == out.out
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    # Registering is for administrators only.
    assert main(["--db", centre_db, "--user", "census.a", "institution", "key", "register", UNIT, str(pub)]) == 1
    assert "admin" in capsys.readouterr().err
    monkeypatch.setenv("GUJI_PASSWORD", ADMIN_PASSWORD)
    assert main(["--db", centre_db, "--user", "admin", "institution", "key", "register", UNIT, str(pub)]) == 0
    assert "public key registered for 210000-0101" in capsys.readouterr().out

    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    package = tmp_path / "p1.zip"
    assert main(["--db", unit_db, "--user", "census.a", "exchange", "export", "--out", str(package),
                 "--key", str(key)]) == 0
    assert "number 1, 2 records, 2 images" in capsys.readouterr().out
    monkeypatch.setenv("GUJI_PASSWORD", ADMIN_PASSWORD)
    before = counts(org["admin"])
    assert main(["--db", centre_db, "--user", "admin", "exchange", "import", str(package), "--dry-run"]) == 0
    assert "dry run, nothing written: 2 records: 2 new" in capsys.readouterr().out
    after = counts(org["admin"])
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    assert after["audit"] - before["audit"] <= 1  # the sign-in, nothing of the import
    assert main(["--db", centre_db, "--user", "admin", "exchange", "import", str(package)]) == 0
    out = capsys.readouterr().out
    assert "package number 1 of 210000-0101" in out and "2 records: 2 new" in out
    assert main(["--db", centre_db, "--user", "admin", "exchange", "import", str(package)]) == 0
    assert "was already imported" in capsys.readouterr().out
    # A refused package: one clear line, exit 1.
    (tmp_path / "bad.zip").write_bytes(package.read_bytes()[:200])
    assert main(["--db", centre_db, "--user", "admin", "exchange", "import", str(tmp_path / "bad.zip")]) == 1
    assert "not an exchange package or was cut short" in capsys.readouterr().err
    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    assert main(["--db", unit_db, "--user", "census.a", "exchange", "export", "--out", str(tmp_path / "p2.zip"),
                 "--key", str(key), "--since-last"]) == 0
    assert "number 2, 0 records" in capsys.readouterr().out
