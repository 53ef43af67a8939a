"""IIIF Presentation API 3.0 manifests for a record's page images.

A manifest lets any IIIF viewer (Mirador, Universal Viewer…) show the digitised
pages of a book. One Canvas per image, sized in pixels like the image, painted by
one Annotation in one AnnotationPage. Thread-bound Chinese books are read from
right to left, so ``viewingDirection`` is ``right-to-left``. Labels and metadata
are language maps under ``zh`` (the text as stored, traditional characters), with
English field names beside the Chinese ones.

URLs: the manifest is ``{base}/{census number}/manifest.json``; canvases, pages and
annotations hang under it; each image is expected at
``{base}/{census number}/images/{file name}`` (copy the files there), unless an
``image_url`` function says otherwise.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from export.catalogue import description_items, record_images
from export.selection import ExportFilters, ExportRecord, atomic_output, load_records, select_ids
from guji.census.numbers import CensusNumberError, parse_census_number
from guji.errors import FieldProblem, NotFound, ValidationError

__all__ = ["CONTEXT", "IiifReport", "build_manifest", "write_iiif_manifest"]

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff", "JPEG2000": "image/jp2", "WEBP": "image/webp"}
# English names of the description items (metadata labels carry both languages).
ENGLISH = {"題名卷數": "Title", "著者": "Authors", "版本": "Edition", "冊數": "Volumes", "存缺卷數": "Extant juan",
           "版框": "Frame size", "行款": "Layout", "鈐印": "Seals", "批校題跋": "Annotations",
           "收藏單位": "Holding institution", "名錄號": "Precious books list", "普查編號": "Census number"}


@dataclass(frozen=True)
class IiifReport:
    path: str
    census_number: str
    canvases: int


def _check_base(base_url: str) -> str:
    u = urlparse(base_url or "")
    if u.scheme not in ("http", "https") or not u.netloc:
        raise ValidationError(FieldProblem("base_url", "the base URL must be an http(s) URL, e.g. "
                                                       "https://iiif.example.org/guji", base_url))
    return base_url.rstrip("/")


def _image_info(path: Path) -> tuple[int, int, str]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:  # reads the header only
            return im.width, im.height, MIME.get(im.format or "", "image/jpeg")
    except (OSError, UnidentifiedImageError) as exc:
        raise ValidationError(FieldProblem("images", f"{path.name} is not a readable image: {exc}", str(path))) from None


def build_manifest(rec: ExportRecord, images: list[Path], base_url: str, *,
                   image_url: Callable[[Path], str] | None = None) -> dict[str, Any]:
    """The Presentation 3 manifest (a JSON-ready dict) of ``rec`` with one Canvas per image, in order."""
    base = _check_base(base_url)
    if not images:
        raise ValidationError(FieldProblem("images", f"record {rec.census_number} has no images"))
    root = f"{base}/{quote(rec.census_number)}"
    title = rec.data.title or rec.census_number
    metadata = [{"label": {"zh": [label], "en": [ENGLISH.get(label, label)]}, "value": {"zh": [value]}}
                for label, value in description_items(rec)]
    canvases = []
    for i, path in enumerate(images, start=1):
        w, h, mime = _image_info(path)
        canvas_id = f"{root}/canvas/{i}"
        url = image_url(path) if image_url else f"{root}/images/{quote(path.name)}"
        canvases.append({
            "id": canvas_id,
            "type": "Canvas",
            "label": {"none": [f"{i}"]},
            "width": w,
            "height": h,
            "items": [{
                "id": f"{root}/page/{i}",
                "type": "AnnotationPage",
                "items": [{
                    "id": f"{root}/annotation/{i}",
                    "type": "Annotation",
                    "motivation": "painting",
                    "body": {"id": url, "type": "Image", "format": mime, "width": w, "height": h},
                    "target": canvas_id,
                }],
            }],
        })
    manifest: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"{root}/manifest.json",
        "type": "Manifest",
        "label": {"zh": [title]},
        "metadata": metadata,
        "requiredStatement": {"label": {"zh": ["收藏單位"], "en": ["Holding institution"]},
                              "value": {"zh": [rec.institution_name]}},
        "viewingDirection": "right-to-left",
        "items": canvases,
    }
    if rec.data.edition_statement:
        manifest["summary"] = {"zh": [f"{title}　{rec.data.edition_statement}"]}
    return manifest


def _resolve(app: Any, record: int | str) -> int:
    """A record id from an id or a census number (visibility checked by the census service)."""
    if isinstance(record, int) or (isinstance(record, str) and record.isdigit()):
        return app.census.get_record(int(record)).id
    try:
        parse_census_number(str(record))
    except CensusNumberError as exc:
        raise ValidationError(FieldProblem("record", f"{record!r} is neither a record id nor a census number: {exc}",
                                           record)) from None
    return app.census.find_by_number(str(record)).id


def write_iiif_manifest(app: Any, record: int | str, out: str | os.PathLike[str], *, base_url: str,
                        images: Mapping[str, Any] | None = None, images_dir: str | os.PathLike[str] | None = None,
                        image_url: Callable[[Path], str] | None = None) -> IiifReport:
    """Write the IIIF manifest of one record (id or census number) to ``out`` (JSON, UTF-8).

    Images come from ``images`` (census number → path or list of paths), files named by
    census number in ``images_dir``, or the images service, as for the illustrated
    catalogue. Raises :class:`NotFound` / :class:`PermissionDenied` for a record the user
    cannot see, :class:`ValidationError` for a bad base URL, a record without images or an
    unreadable image; nothing is written then.
    """
    _check_base(base_url)
    rid = _resolve(app, record)
    ids = select_ids(app, ExportFilters(ids=[rid]))
    recs = list(load_records(app, ids))
    if not recs:
        raise NotFound(f"no record {record}")
    rec = recs[0]
    files = record_images(app, rec, images=images, images_dir=images_dir)
    manifest = build_manifest(rec, files, base_url, image_url=image_url)
    with atomic_output(out, "wb") as fh:
        fh.write(json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
    return IiifReport(str(out), rec.census_number, len(manifest["items"]))
