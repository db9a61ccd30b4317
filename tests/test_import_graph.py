"""The package's import graph has no cycles, counting imports made inside functions.

An import inside a function is for deliberate lazy loading only (a heavy or optional
part), and says why in a comment on its line or the line above.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "wanspec"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([target] if target else [])])


def _imports(name: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported wanspec module, first line, inside a function) for every import in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # annotations only: never imported at run time
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = _resolve(name, is_package, child.level, child.module)
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    found.append((full if full in MODULES else base, child.lineno, in_function))
            visit(child, nested)

    visit(tree, False)
    return [(m, line, f) for m, line, f in found if m in MODULES and m != name]


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        edges = graph.setdefault(name, set())
        for target, _, _ in _imports(name, path):
            edges.add(target)
            # importing a.b.c runs a/__init__ and a/b/__init__ first
            parts = target.split(".")
            edges.update(".".join(parts[:i]) for i in range(2, len(parts)) if ".".join(parts[:i]) != name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def _is_package_init_edge(a: str, b: str) -> bool:
    # a package's __init__ re-exporting its own submodules is not a cycle to break
    return b.startswith(a + ".") or a.startswith(b + ".")


def test_no_import_cycles_counting_imports_inside_functions():
    graph = _graph()
    # edges from a package's __init__ to its own submodules, and from a submodule to the
    # __init__ of an enclosing package it runs anyway, are how packages work: drop them
    pruned = {a: {b for b in bs if not _is_package_init_edge(a, b)} for a, bs in graph.items()}
    assert _cycles(pruned) == []


def _statement_end(lines: list[str], line: int) -> int:
    """The last line of the import statement starting at ``line`` (1-based, inclusive)."""
    end = line
    if lines[line - 1].rstrip().endswith("("):
        while not lines[end - 1].strip().startswith(")"):
            end += 1
    return end


def test_imports_inside_functions_say_why():
    unexplained = []
    for name, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for _, line, in_function in _imports(name, path):
            statement = lines[line - 1 : _statement_end(lines, line)]
            above = lines[line - 2] if line > 1 else ""
            if in_function and not any("#" in s for s in statement) and not above.strip().startswith("#"):
                unexplained.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {lines[line - 1].strip()}")
    assert unexplained == []
