"""Every interface string has a Chinese translation; English stays available."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from guji.gui.i18n import load_ts

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "guji_zh_CN.ts"


def test_every_interface_string_is_translated(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    shutil.copy(TS, fresh)
    exe = Path(sys.executable).with_name("pylupdate6")
    subprocess.run([str(exe), "--no-summary", "--no-obsolete", "--ts", str(fresh), str(ROOT / "guji" / "gui")],
                   check=True)
    from xml.etree import ElementTree

    missing = [
        f"{ctx.findtext('name')}: {msg.findtext('source')}"
        for ctx in ElementTree.parse(fresh).getroot().iter("context")
        for msg in ctx.iter("message")
        if (msg.find("translation") is None or msg.find("translation").get("type") == "unfinished"
            or not (msg.find("translation").text or "").strip())
    ]
    assert not missing, "untranslated (run tools/update_translations.py --fill): " + "; ".join(missing[:20])


def test_ts_loads(tmp_path: Path) -> None:
    messages = load_ts(TS)
    assert messages[("CensusPage", "Census register")] == "普查登记"


@pytest.mark.gui
def test_english_is_available(qapp) -> None:  # type: ignore[no-untyped-def]
    from guji.gui import i18n
    from guji.gui.qt import QCoreApplication

    try:
        assert i18n.install("en") == "en"
        assert QCoreApplication.translate("MainWindow", "Census register") == "Census register"
    finally:
        i18n.install("zh_CN")
    assert QCoreApplication.translate("MainWindow", "Census register") == "普查登记"
