"""Batch processing of page scans: analyse each file and write its derivatives.

:func:`process_batch` is the one function the CLI (``guji imaging batch``), the GUI
and the tests call, with plain Python arguments. Design:

* **Process pool, every core by default.** Pages are independent and the work is
  CPU-bound numpy/OpenCV; threads would fight over the GIL in the Python parts. The
  ``spawn`` start method is used everywhere (also on Linux) because forking a
  process that runs Qt or other threads can deadlock the child. Each worker sets
  ``cv2.setNumThreads(1)``: N single-threaded workers beat N workers that each
  start N OpenCV threads.
* **A bad file never stops the batch.** Every error is caught per page and recorded
  in the report with a user-facing message; even a worker that crashes (e.g. killed
  for memory) only fails the page it was on, and the pool is restarted for the rest.
* **Cancel is prompt and clean.** Workers check the cancel flag between stages;
  running pages get a short grace period, then the workers are terminated. Outputs
  of a page are written into a private staging folder and moved to their final
  names only when the whole page is done, so a cancelled or failed page leaves
  nothing in ``out_dir``; the staging folder is always removed.
* A ``report.json`` describing every page (analysis, outputs, error) is written
  atomically to ``out_dir`` at the end, also after a cancel.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import json
import multiprocessing as mp
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from imaging.derivatives import DEFAULT_KINDS, DerivativeSpec, geometry_from_analysis, process_page, write_derivatives
from imaging.io import DEFAULT_MAX_PIXELS, ImageError, image_info, load_image

__all__ = ["BatchReport", "PageResult", "analyze_file", "expand_inputs", "process_batch"]

REPORT_NAME = "report.json"
REPORT_VERSION = 1
IMAGE_SUFFIXES = (".tif", ".tiff", ".jpg", ".jpeg", ".png", ".jp2")
DEFAULT_ANALYZER = "imaging.analyze:analyze"

# Seconds running pages may take to notice a cancel before their workers are killed.
CANCEL_GRACE_S = 2.0


class CancelFlag(Protocol):
    """Anything with ``is_set()`` (``threading.Event``, ``multiprocessing.Event``, a GUI flag)."""

    def is_set(self) -> bool: ...


class _Cancelled(Exception):
    """Raised inside a worker when the batch was cancelled mid-page."""


@dataclass
class PageResult:
    """Outcome for one page (one file, or one page of a multi-page TIFF).

    ``status`` is ``"ok"``, ``"error"`` or ``"cancelled"``; ``outputs`` paths are
    relative to ``out_dir``.
    """

    path: str
    page: int = 0
    stem: str = ""
    status: str = "cancelled"
    error: str | None = None
    analysis: dict[str, Any] | None = None
    outputs: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    detail: str | None = None  # traceback of unexpected errors, for the developers


@dataclass
class BatchReport:
    """Everything a batch did; ``as_dict()`` is what ``report.json`` contains."""

    out_dir: str
    options: dict[str, Any]
    workers: int
    started: str
    finished: str = ""
    seconds: float = 0.0
    cancelled: bool = False
    results: list[PageResult] = field(default_factory=list)
    report_path: str = ""

    @property
    def ok(self) -> list[PageResult]:
        """Pages processed successfully."""
        return [r for r in self.results if r.status == "ok"]

    @property
    def errors(self) -> list[PageResult]:
        """Pages that failed (with their messages)."""
        return [r for r in self.results if r.status == "error"]

    def as_dict(self) -> dict[str, Any]:
        """JSON form: summary counts first, then one object per page."""
        counts = {s: sum(r.status == s for r in self.results) for s in ("ok", "error", "cancelled")}
        return {
            "version": REPORT_VERSION,
            "out_dir": self.out_dir,
            "options": self.options,
            "workers": self.workers,
            "started": self.started,
            "finished": self.finished,
            "seconds": round(self.seconds, 3),
            "cancelled": self.cancelled,
            "counts": counts,
            "files": [asdict(r) for r in self.results],
        }


# --------------------------------------------------------------------------- single file


def _resolve(spec: str) -> Callable[..., dict[str, Any]]:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def analyze_file(
    path: str | os.PathLike[str], dpi: float | None = None, *, page: int = 0, analyzer: str = DEFAULT_ANALYZER
) -> dict[str, Any]:
    """Load one page and return :func:`imaging.analyze.analyze`'s dict for it.

    This is what ``guji imaging analyze`` prints. ``dpi`` overrides the file's
    resolution. Raises :class:`~imaging.io.ImageError` for unusable files.
    """
    img = load_image(path, page=page, dpi=dpi)
    return _resolve(analyzer)(img.pixels, dpi=img.dpi, path=str(path))


# --------------------------------------------------------------------------- worker side

_WORKER_CANCEL: CancelFlag | None = None


def _init_worker(cancel: CancelFlag | None) -> None:
    global _WORKER_CANCEL
    _WORKER_CANCEL = cancel
    import cv2

    cv2.setNumThreads(1)


def _check(cancel: CancelFlag | None) -> None:
    if cancel is not None and cancel.is_set():
        raise _Cancelled()


def _json_safe(value: Any) -> Any:
    """numpy scalars/arrays in an analysis dict -> plain JSON values."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    return value


def _run_page(task: dict[str, Any], cancel: CancelFlag | None = None) -> dict[str, Any]:
    """Analyse one page and write its derivatives (runs in a worker process).

    Never raises: returns a :class:`PageResult` as a dict.
    """
    if cancel is None:
        cancel = _WORKER_CANCEL
    start = time.perf_counter()
    res = PageResult(path=task["path"], page=task["page"], stem=task["stem"])
    out_dir = Path(task["out_dir"])
    staging = Path(task["staging"]) / task["stem"]
    try:
        _check(cancel)
        img = load_image(task["path"], page=task["page"], dpi=task["dpi"], max_pixels=task["max_pixels"])
        _check(cancel)
        analysis = _json_safe(_resolve(task["analyzer"])(img.pixels, dpi=img.dpi, path=task["path"]))
        res.analysis = analysis
        _check(cancel)
        geo = geometry_from_analysis(analysis, deskew=task["deskew"], crop=task["crop"], split=task["split"])
        parts = process_page(img.pixels, **geo)
        del img
        _check(cancel)
        files = write_derivatives(
            parts, staging, task["stem"], dpi=task["dpi_out"] or analysis.get("dpi"), kinds=task["kinds"],
            spec=DerivativeSpec(**task["spec"]),
        )
        _check(cancel)
        # Commit: renames only, so the window in which a page is half-published is tiny.
        outputs = []
        for f in files:
            rel = Path(f.path).relative_to(staging)
            final = out_dir / rel
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(f.path, final)
            entry = f.as_dict()
            entry["path"] = rel.as_posix()
            outputs.append(entry)
        res.outputs = outputs
        res.status = "ok"
    except _Cancelled:
        res.status = "cancelled"
    except (ImageError, ValueError) as exc:
        res.status, res.error = "error", str(exc)
    except MemoryError:
        res.status, res.error = "error", f"{Path(task['path']).name}: not enough memory to process this page"
    except Exception as exc:  # noqa: BLE001 - a bug or an OpenCV failure: record it, keep the batch going
        res.status = "error"
        res.error = f"{Path(task['path']).name}: unexpected error ({type(exc).__name__}: {exc})"
        res.detail = traceback.format_exc()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    res.seconds = round(time.perf_counter() - start, 3)
    return asdict(res)


# --------------------------------------------------------------------------- main side


def expand_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Paths as given, with folders replaced by their image files (by name, sorted).

    Files are kept whatever their extension (their content decides later); only a
    folder's listing is filtered by extension, so stray notes in a scan folder are
    not reported as errors.
    """
    out: list[str] = []
    for p in paths:
        sp = os.fspath(p)
        if os.path.isdir(sp):
            out.extend(
                str(c) for c in sorted(Path(sp).iterdir()) if c.is_file() and c.suffix.lower() in IMAGE_SUFFIXES
            )
        else:
            out.append(sp)
    return out


def _unique_stems(paths: Sequence[str]) -> list[str]:
    """Output names: the file stem, prefixed by its folder when stems collide
    (book1/1.png and book2/1.png), numbered as a last resort."""
    stems = [Path(p).stem for p in paths]
    dup = {s for s in stems if stems.count(s) > 1}
    named = [f"{Path(p).parent.name}_{s}" if s in dup else s for p, s in zip(paths, stems, strict=True)]
    seen: dict[str, int] = {}
    out = []
    for n in named:
        k = seen.get(n, 0)
        seen[n] = k + 1
        out.append(n if k == 0 else f"{n}_{k + 1}")
    return out


def _default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # honours taskset / container limits
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _write_report(report: BatchReport, out_dir: Path) -> str:
    path = out_dir / REPORT_NAME
    fd, tmp = tempfile.mkstemp(prefix=".report.", suffix=".part", dir=out_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(report.as_dict(), fh, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return str(path)


def _terminate(executor: cf.ProcessPoolExecutor) -> None:
    """Kill the pool's workers (cancel after the grace period, or a broken pool).

    ``ProcessPoolExecutor`` has no public terminate; ``_processes`` is stable across
    CPython 3.8-3.13 and guarded here in case it changes.
    """
    procs = getattr(executor, "_processes", None) or {}
    for proc in list(procs.values()):
        try:
            proc.terminate()
        except Exception:  # noqa: BLE001 - best effort: the process may be gone already
            pass
    for proc in list(procs.values()):
        try:
            proc.join(timeout=2)
        except Exception:  # noqa: BLE001 - best effort: the process may be gone already
            pass


def process_batch(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    deskew: bool,
    crop: bool,
    split: bool,
    workers: int | None = None,
    progress: Callable[[float, str], None] | None = None,
    cancel: CancelFlag | None = None,
    dpi: float | None = None,
    kinds: Sequence[str] = DEFAULT_KINDS,
    spec: DerivativeSpec = DerivativeSpec(),
    max_pixels: int = DEFAULT_MAX_PIXELS,
    analyzer: str = DEFAULT_ANALYZER,
) -> BatchReport:
    """Analyse every page of ``paths`` and write derivatives and ``report.json`` to ``out_dir``.

    ``paths``: image files (folders are expanded to their image files); every page of
    a multi-page TIFF is processed, named ``<stem>_p001`` etc. ``deskew``/``crop``/
    ``split`` choose which of the analysis' corrections are applied to the outputs.
    ``workers``: processes (default: every available core; ``0`` runs in this process,
    for debugging). ``progress(fraction, message)`` is called in the calling thread
    after each page. ``cancel``: anything with ``is_set()``; when set, no new page is
    started, running pages stop within about ``CANCEL_GRACE_S`` seconds, and no
    partial output remains. ``dpi`` overrides the files' resolution; ``kinds`` and
    ``spec`` choose the derivative files; ``analyzer`` is a ``"module:function"`` with
    the signature of :func:`imaging.analyze.analyze`.

    Returns the :class:`BatchReport` (also written as ``out_dir/report.json``).
    Per-page problems are in the report, never raised; only an unusable ``out_dir``
    raises (``OSError``).
    """
    started_at = time.perf_counter()
    files = expand_inputs(paths)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    n_workers = _default_workers() if workers is None else max(0, int(workers))
    options = {
        "deskew": deskew, "crop": crop, "split": split, "dpi": dpi, "kinds": list(kinds),
        "spec": asdict(spec), "max_pixels": max_pixels, "analyzer": analyzer,
    }
    report = BatchReport(
        out_dir=str(out), options=options, workers=n_workers,
        started=datetime.now(UTC).isoformat(timespec="seconds"),
    )

    def say(fraction: float, message: str) -> None:
        if progress is not None:
            try:
                progress(min(1.0, max(0.0, fraction)), message)
            except Exception:  # noqa: BLE001 - a broken progress display must not lose the batch
                pass

    staging = Path(tempfile.mkdtemp(prefix=".batch-", dir=out))
    try:
        # Plan: one task per page. Header problems are recorded here without a worker.
        results: list[PageResult] = []
        tasks: list[tuple[int, dict[str, Any]]] = []
        for path, stem in zip(files, _unique_stems(files), strict=True):
            try:
                pages = image_info(path)["pages"]
            except ImageError as exc:
                results.append(PageResult(path=path, stem=stem, status="error", error=str(exc)))
                continue
            for page in range(pages):
                pstem = f"{stem}_p{page + 1:03d}" if pages > 1 else stem
                results.append(PageResult(path=path, page=page, stem=pstem))
                tasks.append((len(results) - 1, {
                    "path": path, "page": page, "stem": pstem, "out_dir": str(out), "staging": str(staging),
                    "dpi": dpi, "dpi_out": dpi, "max_pixels": max_pixels, "analyzer": analyzer,
                    "deskew": deskew, "crop": crop, "split": split, "kinds": list(kinds), "spec": asdict(spec),
                }))
        report.results = results
        total = max(1, len(results))
        done = 0
        for r in results:
            if r.status == "error":  # refused at the header stage: report it like any page
                done += 1
                say(done / total, f"{done}/{total} {Path(r.path).name}: {r.error}")
        say(done / total, f"{len(tasks)} page(s) to process with {n_workers or 1} worker(s)")

        def record(index: int, result: dict[str, Any]) -> None:
            nonlocal done
            results[index] = PageResult(**result)
            done += 1
            r = results[index]
            what = "done" if r.status == "ok" else (r.error or r.status)
            say(done / total, f"{done}/{total} {Path(r.path).name}"
                + (f" p{r.page + 1}" if r.stem.endswith(f"_p{r.page + 1:03d}") else "") + f": {what}")

        if n_workers == 0:
            for index, task in tasks:
                if cancel is not None and cancel.is_set():
                    report.cancelled = True
                    break
                record(index, _run_page(task, cancel))
        else:
            report.cancelled = _run_pool(tasks, min(n_workers, max(1, len(tasks))), cancel, record)
        if cancel is not None and cancel.is_set():
            report.cancelled = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    report.seconds = time.perf_counter() - started_at
    report.finished = datetime.now(UTC).isoformat(timespec="seconds")
    report.report_path = _write_report(report, out)
    n_ok, n_err = len(report.ok), len(report.errors)
    say(1.0, f"{'cancelled' if report.cancelled else 'finished'}: {n_ok} ok, {n_err} failed")
    return report


def _ping() -> bool:
    return True


def _check_pool_starts(executor: cf.ProcessPoolExecutor) -> None:
    """Fail the whole batch, clearly, when workers cannot start at all.

    Otherwise every page would look like a crashing page. The usual cause with the
    ``spawn`` start method is a calling script without an ``if __name__ ==
    "__main__":`` guard, which makes each worker re-run the script.
    """
    try:
        executor.submit(_ping).result(timeout=120)
    except Exception as exc:
        _terminate(executor)
        raise RuntimeError(
            "the batch worker processes could not start; if process_batch is called from a "
            "script, put the call under `if __name__ == \"__main__\":` "
            f"({type(exc).__name__}: {exc})"
        ) from exc


def _run_pool(
    tasks: list[tuple[int, dict[str, Any]]],
    n_workers: int,
    cancel: CancelFlag | None,
    record: Callable[[int, dict[str, Any]], None],
) -> bool:
    """Run ``tasks`` on a process pool; return True if cancelled.

    Pages are submitted a few at a time (2 per worker) rather than all at once, so a
    cancel has little queued work to discard and results arrive in roughly input
    order. When a worker dies, the pool cannot say which page killed it: every page
    that was in flight becomes a suspect and is retried alone on a fresh pool; a page
    that kills a worker when alone is recorded as failed.
    """
    if not tasks:
        return False
    ctx = mp.get_context("spawn")
    pending: list[tuple[int, dict[str, Any]]] = list(tasks)
    suspects: list[tuple[int, dict[str, Any]]] = []
    while pending or suspects:
        worker_cancel = ctx.Event()
        executor = cf.ProcessPoolExecutor(
            max_workers=n_workers, mp_context=ctx, initializer=_init_worker, initargs=(worker_cancel,)
        )
        in_flight: dict[cf.Future[dict[str, Any]], tuple[int, dict[str, Any]]] = {}
        alone = False  # True while a suspect runs by itself
        broken = False
        try:
            _check_pool_starts(executor)
            while pending or suspects or in_flight:
                if cancel is not None and cancel.is_set():
                    worker_cancel.set()
                    for fut in list(in_flight):
                        fut.cancel()
                    deadline = time.monotonic() + CANCEL_GRACE_S
                    for fut, (index, _task) in list(in_flight.items()):
                        if fut.cancelled():
                            continue
                        try:
                            result = fut.result(timeout=max(0.0, deadline - time.monotonic()))
                        except Exception:  # noqa: BLE001 - cancelling: a page that failed is dropped
                            continue
                        if result["status"] == "ok":
                            record(index, result)  # finished before it saw the cancel: keep it
                    _terminate(executor)
                    broken = True  # do not wait for killed workers in shutdown()
                    return True
                if suspects and not in_flight:
                    item = suspects.pop(0)
                    in_flight[executor.submit(_run_page, item[1])] = item
                    alone = True
                while not suspects and not alone and pending and len(in_flight) < 2 * n_workers:
                    item = pending.pop(0)
                    in_flight[executor.submit(_run_page, item[1])] = item
                finished, _ = cf.wait(in_flight, timeout=0.1, return_when=cf.FIRST_COMPLETED)
                for fut in finished:
                    index, task = in_flight.pop(fut)
                    try:
                        record(index, fut.result())
                    except cf.process.BrokenProcessPool:
                        broken = True
                        if alone:
                            record(index, asdict(PageResult(
                                path=task["path"], page=task["page"], stem=task["stem"], status="error",
                                error=f"{Path(task['path']).name}: the worker process died while processing "
                                      "this page (out of memory or a crash in the image library)")))
                        else:
                            suspects.append((index, task))
                    except Exception as exc:  # noqa: BLE001 - any worker failure is the page's error
                        record(index, asdict(PageResult(
                            path=task["path"], page=task["page"], stem=task["stem"], status="error",
                            error=f"{Path(task['path']).name}: unexpected error ({type(exc).__name__}: {exc})")))
                if not in_flight:
                    alone = False
                if broken:
                    suspects.extend(in_flight.values())  # lost with the pool
                    suspects.sort()
                    in_flight.clear()
                    break
        finally:
            if broken:
                _terminate(executor)
            executor.shutdown(wait=not broken, cancel_futures=True)
    return False
