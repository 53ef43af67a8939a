"""The desktop's operations (guji.gui.ops): two database lanes and the one ``changed`` signal."""

from __future__ import annotations

import threading

import pytest

from guji.app import Guji
from guji.services.context import Changes

pytestmark = pytest.mark.gui


def test_browsing_is_not_held_up_by_a_long_job(gui_app, org: dict[str, Guji], qtbot) -> None:  # type: ignore[no-untyped-def]
    """A slow job holds the long lane; a browse call submitted after it still completes."""
    from guji.gui.ops import LONG, Ops

    ops = Ops(org["census_a"])
    release = threading.Event()
    started = threading.Event()
    threads: dict[str, str] = {}

    def slow_export() -> str:
        threads["long"] = threading.current_thread().name
        started.set()
        release.wait(20)
        return "written"

    def browse() -> list[str]:
        threads["browse"] = threading.current_thread().name
        return [i.code for i in org["census_a"].institutions.list()]

    results: dict[str, object] = {}
    ops.run(slow_export, lane=LONG, on_done=lambda r: results.__setitem__("long", r))
    assert started.wait(10)
    ops.run(browse, on_done=lambda r: results.__setitem__("browse", r))
    try:
        qtbot.waitUntil(lambda: "browse" in results, timeout=5000)
        assert "long" not in results and ops.busy()  # the long job is still running
        assert threads["browse"] != threads["long"]
    finally:
        release.set()
    qtbot.waitUntil(lambda: "long" in results, timeout=10000)
    assert results["long"] == "written" and "220000-0101" in results["browse"]  # type: ignore[operator]
    ops.stop()
    assert not ops.busy()


def test_every_operations_changes_go_through_changed(gui_app, org: dict[str, Guji], qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui.ops import Ops
    from guji.gui.worker import DbWorker

    ops = Ops(org["census_a"], DbWorker(inline=True))
    seen: list[Changes] = []
    ops.changed.connect(seen.append)
    done: list[object] = []
    mine = Changes.of("census_record", [7])
    ops.run(lambda: mine, on_done=done.append)  # a Changes result
    ops.run(lambda: type("Saved", (), {"changes": Changes.of("record_image", [3])})())  # one carried as .changes
    ops.run(lambda: 42, changes=Changes.of("restoration_job", [42]))  # named by the caller
    ops.run(lambda: 5, changes=lambda r: Changes.of("restoration_job", [r]))  # made from the result
    ops.run(lambda: None)  # nothing changed: nothing emitted
    assert done == [mine]
    assert [(c.kind, c.ids) for c in seen] == [("census_record", (7,)), ("record_image", (3,)),
                                               ("restoration_job", (42,)), ("restoration_job", (5,))]


def test_pages_subscribe_to_changed(gui_app, org: dict[str, Guji], qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A page hears every change through ops.changed (nothing calls it by hand)."""
    from guji.gui.mainwindow import MainWindow
    from guji.gui.pages import AdminPage
    from guji.gui.worker import DbWorker

    seen: list[object] = []
    monkeypatch.setattr(AdminPage, "refresh", lambda self, changes=None: seen.append(changes))
    window = MainWindow(org["census_a"], DbWorker(inline=True))
    qtbot.addWidget(window)
    assert seen == [None]  # the first load
    change = Changes.of("user", [1])
    window.ops.notify(change)
    assert seen == [None, change]
