"""Sample census records for the print, MARC, label and IIIF export tests (real-looking, traditional text)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from guji.app import Guji
from guji.census.record import AnnotationData, AuthorData, RecordData, SealData
from tests.conftest import SCANS

SAMPLES: list[dict[str, object]] = [
    dict(title="墨子十五卷", author_statement="（周）墨翟撰", edition_statement="明嘉靖三十一年芝城銅活字印本",
         volumes=4, call_number="善1001", class_branch="zi", class_category="zi.zaxuezashuo",
         frame_height_cm=Decimal("20.3"), frame_width_cm=Decimal("13.6"), frame_is_half=True,
         layout_statement="半葉九行行十七字，白口，四周單邊", national_list_number="03832",
         seals=[SealData("天一閣", "范欽", "卷端")]),
    dict(title="［萬曆］金華府志三十卷", author_statement="（明）王懋德（明）陸鳳儀纂修",
         edition_statement="明萬曆刻本",
         volumes=12, extant="存卷十六至十九", call_number="善2034", class_branch="shi", class_category="shi.fangzhi",
         frame_height_cm=Decimal("21.5"), frame_width_cm=Decimal("14.2"),
         layout_statement="半葉十行行二十字，白口，四周雙邊，單黑魚尾",
         seals=[SealData("北京圖書館藏", None, "卷端"), SealData("汪士鐘印", "汪士鐘", "序首")],
         annotations=[AnnotationData("黃丕烈", "跋", "卷末手跋")]),
    dict(title="貞觀政要十卷", author_statement="（唐）吳兢撰（元）戈直集論", edition_statement="明成化元年內府刻本",
         volumes=8, call_number="善0107", class_branch="shi", class_category="shi.shiping",
         national_list_number="03833"),
    dict(title="周易本義四卷", author_statement="（宋）朱熹撰", edition_statement="清康熙內府刻本", volumes=4,
         call_number="經12", class_branch="jing", class_category="jing.yi"),
    dict(title="毛詩注疏二十卷", author_statement="（漢）毛亨傳（漢）鄭玄箋（唐）孔穎達疏",
         edition_statement="清乾隆四年武英殿刻本",
         volumes=10, call_number="經40", class_branch="jing", class_category="jing.shi"),
    dict(title="杜工部集二十卷", author_statement="（唐）杜甫撰", edition_statement="清光緒壬寅(二十八年)刊本",
         volumes=6,
         call_number="集201", class_branch="ji", class_category="ji.bieji"),
    dict(title="李太白文集三十卷", author_statement="（唐）李白撰", edition_statement="清乾隆刻本", volumes=8,
         call_number="集118", class_branch="ji", class_category="ji.bieji"),
    dict(title="文選六十卷", author_statement="（梁）蕭統輯（唐）李善注", edition_statement="清嘉慶十四年胡克家刻本",
         volumes=16, call_number="集300", class_branch="ji", class_category="ji.zongji"),
    dict(title="說文解字十五卷", author_statement="（漢）許慎撰", edition_statement="清同治十二年陳昌治刻本", volumes=4,
         call_number="經501", class_branch="jing", class_category="jing.xiaoxue"),
    dict(title="知不足齋叢書", author_statement="（清）鮑廷博輯", edition_statement="清乾隆道光間刻本", volumes=240,
         call_number="叢1", class_branch="cong", class_category="cong.zacong"),
    dict(title="本草綱目五十二卷", author_statement="（明）李時珍撰", edition_statement="清光緒十一年刻本", volumes=24,
         call_number="子77", class_branch="zi", class_category="zi.yijia"),
    dict(title="無類之書一卷", author_statement="（清）佚名撰", edition_statement="清抄本", volumes=1,
         call_number="雜9"),
]


def register_samples(app: Guji, samples: list[dict[str, object]] | None = None) -> list[int]:
    """Register the samples through the census service; return their record ids in order."""
    ids = []
    for kw in samples or SAMPLES:
        ids.append(app.census.register_book(RecordData(**kw)).id)  # type: ignore[arg-type]
    return ids


def scan_files() -> list[Path]:
    """The real page scans kept in the repository, for 書影 in the illustrated catalogue."""
    return sorted(p for p in SCANS.glob("*/*") if p.suffix.lower() in (".png", ".jpg"))


__all__ = ["SAMPLES", "AuthorData", "register_samples", "run_cli", "scan_files"]


def run_cli(app: Guji, argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
            login: str = "census.a") -> tuple[int, str, str]:
    """Run ``guji --db <app's database> --user LOGIN argv…``; (exit code, stdout, stderr)."""
    from guji.cli.main import main
    from tests.conftest import PASSWORD

    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    url = app.db.url.render_as_string(hide_password=False)
    db = app.db.url.database if url.startswith("sqlite") else url
    code = main(["--db", str(db), "--user", login, *argv])
    out, err = capsys.readouterr()
    return code, out, err
