"""IIIF Presentation 3 manifests: structure, sizes, language maps, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from export.iiif import CONTEXT
from guji.app import Guji
from guji.errors import NotFound, PermissionDenied, ValidationError
from guji.messages import msg
from tests.export.catalogue_data import scan_files
from tests.export.exports import iiif_manifest, illustrated_pdf

BASE = "https://iiif.example.org/guji"
NUMBER = "210000-0101-0000002"


def is_language_map(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, list) and
                                           all(isinstance(s, str) for s in v) for k, v in value.items())


def test_manifest_structure(shared_org: dict[str, Guji], tmp_path: Path) -> None:
    scans = scan_files()[:3]
    out = tmp_path / "manifest.json"
    report = iiif_manifest(shared_org["census_a"], NUMBER, out, base_url=BASE + "/", images={NUMBER: scans})
    assert report.count == 3 and report.subject == NUMBER
    m = json.loads(out.read_text(encoding="utf-8"))
    assert m["@context"] == CONTEXT and m["type"] == "Manifest"
    assert m["id"] == f"{BASE}/{NUMBER}/manifest.json"
    assert m["label"] == {"zh": ["［萬曆］金華府志三十卷"]}
    assert m["viewingDirection"] == "right-to-left"
    assert is_language_map(m["summary"]) and is_language_map(m["requiredStatement"]["value"])
    assert m["requiredStatement"]["value"] == {"zh": ["遼寧省圖書館"]}
    meta = {e["label"]["zh"][0]: e["value"]["zh"][0] for e in m["metadata"]}
    assert meta["普查編號"] == NUMBER and meta["版本"] == "明萬曆刻本" and "「汪士鐘印」" in meta["鈐印"]
    assert all(is_language_map(e["label"]) and is_language_map(e["value"]) for e in m["metadata"])
    ids = {m["id"]}
    for i, (canvas, scan) in enumerate(zip(m["items"], scans, strict=True), start=1):
        w, h = Image.open(scan).size
        assert canvas["type"] == "Canvas" and (canvas["width"], canvas["height"]) == (w, h)
        assert canvas["id"] == f"{BASE}/{NUMBER}/canvas/{i}"
        (page,) = canvas["items"]
        assert page["type"] == "AnnotationPage"
        (anno,) = page["items"]
        assert anno["type"] == "Annotation" and anno["motivation"] == "painting" and anno["target"] == canvas["id"]
        body = anno["body"]
        assert body["type"] == "Image" and (body["width"], body["height"]) == (w, h)
        assert body["format"] == ("image/png" if scan.suffix == ".png" else "image/jpeg")
        assert body["id"] == f"{BASE}/{NUMBER}/images/{scan.name}"
        for x in (canvas["id"], page["id"], anno["id"]):
            assert x.startswith("https://") and x not in ids
            ids.add(x)


def test_record_by_id_and_images_from_folder(shared_org: dict[str, Guji], tmp_path: Path) -> None:
    app = shared_org["census_a"]
    rid = app.census.find_by_number(NUMBER).id
    folder = tmp_path / "imgs"
    folder.mkdir()
    scan = scan_files()[0]
    (folder / f"{NUMBER}_1{scan.suffix}").write_bytes(scan.read_bytes())
    out = tmp_path / "m.json"
    assert iiif_manifest(app, str(rid), out, base_url=BASE, images_dir=folder).count == 1


@pytest.mark.parametrize("record,kwargs,error", [
    (NUMBER, {"base_url": "ftp://x"}, ValidationError),
    (NUMBER, {"base_url": "iiif.example.org"}, ValidationError),
    (NUMBER, {"base_url": BASE}, ValidationError),  # no images
    ("210000-0101-0009999", {"base_url": BASE}, NotFound),
    ("not-a-number", {"base_url": BASE}, ValidationError),
    ("220000-0101-0000001", {"base_url": BASE}, PermissionDenied),  # another institution's record
])
def test_refusals_write_nothing(shared_org: dict[str, Guji], tmp_path: Path, record: str, kwargs: dict,
                                error: type) -> None:
    with pytest.raises(error):
        iiif_manifest(shared_org["census_a"], record, tmp_path / "m.json", **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_unreadable_image_is_refused(shared_org: dict[str, Guji], tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"nope")
    with pytest.raises(ValidationError, match="not a readable image"):
        iiif_manifest(shared_org["census_a"], NUMBER, tmp_path / "m.json", base_url=BASE, images={NUMBER: bad})
    assert not (tmp_path / "m.json").exists()


def test_cli_iiif(shared_org: dict[str, Guji], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                  capsys: pytest.CaptureFixture[str]) -> None:
    from tests.export.catalogue_data import run_cli

    folder = tmp_path / "imgs"
    folder.mkdir()
    for i, scan in enumerate(scan_files()[:2], start=1):
        (folder / f"{NUMBER}_{i}{scan.suffix}").write_bytes(scan.read_bytes())
    out = tmp_path / "m.json"
    code, _, err = run_cli(shared_org["census_a"], ["export", "iiif", NUMBER, "--out", str(out), "--base-url", BASE,
                                                    "--images", str(folder)], monkeypatch, capsys)
    assert code == 0 and msg("export.done.canvases.of", count=2, subject=NUMBER, path=out) in err
    assert len(json.loads(out.read_text(encoding="utf-8"))["items"]) == 2


def test_images_from_the_images_service(org: dict[str, Guji], tmp_path: Path) -> None:
    """Images attached through app.images feed both the manifest and the illustrated catalogue."""
    import subprocess

    from export.registry import ExportFilters
    from tests.export.catalogue_data import register_samples

    app = org["census_a"]
    (rid,) = register_samples(app, [dict(title="墨子十五卷", edition_statement="明刻本", volumes=4)])
    scans = scan_files()
    for scan in scans[:2]:
        app.images.add_to_record(scan, rid, "書影")
    number = app.census.get_record(rid).census_number
    out = tmp_path / "m.json"
    assert iiif_manifest(app, number, out, base_url=BASE).count == 2
    m = json.loads(out.read_text(encoding="utf-8"))
    assert [c["width"] for c in m["items"]] == [Image.open(s).width for s in scans[:2]]
    pdf = tmp_path / "i.pdf"
    report = illustrated_pdf(app, pdf, filters=ExportFilters(ids=[rid]))
    assert report.images == 1 and report.without_image == ()
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(listing.splitlines()) == 3
