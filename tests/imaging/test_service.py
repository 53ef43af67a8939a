"""app.images: adding scans to the store, attaching them to records and jobs, analysis, frame size.

Every refusal is checked twice: the clear error, and that nothing was written (no file in the
store, no row, no audit entry).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from guji.app import Guji
from guji.census.record import RecordData
from guji.errors import Conflict, NotFound, PermissionDenied, ValidationError
from guji.images.models import ImageAnalysis, JobImage, RecordImage, StoredImage
from guji.models import AuditEntry
from tests.conftest import SCANS

BOOK4 = SCANS / "book4" / "1.jpg"  # 600 dpi colour half-leaf
BOOK2 = SCANS / "book2" / "1.png"  # uncut leaf, no resolution in the file


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "store"
    monkeypatch.setenv("GUJI_IMAGE_STORE", str(root))
    return root


def book(**kw: object) -> RecordData:
    base = dict(title="墨子十五卷", author_statement="（周）墨翟撰", edition_statement="清乾隆三十年武英殿刻本",
                volumes=4, call_number="善1001")
    base.update(kw)
    return RecordData(**base)  # type: ignore[arg-type]


def small_png(path: Path, size: tuple[int, int] = (60, 40)) -> Path:
    Image.new("RGB", size, (240, 230, 200)).save(path, dpi=(300, 300))
    return path


def counts(app: Guji) -> tuple[int, int, int, int, int]:
    with app.db.read_session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) or 0  # type: ignore[return-value]
                     for t in (StoredImage, RecordImage, JobImage, ImageAnalysis, AuditEntry))


def store_files(root: Path) -> list[Path]:
    """The image files of a store (not its marker)."""
    return [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")] if root.exists() else []


# ------------------------------------------------------------------------ adding


def test_add_image_copies_into_the_store_once(org: dict[str, Guji], tmp_path: Path, store: Path) -> None:
    app = org["census_a"]
    src = small_png(tmp_path / "葉一.png")
    before = src.read_bytes()
    info = app.images.add_image(src)
    assert info.created and info.format == "PNG" and (info.width, info.height) == (60, 40)
    assert info.dpi == pytest.approx(300, abs=0.1) and info.original_name == "葉一.png"
    assert Path(info.path).is_file() and Path(info.path).read_bytes() == before
    assert src.read_bytes() == before  # the original is only read
    n = counts(app)
    again = app.images.add_image(src)  # same content: nothing new
    assert again.id == info.id and not again.created
    assert counts(app) == n and len(store_files(store)) == 1
    assert app.audit.history("stored_image", info.id)[0].action == "create"


def _zero(p: Path) -> Path:
    p.write_bytes(b"")
    return p


def _truncated(p: Path) -> Path:
    full = p.with_suffix(".full.png")
    Image.effect_noise((300, 300), 60).convert("RGB").save(full)
    data = full.read_bytes()
    full.unlink()
    p.write_bytes(data[: len(data) // 2])
    return p


def _text(p: Path) -> Path:
    p.write_text("這不是圖像 just some notes\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("make,reason", [
    (_zero, "empty"), (_truncated, "truncated"), (_text, "text file"), (None, "pixel limit")])
def test_refused_files_write_nothing(org: dict[str, Guji], tmp_path: Path, store: Path, make, reason) -> None:  # type: ignore[no-untyped-def]
    app = org["census_a"]
    rec = app.census.register_book(book())
    path = tmp_path / "bad.png"
    if make is None:
        small_png(path, (200, 200))
        app.images.max_pixels = 10_000  # 40 000 px is over this limit
    else:
        make(path)
    n = counts(app)
    with pytest.raises(ValidationError) as err:
        app.images.add_image(path)
    assert err.value.fields == ["file"] and "bad.png" in str(err.value)
    expected = {"empty": "empty", "truncated": "truncat", "text file": "not a supported image", "pixel limit": "pixel"}
    assert expected[reason] in str(err.value).lower()
    with pytest.raises(ValidationError):
        app.images.add_to_record(path, rec.id, "書影", "卷一首葉")
    assert counts(app) == n
    assert store_files(store) == []


def test_missing_file_and_wrong_role_user(org: dict[str, Guji], tmp_path: Path, store: Path) -> None:
    with pytest.raises(ValidationError, match="not found"):
        org["census_a"].images.add_image(tmp_path / "nowhere.png")
    src = small_png(tmp_path / "a.png")
    with pytest.raises(PermissionDenied, match="census"):
        org["reviewer_a"].images.add_image(src)
    assert store_files(store) == [] and counts(org["admin"])[0] == 0


# ------------------------------------------------------------------------ record attachments


def test_attach_list_update_detach(org: dict[str, Guji], tmp_path: Path) -> None:
    app = org["census_a"]
    rec = app.census.register_book(book())
    one = app.images.add_image(small_png(tmp_path / "1.png"))
    two = app.images.add_image(small_png(tmp_path / "2.png", (50, 50)))
    a1 = app.images.attach_to_record(one.id, rec.id, "卷端", "卷一首葉")
    a2 = app.images.attach_to_record(two.id, rec.id, "牌记")  # simplified form accepted, stored traditional
    listed = app.images.images_of_record(rec.id)
    assert [(a.role, a.caption, a.image.id) for a in listed] == [("卷端", "卷一首葉", one.id), ("牌記", None, two.id)]
    assert [a.seq for a in listed] == [1, 2]
    # other institutions' staff cannot even list them; the centre can
    with pytest.raises(PermissionDenied):
        org["census_b"].images.images_of_record(rec.id)
    assert len(org["centre_reviewer"].images.images_of_record(rec.id)) == 2
    # the restorer of the same institution may attach too
    org["restorer_a"].images.attach_to_record(org["restorer_a"].images.add_image(
        small_png(tmp_path / "3.png", (44, 44))).id, rec.id, "鈐印")
    upd = app.images.update_record_image(a2.attachment_id, caption="內封牌記", seq=0)
    assert upd.caption == "內封牌記"
    assert [a.role for a in app.images.images_of_record(rec.id)] == ["牌記", "卷端", "鈐印"]
    app.images.detach(a1.attachment_id)
    assert [a.image.id for a in app.images.images_of_record(rec.id)][:1] == [two.id]
    actions = [h.action for h in app.census.history(rec.id)]
    assert actions.count("attach_image") == 3 and "detach_image" in actions and "update_image" in actions


def test_attach_refusals_write_nothing(org: dict[str, Guji], tmp_path: Path, store: Path) -> None:
    app = org["census_a"]
    rec = app.census.register_book(book())
    img = app.images.add_image(small_png(tmp_path / "1.png"))
    app.images.attach_to_record(img.id, rec.id)
    files = store_files(store)
    n = counts(app)
    new_png = small_png(tmp_path / "new.png", (40, 40))
    with pytest.raises(ValidationError) as err:
        app.images.attach_to_record(img.id, rec.id, "封面照")
    assert err.value.fields == ["role"]
    with pytest.raises(ValidationError):
        app.images.add_to_record(new_png, rec.id, "封面照")
    with pytest.raises(ValidationError, match="caption"):
        app.images.add_to_record(new_png, rec.id, "書影", "長" * 501)
    with pytest.raises(Conflict, match="already attached"):
        app.images.attach_to_record(img.id, rec.id, "卷端")
    # another institution's census staff
    with pytest.raises(PermissionDenied, match="another institution"):
        org["census_b"].images.add_to_record(new_png, rec.id)
    # a reviewer may look but not attach
    with pytest.raises(PermissionDenied):
        org["reviewer_a"].images.attach_to_record(img.id, rec.id, "卷端")
    with pytest.raises(NotFound):
        app.images.attach_to_record(img.id, 999_999)
    # a submitted record is locked
    app.review.submit_for_review(rec.id)
    n_locked = counts(app)
    with pytest.raises(Conflict, match="locked"):
        app.images.add_to_record(new_png, rec.id)
    with pytest.raises(Conflict, match="locked"):
        app.images.detach(app.images.images_of_record(rec.id)[0].attachment_id)
    assert counts(app) == n_locked and n_locked[:4] == n[:4]
    assert store_files(store) == files


def test_images_of_another_institution_are_private(org: dict[str, Guji], tmp_path: Path) -> None:
    img = org["census_a"].images.add_image(small_png(tmp_path / "1.png"))
    with pytest.raises(PermissionDenied):
        org["census_b"].images.get_image(img.id)
    assert org["census_b"].images.list_images() == []
    assert [i.id for i in org["centre_reviewer"].images.list_images()] == [img.id]


# ------------------------------------------------------------------------ job attachments


def test_job_images_by_stage(org: dict[str, Guji], tmp_path: Path) -> None:
    from tests.restoration.conftest import open_job

    app = org["restorer_a"]
    jid = open_job(org)
    imgs = [app.images.add_image(small_png(tmp_path / f"{i}.png", (40 + 5 * i, 40))) for i in range(3)]
    app.images.attach_to_job(imgs[0].id, jid, "after", "修復後全葉")
    app.images.attach_to_job(imgs[1].id, jid, "修復前", "蟲蛀")
    app.images.attach_to_job(imgs[2].id, jid, "during")
    got = app.images.images_of_job(jid)
    assert [(a.role, a.caption) for a in got] == [("before", "蟲蛀"), ("during", None), ("after", "修復後全葉")]
    n = counts(app)
    with pytest.raises(ValidationError) as err:
        app.images.attach_to_job(imgs[0].id, jid, "repairing")
    assert err.value.fields == ["stage"]
    with pytest.raises(PermissionDenied, match="restorer"):
        org["census_a"].images.attach_to_job(imgs[0].id, jid, "before")
    with pytest.raises(Conflict):
        app.images.attach_to_job(imgs[0].id, jid, "before")
    with pytest.raises(NotFound):
        app.images.attach_to_job(imgs[0].id, jid + 100, "before")
    assert counts(app) == n
    with pytest.raises(PermissionDenied):  # another institution's job: neither seen nor changed
        org["census_b"].images.images_of_job(jid)
    app.images.detach(got[0].attachment_id, kind="job")
    assert len(app.images.images_of_job(jid)) == 2


# ------------------------------------------------------------------------ analysis and frame size


def test_analyze_is_stored_and_reused(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    img = app.images.add_image(BOOK4)
    assert img.dpi == 600
    assert app.images.stored_analysis(img.id) is None
    result = app.images.analyze(img.id)
    assert result["dpi"] == 600 and result["frames"] and result["frames"][0]["height_cm"] > 15
    assert result["path"] == img.relpath
    n = counts(app)
    assert app.images.analyze(img.id) == result  # stored: no recompute, no new rows
    assert counts(app) == n
    assert app.images.stored_analysis(img.id) == result
    assert app.audit.history("stored_image", img.id)[0].action == "analyze"


def test_apply_measured_frame_fills_the_record(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    rec = app.census.register_book(book())
    img = app.images.add_image(BOOK4)
    res = app.images.apply_measured_frame(rec.id, img.id)
    d = app.census.get_record(rec.id).data
    frame = app.images.stored_analysis(img.id)["frames"][0]  # type: ignore[index]
    assert d.frame_height_cm == res.frame_height_cm == Decimal(str(round(frame["height_cm"], 1)))
    assert d.frame_width_cm == res.frame_width_cm
    assert Decimal("17") < d.frame_height_cm < Decimal("19.5") and Decimal("11") < d.frame_width_cm < Decimal("13")
    assert d.frame_edge == "outer"
    assert d.lines_per_half_leaf == res.lines_per_half_leaf and res.lines_filled
    hist = app.census.history(rec.id)
    assert hist[0].action == "update" and "frame_height_cm" in hist[0].changes
    # a line count staff entered is kept
    d.lines_per_half_leaf = 8
    app.census.update_record(rec.id, d)
    res2 = app.images.apply_measured_frame(rec.id, img.id)
    assert not res2.lines_filled and app.census.get_record(rec.id).data.lines_per_half_leaf == 8


def test_apply_frame_on_an_uncut_leaf_takes_the_half_leaf(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    rec = app.census.register_book(book())
    img = app.images.add_image(BOOK2)
    assert img.dpi is None
    n = counts(app)
    with pytest.raises(ValidationError, match="resolution"):
        app.images.apply_measured_frame(rec.id, img.id)
    assert counts(app)[4] == n[4] + 1  # only the (stored) analysis; the record is untouched
    assert app.census.get_record(rec.id).data.frame_height_cm is None
    res = app.images.apply_measured_frame(rec.id, img.id, dpi=200)
    a = app.images.stored_analysis(img.id, dpi=200)
    assert a is not None and a["split_x"] is not None
    _x0, y0, x1, y1 = a["frames"][0]["box"]
    assert res.frame_is_half is True
    assert res.frame_width_cm == Decimal(str(round((x1 - a["split_x"]) / 200 * 2.54, 1)))
    assert res.frame_height_cm == Decimal(str(round((y1 - y0) / 200 * 2.54, 1)))


def test_apply_frame_refusals_write_nothing(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    rec = app.census.register_book(book())
    img = app.images.add_image(BOOK4)
    app.images.analyze(img.id)
    app.images.analyze(img.id, dpi=6000)
    n = counts(app)
    version = app.census.get_record(rec.id).version
    # an implausible size (wrong dpi) is refused by the census validation
    with pytest.raises(ValidationError) as err:
        app.images.apply_measured_frame(rec.id, img.id, dpi=6000)
    assert "frame_height_cm" in err.value.fields
    # other institution, reviewer
    with pytest.raises(PermissionDenied):
        org["census_b"].images.apply_measured_frame(rec.id, img.id)
    with pytest.raises(PermissionDenied):
        org["reviewer_a"].images.apply_measured_frame(rec.id, img.id)
    assert counts(app) == n
    # locked
    app.review.submit_for_review(rec.id)
    n = counts(app)
    with pytest.raises(Conflict, match="locked"):
        app.images.apply_measured_frame(rec.id, img.id)
    assert counts(app) == n
    v = app.census.get_record(rec.id)
    assert v.data.frame_height_cm is None and v.version == version + 1  # +1: the submit only


def test_derivatives_of_an_uncut_leaf(org: dict[str, Guji], store: Path) -> None:
    app = org["census_a"]
    img = app.images.add_image(BOOK2)
    files = app.images.make_derivatives(img.id, deskew=True, crop=True, split=True, kinds=("web", "thumb"))
    assert sorted((f.part, f.kind) for f in files) == [("a", "thumb"), ("a", "web"), ("b", "thumb"), ("b", "web")]
    for f in files:
        assert Path(f.path).is_file() and Path(f.path).is_relative_to(store / "derivatives")
    assert max(f.width for f in files if f.kind == "thumb") <= 256
    assert app.images.derivatives_of(img.id, kind="web") == [f for f in files if f.kind == "web"]
    again = app.images.make_derivatives(img.id, kinds=("web", "thumb"))
    assert len(again) == 4 and len(app.images.derivatives_of(img.id)) == 4
    assert app.images.image_path(img.id).read_bytes() == BOOK2.read_bytes()  # master untouched


def test_the_whole_round_on_sqlite_and_postgresql(any_org: dict[str, Guji], tmp_path: Path) -> None:
    app = any_org["census_a"]
    rec = app.census.register_book(book())
    att = app.images.add_to_record(BOOK4, rec.id, "書影", "卷一首葉 600 dpi")
    assert att.image.size == BOOK4.stat().st_size and att.image.dpi == 600
    res = app.images.apply_measured_frame(rec.id, att.image.id)
    stored = app.images.stored_analysis(att.image.id)
    assert stored is not None and stored["frames"][0]["box"] and isinstance(stored["paper_lab"], list)
    d = app.census.get_record(rec.id).data
    assert (d.frame_height_cm, d.frame_width_cm) == (res.frame_height_cm, res.frame_width_cm)
    assert [a.caption for a in any_org["centre_reviewer"].images.images_of_record(rec.id)] == ["卷一首葉 600 dpi"]
    # Refused by the service (SQLite), or not even seen (PostgreSQL's row-level security).
    with pytest.raises((PermissionDenied, NotFound)):
        any_org["census_b"].images.images_of_record(rec.id)
    from tests.restoration.conftest import open_job

    jid = open_job(any_org)
    job = any_org["restorer_a"].images.attach_to_job(att.image.id, jid, "before", "修復前")
    assert any_org["restorer_a"].images.images_of_job(jid) == [job]
