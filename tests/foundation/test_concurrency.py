"""Eight desks at once on one database: nothing silently lost, stock equal to its ledger,
no inconsistent state, no raw exception (see tests/stress.py for what each desk does)."""

from __future__ import annotations

import pytest

from tests import stress


def _round(url: str, seconds: float) -> stress.RunResult:
    setup = stress.prepare(url)
    result = stress.run(url, setup, processes=8, seconds=seconds, min_ops=15)
    problems = stress.check(url, setup, result)
    assert problems == [], "\n".join(problems[:20])
    assert result.commits > 50
    # The desks really collided: some saves were refused as stale or out of turn.
    assert result.refused > 0
    assert all(sum(d.ok.values()) for d in result.desks)
    return result


@pytest.mark.postgres
@pytest.mark.slow
def test_eight_desks_on_postgresql(pg_url: str) -> None:
    _round(pg_url, 6)


@pytest.mark.slow
def test_eight_desks_on_sqlite(sqlite_url: str) -> None:
    _round(sqlite_url, 4)


@pytest.mark.postgres
@pytest.mark.long
def test_eight_desks_on_postgresql_for_thirty_seconds(pg_url: str) -> None:
    result = _round(pg_url, 30)
    assert result.seconds >= 30
