#!/usr/bin/env python3
"""Refresh resources/i18n/guji_zh_CN.ts from the desktop's source and fill in new translations.

Usage: python tools/update_translations.py [--fill FILE.json]

pylupdate6 (shipped with PyQt6) collects every ``self.tr("...")`` of guji/gui
into the .ts file, keeping the translations already there. ``--fill`` takes a
JSON object {source: translation} and writes those translations into the
messages that are still unfinished. tests/foundation/test_translations.py fails
while any interface string lacks a Chinese translation.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "i18n" / "guji_zh_CN.ts"


def run_lupdate(ts: Path = TS) -> None:
    exe = shutil.which("pylupdate6") or str(Path(sys.executable).with_name("pylupdate6"))
    ts.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([exe, "--no-summary", "--no-obsolete", "--ts", str(ts), str(ROOT / "guji" / "gui")], check=True)


def fill(ts: Path, translations: dict[str, str]) -> list[str]:
    """Fill unfinished messages from ``translations``; return the sources still missing."""
    tree = ElementTree.parse(ts)
    missing: list[str] = []
    for msg in tree.getroot().iter("message"):
        src = msg.findtext("source") or ""
        tr = msg.find("translation")
        if tr is None:
            tr = ElementTree.SubElement(msg, "translation")
        if tr.get("type") == "unfinished":
            if src in translations:
                tr.text = translations[src]
                del tr.attrib["type"]
            else:
                missing.append(src)
    tree.getroot().set("language", "zh_CN")
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return missing


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fill", type=Path)
    args = ap.parse_args()
    run_lupdate()
    table = json.loads(args.fill.read_text(encoding="utf-8")) if args.fill else {}
    missing = fill(TS, table)
    for src in missing:
        print(f"untranslated: {src}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
