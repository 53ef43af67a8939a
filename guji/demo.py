"""Demo data: a realistic register built through the same services a user calls.

The unit codes here are demo values (9xxx), not codes issued by the census
centre. The same record generator (:mod:`guji.census.demo_records`, when
present) feeds the benchmarks at a million records.
"""

from __future__ import annotations

from guji.app import Guji
from guji.census.demo_records import seed_records
from guji.db import migrate
from guji.db.engine import Database
from guji.services import auth
from restoration.demo import seed_jobs

DEMO_LOGIN = "demo"
DEMO_PASSWORD = "guji-demo-2026"
DEMO_STAFF_PASSWORD = "guji-demo-2026"

DEMO_INSTITUTIONS = [
    # name, region, unit, is_centre
    ("遼寧省古籍保護中心（演示）", "210000", "9000", True),
    ("遼寧省圖書館（演示）", "210000", "9101", False),
    ("大連圖書館（演示）", "210000", "9201", False),
    ("吉林省圖書館（演示）", "220000", "9101", False),
]

DEMO_USERS = [
    # login, full name, roles, institution index
    ("zhang.census", "張著錄", ["census"], 1),
    ("li.review", "李審核", ["reviewer"], 1),
    ("wang.centre", "王中心", ["reviewer"], 0),
    ("sun.centre", "孫中心", ["reviewer"], 0),
    ("zhao.restorer", "趙修復", ["restorer"], 1),
    ("chen.census", "陳著錄", ["census"], 3),
    ("liu.review", "劉審核", ["reviewer"], 3),
]


def seed_demo(app: Guji, *, records: int = 300, seed: int = 20161231) -> dict[str, int]:
    """Load demo institutions, users, census records and restoration archives; return counts."""
    codes = []
    for name, region, unit, centre in DEMO_INSTITUTIONS:
        codes.append(app.institutions.add_institution(name, region, unit, is_centre=centre).code)
    for login, full_name, roles, idx in DEMO_USERS:
        app.users.add_user(login, DEMO_STAFF_PASSWORD, roles, institution=codes[idx], full_name=full_name)
    summary = {"institutions": len(codes), "users": len(DEMO_USERS)}
    summary.update(seed_records(app, codes[1:], count=records, seed=seed))
    # Restoration archives on the records just made.
    summary.update(seed_jobs(app, codes[1], password=DEMO_STAFF_PASSWORD))
    return summary


def create_demo_database(url: str, *, records: int = 300) -> Guji:
    """Create a database at ``url`` with the demo data and return it signed in as the demo administrator."""
    db = Database.open(url, create=True)
    migrate.upgrade(db)
    actor = auth.bootstrap_admin(db, DEMO_LOGIN, DEMO_PASSWORD, "演示管理員")
    app = Guji(db, actor)
    seed_demo(app, records=records)
    return app
