"""Drawing the computational graph behind a `Value` with graphviz.

`draw_graph(root)` draws one record per Value (its name, shape and dtype, data
and grad), one small node per op, and edges in the direction data flows:
input -> op -> result. Nodes created inside an `nn.Module` call sit in a
labelled cluster per module (nested for nested modules), and parameters are
named as in the outermost module's `named_parameters()`. `draw_graph(root,
step=k)` and `backward_steps(root)` show the backward pass step by step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..backward import toposort
from ..differential_operators import compute_grads
from ..value import Value
from .format import (
    COLORS,
    NO_GRAD,
    REACHED_BORDER,
    format_array,
    format_shape,
    grad_array,
    module_title,
    op_title,
    plain_label,
    record_label,
)
from .plan import Plan
from .render import GraphDigraph

__all__ = ["backward_steps", "draw_graph"]

_RANKDIRS = ("LR", "RL", "TB", "BT")


def _step_grads(plan: Plan, numbered: list) -> dict[int, Any]:
    """Each numbered node's gradient: its `.grad` when every one has it, else computed."""
    if all(v.grad is not None for v in numbered):
        return {id(v): v.grad for v in numbered}
    try:
        grads = compute_grads(plan.root)
    except ValueError as exc:
        raise ValueError(
            f"draw_graph(step=...): cannot run the backward pass from a Value of "
            f"shape {plan.root.shape} ({exc}); call root.backward(grad) first, "
            "and the picture will show the gradients it left in .grad"
        ) from None
    return {id(v): g for v, g in grads.items()}


def _title(v: Any, name: str | None, constant: bool) -> str:
    """A parameter's dotted name (with the label too if that says something else),
    else the label, else `const` for constants."""
    label = v.label
    if name:
        return name if not label or name.rsplit(".", 1)[-1] == label else f"{label} ({name})"
    return label or ("const" if constant else "")


def _value_node(g: Any, plan: Plan, v: Any, i: int, opts: dict, step: dict | None) -> None:
    """The record of `v`, its repeated copies, and the node of the op that made it."""
    constant = not v.requires_grad and not v.op
    title = _title(v, plan.names.get(id(v)), constant)
    reached = False
    if step is not None and id(v) in step["number"]:
        k = step["number"][id(v)]
        reached = k <= step["k"]
        title = f"#{k} {title}" if title else f"#{k}"
    rows = [format_shape(v.data.shape, v.data.dtype), "data: " + format_array(v.data)]
    if opts["show_grad"] and v.requires_grad:
        grad = step["grads"].get(id(v)) if reached else (None if step else v.grad)
        rows.append(NO_GRAD if grad is None else "grad: " + format_array(grad_array(grad)))
    kind = "const" if constant else "inner" if v.op else "leaf"
    attrs = {"shape": "record", "style": "filled", "fillcolor": COLORS[kind]}
    if constant:
        attrs["fontcolor"] = "#555555"
    if reached:
        attrs.update(fillcolor=COLORS["reached"], color=REACHED_BORDER)
    if v is plan.root:
        attrs["penwidth"] = "2"
    rankdir = opts["rankdir"]
    g.node(f"v{i}", record_label([title] * bool(title) + rows, rankdir), **attrs)
    copy_title = f"{title} (repeated)" if title else "(repeated)"
    for copy in opts["copies"].get(i, ()):
        g.node(copy, record_label([copy_title] + rows, rankdir),
               **dict(attrs, style="filled,dashed"))
    if v.op:
        attrs = {"shape": "ellipse", "style": "filled", "fillcolor": COLORS["op"],
                 "fontsize": "10", "margin": "0.04,0.02", "height": "0.3"}
        if reached:
            attrs.update(fillcolor=COLORS["reached"], color=REACHED_BORDER)
        g.node(f"op{i}", op_title(v), **attrs)


def _clustered(plan: Plan, graph: GraphDigraph, fill: Any) -> None:
    """Call `fill(subgraph, nodes)` for the top level and for each module cluster."""
    groups: dict[tuple, list] = {}
    modules: dict[tuple, tuple] = {(): ()}
    for v in plan.order:
        scope = plan.scopes.get(id(v), ())
        key = tuple(map(id, scope))
        groups.setdefault(key, []).append(v)
        for depth in range(1, len(scope) + 1):
            modules.setdefault(key[:depth], scope[:depth])
    clusters = {key: GraphDigraph(name=f"cluster_{n}") for n, key in enumerate(modules)}
    clusters[()] = graph
    for key, sub in clusters.items():
        if key:
            sub.attr(label=plain_label(module_title(modules[key][-1])), style="rounded,dashed",
                     color="#888888", labeljust="l", fontsize="11")
        fill(sub, groups.get(key, []))
    for key in sorted(modules, key=len, reverse=True):  # innermost clusters first
        if key:
            clusters[key[:-1]].subgraph(clusters[key])


def _draw(plan: Plan, opts: dict, step: dict | None) -> GraphDigraph:
    g = GraphDigraph(graph_attr={"rankdir": opts["rankdir"]},
                     node_attr={"fontname": "Helvetica", "fontsize": "11"},
                     edge_attr={"arrowsize": "0.7"})
    index = plan.index
    sources = {}  # (consumer, input position) -> the copy it is drawn from
    copies: dict[int, list] = {}
    for i, slot in sorted(plan.cut):
        j = index[id(plan.order[i].parents[slot])]
        sources[i, slot] = f"v{j}c{i}_{slot}"
        copies.setdefault(j, []).append(sources[i, slot])
    opts = dict(opts, copies=copies)

    def fill(sub: Any, nodes: list) -> None:
        for v in nodes:
            _value_node(sub, plan, v, index[id(v)], opts, step)

    _clustered(plan, g, fill)
    for i, v in enumerate(plan.order):
        if v.op:
            # Where the order of the inputs matters (a - b, a @ b, ...), number them.
            numbered = len(v.parents) > 1 and v.op not in _SYMMETRIC
            for slot, p in enumerate(v.parents):
                g.edge(sources.get((i, slot)) or f"v{index[id(p)]}", f"op{i}",
                       **({"headlabel": str(slot), "labelfontsize": "9", "labeldistance": "1.8", "labelangle": "40", "labelfontcolor": "#555555"} if numbered else {}))
            g.edge(f"op{i}", f"v{i}")
    return g


_SYMMETRIC = {"add", "mul", "maximum", "minimum"}


def _draw_collapsed(plan: Plan, opts: dict) -> GraphDigraph:
    """One node per top-level module (and one for everything outside modules)."""
    groups: dict[int | None, dict] = {}
    group_of: dict[int, int | None] = {}
    for v in plan.order:
        scope = plan.scopes.get(id(v), ())
        key = id(scope[0]) if scope else None
        group_of[id(v)] = key
        info = groups.setdefault(key, {"module": scope[0] if scope else None,
                                       "values": 0, "ops": 0})
        info["values"] += 1
        info["ops"] += 1 if v.op else 0
    edges = set()
    for v in plan.order:
        for p in v.parents:
            if group_of[id(p)] != group_of[id(v)]:
                edges.add((group_of[id(p)], group_of[id(v)]))
    g = GraphDigraph(graph_attr={"rankdir": opts["rankdir"]},
                     node_attr={"fontname": "Helvetica", "fontsize": "11"})
    names = {key: f"m{n}" for n, key in enumerate(groups)}
    root_key = group_of[id(plan.root)]
    for key, info in groups.items():
        title = module_title(info["module"]) if key is not None else "outside modules"
        rows = [title, f"{info['values']} values, {info['ops']} ops"]
        attrs = {"shape": "record", "style": "filled,rounded", "fillcolor": COLORS["module"]}
        if key == root_key:
            root = plan.root
            rows += ["result " + format_shape(root.data.shape, root.data.dtype),
                     "data: " + format_array(root.data)]
            attrs["penwidth"] = "2"
        g.node(names[key], record_label(rows, opts["rankdir"]), **attrs)
    for tail, head in sorted(edges, key=lambda e: (names[e[0]], names[e[1]])):
        g.edge(names[tail], names[head])
    return g


def _check_args(rankdir: str, max_nodes: int | None, step: int | None) -> None:
    if rankdir not in _RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {_RANKDIRS}, got {rankdir!r}")
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int)
                                  or max_nodes < 1):
        raise ValueError(f"draw_graph: max_nodes must be a positive int or None, got {max_nodes!r}")
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, int):
            raise TypeError(f"draw_graph: step must be an int, got {type(step).__name__}")
        if step < 0:
            raise ValueError(f"draw_graph: step must be >= 0, got {step}")


def _step_state(plan: Plan, k: int) -> dict:
    root = plan.root
    if not root.requires_grad:
        raise ValueError("draw_graph(step=...): the root does not require grad, "
                         "so there is no backward pass to show")
    numbered = toposort(root)
    return {"k": k, "number": {id(v): n for n, v in enumerate(numbered, 1)},
            "grads": _step_grads(plan, numbered)}


def _plan_for(root: Any, max_nodes: int | None) -> tuple[Plan, bool]:
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph: expected a Value, got {type(root).__name__}")
    plan = Plan(root)
    too_big = max_nodes is not None and plan.n_nodes > max_nodes
    if too_big and not any(plan.scopes.values()):
        raise ValueError(
            f"draw_graph: the graph has {plan.n_nodes} nodes ({len(plan.order)} values and "
            f"{plan.n_ops} ops), more than max_nodes={max_nodes}; pass "
            f"max_nodes={plan.n_nodes} (or None) to draw it anyway, or draw a smaller part "
            "of the computation")
    return plan, too_big


def draw_graph(root: Any, rankdir: str = "LR", show_grad: bool = True,
               max_nodes: int | None = 500, step: int | None = None) -> GraphDigraph:
    """Draw the computational graph that produced `root`.

    Returns a `graphviz.Digraph` subclass (`GraphDigraph`) that displays inline in
    Jupyter and renders to SVG with or without the Graphviz `dot` executable.

    - Each Value is a record: its label (or parameter name, or `const`), shape and
      dtype, `data` and, with `show_grad`, `grad` (all values for arrays of up to 8
      elements, such as a 4x2 matrix, else min/mean/max; `grad: —` until a backward
      pass reaches it). Labels and names render as written, whatever their characters.
      Each op is a small node; edges follow the data: input -> op -> result.
      Inputs and parameters are blue, constants grey, the root has a bold border.
    - Nodes created inside an `nn.Module` call are grouped in a labelled cluster per
      module; parameters are named as in the outermost module's `named_parameters()`
      (a non-empty `.label` takes precedence).
    - `step=k` numbers the Values in backward order (1 is the root) and shows the
      graph after `k` steps of the backward pass: Values 1..k (and the ops that
      produced them) are highlighted in green and show their gradients, the others
      show `grad: —`; a `k` past the last step shows the whole pass. Gradients come
      from `.grad` if every numbered Value has one, else they are computed without
      touching any `.grad`.
    - If the graph has more than `max_nodes` nodes (Values plus ops; None means no
      limit), nodes created inside modules are collapsed into one node per top-level
      module (everything else into one more node), with edges along the data flow;
      a graph that has no module scopes raises `ValueError` saying how many nodes it has.
      The collapsed view shows no gradients and no steps.
    - A Value used all along a deep graph (a weight shared by every step of a long
      chain) would make the layout very slow; past a budget of edge length, its
      farthest uses are drawn from dashed copies titled `(repeated)`.
    """
    _check_args(rankdir, max_nodes, step)
    plan, too_big = _plan_for(root, max_nodes)
    opts = {"rankdir": rankdir, "show_grad": show_grad}
    if too_big:
        return _draw_collapsed(plan, opts)
    return _draw(plan, opts, None if step is None else _step_state(plan, step))


def backward_steps(root: Any, rankdir: str = "LR", show_grad: bool = True,
                   max_nodes: int | None = 500) -> Iterator[GraphDigraph]:
    """Yield `draw_graph(root, step=k)` for k = 0, 1, ..., n (n Values in the backward pass).

    The graph is walked and the gradients are found once, up front (bad arguments
    raise here, not at the first picture), so stepping through is cheap. A graph
    larger than `max_nodes` raises `ValueError`.
    """
    draw_step, _, state = step_drawer(root, rankdir, show_grad, max_nodes)
    return (draw_step(k) for k in range(len(state["number"]) + 1))


def step_drawer(root: Any, rankdir: str = "LR", show_grad: bool = True,
                max_nodes: int | None = 500, caller: str = "backward_steps"
                ) -> tuple[Callable[[int], GraphDigraph], Plan, dict]:
    """The work `backward_steps` does up front, and a function drawing any one step.

    Returns ``(draw_step, plan, state)``: ``draw_step(k)`` is `draw_graph(root,
    step=k)`; ``state["number"]`` maps ``id(v)`` to v's step and ``state["grads"]``
    ``id(v)`` to the gradient the pictures show. ``caller`` names the function in errors.
    """
    _check_args(rankdir, max_nodes, None)
    plan, too_big = _plan_for(root, max_nodes)
    if too_big:
        raise ValueError(f"{caller}: the graph has {plan.n_nodes} nodes, more than "
                         f"max_nodes={max_nodes}; pass max_nodes={plan.n_nodes} (or None)")
    opts = {"rankdir": rankdir, "show_grad": show_grad}
    state = _step_state(plan, 0)
    return (lambda k: _draw(plan, opts, dict(state, k=k))), plan, state
