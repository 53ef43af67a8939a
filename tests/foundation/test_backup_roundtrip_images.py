"""After backup → restore into a fresh database elsewhere, every image reader finds its images:
the restoration archive PDF prints the job photograph, the illustrated catalogue its 書影, IIIF
export its canvases."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from guji import backup
from guji.app import Guji
from guji.images import location
from tests.conftest import (
    ADMIN_PASSWORD,
    PASSWORD,
    SCANS,
    admin_for,
    build_org,
    make_db,
)
from tests.restoration.conftest import open_job

pytestmark = pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler-utils not installed")

PHOTO = SCANS / "book4" / "1.jpg"  # a real 600-dpi colour page as the job's before photograph
PAGE = SCANS / "book1" / "1.png"


@pytest.fixture(autouse=True)
def no_store_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(location.ENV, raising=False)


def _pdf_images(pdf: Path) -> list[list[str]]:
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in listing.splitlines()[2:] if line.strip()]


def test_images_survive_backup_and_restore_into_another_folder(tmp_path: Path) -> None:
    from restoration.report import write_report
    from tests.export.exports import iiif_manifest as write_iiif_manifest
    from tests.export.exports import illustrated_pdf as write_illustrated_pdf

    source_dir = tmp_path / "centre"
    org = build_org(admin_for(make_db(str(source_dir / "guji.sqlite3"))))
    jid = open_job(org)
    photo = org["restorer_a"].restoration.add_photo_file(jid, PHOTO, "before", leaf="1", caption="蟲蛀")
    job = org["restorer_a"].restoration.archive(jid).job
    rec = org["census_a"].census.find_by_number(job.census_number)
    org["census_a"].images.add_to_record(PAGE, rec.id, "書影", "卷端")
    assert (source_dir / "guji.images" / location.MARKER).is_file()

    backup.backup(org["admin"], tmp_path / "backup")
    assert backup.verify(tmp_path / "backup").ok

    # A fresh database in a different folder, on what could be another machine.
    target_file = tmp_path / "elsewhere" / "desk" / "restored.sqlite3"
    target = make_db(str(target_file))
    report = backup.restore(target, tmp_path / "backup", login="admin", password=ADMIN_PASSWORD)
    assert report.images == 2 and report.copied == 2
    shutil.rmtree(source_dir)  # the original store is gone: only the restored one can serve

    restorer = Guji.sign_in(target, "restorer.a", PASSWORD)
    arch = restorer.restoration.archive(jid)
    assert [p.sha256 for p in arch.photos] == [photo.sha256]
    assert arch.photos[0].image_path and Path(arch.photos[0].image_path).is_relative_to(target_file.parent)
    pdf = write_report(arch, tmp_path / "archive.pdf")
    images = _pdf_images(pdf)
    assert images, "the archive PDF has no image: the photograph was printed as a placeholder"
    assert any(row[3:5] != ["1", "1"] and int(row[3]) >= 200 for row in images), images

    admin = Guji.sign_in(target, "admin", ADMIN_PASSWORD)
    cat = write_illustrated_pdf(admin, tmp_path / "catalogue.pdf")
    assert cat.images >= 1 and rec.census_number not in cat.without_image
    assert _pdf_images(tmp_path / "catalogue.pdf")

    iiif = write_iiif_manifest(admin, rec.census_number, tmp_path / "manifest.json", base_url="https://example.org/iiif")
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert iiif.count == 1 and len(manifest["items"]) == 1
