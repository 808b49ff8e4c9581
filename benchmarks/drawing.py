"""How long drawing takes: the speed side of the drawing tests, which count work instead.

    python benchmarks/drawing.py [--repeat N] [--depth D]

Times (median and worst of N runs; CPU time of this process, so that other processes
on the machine count less, except where a picture is rendered, which may be `dot`'s
work in a process of its own):

- `draw_graph` of a chain of 499 nodes, just within the default `max_nodes=500`
  (the Graphviz source only; rendering it is `dot`'s work);
- `draw_graph` refusing a chain of D tanh (2D+1 nodes, over `max_nodes`), and
  drawing the same chain inside an `nn.Module`, collapsed to the module;
- `step_through` on a graph of over 100 nodes: moving the slider to a step
  already drawn (Python's side of it; the browser shows the kept picture), and
  drawing one step's picture for the first time (rendered, by `dot` or in-process).

The figures that matter are the orders of magnitude: a refusal of 200,001 nodes
in seconds, not minutes; a slider move to a step already drawn in well under a
hundredth of a second.
"""
from __future__ import annotations

import one_thread  # noqa: F401 (one BLAS thread, set before NumPy loads)

import argparse
import statistics
import time
from collections.abc import Callable

import nn
from autograd_core import Value, draw_graph


def _chain(depth: int) -> Value:
    y = Value(0.1, label="x")
    for _ in range(depth):
        y = y.tanh()
    return y


class _Chain(nn.Module):
    """A module whose forward is a chain of tanh, so that its drawing collapses."""

    def __init__(self, depth: int) -> None:
        super().__init__()
        self.depth = depth

    def forward(self, v: Value) -> Value:
        y = v
        for _ in range(self.depth):
            y = y.tanh()
        return y * v


def _refuse(y: Value) -> None:
    try:
        draw_graph(y)
    except ValueError:
        return
    raise AssertionError("draw_graph drew a graph over max_nodes")


def _times(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return times


def _row(name: str, times: list[float]) -> None:
    print(f"  {name:<62}{statistics.median(times) * 1e3:>11.2f}{max(times) * 1e3:>11.2f}")


def _slider(repeat: int) -> None:
    try:
        import autograd_core
        from autograd_core.viz import step
    except ImportError as e:  # ipywidgets missing
        print(f"  step_through: skipped ({e})")
        return
    step.PRERENDER_SECONDS = -float("inf")  # draw nothing up front: time each step's drawing
    xs = [Value(0.1 * i, label=f"x{i}") for i in range(14)]
    acc = xs[0]
    for x in xs[1:]:
        acc = (acc * x + 1.0).tanh()
    acc.backward()
    w = autograd_core.step_through(acc)
    seen = [0, 5, 17, w.steps]
    first = []
    for k in seen[1:]:  # wall-clock time: the renderer may be a `dot` process
        start = time.perf_counter()
        w.slider.value = k
        first.append(time.perf_counter() - start)
    moves = []
    for _ in range(repeat):
        for k in seen:
            start = time.process_time()
            w.slider.value = k
            moves.append(time.process_time() - start)
    _row(f"step_through ({w.steps} steps): a step drawn the first time (wall)", first)
    _row("step_through: the slider moved to a step already drawn", moves)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--depth", type=int, default=100_000)
    args = ap.parse_args()
    print(f"{'':<64}{'median ms':>11}{'worst ms':>11}")
    small = _chain(249)
    _row("draw_graph, a chain of 499 nodes (the source)",
         _times(lambda: draw_graph(small).source, args.repeat))
    huge = _chain(args.depth)
    _row(f"draw_graph refusing a chain of {2 * args.depth + 1} nodes",
         _times(lambda: _refuse(huge), args.repeat))
    inside = _Chain(args.depth)(Value(2.0))
    _row(f"draw_graph collapsing {2 * args.depth + 3} nodes to their module",
         _times(lambda: draw_graph(inside).source, args.repeat))
    _slider(args.repeat)


if __name__ == "__main__":
    main()
