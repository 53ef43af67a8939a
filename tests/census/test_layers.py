"""The layers of the census package, read from the source with ``ast`` (nothing is imported).

* The modules of ``guji.census`` import one another without a circle.
* The domain (numbers, dating, leaf format, grading rules, vocabularies, the record and its
  checks, search keys, review states) imports no SQLAlchemy and no table, neither at module
  level nor inside a function, also not through the other ``guji`` modules it imports.
* Imports inside functions hide no circle: counted as module imports, the graph stays acyclic.
* The record's length limits fit the columns that store it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import guji

ROOT = Path(guji.__file__).resolve().parent
CENSUS = "guji.census"
DOMAIN = ("numbers", "era", "leaf_format", "grading", "vocab", "record", "search_keys", "states")
# Modules the domain may not reach: the database layer and every table.
FORBIDDEN_PREFIXES = ("sqlalchemy", "alembic", "guji.db", "guji.models", "guji.census.models")


def _path(module: str) -> Path | None:
    parts = module.split(".")
    if parts[0] != "guji":
        return None
    base = ROOT.joinpath(*parts[1:])
    for p in (base.with_suffix(".py"), base / "__init__.py"):
        if p.is_file():
            return p
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _module_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Import statements that run when the module is imported (``if TYPE_CHECKING`` blocks excluded)."""
    out: list[ast.Import | ast.ImportFrom] = []

    def walk(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                out.append(node)
            elif isinstance(node, ast.If):
                if not _is_type_checking(node.test):
                    walk(node.body)
                walk(node.orelse)
            elif isinstance(node, ast.Try):
                walk(node.body)
                for h in node.handlers:
                    walk(h.body)
                walk(node.orelse)
                walk(node.finalbody)
            elif isinstance(node, ast.With):
                walk(node.body)

    walk(tree.body)
    return out


def _targets(node: ast.Import | ast.ImportFrom, importer: str) -> list[str]:
    """The modules an import statement loads (``from pkg import sub`` loads ``pkg.sub`` when it is one)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level:
        pkg = importer if _path(importer) and _path(importer).name == "__init__.py" else importer.rpartition(".")[0]
        for _ in range(node.level - 1):
            pkg = pkg.rpartition(".")[0]
        base = f"{pkg}.{node.module}" if node.module else pkg
    else:
        base = node.module or ""
    out = [base]
    for a in node.names:
        sub = f"{base}.{a.name}"
        if _path(sub) is not None:
            out.append(sub)
    return out


def _with_packages(module: str) -> list[str]:
    """A module and the packages above it (importing ``a.b.c`` runs ``a`` and ``a.b`` too)."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _imports_of(module: str) -> set[str]:
    path = _path(module)
    if path is None:
        return set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in _module_level_imports(tree):
        for t in _targets(node, module):
            out.update(m for m in _with_packages(t) if m != module)
    return out


def _census_modules() -> list[str]:
    return sorted(f"{CENSUS}.{p.stem}" for p in (ROOT / "census").glob("*.py") if p.stem != "__init__")


def _all_imports_of(module: str) -> set[str]:
    """Every module ``module`` imports anywhere: at module level and inside its functions."""
    path = _path(module)
    if path is None:
        return set()
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for t in _targets(node, module):
                out.update(m for m in _with_packages(t) if m != module)
    return out


def _circle(graph: dict[str, list[str]]) -> list[str] | None:
    """One circle of ``graph``, or None."""
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for t in graph[m]:
            if state.get(t) == 1:
                return path[path.index(t):] + [t]
            if t not in state and (found := visit(t)) is not None:
                return found
        path.pop()
        state[m] = 2
        return None

    for m in graph:
        if m not in state and (found := visit(m)) is not None:
            return found
    return None


def test_census_modules_import_without_a_circle() -> None:
    modules = _census_modules()
    graph = {m: sorted(t for t in _imports_of(m) if t in modules) for m in modules}
    circle = _circle(graph)
    assert circle is None, "import circle: " + " → ".join(circle or ())


def test_no_circle_hidden_in_a_function() -> None:
    """Imports inside functions (kept for start-up time) close no circle either: with them
    counted as module imports the graph is still acyclic."""
    modules = _census_modules()
    graph = {m: sorted(t for t in _all_imports_of(m) if t in modules) for m in modules}
    circle = _circle(graph)
    assert circle is None, "import circle through a function-level import: " + " → ".join(circle or ())


@pytest.mark.parametrize("name", DOMAIN)
def test_domain_reaches_no_database(name: str) -> None:
    start = f"{CENSUS}.{name}"
    assert _path(start) is not None, f"{start} is missing"
    seen: dict[str, str] = {start: ""}  # module → the module that imported it
    todo = [start]
    while todo:
        m = todo.pop()
        for t in _all_imports_of(m):
            if any(t == p or t.startswith(p + ".") for p in FORBIDDEN_PREFIXES):
                chain = [t, m]
                while seen[chain[-1]]:
                    chain.append(seen[chain[-1]])
                pytest.fail(f"{start} reaches {t}: " + " ← ".join(chain))
            if t.startswith("guji") and t not in seen:
                seen[t] = m
                todo.append(t)


def test_length_limits_fit_the_columns() -> None:
    from guji.census.models import CensusRecord, RecordAnnotation, RecordAuthor, RecordSeal
    from guji.census.record import PART_LIMITS, SCALAR_FIELDS, TEXT_LIMITS

    def too_long(table: object, limits: dict[str, int]) -> list[str]:
        out = []
        for name, limit in limits.items():
            col = table.c.get(name)  # type: ignore[attr-defined]
            size = getattr(col.type, "length", None) if col is not None else None
            if size is not None and limit > size:
                out.append(f"{table}.{name}: limit {limit}, column {size}")
        return out

    problems = too_long(CensusRecord.__table__, {k: v for k, v in TEXT_LIMITS.items() if k in SCALAR_FIELDS})
    for group, table in (("authors", RecordAuthor), ("seals", RecordSeal), ("annotations", RecordAnnotation)):
        problems += too_long(table.__table__, PART_LIMITS[group])
    assert not problems
