"""Two or more desktops registering at once never get the same census number (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from guji.app import Guji
from guji.db.engine import Database
from tests.census.test_register import book
from tests.conftest import PASSWORD


@pytest.mark.slow
def test_concurrent_registrations_get_distinct_serials(any_org: dict[str, Guji]) -> None:
    url = any_org["admin"].db.url
    workers, per_worker = 4, 8
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(workers)

    def desk(i: int) -> None:
        # Each "desktop" has its own engine and connection pool, as separate machines would.
        db = Database.open(url)
        app = Guji.sign_in(db, "census.a", PASSWORD)
        start.wait()
        try:
            for j in range(per_worker):
                r = app.census.register_book(book(call_number=f"{i}-{j}"))
                with lock:
                    numbers.append(r.census_number)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(numbers) == len(set(numbers)) == workers * per_worker
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert serials == list(range(1, workers * per_worker + 1))
