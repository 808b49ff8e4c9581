"""draw_graph: nodes, edges, labels, clusters, backward steps and big graphs."""

import gc
import re
import shutil
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from autograd_core import Value, modes
from autograd_core.backward import toposort
from autograd_core.viz.draw import backward_steps, draw_graph
from autograd_core.viz.render import GraphDigraph

REACHED = "#b9eeb9"

_NODE = re.compile(r'^\s*(\w+) \[label=("(?:[^"\\]|\\.)*"|[^ \]]+)(.*)\]$')
_EDGE = re.compile(r"^\s*(\w+) -> (\w+)")
_CLUSTER = re.compile(r"^\s*subgraph (cluster_\w+) \{")
_CLUSTER_LABEL = re.compile(r'label=("(?:[^"\\]|\\.)*"|\S+)')


def parse(g):
    """Nodes {id: (label, attrs text, cluster labels outermost first)} and edge list."""
    nodes, edges, stack, pending = {}, [], [], False
    for line in g.source.splitlines():
        if _CLUSTER.match(line):
            stack.append(None)
            pending = True
        elif pending:
            stack[-1] = _CLUSTER_LABEL.search(line).group(1).strip('"')
            pending = False
        elif line.strip() == "}" and stack:
            stack.pop()
        elif _EDGE.match(line):
            edges.append(_EDGE.match(line).groups())
        elif _NODE.match(line):
            name, label, attrs = _NODE.match(line).groups()
            nodes[name] = (label.strip('"'), attrs, tuple(stack))
    return nodes, edges


def rows(label):
    """The fields of a record label."""
    return [r.strip() for r in re.split(r"(?<!\\)\|", label.strip("{}"))]


def values_of(nodes):
    return {k: v for k, v in nodes.items() if "shape=record" in v[1]}


def ops_of(nodes):
    return {k: v for k, v in nodes.items() if "shape=ellipse" in v[1]}


def by_title(nodes, title):
    found = [k for k, v in values_of(nodes).items() if rows(v[0])[0] == title]
    assert len(found) == 1, (title, found)
    return found[0]


def test_counts_for_a_times_b_plus_a():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    ab = a * b
    ab.label = "ab"
    c = ab + a
    c.label = "c"
    g = draw_graph(c)
    assert isinstance(g, GraphDigraph)
    nodes, edges = parse(g)
    assert len(values_of(nodes)) == 4  # a, b, ab, c: a drawn once though used twice
    assert sorted(v[0] for v in ops_of(nodes).values()) == ["*", "+"]
    assert len(edges) == 6
    ids = {t: by_title(nodes, t) for t in ["a", "b", "ab", "c"]}
    mul = next(k for k, v in ops_of(nodes).items() if v[0] == "*")
    add = next(k for k, v in ops_of(nodes).items() if v[0] == "+")
    assert sorted(edges) == sorted([
        (ids["a"], mul), (ids["b"], mul), (mul, ids["ab"]),
        (ids["ab"], add), (ids["a"], add), (add, ids["c"]),
    ])


def test_constants_are_drawn_grey():
    a = Value(1.5, label="a")
    y = 2 * a + 1
    nodes, edges = parse(draw_graph(y))
    consts = [v for v in values_of(nodes).values() if rows(v[0])[0] == "const"]
    assert sorted(rows(v[0])[2] for v in consts) == ["data: 1", "data: 2"]
    assert all('fillcolor="#eeeeee"' in v[1] for v in consts)
    assert all("grad" not in v[0] for v in consts)
    assert len(values_of(nodes)) == 5 and len(ops_of(nodes)) == 2 and len(edges) == 6


def test_data_and_grad_text_before_and_after_backward():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b + a
    c.label = "c"
    before, _ = parse(draw_graph(c))
    assert rows(before[by_title(before, "a")][0]) == ["a", "scalar float64", "data: 2", "grad: \u2014"]
    assert rows(before[by_title(before, "c")][0])[2:] == ["data: -4", "grad: \u2014"]
    c.backward()
    after, _ = parse(draw_graph(c))
    assert rows(after[by_title(after, "a")][0])[3] == "grad: -2"  # b + 1
    assert rows(after[by_title(after, "b")][0])[3] == "grad: 2"  # a
    assert rows(after[by_title(after, "c")][0])[3] == "grad: 1"


def test_small_arrays_in_full_large_ones_summarised():
    small = Value([[1.0, 2.0], [3.14159265, -1e-7]], label="small")
    large = Value(np.arange(12.0).reshape(3, 4), label="large")
    y = (small.sum() + large.sum())
    nodes, _ = parse(draw_graph(y))
    assert rows(nodes[by_title(nodes, "small")][0])[1:3] == [
        "(2, 2) float64", "data: [[1, 2], [3.142, -1e-07]]"]
    assert rows(nodes[by_title(nodes, "large")][0])[1:3] == [
        "(3, 4) float64", "data: min 0, mean 5.5, max 11"]
    y.backward()
    nodes, _ = parse(draw_graph(y))
    assert rows(nodes[by_title(nodes, "large")][0])[3] == "grad: min 1, mean 1, max 1"


def test_show_grad_false_has_no_grad_rows():
    a = Value([1.0, 2.0], label="a")
    y = (a * a).sum()
    y.backward()
    g = draw_graph(y, show_grad=False)
    assert "grad" not in g.source
    assert rows(parse(g)[0][by_title(parse(g)[0], "a")][0]) == ["a", "(2,) float64", "data: [1, 2]"]


def test_rankdir_and_bad_arguments():
    y = Value(1.0, label="x") * 3
    assert "rankdir=TB" in draw_graph(y, rankdir="TB").source
    assert 'label="{x|' in draw_graph(y, rankdir="TB").source  # fields stacked
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(y, rankdir="up")
    with pytest.raises(ValueError, match="step"):
        draw_graph(y, step=-1)
    with pytest.raises(TypeError, match="Value"):
        draw_graph(np.ones(3))


def _chain():
    a, b = Value(0.5, label="a"), Value(-1.0, label="b")
    h = a * b
    h.label = "h"
    y = h.tanh()
    y.label = "y"
    return a, b, h, y


def _reached(nodes):
    return sorted(rows(v[0])[0] for v in values_of(nodes).values() if REACHED in v[1])


def test_step_numbering_and_highlighting():
    a, _, h, y = _chain()
    # Numbers follow the engine's backward order: the root, then h, then the leaves.
    order = toposort(y)
    assert order[:2] == [y, h]
    first, second = (v.label for v in order[2:])
    dh = 1 - np.tanh(-0.5) ** 2
    leaf_grad = {"a": -dh, "b": 0.5 * dh}
    n0, _ = parse(draw_graph(y, step=0))
    assert sorted(rows(v[0])[0] for v in values_of(n0).values()) == [
        "#1 y", "#2 h", f"#3 {first}", f"#4 {second}"]
    assert _reached(n0) == []
    assert all(rows(v[0])[-1] == "grad: \u2014" for v in values_of(n0).values())
    n1, _ = parse(draw_graph(y, step=1))
    assert _reached(n1) == ["#1 y"]
    assert rows(n1[by_title(n1, "#1 y")][0])[-1] == "grad: 1"
    assert rows(n1[by_title(n1, "#2 h")][0])[-1] == "grad: \u2014"
    assert [v[0] for v in ops_of(n1).values() if REACHED in v[1]] == ["tanh"]
    n3, _ = parse(draw_graph(y, step=3))
    assert _reached(n3) == ["#1 y", "#2 h", f"#3 {first}"]
    assert rows(n3[by_title(n3, "#2 h")][0])[-1] == f"grad: {dh:.4g}"
    assert rows(n3[by_title(n3, f"#3 {first}")][0])[-1] == f"grad: {leaf_grad[first]:.4g}"
    assert rows(n3[by_title(n3, f"#4 {second}")][0])[-1] == "grad: \u2014"
    end, _ = parse(draw_graph(y, step=99))
    assert _reached(end) == ["#1 y", "#2 h", f"#3 {first}", f"#4 {second}"]
    assert rows(end[by_title(end, f"#4 {second}")][0])[-1] == f"grad: {leaf_grad[second]:.4g}"
    assert a.grad is None and y.grad is None  # computed without touching .grad


def test_step_uses_existing_grads():
    *_, y = _chain()
    y.backward()
    y.backward()  # accumulated twice: the picture shows what the nodes hold
    nodes, _ = parse(draw_graph(y, step=4))
    assert rows(nodes[by_title(nodes, "#1 y")][0])[-1] == "grad: 2"


def test_step_on_non_scalar_root_needs_a_backward_pass_first():
    x = Value([1.0, 2.0])
    y = x * 2
    with pytest.raises(ValueError, match="step"):
        draw_graph(y, step=1)
    y.backward(np.ones(2))
    nodes, _ = parse(draw_graph(y, step=2))
    assert _reached(nodes) == ["#1", "#2"]


def test_backward_steps_yields_each_step():
    *_, y = _chain()
    pictures = list(backward_steps(y))
    assert len(pictures) == 5  # steps 0..4
    for k, g in enumerate(pictures):
        assert g.source == draw_graph(y, step=k).source
        assert len(_reached(parse(g)[0])) == k


class Block:
    """A minimal module: enters its scope around `fn` and lists its parameters."""

    def __init__(self, title, children=None, **params):
        self.title, self.children, self.params = title, children or {}, params

    def named_parameters(self):
        out = []
        for name, child in self.children.items():
            out += [(f"{name}.{n}", p) for n, p in child.named_parameters()]
        return out + list(self.params.items())

    def __repr__(self):
        return self.title

    def __call__(self, fn, *args):
        token = modes.enter_module(self)
        try:
            return fn(*args)
        finally:
            modes.exit_module(token)


def test_module_clusters_and_parameter_names():
    w = Value(np.full((2, 3), 0.5), label="weight")
    bias = Value(np.zeros(3))
    scale = Value(2.0)
    lin = Block("Linear(2\u21923)", weight=w, bias=bias)
    net = Block("Net", {"0": lin}, scale=scale)
    x = np.array([[1.0, 2.0]])
    out = net(lambda x: lin(lambda x: x @ w + bias, x).tanh() * scale, x)
    loss = ((out - 1.0) ** 2).sum()
    nodes, _ = parse(draw_graph(loss))
    inner = ("Net", "Linear(2\u21923)")
    assert nodes[by_title(nodes, "0.weight")][2] == inner
    assert nodes[by_title(nodes, "0.bias")][2] == inner
    assert nodes[by_title(nodes, "scale")][2] == ("Net",)
    ops = {v[0]: v[2] for v in ops_of(nodes).values()}
    assert ops == {"@": inner, "+": inner, "tanh": ("Net",), "*": ("Net",),
                   "-": (), "**": (), "sum": ()}
    assert nodes[by_title(nodes, "0.weight")][0].count("data: [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]") == 1


def _tanh_chain(n):
    y = Value(0.1, label="x")
    for _ in range(n):
        y = y.tanh()
    return y


def test_max_nodes_without_modules_raises_with_the_count():
    y = _tanh_chain(30)  # 31 values + 30 ops
    assert len(values_of(parse(draw_graph(y, max_nodes=61))[0])) == 31
    with pytest.raises(ValueError, match=r"61 nodes.*max_nodes=61"):
        draw_graph(y, max_nodes=60)
    assert len(values_of(parse(draw_graph(y, max_nodes=None))[0])) == 31


def test_max_nodes_with_modules_collapses_to_one_node_per_module():
    enc, dec = Block("Encoder"), Block("Decoder")
    x = Value(0.3, label="x")
    h = enc(lambda v: (v * 2).tanh().tanh(), x)
    y = dec(lambda v: v.tanh() + 1, h) * 3
    nodes, edges = parse(draw_graph(y, max_nodes=5))
    titles = {rows(v[0])[0]: k for k, v in nodes.items()}
    assert set(titles) == {"Encoder", "Decoder", "outside modules"}
    assert rows(nodes[titles["Encoder"]][0])[1] == "4 values, 3 ops"  # 2, v*2, two tanh
    assert sorted(edges) == sorted([
        (titles["outside modules"], titles["Encoder"]),
        (titles["Encoder"], titles["Decoder"]),
        (titles["Decoder"], titles["outside modules"]),
    ])


def _calls(fn):
    """How many functions (Python's and C's) `fn()` calls: a count of the work that
    does not depend on the machine's speed or load."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        count += event in ("call", "c_call")

    enabled = gc.isenabled()
    gc.disable()  # a collection would run finalisers that are no part of the work
    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
        if enabled:
            gc.enable()
    return count


def _refused(y):
    with pytest.raises(ValueError, match="more than max_nodes"):
        draw_graph(y)


def _collapsed(z):
    assert len(parse(draw_graph(z))[0]) == 2  # the module, and the input outside it


def _in_a_module(n):
    return Block("Chain")(lambda v: _tanh_chain(n) * v, Value(2.0))


@pytest.mark.parametrize("draw, build", [(_refused, _tanh_chain), (_collapsed, _in_a_module)],
                         ids=["refused", "collapsed"])
def test_a_graph_too_big_to_draw_costs_work_in_proportion_to_its_size(draw, build):
    # Refusing a graph over max_nodes, or drawing it collapsed to its modules, walks
    # it once: twice the nodes, at most about twice the calls (a walk that went back
    # over the graph for each node would make four times as many). How long it takes
    # is measured by benchmarks/drawing.py.
    small, large = build(2_000), build(4_000)
    calls_small, calls_large = _calls(lambda: draw(small)), _calls(lambda: draw(large))
    assert calls_small > 4_000  # a call or more per node: the count sees the walk
    assert calls_large < 2.2 * calls_small, (calls_small, calls_large)


@pytest.mark.slow
def test_a_huge_chain_is_refused_or_collapsed_without_recursion():
    # 100,000 tanh deep: a recursive walk would overflow Python's stack long before.
    y = _tanh_chain(100_000)
    with pytest.raises(ValueError, match="200001 nodes"):
        draw_graph(y)
    _collapsed(_in_a_module(100_000))


def test_500_nodes_are_drawn_whole():
    y = _tanh_chain(249)  # 250 values + 249 ops, within the default max_nodes=500
    g = draw_graph(y)
    assert len(parse(g)[0]) == 499


@pytest.mark.slow
def test_shared_value_along_a_deep_graph_gets_repeated_copies():
    w = Value(0.9, label="w")
    y = Value(1.0, label="x")
    for _ in range(60):
        y = (y * w).tanh()
    g = draw_graph(y)
    nodes, edges = parse(g)
    copies = [k for k, v in nodes.items() if rows(v[0])[0] == "w (repeated)"]
    assert copies and by_title(nodes, "w")
    # each use of w has exactly one incoming edge into its op, from w or a copy
    w_edges = [e for e in edges if e[0] == by_title(nodes, "w") or e[0] in copies]
    assert len(w_edges) == 60 and len({e[1] for e in w_edges}) == 60
    small = draw_graph(Value(2.0, label="a") * Value(3.0) + Value(1.0))
    assert "repeated" not in small.source


def test_rendering_a_drawn_graph_without_dot(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("dot") is None
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b + a
    c.backward()
    texts = _svg_texts(draw_graph(c).pipe(format="svg"))
    assert {"a", "b", "*", "+", "data: -4", "grad: -2", "grad: 1"} <= set(texts)
    texts = _svg_texts(draw_graph(c, step=1)._repr_image_svg_xml())
    assert {"#1", "grad: 1", "grad: \u2014"} <= set(texts)


def _svg_texts(svg):
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_op_nodes_show_short_parameters():
    x = Value(np.ones((2, 3)), label="x")
    y = x.sum(axis=1)[0:1].clip(0.0, 2.5).sum()
    titles = sorted(v[0] for v in ops_of(parse(draw_graph(y))[0]).values())
    assert titles == ["clip\\nlo=0\\nhi=2.5", "getitem\\n[0:1]", "sum", "sum\\naxis=1"]


def test_grads_that_are_values_after_create_graph():
    x = Value([1.0, 2.0], label="x")
    y = (x * x * x).sum()
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    nodes, _ = parse(draw_graph(y))
    assert rows(nodes[by_title(nodes, "x")][0])[3] == "grad: [3, 12]"


def test_special_characters_in_labels(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    title = 'a|b {c} <d> "e" \\f'
    texts = _svg_texts(draw_graph(Value(1.0, label=title) * 2).pipe(format="svg"))
    assert title in texts


def test_backward_steps_checks_its_arguments_at_once():
    y = _tanh_chain(30)
    with pytest.raises(ValueError, match="61 nodes"):
        backward_steps(y, max_nodes=10)
    with pytest.raises(ValueError, match="rankdir"):
        backward_steps(y, rankdir="sideways")
    with pytest.raises(ValueError, match="does not require grad"):
        backward_steps(Value(1.0, requires_grad=False) * 2)


def test_inputs_of_order_sensitive_ops_are_numbered():
    a, b = Value(3.0, label="a"), Value(2.0, label="b")
    sub = draw_graph(a - b).source
    assert sub.count("headlabel=0") == 1 and sub.count("headlabel=1") == 1
    assert "headlabel" not in draw_graph(a * b + a).source
