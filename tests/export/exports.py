"""Shared by the export tests: each format called through the exports service (``app.exports``)."""

from __future__ import annotations

from typing import Any

from export.registry import ExportFilters, ExportResult
from guji.app import Guji


def register_pdf(app: Guji, out: Any, *, filters: ExportFilters | None = None, title: str | None = None,
                 **kw: Any) -> ExportResult:
    return app.exports.export("register", out, filters=filters, options={"title": title}, **kw)


def illustrated_pdf(app: Guji, out: Any, *, filters: ExportFilters | None = None, images: Any = None,
                    images_dir: Any = None, dpi: int = 200, title: str | None = None, **kw: Any) -> ExportResult:
    return app.exports.export("illustrated", out, filters=filters, options={
        "images": images, "images_dir": images_dir, "dpi": dpi, "title": title}, **kw)


def marc(app: Guji, out: Any, *, format: str = "xml", filters: ExportFilters | None = None,
         **kw: Any) -> ExportResult:
    return app.exports.export({"xml": "marc_xml", "iso2709": "marc_iso"}.get(format, format), out, filters=filters,
                              **kw)


def labels(app: Guji, out: Any, *, filters: ExportFilters | None = None, start: int = 0, outline: bool = True,
           sheet: Any = None, **kw: Any) -> ExportResult:
    return app.exports.export("labels", out, filters=filters,
                              options={"start": start, "outline": outline, "sheet": sheet}, **kw)


def iiif_manifest(app: Guji, record: int | str, out: Any, *, base_url: str, images: Any = None,
                  images_dir: Any = None, **kw: Any) -> ExportResult:
    return app.exports.export("iiif", out, record=record, options={
        "base_url": base_url, "images": images, "images_dir": images_dir}, **kw)


def export_excel(app: Guji, out: Any, *, institution: str | None = None, state: str | None = None,
                 **kw: Any) -> int:
    """The register as .xlsx; the number of records written."""
    return app.exports.export("excel", out, filters=ExportFilters(institution=institution, state=state), **kw).count
