"""``guji export catalogue|marc|labels|iiif``: printed catalogues, MARC, book labels, IIIF manifests.

Added to the ``export`` group by :func:`guji.cli.export.register_export`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from guji.cli.common import sign_in

STATES = ["draft", "submitted", "returned", "unit_approved", "centre_approved"]


def _filters(a: argparse.ArgumentParser) -> None:
    a.add_argument("--institution", metavar="CODE", help="only this holding institution, e.g. 210000-0101")
    a.add_argument("--state", choices=STATES, help="only records in this review state")


def _progress() -> Any:
    """A one-line progress display on a terminal; silent when stderr is not one."""
    if not sys.stderr.isatty():
        return None

    def show(fraction: float, message: str) -> None:
        sys.stderr.write(f"\r{fraction * 100:5.1f}%  {message[:60]:<60}")
        if fraction >= 1.0:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def register_print(esub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the catalogue, marc, labels and iiif subcommands to the ``export`` group."""
    a = esub.add_parser("catalogue", help="printed catalogue as PDF: the census register (普查登記目錄) or the "
                                          "illustrated catalogue (珍貴古籍圖錄)")
    a.add_argument("--layout", choices=["register", "illustrated"], default="register")
    a.add_argument("--out", required=True, metavar="FILE.pdf")
    _filters(a)
    a.add_argument("--images", metavar="DIR", help="illustrated: folder of images named by census number "
                                                   "(210000-0101-0000001.jpg, …_2.jpg); the first is the 書影. Default: the "
                                                   "images attached to each record (guji imaging attach)")
    a.add_argument("--dpi", type=int, default=200, help="illustrated: print resolution of the images (default 200)")
    a.add_argument("--title", help="catalogue title (default: from the holding institution)")
    a.set_defaults(func=cmd_export_catalogue)

    a = esub.add_parser("marc", help="UNIMARC/CNMARC records (docs/marc-mapping.md)")
    a.add_argument("--format", choices=["xml", "iso2709"], default="xml", help="MARCXML or ISO 2709 (default xml)")
    a.add_argument("--out", required=True, metavar="FILE")
    _filters(a)
    a.set_defaults(func=cmd_export_marc)

    a = esub.add_parser("labels", help="an A4 sheet of book labels (3 × 8) with QR codes of the census numbers")
    a.add_argument("--out", required=True, metavar="FILE.pdf")
    _filters(a)
    a.add_argument("--start", type=int, default=0, help="skip this many label positions on the first sheet")
    a.add_argument("--no-outline", action="store_true", help="no cut lines (for pre-cut label stock)")
    a.set_defaults(func=cmd_export_labels)

    a = esub.add_parser("iiif", help="IIIF Presentation 3 manifest of a record's page images")
    a.add_argument("record", metavar="RECORD", help="census number or record id")
    a.add_argument("--out", required=True, metavar="manifest.json")
    a.add_argument("--base-url", required=True, metavar="URL",
                   help="where the manifest and images will be served; images are expected at URL/NUMBER/images/FILE")
    a.add_argument("--images", metavar="DIR", help="folder of images named by census number (default: the "
                                                   "images attached to the record)")
    a.set_defaults(func=cmd_export_iiif)


def _export_filters(args: argparse.Namespace) -> Any:
    from export.selection import ExportFilters

    return ExportFilters(institution=args.institution, state=args.state)


def _warn(warnings: list[str]) -> None:
    for w in warnings:
        print(f"guji: warning: {w}", file=sys.stderr)


def cmd_export_catalogue(args: argparse.Namespace) -> int:
    from export.catalogue import write_illustrated_pdf, write_register_pdf

    app = sign_in(args)
    if args.layout == "register":
        report = write_register_pdf(app, args.out, filters=_export_filters(args), title=args.title,
                                    progress=_progress())
    else:
        report = write_illustrated_pdf(app, args.out, filters=_export_filters(args), images_dir=args.images,
                                       dpi=args.dpi, title=args.title, progress=_progress())
    _warn(report.warnings)
    print(f"{report.entries} entries, {report.pages} pages written to {args.out}", file=sys.stderr)
    return 0


def cmd_export_marc(args: argparse.Namespace) -> int:
    from export.marc import write_marc

    app = sign_in(args)
    report = write_marc(app, args.out, format=args.format, filters=_export_filters(args), progress=_progress())
    print(f"{report.records} records written to {args.out}", file=sys.stderr)
    return 0


def cmd_export_labels(args: argparse.Namespace) -> int:
    from export.labels import write_labels

    app = sign_in(args)
    report = write_labels(app, args.out, filters=_export_filters(args), start=args.start,
                          outline=not args.no_outline, progress=_progress())
    _warn(report.warnings)
    print(f"{report.labels} labels on {report.pages} sheet(s) written to {args.out}", file=sys.stderr)
    return 0


def cmd_export_iiif(args: argparse.Namespace) -> int:
    from export.iiif import write_iiif_manifest

    app = sign_in(args)
    report = write_iiif_manifest(app, args.record, args.out, base_url=args.base_url, images_dir=args.images)
    print(f"manifest of {report.census_number} with {report.canvases} canvases written to {args.out}",
          file=sys.stderr)
    return 0
