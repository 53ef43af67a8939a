"""Photographs of a restoration job are stored images: the file goes into the image store, is attached
to the job (job_image) and recorded as the job's photograph (restoration_photo) in one transaction, and
the archive PDF prints it from the store.

Every refusal is checked twice: the clear error, and that nothing was written (no row in any of the
three tables, no audit entry, no file left in the store).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from guji.app import Guji
from guji.errors import Conflict, PermissionDenied, ValidationError
from guji.images.models import JobImage, StoredImage
from guji.models import AuditEntry
from restoration.models import Photo
from restoration.report import write_report
from restoration.views import AssessmentInput
from tests.conftest import SCANS
from tests.restoration.conftest import count, open_job, to_state

BEFORE = SCANS / "book4" / "1.jpg"  # 600 dpi colour half-leaf, orange paper
AFTER = SCANS / "book1" / "1.png"  # black-and-white half-leaf

needs_poppler = pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler-utils not installed")


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store of this test's own, so "nothing left in the store" means something."""
    root = tmp_path / "store"
    monkeypatch.setenv("GUJI_IMAGE_STORE", str(root))
    return root


def store_files(root: Path) -> list[Path]:
    """The image files of a store (not its marker file)."""
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")) if root.exists() else []


def written(app: Guji) -> tuple[int, int, int, int]:
    return tuple(count(app, m) for m in (StoredImage, JobImage, Photo, AuditEntry))  # type: ignore[return-value]


def small_png(path: Path, colour: tuple[int, int, int] = (220, 200, 160)) -> Path:
    from PIL import Image

    Image.new("RGB", (90, 60), colour).save(path)
    return path


# ------------------------------------------------------------------------ the happy path


def test_before_and_after_scans_become_stored_images_of_the_job(any_org: dict[str, Guji]) -> None:
    org = any_org
    jid = open_job(org)
    r = org["restorer_a"].restoration
    before = r.add_photo_file(jid, BEFORE, "before", leaf="1", caption="蟲蛀、書腦殘缺")
    after = r.add_photo_file(jid, str(AFTER), "after", leaf="1")
    assert before.stage == "before" and after.stage == "after" and before.sha256 != after.sha256
    assert before.image_id and after.image_id and before.file_path is None

    with org["admin"].db.read_session() as s:
        images = {i.sha256: i for i in s.scalars(select(StoredImage))}
        jobs = {j.image_id: j for j in s.scalars(select(JobImage).where(JobImage.job_id == jid))}
        photos = list(s.scalars(select(Photo).where(Photo.job_id == jid).order_by(Photo.id)))
    assert set(images) == {before.sha256, after.sha256}
    assert images[before.sha256].original_name == "1.jpg" and images[before.sha256].format == "JPEG"
    assert {(p.stage, p.sha256, p.leaf) for p in photos} == {("before", before.sha256, "1"),
                                                             ("after", after.sha256, "1")}
    for p in photos:  # each photo names a stored image that is attached to the job at the same stage
        img = images[p.sha256]
        assert jobs[img.id].stage == p.stage and jobs[img.id].institution_id == img.institution_id
    assert jobs[images[before.sha256].id].caption == "蟲蛀、書腦殘缺"

    listed = r.photos(jid)
    assert [(p.stage, p.image_id) for p in listed] == [("before", before.image_id), ("after", after.image_id)]
    assert all(p.image_path and Path(p.image_path).is_file() for p in listed)
    assert Path(listed[0].image_path or "").read_bytes() == BEFORE.read_bytes()
    # the images service sees the same attachments
    assert [a.image.sha256 for a in org["restorer_a"].images.images_of_job(jid)] == [before.sha256, after.sha256]
    actions = [h.action for h in r.history(jid)]
    assert actions.count("photo") == 2 and actions.count("attach_image") == 2


@needs_poppler
def test_archive_pdf_prints_before_and_after_side_by_side(org: dict[str, Guji], tmp_path: Path) -> None:
    jid = open_job(org)
    r = org["restorer_a"].restoration
    r.add_photo_file(jid, BEFORE, "before", leaf="1", caption="修復前：蟲蛀")
    r.add_photo_file(jid, AFTER, "after", leaf="1", caption="修復後：補洞溜口")
    out = write_report(org["reviewer_a"].restoration.archive(jid), tmp_path / "archive.pdf")

    listing = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    images = [row for row in rows if row[2] == "image"]
    assert len(images) == 2, listing
    assert images[0][0] == images[1][0]  # on one page
    assert all(row[8] == "jpeg" for row in images)  # resampled, not the 600 dpi masters
    assert all(int(row[3]) <= 700 and int(row[4]) <= 700 for row in images)
    assert out.stat().st_size < 1_500_000
    page = images[0][0]
    text = subprocess.run(["pdftotext", "-layout", "-f", page, "-l", page, str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    for expected in ("修复前后照片", "修复前", "修复后", "修復前：蟲蛀", "修復後：補洞溜口", "叶 1"):
        assert expected in text, expected
    assert "影像 " not in text and "无照片" not in text  # no placeholder: both were found in the store
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", page, "-l", page, str(out), str(tmp_path / "photos")],
                   check=True)
    assert list(tmp_path.glob("photos*.png"))


def test_older_rows_print_from_their_file_path(org: dict[str, Guji], tmp_path: Path) -> None:
    """A photo recorded before photographs went through the store (sha256 + local file) still prints."""
    jid = open_job(org)
    legacy = small_png(tmp_path / "legacy.png")
    with org["admin"].db.write_session() as s:
        s.add(Photo(job_id=jid, stage="before", sha256="cd" * 32, file_path=str(legacy), leaf="2"))
    arch = org["restorer_a"].restoration.archive(jid)
    assert arch.photos[0].image_id is None and arch.photos[0].image_path is None
    if shutil.which("pdfimages"):
        out = write_report(arch, tmp_path / "legacy.pdf")
        listing = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
        assert len([x for x in listing.splitlines()[2:] if " image " in x]) == 1


def test_add_photo_links_a_hash_the_store_holds(any_org: dict[str, Guji], tmp_path: Path) -> None:
    org = any_org
    jid = open_job(org)
    r = org["restorer_a"]
    info = r.images.add_image(small_png(tmp_path / "p.png"))
    ph = r.restoration.add_photo(jid, "during", info.sha256.upper(), leaf="3", caption="溜口")
    assert ph.sha256 == info.sha256 and ph.image_id == info.id
    with r.db.read_session() as s:
        att = s.scalar(select(JobImage).where(JobImage.job_id == jid, JobImage.image_id == info.id))
    assert att is not None and att.stage == "during"
    # the same image at another stage reuses the attachment; the same stage and leaf again is a conflict
    r.restoration.add_photo(jid, "after", info.sha256, leaf="3")
    assert count(r, JobImage) == 1 and count(r, Photo) == 2
    before = written(r)
    with pytest.raises(Conflict, match="already a during photograph"):
        r.restoration.add_photo(jid, "during", info.sha256, leaf="3")
    assert written(r) == before


def test_assessment_photos_must_be_stored_and_are_attached(org: dict[str, Guji], tmp_path: Path) -> None:
    jid = open_job(org)
    r = org["restorer_a"]
    info = r.images.add_image(small_png(tmp_path / "a.png"))
    a = r.restoration.record_assessment(jid, AssessmentInput(findings=[("loss", "percent", 10)], photos=[info.sha256]))
    assert a.photos == (info.sha256,)
    assert [(x.role, x.image.id) for x in r.images.images_of_job(jid)] == [("before", info.id)]


# ------------------------------------------------------------------------ refusals write nothing


@pytest.mark.parametrize("who", ["census_a", "reviewer_a", "admin"])
def test_only_restorers_of_the_job_add_photographs(any_org: dict[str, Guji], store: Path, who: str) -> None:
    org = any_org
    jid = open_job(org)
    before = written(org["admin"])
    with pytest.raises(PermissionDenied):
        org[who].restoration.add_photo_file(jid, BEFORE, "before")
    assert written(org["admin"]) == before and store_files(store) == []


def test_a_restorer_not_assigned_to_the_job_is_refused(org: dict[str, Guji], store: Path) -> None:
    org["admin"].users.add_user("restorer.a2", "secret-pass-1", ["restorer"], institution="210000-0101")
    other = Guji.sign_in(org["admin"].db, "restorer.a2", "secret-pass-1")
    jid = open_job(org, restorers=["restorer.a"])
    before = written(org["admin"])
    with pytest.raises(PermissionDenied, match="not assigned"):
        other.restoration.add_photo_file(jid, BEFORE, "before")
    assert written(org["admin"]) == before and store_files(store) == []


def test_a_locked_job_refuses_photographs(org: dict[str, Guji], store: Path) -> None:
    jid = open_job(org)
    to_state(org, jid, "closed")
    before = written(org["admin"])
    r = org["restorer_a"].restoration
    with pytest.raises(Conflict, match="locked"):
        r.add_photo_file(jid, BEFORE, "after")
    assert written(org["admin"]) == before and store_files(store) == []


@pytest.mark.parametrize("kind", ["truncated", "not_an_image", "empty", "missing"])
def test_bad_files_are_refused_by_the_image_store(org: dict[str, Guji], store: Path, tmp_path: Path,
                                                  kind: str) -> None:
    jid = open_job(org)
    bad = tmp_path / "bad.jpg"
    if kind == "truncated":
        data = BEFORE.read_bytes()
        bad.write_bytes(data[: len(data) // 2])
    elif kind == "not_an_image":
        bad.write_text("修復記錄：這不是圖像\n" * 50, encoding="utf-8")
    elif kind == "empty":
        bad.write_bytes(b"")
    before = written(org["admin"])
    with pytest.raises(ValidationError) as err:
        org["restorer_a"].restoration.add_photo_file(jid, bad, "before")
    assert err.value.fields == ["file"]
    assert "bad.jpg" in str(err.value)
    # no orphan stored_image row, and the store's temporary copy is gone too
    assert written(org["admin"]) == before and store_files(store) == []


def test_a_pixel_bomb_is_refused(org: dict[str, Guji], store: Path, tmp_path: Path) -> None:
    from PIL import Image

    jid = open_job(org)
    big = tmp_path / "big.png"
    Image.new("L", (3000, 3000)).save(big)
    r = org["restorer_a"]
    r.restoration.images = r.images
    r.images.max_pixels = 1_000_000
    before = written(r)
    with pytest.raises(ValidationError) as err:
        r.restoration.add_photo_file(jid, big, "before")
    assert err.value.fields == ["file"]
    assert written(r) == before and store_files(store) == []


def test_a_failure_after_the_file_is_stored_rolls_everything_back(org: dict[str, Guji], store: Path,
                                                                  tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    jid = open_job(org)
    r = org["restorer_a"].restoration
    before = written(org["admin"])

    def boom(*args: object, **kw: object) -> None:
        raise RuntimeError("disk full while writing the photo row")

    monkeypatch.setattr(type(r), "_write_photo", boom)
    with pytest.raises(RuntimeError):
        r.add_photo_file(jid, small_png(tmp_path / "x.png"), "before")
    # the image row and the attachment went with the transaction; the new store file was removed
    assert written(org["admin"]) == before and store_files(store) == []


def test_unknown_hashes_are_refused(org: dict[str, Guji], store: Path, tmp_path: Path) -> None:
    jid = open_job(org)
    r = org["restorer_a"].restoration
    before = written(org["admin"])
    cases = [(("before", "ab" * 32), {}, "sha256"),
             (("before", "not-a-hash"), {}, "sha256"),
             (("before", "ab" * 32), {"file_path": str(tmp_path / "gone.png")}, "file_path"),
             (("sideways", "ab" * 32), {}, "stage")]
    for args, kw, field in cases:
        with pytest.raises(ValidationError) as err:
            r.add_photo(jid, *args, **kw)  # type: ignore[arg-type]
        assert err.value.fields == [field], (args, kw)
    # a readable file whose content has another hash: refused, and the file it stored is removed again
    with pytest.raises(ValidationError) as err:
        r.add_photo(jid, "before", "ab" * 32, file_path=str(small_png(tmp_path / "y.png")))
    assert err.value.fields == ["sha256"]
    assert written(org["admin"]) == before and store_files(store) == []


def test_add_photo_with_a_readable_file_stores_it(org: dict[str, Guji], tmp_path: Path) -> None:
    import hashlib

    jid = open_job(org)
    f = small_png(tmp_path / "z.png")
    sha = hashlib.sha256(f.read_bytes()).hexdigest()
    ph = org["restorer_a"].restoration.add_photo(jid, "before", sha, file_path=str(f))
    assert ph.image_id is not None and count(org["admin"], StoredImage) == 1 and count(org["admin"], JobImage) == 1


# ------------------------------------------------------------------------ the command line


def test_cli_photo(org: dict[str, Guji], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                   store: Path) -> None:
    from guji.cli.main import main

    jid = open_job(org)
    number = org["restorer_a"].restoration.get_job(jid).job_number
    monkeypatch.setenv("GUJI_PASSWORD", "secret-pass-1")
    base = ["--db", str(org["admin"].db.engine.url.database), "--user", "restorer.a"]
    assert main(base + ["restoration", "photo", number, str(BEFORE), "--stage", "before", "--leaf", "1",
                        "--json"]) == 0
    out = capsys.readouterr().out
    assert '"stage": "before"' in out and '"image_id"' in out
    assert main(base + ["restoration", "photo", str(jid), str(AFTER), "--stage", "after"]) == 0
    assert count(org["admin"], Photo) == 2 and count(org["admin"], JobImage) == 2 and len(store_files(store)) == 2
    assert main(base + ["restoration", "photo", number, str(AFTER), "--stage", "sideways"]) == 1
    assert "stage" in capsys.readouterr().err
    base_census = ["--db", str(org["admin"].db.engine.url.database), "--user", "census.a"]
    assert main(base_census + ["restoration", "photo", number, str(AFTER), "--stage", "after"]) == 1
    assert count(org["admin"], Photo) == 2
