"""The dependency rule of DESIGN.md §2, checked on the code: every import statement of the
project (inside functions too; tests, bench and migrations aside) forms a graph in which
- no modules import each other in a circle;
- the core (liaison) imports no domain app and not supervision;
- no domain app imports another (talks and petitions may call opinions to forward an opinion);
- no domain app imports supervision; config is imported by nobody."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("config", "liaison", "research", "contactpoints", "petitions", "talks",
            "opinions", "pledges", "supervision")
DOMAIN = {"research", "contactpoints", "petitions", "talks", "opinions", "pledges"}
ALLOWED = {("talks", "opinions"), ("petitions", "opinions")}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def import_graph() -> dict[str, set[str]]:
    mods = modules()

    def resolve(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets.add(base)
                targets.update(f"{base}.{alias.name}" for alias in node.names)
        graph[name] = {r for t in targets if t.split(".")[0] in PACKAGES
                       and (r := resolve(t)) and r != name}
    return graph


def circles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
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
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def violations(graph) -> list[str]:
    problems = []
    for source, targets in graph.items():
        a = source.split(".")[0]
        for target in targets:
            b = target.split(".")[0]
            if a == b:
                continue
            if b == "config":
                problems.append(f"imports the project configuration: {source} -> {target}")
            if a == "liaison" and (b in DOMAIN or b == "supervision"):
                problems.append(f"core imports an app: {source} -> {target}")
            if a in DOMAIN and b in DOMAIN and (a, b) not in ALLOWED:
                problems.append(f"app imports another app: {source} -> {target}")
            if a in DOMAIN and b == "supervision":
                problems.append(f"app imports supervision: {source} -> {target}")
    return problems


def test_the_project_keeps_the_dependency_rule():
    graph = import_graph()
    assert len(graph) > 50  # the walk found the project
    assert violations(graph) == []
    assert circles(graph) == []


def test_the_walk_catches_each_kind_of_violation():
    graph = {
        "liaison.views": {"research.models"},
        "research.views": {"contactpoints.models", "supervision.selectors"},
        "talks.services": {"opinions.services"},
        "liaison.a": {"liaison.b"},
        "liaison.b": {"liaison.a"},
    }
    assert sorted(violations(graph)) == [
        "app imports another app: research.views -> contactpoints.models",
        "app imports supervision: research.views -> supervision.selectors",
        "core imports an app: liaison.views -> research.models",
    ]
    assert circles(graph) == [["liaison.a", "liaison.b"]]
