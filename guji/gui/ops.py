"""Where the desktop's service calls run, and the one signal that says what they changed.

:class:`Ops` owns two database lanes, each a :class:`~guji.gui.worker.DbWorker` thread that opens its
own sessions:

* ``browse`` — every short call: lists, loads, checks, saves, review steps. Calls run one after
  another, so what a page shows is never read half-way through another page's save.
* ``long`` — exports, the restoration archive PDF, imports: jobs that take seconds to minutes. They
  run on their own thread with their own :class:`~guji.app.Guji` (``long_app``: the same database
  and signed-in person, services of its own), so browsing never waits behind them. A second write
  meets the first in the database (SQLite's busy timeout, PostgreSQL's row locks), as two desks do.

``changed`` is emitted on the GUI thread with the :class:`~guji.services.context.Changes` of every
operation: :meth:`run` emits it when the result is a ``Changes`` (or carries one as ``.changes``),
or with what its ``changes`` argument names; :meth:`notify` emits it for a change the GUI learnt of
otherwise (an import's report). Pages subscribe to it; nothing calls a page to say what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from guji.gui.qt import QObject, QWidget, pyqtSignal
from guji.gui.worker import DbWorker, Job, run_op
from guji.services.context import Changes

if TYPE_CHECKING:
    from guji.app import Guji

BROWSE = "browse"
LONG = "long"

ChangesArg = Changes | Callable[[Any], Changes | None] | None


def changes_of(result: Any) -> Changes | None:
    """The Changes an operation's result reports: the result itself, or its ``changes`` attribute."""
    if isinstance(result, Changes):
        return result
    carried = getattr(result, "changes", None)
    return carried if isinstance(carried, Changes) else None


class Ops(QObject):
    """The database lanes of one signed-in window and its ``changed`` signal."""

    changed = pyqtSignal(object)  # Changes

    def __init__(self, app: Guji, browse: DbWorker | None = None, long: DbWorker | None = None):
        super().__init__()
        from guji.app import Guji

        self.app = app
        self.browse = browse or DbWorker(name="guji-db")
        # A browse lane run inline (tests) gets an inline long lane too: everything stays in order.
        self.long = long or DbWorker(inline=self.browse.inline, name="guji-db-long")
        self.long_app = Guji(app.db, app.actor)

    def worker(self, lane: str) -> DbWorker:
        if lane == BROWSE:
            return self.browse
        if lane == LONG:
            return self.long
        raise ValueError(f"no lane {lane!r}; lanes are {BROWSE!r} and {LONG!r}")

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        parent: QWidget | None = None,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        changes: ChangesArg = None,
        lane: str = BROWSE,
        **kwargs: Any,
    ) -> Job:
        """Run ``fn(*args, **kwargs)`` on ``lane``; on the GUI thread call ``on_done(result)`` (or show the
        error, or ``on_error(exc)``), then emit :attr:`changed`.

        What is emitted: ``changes`` when given (a Changes, or a function of the result returning one
        or None), else the Changes the result reports (:func:`changes_of`); nothing when there is none.
        ``parent`` shows a busy cursor while the call runs and owns the error dialog.
        """

        def done(result: Any) -> None:
            if on_done is not None:
                on_done(result)
            if changes is None:
                what = changes_of(result)
            elif isinstance(changes, Changes):
                what = changes
            else:
                what = changes(result)
            if what is not None:
                self.changed.emit(what)

        return run_op(self.worker(lane), parent, fn, *args, on_done=done, on_error=on_error, **kwargs)

    def submit(
        self, fn: Callable[..., Any], *args: Any, lane: str = BROWSE, wants_progress: bool = False,
        connect: Callable[[Job], None] | None = None, **kwargs: Any,
    ) -> Job:
        """Queue a job with its own signal handling (progress, cancel) on ``lane``; see :meth:`DbWorker.submit`."""
        return self.worker(lane).submit(fn, *args, wants_progress=wants_progress, connect=connect, **kwargs)

    def notify(self, changes: Changes | None) -> None:
        """Emit :attr:`changed` for a change not reported through :meth:`run`."""
        if changes is not None:
            self.changed.emit(changes)

    def busy(self) -> bool:
        """Whether a job is queued or running on either lane."""
        return self.browse.busy() or self.long.busy()

    def stop(self) -> None:
        """Finish the queued jobs of both lanes and end their threads."""
        self.long.stop()
        self.browse.stop()
