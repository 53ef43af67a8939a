"""``guji imaging``: analyse page scans, batch-process them into derivatives, attach them to records.

``analyze`` and ``process`` work on files only (no database, no sign-in); ``attach``
adds scans to the image store and attaches them to a census record through
``app.images`` (sign-in needed, permissions and audit apply).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
from typing import Any, TextIO

from guji.cli.common import CliError, print_json, sign_in


def _positive_dpi(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 10 <= value <= 20000:
        raise argparse.ArgumentTypeError(f"{text} dpi is not a scanning resolution (10–20000)")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("imaging", help="page images: analyse, batch-process, attach to records")
    isub = p.add_subparsers(dest="imaging_command", required=True, metavar="ACTION")

    a = isub.add_parser("analyze", help="analyse one page scan and print one JSON object "
                                        "(skew, page box, 版心 split, frame in cm, lines, damage, paper colour)")
    a.add_argument("image", help="TIFF, JPEG or PNG file (the content decides, not the extension)")
    a.add_argument("--dpi", type=_positive_dpi, help="scanning resolution, overriding the file's")
    a.add_argument("--page", type=int, default=1, help="page of a multi-page TIFF (from 1; default 1)")
    a.add_argument("--json", action="store_true", help="JSON output (the default and only form; kept for scripts)")
    a.set_defaults(func=cmd_analyze)

    b = isub.add_parser("process", aliases=["batch"],
                        help="deskew/crop/split scans into print, web and thumbnail JPEGs with a report.json, "
                             "on every core")
    b.add_argument("images", nargs="+", help="image files or folders of them")
    b.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    b.add_argument("--deskew", action="store_true", help="straighten the page")
    b.add_argument("--crop", action="store_true", help="crop to the page (scanner surround, margins, spine shadow)")
    b.add_argument("--split", action="store_true", help="split uncut leaves at the 版心 into half-leaves a and b")
    b.add_argument("--dpi", type=_positive_dpi, help="scanning resolution, overriding the files'")
    b.add_argument("--workers", type=int, default=None, help="processes (default: every core)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.set_defaults(func=cmd_process)

    t = isub.add_parser("attach", help="add scans to the image store and attach them to a census record (書影)")
    t.add_argument("images", nargs="+", help="image files")
    t.add_argument("--record", required=True, metavar="CENSUS_NUMBER", help="普查編號 of the record")
    t.add_argument("--role", default="書影", help="書影 (default), 卷端, 牌記, 鈐印, 批校 or 其他")
    t.add_argument("--caption", help="caption (the same for every file given)")
    t.add_argument("--analyze", action="store_true", help="also analyse each image and store the result")
    t.set_defaults(func=cmd_attach)


# ------------------------------------------------------------------------ analyze


def cmd_analyze(args: argparse.Namespace) -> int:
    """Print the analysis JSON of one scan; a file that cannot be used is one error line and exit 1."""
    from imaging.batch import analyze_file
    from imaging.io import ImageError

    if args.page < 1:
        raise CliError(f"--page counts from 1, not {args.page}")
    try:
        result = analyze_file(args.image, args.dpi, page=args.page - 1)
    except ImageError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{args.image}: {exc.strerror or exc}") from None
    print_json(_plain(result))
    return 0


def _plain(value: Any) -> Any:
    """numpy scalars → JSON numbers (the analyser returns plain values, but be safe)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (int, float, str, bool)):
        return value.item()
    return value


# ------------------------------------------------------------------------ process


class TextProgress:
    """A one-line text progress bar on a stream: ``[#####-----]  50%  5/10 name: done``.

    On a terminal the line is redrawn in place; otherwise (a log file) each update
    that moves the bar by a step gets its own line, so logs stay readable.
    """

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30):
        self.stream = stream
        self.width = width
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last_step = -1
        self._lock = threading.Lock()

    def __call__(self, fraction: float, message: str) -> None:
        fraction = min(1.0, max(0.0, fraction))
        filled = round(fraction * self.width)
        line = f"[{'#' * filled}{'-' * (self.width - filled)}] {fraction * 100:3.0f}%  {message}"
        with self._lock:
            if self.tty:
                cols = shutil.get_terminal_size((100, 20)).columns
                self.stream.write("\r" + line[: cols - 1].ljust(cols - 1))
            elif filled != self._last_step or fraction >= 1.0:
                self.stream.write(line + "\n")
            self._last_step = filled
            self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def cmd_process(args: argparse.Namespace) -> int:
    """Run :func:`imaging.batch.process_batch`; print a JSON summary on stdout, per-file errors on stderr.
    Exit 0 when every page was processed, 1 when any failed (the report says which and why)."""
    from imaging.batch import process_batch

    missing = [p for p in args.images if not os.path.exists(p)]
    if missing:
        raise CliError("not found: " + ", ".join(missing))
    if args.workers is not None and args.workers < 0:
        raise CliError("--workers must be 0 (in this process) or more")
    bar = None if args.quiet else TextProgress(sys.stderr)
    cancel = threading.Event()
    try:
        report = process_batch(args.images, args.out, deskew=args.deskew, crop=args.crop, split=args.split,
                               workers=args.workers, progress=bar, cancel=cancel, dpi=args.dpi)
    except KeyboardInterrupt:
        cancel.set()
        raise
    except OSError as exc:
        raise CliError(f"cannot write to {args.out}: {exc.strerror or exc}") from None
    finally:
        if bar is not None:
            bar.close()
    for r in report.errors:
        print(f"guji: error: {r.error}", file=sys.stderr)
    d = report.as_dict()
    print_json({"out_dir": d["out_dir"], "report": report.report_path, "workers": d["workers"],
                "seconds": d["seconds"], "counts": d["counts"], "cancelled": d["cancelled"]})
    return 1 if report.errors or report.cancelled else 0


# ------------------------------------------------------------------------ attach


def cmd_attach(args: argparse.Namespace) -> int:
    """Add each file and attach it to the record; one JSON line per file. Stops at the first refusal
    (earlier files stay attached, the refused one writes nothing)."""
    app = sign_in(args)
    rec = app.census.find_by_number(args.record)
    for path in args.images:
        att = app.images.add_to_record(path, rec.id, args.role, args.caption)
        out: dict[str, Any] = {"record": rec.census_number, "attachment_id": att.attachment_id,
                               "image_id": att.image.id, "sha256": att.image.sha256, "file": path,
                               "role": att.role, "caption": att.caption, "seq": att.seq,
                               "new_in_store": att.image.created}
        if args.analyze:
            result = app.images.analyze(att.image.id)
            out["frames"] = result.get("frames")
            out["lines_per_half_leaf"] = result.get("lines_per_half_leaf")
        print_json(out)
    return 0
