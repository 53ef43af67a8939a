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
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, urlparse

from export.catalogue import description_items
from export.registry import ExportData, ExportRecord, ExportResult
from guji.errors import FieldProblem, NotFound, ValidationError
from guji.jobs import Progress

__all__ = ["CONTEXT", "build_manifest", "check_base", "render"]

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff", "JPEG2000": "image/jp2", "WEBP": "image/webp"}
# English names of the description items (metadata labels carry both languages).
ENGLISH = {"題名卷數": "Title", "著者": "Authors", "版本": "Edition", "冊數": "Volumes", "存缺卷數": "Extant juan",
           "版框": "Frame size", "行款": "Layout", "鈐印": "Seals", "批校題跋": "Annotations",
           "收藏單位": "Holding institution", "名錄號": "Precious books list", "普查編號": "Census number"}


def check_base(base_url: str) -> str:
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
        raise ValidationError(FieldProblem("images", f"{path.name} is not a readable image: {exc}",
                                           str(path))) from None


def build_manifest(rec: ExportRecord, images: list[Path], base_url: str, *,
                   image_url: Callable[[Path], str] | None = None) -> dict[str, Any]:
    """The Presentation 3 manifest (a JSON-ready dict) of ``rec`` with one Canvas per image, in order."""
    base = check_base(base_url)
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


def render(data: ExportData, out: IO[bytes], progress: Progress | None = None,
           cancel: threading.Event | None = None) -> ExportResult:
    """The IIIF manifest of the one record in ``data`` (the ``iiif`` format of :mod:`export.registry`),
    its images from ``data.images``; options ``base_url`` and ``image_url`` (a function of the
    image path giving its URL). Raises :class:`NotFound` when ``data`` holds no record,
    :class:`ValidationError` for a bad base URL, a record without images or an unreadable image."""
    recs = list(data.records)
    if not recs:
        raise NotFound("no record to describe")
    rec = recs[0]
    files = [Path(p) for p in data.images.get(rec.census_number, ())]
    manifest = build_manifest(rec, files, data.options.get("base_url") or "", image_url=data.options.get("image_url"))
    out.write(json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
    if progress is not None:
        progress(1.0, rec.census_number)
    return ExportResult("iiif", "", len(manifest["items"]), "canvases", subject=rec.census_number)
