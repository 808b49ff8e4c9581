"""Drawing the computational graph, and rendering it with or without Graphviz's `dot`.

`draw_graph(root)` returns a `GraphDigraph` (a `graphviz.Digraph`) of the graph
that produced `root`; `backward_steps(root)` yields the pictures of the backward
pass one step at a time, and `step_through(root)` steps through them with a slider
in Jupyter. This package imports graphviz, so the engine never
imports it: `autograd_core.draw_graph` loads it on first use.

Modules: `draw` (the drawings), `plan` (which nodes, scopes and names are drawn),
`format` (node text and colours), `render` (SVG without the `dot` executable),
`wasm` (the in-process renderer that `render` uses, and its limit), `step`
(the slider widget, an `ipywidgets.VBox`: ipywidgets is imported when the first
one is made), `frame` (what each of its steps shows: the chain-rule line and the
picture), `stepper` (its self-contained HTML form).
"""

from typing import Any

from .draw import backward_steps, draw_graph
from .render import FALLBACK_FORMATS, DotNotFoundError, GraphDigraph, dot_available, render_source

__all__ = [
    "draw_graph", "backward_steps", "step_through", "StepThrough", "GraphDigraph",
    "DotNotFoundError", "FALLBACK_FORMATS", "dot_available", "render_source",
]


def __getattr__(name: str) -> Any:
    """`step_through` and its widget class `StepThrough`, from `.step` (which
    imports ipywidgets) when first asked for."""
    if name in ("step_through", "StepThrough"):
        from . import step

        return getattr(step, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
