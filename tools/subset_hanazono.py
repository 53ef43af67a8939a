"""Regenerate ``resources/fonts/HanaMinA.ttf``: Hanazono Mincho A cut to the characters AR PL UMing lacks.

The program draws text with AR PL UMing and falls back, character by character, to
Hanazono Mincho A (see ``guji/gui/fonts.py`` and ``export/fonts.py``):

- the desktop: UMing **CN**, then Hanazono;
- the PDF exports: UMing **TW**, then UMing **HK**, then Hanazono.

Hanazono is therefore only ever asked for a character that the first UMing face of
one of those chains lacks. The subset keeps every character of the original Hanazono
that is missing from UMing CN, or missing from both UMing TW and HK — i.e. the
original's characters minus ``CN ∩ (TW ∪ HK)`` — with the glyphs its layout tables
reach from them (vertical forms, variation sequences). Outlines, metrics, hinting,
the name table (copyright and licence strings) and the OS/2 Unicode and code-page
ranges are kept as they are, so the font still presents itself as the same CJK face.

The original is the file of the Debian package ``fonts-hanazono`` 20170904-2.1
(sha256 below). Give it by path, as the ``.ttf`` or the ``.deb``; without a path the
script takes the installed package's file, else downloads the package with
``apt-get download``. fontTools is needed to run this script only (``pip install
fonttools``); the program itself reads fonts with reportlab and Qt.

Run: ``python tools/subset_hanazono.py [SOURCE] [--out resources/fonts/HanaMinA.ttf]``
     ``python tools/subset_hanazono.py --check [SOURCE]``  (the committed subset has every
     character this script keeps; exit code 1 when not)
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "resources" / "fonts"
UMING = FONTS / "uming.ttc"
TARGET = FONTS / "HanaMinA.ttf"

DEBIAN_PACKAGE = "fonts-hanazono"
DEBIAN_VERSION = "20170904-2.1"
FILE_IN_PACKAGE = Path("usr/share/fonts/truetype/hanazono/HanaMinA.ttf")
ORIGINAL_SHA256 = "7ca87559414474848fc513a8d8eb42d5b0f8194c30c2abdfbfedff5398ec88d7"

# The UMing faces the program draws with (their full names, name ID 4).
DESKTOP_FACE = "AR PL UMing CN"
EXPORT_FACES = ("AR PL UMing TW", "AR PL UMing HK")


def _fonttools():  # type: ignore[no-untyped-def]
    try:
        import fontTools  # noqa: F401
    except ImportError:
        sys.exit("this script needs fontTools: pip install fonttools")
    from fontTools import subset, ttLib

    return subset, ttLib


def uming_code_points() -> dict[str, set[int]]:
    """Character sets of the UMing faces, keyed by full name."""
    _, ttLib = _fonttools()
    collection = ttLib.TTCollection(str(UMING))
    return {face["name"].getDebugName(4): set(face.getBestCmap()) for face in collection.fonts}


def covered_by_uming() -> set[int]:
    """Characters both chains find in UMing before they reach Hanazono."""
    faces = uming_code_points()
    missing = [name for name in (DESKTOP_FACE, *EXPORT_FACES) if name not in faces]
    if missing:
        sys.exit(f"{UMING} has no face named {', '.join(missing)} (faces: {', '.join(sorted(faces))})")
    export = set().union(*(faces[name] for name in EXPORT_FACES))
    return faces[DESKTOP_FACE] & export


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _from_deb(deb: Path, workdir: Path) -> Path:
    """Unpack the Debian package and return its HanaMinA.ttf."""
    subprocess.run(["dpkg-deb", "-x", str(deb), str(workdir / "deb")], check=True)
    return workdir / "deb" / FILE_IN_PACKAGE


def find_original(source: Path | None, workdir: Path) -> Path:
    """The original HanaMinA.ttf: given (.ttf or .deb), installed, or downloaded with apt-get."""
    if source is not None:
        return _from_deb(source, workdir) if source.suffix == ".deb" else source
    installed = Path("/") / FILE_IN_PACKAGE
    if installed.is_file():
        return installed
    if shutil.which("apt-get") is None:
        sys.exit("give the original HanaMinA.ttf (or the fonts-hanazono .deb) by path")
    subprocess.run(["apt-get", "download", f"{DEBIAN_PACKAGE}={DEBIAN_VERSION}"], cwd=workdir, check=True)
    return _from_deb(next(workdir.glob(f"{DEBIAN_PACKAGE}_*.deb")), workdir)


def subset_font(original: Path, out: Path) -> int:
    """Write the subset of ``original`` to ``out``; return the number of characters kept."""
    subset, ttLib = _fonttools()
    font = ttLib.TTFont(str(original), recalcTimestamp=False)  # same input, same bytes
    keep = set(font.getBestCmap()) - covered_by_uming()
    options = subset.Options()
    options.name_IDs = ["*"]  # copyright, licence and description strings stay
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.prune_unicode_ranges = False  # still declares CJK support to Qt's font matching
    if hasattr(options, "prune_codepage_ranges"):
        options.prune_codepage_ranges = False
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(keep))
    subsetter.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    font.save(str(tmp))
    tmp.replace(out)
    return len(keep)


def check(original: Path) -> int:
    """Compare the committed subset's characters with what the rule keeps from ``original``.

    fontTools also keeps the cmap entry of a character whose glyph the layout tables
    reach from a kept one (a handful of symbols UMing has as well): allowed, reported.
    """
    _, ttLib = _fonttools()
    have = set(ttLib.TTFont(str(TARGET), lazy=True).getBestCmap())
    source = set(ttLib.TTFont(str(original), lazy=True).getBestCmap())
    want = source - covered_by_uming()
    missing, foreign = want - have, have - source
    print(f"{TARGET.name}: {len(have)} characters; the rule keeps {len(want)}; missing {len(missing)}, "
          f"not in the original {len(foreign)}, reached through layout {len(have - want - foreign)}")
    return 1 if missing or foreign else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", nargs="?", type=Path, help="the original HanaMinA.ttf, or the fonts-hanazono .deb")
    ap.add_argument("--out", type=Path, default=TARGET, help=f"where to write the subset (default {TARGET})")
    ap.add_argument("--check", action="store_true",
                    help="compare the committed subset's characters with what the rule keeps from the original")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hanazono-") as tmp:
        workdir = Path(tmp)
        if args.check:
            return check(find_original(args.source, workdir))
        original = find_original(args.source, workdir)
        digest = _sha256(original)
        if digest != ORIGINAL_SHA256:
            print(f"warning: {original} is not the documented original ({DEBIAN_PACKAGE} {DEBIAN_VERSION}, "
                  f"sha256 {ORIGINAL_SHA256}); its sha256 is {digest}", file=sys.stderr)
        kept = subset_font(original, args.out)
    print(f"{args.out}: {kept} characters, {args.out.stat().st_size / 1e6:.2f} MB "
          f"(original {original.name} {digest[:12]}…)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
