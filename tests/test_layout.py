"""The house rules of tracker/ (docs/layout.md): small modules, no import cycle, dependencies one way."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400

# package -> the tracker sub-packages it may never import (the rule in docs/layout.md).
FORBIDDEN = {
    "tracker.models": {"tracker.explore", "tracker.curation", "tracker.intake", "tracker.samples", "tracker.jobs"},
    "tracker.explore": {"tracker.curation", "tracker.intake", "tracker.samples", "tracker.jobs"},
    "tracker.intake": {"tracker.explore", "tracker.curation", "tracker.samples", "tracker.jobs"},
    # curation may import intake: the admin's upload page runs the import engine.
    "tracker.curation": {"tracker.explore", "tracker.samples"},
    "tracker.samples": {"tracker.explore", "tracker.curation", "tracker.intake"},
    # api reads what explore reads, through explore's FilterSets, pagination and report streaming.
    "tracker.api": {"tracker.curation", "tracker.intake", "tracker.samples", "tracker.jobs"},
    # jobs run work that other rooms register with it (curation's imports): it knows none of them.
    "tracker.jobs": {"tracker.explore", "tracker.curation", "tracker.intake", "tracker.samples", "tracker.api"},
    # evidence fetches and archives sources as jobs; other rooms reach it through signals or call it.
    "tracker.evidence": {"tracker.explore", "tracker.curation", "tracker.intake", "tracker.samples", "tracker.api"},
    # the reader reads with the intake's SIPRI vocabulary and keeps pages through evidence; the admin calls it.
    "tracker.reader": {"tracker.explore", "tracker.curation", "tracker.samples", "tracker.api"},
    # releases freeze published records through explore's CSV writers and the API's JSON, as a job; the admin calls it.
    "tracker.releases": {"tracker.curation", "tracker.intake", "tracker.samples"},
}


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files(*roots):
    return [p for root in roots for p in sorted((ROOT / root).rglob("*.py")) if "migrations" not in p.parts]


def modules():
    return {module_name(p): p for p in python_files("tracker", "tests", "bench")}


def imports_of(path, known):
    """Every module of ours that path imports, at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {m for m in found if m in known}


def graph():
    known = modules()
    return {name: imports_of(path, known) for name, path in known.items()}


def test_no_module_in_tracker_is_over_400_lines():
    long = {module_name(p): n for p in python_files("tracker") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def cycles(edges):
    """Every cycle a depth-first walk of edges {module: {modules it imports}} meets."""
    state, found = {}, []

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append(trail[trail.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycle():
    assert cycles({name: {m for m in deps if m.startswith("tracker")} for name, deps in graph().items()}) == []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_dependencies_point_one_way(package):
    wrong = {
        (name, dep)
        for name, deps in graph().items()
        if name == package or name.startswith(package + ".")
        for dep in deps
        if any(dep == f or dep.startswith(f + ".") for f in FORBIDDEN[package])
    }
    assert wrong == set()


def test_bench_is_imported_by_nothing():
    assert {
        (n, d) for n, deps in graph().items() if not n.startswith("bench") for d in deps if d.startswith("bench")
    } == set()


def test_every_sub_package_says_what_it_owns_and_may_import():
    for package in FORBIDDEN:
        text = (ROOT / package.replace(".", "/") / "__init__.py").read_text()
        doc = ast.get_docstring(ast.parse(text)) or ""
        assert "May import" in doc, package
