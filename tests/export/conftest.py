"""Fixtures of the export tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from guji.app import Guji
from tests.export.catalogue_data import register_samples


@pytest.fixture(scope="module")
def shared_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Guji]]:
    """One populated organisation for the tests that only read (building one costs ~10 s of password hashing)."""
    from tests.conftest import admin_for, build_org, make_db

    db = make_db(str(tmp_path_factory.mktemp("catalogue") / "guji.sqlite3"))
    org = build_org(admin_for(db))
    register_samples(org["census_a"])
    register_samples(org["census_b"], [dict(title="吉林通志一百二十二卷", edition_statement="清光緒刻本", volumes=40)])
    yield org
    db.dispose()
