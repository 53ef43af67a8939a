"""Every export format behind one interface, in one list.

An :class:`Exporter` describes a format — its key, its label (from the message catalogue),
the file suffix, the options it takes and which records it wants — and renders plain data
(:class:`ExportData`: records as :class:`ExportRecord`, never database rows) to an open
binary file, returning one :class:`ExportResult`. Reading the records, checking who may
read them, writing the file whole or not at all and the audit entry are the exports
service's work (:mod:`guji.services.exports`); the renderers in this package do none of it.

:data:`EXPORTERS` lists every format; the command line (``guji export …``) and the desktop's
export page build their lists of formats from it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import IO, Any

from guji.census.record import RecordData
from guji.jobs import Progress
from guji.messages import Message, msg

__all__ = [
    "EXPORTERS",
    "STATES",
    "ExportData",
    "ExportFilters",
    "ExportRecord",
    "ExportResult",
    "Exporter",
    "Option",
    "by_key",
    "commands",
]

#: The review states a selection may name (the values of ``guji.census.models.ReviewState``).
STATES = ("draft", "submitted", "returned", "unit_approved", "centre_approved")


@dataclass
class ExportFilters:
    """Which records to export; None/empty means no restriction (every record the user may see).

    ``institution`` is a code ``210000-0101``; ``state`` a review state (``draft``,
    ``centre_approved``…); ``grade`` a grade code (``1A``…); ``query`` the register's
    search box; ``ids`` an explicit list of record ids (kept in the given order).
    """

    institution: str | None = None
    state: str | None = None
    grade: str | None = None
    query: str = ""
    ids: list[int] | None = None


@dataclass(frozen=True)
class ExportRecord:
    """One record as the renderers take it: plain data, holder, review state, 子目."""

    id: int
    data: RecordData
    institution_code: str
    institution_name: str
    state: str
    updated_at: Any = None
    children: tuple[tuple[str, str], ...] = ()  # (census number, title) of 子目

    @property
    def census_number(self) -> str:
        return self.data.census_number or ""


@dataclass
class ExportData:
    """What a renderer is given.

    ``records`` in the order to write (an iterator for the streaming formats, which may be
    read only once), ``total`` how many there are, ``options`` the format's options (every
    :class:`Option` present, defaults filled in), ``images`` census number → image files (書影
    first) for the formats that print or list images, ``header`` facts about the export that a
    format writes into its file (who exported, from which institution, the audit chain head…),
    and ``marks``: a binary file to which a format that computes exchange hashes appends one
    entry per written record (census XML).
    """

    records: Iterable[ExportRecord]
    total: int
    options: Mapping[str, Any] = field(default_factory=dict)
    images: Mapping[str, Sequence[Path]] = field(default_factory=dict)
    header: Mapping[str, Any] = field(default_factory=dict)
    marks: IO[bytes] | None = None


@dataclass(frozen=True)
class ExportResult:
    """What any export produced: ``count`` things (``unit``: records, entries, labels, canvases)
    written to ``path``, on ``pages`` pages for the printed formats, and the ``warnings`` for the
    person (characters no font has, images missing or unreadable)."""

    format: str
    path: str
    count: int
    unit: str = "records"
    pages: int | None = None
    warnings: tuple[str, ...] = ()
    missing_chars: tuple[str, ...] = ()
    without_image: tuple[str, ...] = ()
    images: int = 0
    subject: str | None = None  # the one record of a single-record format (its census number)

    def summary(self) -> Message:
        """One line for the person: what was written where."""
        if self.pages is not None:
            return msg(f"export.done.{self.unit}.pages", count=self.count, pages=self.pages, path=self.path)
        if self.subject is not None:
            return msg(f"export.done.{self.unit}.of", count=self.count, subject=self.subject, path=self.path)
        return msg(f"export.done.{self.unit}", count=self.count, path=self.path)


@dataclass(frozen=True)
class Option:
    """One option of a format.

    ``kind`` is ``int``, ``text``, ``folder``, ``flag`` (a boolean, on by default when
    ``default`` is True) or ``url``; ``cli`` the command-line flag (``--no-mark`` for a flag
    that is on by default), ``help`` a message key. ``required`` options have no default.
    """

    name: str
    kind: str
    help: str
    default: Any = None
    cli: str | None = None
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None

    @property
    def flag(self) -> str:
        if self.cli:
            return self.cli
        return "--" + self.name.replace("_", "-")


Renderer = Callable[[ExportData, IO[bytes], "Progress | None", "threading.Event | None"], ExportResult]


@dataclass(frozen=True)
class Exporter:
    """One export format.

    ``render(data, out, progress, cancel)`` writes the format to the binary file ``out`` and
    returns an :class:`ExportResult`; the function is ``module:function`` and is imported only
    when used, so listing the formats loads no PDF or MARC library. ``command`` is the
    ``guji export`` subcommand, ``variant`` (option, value) picks this format within a
    subcommand shared by several (``marc --format iso2709``). ``selection`` is ``records``
    (filters: institution, state) or ``record`` (one record, named by census number or id).
    ``stream`` formats take the records as they are read (in id order, flat memory); the
    others get a list in census-number order. ``read_share`` is the part of the progress bar
    the reading takes. ``records_unit`` names what ``count`` counts.
    """

    key: str
    label_key: str
    suffix: str
    file_filter: str
    renderer: str
    command: str
    variant: tuple[str, str] | None = None
    options: tuple[Option, ...] = ()
    selection: str = "records"
    stream: bool = False
    read_share: float = 0.5
    images: bool = False  # wants the records' image files
    children: bool = False  # wants each record's 子目
    audit_entity: str | None = None  # the audit entity of the export (the format key when None)

    @property
    def label(self) -> Message:
        return msg(self.label_key)

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    def render(self, data: ExportData, out: IO[bytes], progress: Progress | None = None,
               cancel: threading.Event | None = None) -> ExportResult:
        module, function = self.renderer.split(":")
        fn: Renderer = getattr(import_module(module), function)
        return fn(data, out, progress, cancel)


_TITLE = Option("title", "text", "export.option.title")
_IMAGES = Option("images_dir", "folder", "export.option.images", cli="--images")

EXPORTERS: tuple[Exporter, ...] = (
    Exporter("census_xml", "export.format.census_xml", ".xml", "XML (*.xml)", "export.census_xml:render",
             "census-xml", options=(Option("mark", "flag", "export.option.mark", default=True, cli="--no-mark"),),
             stream=True, read_share=0.0),
    Exporter("marc_xml", "export.format.marc_xml", ".xml", "MARCXML (*.xml)", "export.marc:render_xml",
             "marc", ("format", "xml"), children=True),
    Exporter("marc_iso", "export.format.marc_iso", ".mrc", "ISO 2709 (*.mrc *.iso)", "export.marc:render_iso2709",
             "marc", ("format", "iso2709"), children=True),
    Exporter("excel", "export.format.excel", ".xlsx", "Excel (*.xlsx)", "export.excel:render", "excel",
             stream=True, read_share=0.0),
    Exporter("register", "export.format.register", ".pdf", "PDF (*.pdf)", "export.catalogue:render_register",
             "catalogue", ("layout", "register"), options=(_TITLE,)),
    Exporter("illustrated", "export.format.illustrated", ".pdf", "PDF (*.pdf)",
             "export.catalogue:render_illustrated", "catalogue", ("layout", "illustrated"),
             options=(_IMAGES, Option("dpi", "int", "export.option.dpi", default=200, minimum=72, maximum=600),
                      _TITLE),
             read_share=0.2, images=True),
    Exporter("labels", "export.format.labels", ".pdf", "PDF (*.pdf)", "export.labels:render", "labels",
             options=(Option("start", "int", "export.option.start", default=0, minimum=0),
                      Option("outline", "flag", "export.option.outline", default=True, cli="--no-outline")),
             ),
    Exporter("iiif", "export.format.iiif", ".json", "IIIF (*.json)", "export.iiif:render", "iiif",
             options=(Option("base_url", "url", "export.option.base_url", required=True), _IMAGES),
             selection="record", read_share=0.0, images=True),
)


def by_key(key: str) -> Exporter:
    """The format ``key``; KeyError names the known keys."""
    for e in EXPORTERS:
        if e.key == key:
            return e
    raise KeyError(f"no export format {key!r}; one of {', '.join(e.key for e in EXPORTERS)}")


def commands() -> dict[str, list[Exporter]]:
    """The ``guji export`` subcommands, each with its formats (several when they differ by a variant)."""
    out: dict[str, list[Exporter]] = {}
    for e in EXPORTERS:
        out.setdefault(e.command, []).append(e)
    return out
