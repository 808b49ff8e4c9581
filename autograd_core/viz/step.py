"""`step_through(root)`: a Jupyter widget (an `ipywidgets.VBox`) that steps
through the backward pass.

A slider (with a Play button and a number box whose arrows step back and forward)
chooses the step k; below it, the chain rule that step applied, with its numbers,
and the graph as `draw_graph(root, step=k)` draws it. Each picture is rendered
once and kept. The controls and the pictures are linked in the browser itself
(`jslink`s to a `Stack` of them), so moving to a step already drawn costs nothing
in Python, and works without a kernel. Where widgets do not run, its `text/html`
form (`stepper.py`) steps through the same pictures with a few lines of inline
JavaScript.
"""

from __future__ import annotations

import time
from typing import Any

import ipywidgets
import numpy as np

from .draw import step_drawer
from .frame import ChainRule, frame_html, svg_only
from .stepper import stepper_html

__all__ = ["StepThrough", "step_through"]

#: How long building the widget may spend drawing pictures up front (after the
#: first one, which may pay for starting the renderer). A small graph is drawn
#: whole, so a notebook saved right after carries every picture; the steps left
#: are drawn the first time they are shown.
PRERENDER_SECONDS = 1.0

_OPTIONS = ("rankdir", "show_grad", "max_nodes")
_PLACEHOLDER = '<div style="color:#888">drawing step {k}\u2026</div>'


class StepThrough(ipywidgets.VBox):
    """The widget `step_through` returns: an `ipywidgets.VBox`, so it can be placed
    in an `HBox` or any other layout.

    Attributes:
        steps: the number of backward steps n (the slider runs over 0..n).
        slider: the `ipywidgets.IntSlider` choosing the step.
        play: the `ipywidgets.Play` button that moves the slider one step at a time.
        stepper: the `ipywidgets.BoundedIntText` whose arrows step back and forward.
        pictures: the `ipywidgets.Stack` of one `ipywidgets.HTML` per step; its
            `selected_index` is the step shown.
        controls: the `ipywidgets.HBox` of the play button, the stepper and the slider.

    Play, the stepper, the slider and the pictures are linked in the browser
    (`jslink`), so they work without a kernel where the widget's state was saved.
    """

    def __init__(self, root: Any, **draw_graph_options: Any) -> None:
        unknown = sorted(set(draw_graph_options) - set(_OPTIONS))
        if unknown:
            hint = " (the slider chooses the step)" if "step" in unknown else ""
            raise TypeError(f"step_through: unexpected option(s) {unknown}{hint}; "
                            f"draw_graph's options are {list(_OPTIONS)}")
        draw_step, plan, state = step_drawer(root, caller="step_through", **draw_graph_options)
        self._draw_step = draw_step
        self._rule = ChainRule(root, plan, state)
        self.steps = len(state["number"])
        self._html: dict[int, str] = {}
        self._svgs: dict[int, str] = {}
        self._children: list = []
        self._prerender(PRERENDER_SECONDS)
        super().__init__(self._build())

    # -- pictures ------------------------------------------------------------------
    def svg(self, k: int) -> str:
        """The SVG of step k as `draw_graph(root, step=k)` renders it (drawn on first use)."""
        self._check_step(k)
        self._rendered(k)
        return self._svgs[k]

    def line(self, k: int) -> str:
        """The chain-rule line shown at step k."""
        self._check_step(k)
        return self._rule.line(k)

    def _check_step(self, k: Any) -> None:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= self.steps:
            raise ValueError(f"step_through: step must be an int in 0..{self.steps}, got {k!r}")

    def _rendered(self, k: int) -> str:
        """The HTML of step k: its line and picture, rendered now if not yet."""
        if k not in self._html:
            svg = svg_only(self._draw_step(k).pipe(format="svg", encoding="utf-8"))
            self._svgs[k] = svg
            self._html[k] = frame_html(self._rule.line(k), svg)
            if self._children:  # the widget is built: its placeholder gives way
                self._children[k].value = self._html[k]
        return self._html[k]

    def _prerender(self, seconds: float) -> None:
        """Render step 0, then further steps while the time lasts."""
        self._rendered(0)
        deadline = time.perf_counter() + seconds
        for k in range(1, self.steps + 1):
            if time.perf_counter() > deadline:
                break
            self._rendered(k)

    # -- the widget ----------------------------------------------------------------
    def _build(self) -> list:
        """The controls and the pictures; every link between them lives in the browser."""
        w = ipywidgets
        n = self.steps
        self.slider = w.IntSlider(value=0, min=0, max=n, step=1, description="step",
                                  continuous_update=True, layout=w.Layout(width="380px"))
        self.play = w.Play(value=0, min=0, max=n, step=1, interval=900,
                           description="play the backward pass")
        # Back and next: the arrows of a number box (and the keys up and down in it),
        # linked to the slider in the browser, so that they need no kernel either.
        self.stepper = w.BoundedIntText(value=0, min=0, max=n, step=1,
                                        tooltip="one step back or forward",
                                        layout=w.Layout(width="64px"))
        self._children = [w.HTML(self._html.get(k, _PLACEHOLDER.format(k=k)))
                          for k in range(n + 1)]
        self.pictures = w.Stack(self._children, selected_index=0)
        self._links = [w.jslink((self.play, "value"), (self.slider, "value")),
                       w.jslink((self.stepper, "value"), (self.slider, "value")),
                       w.jslink((self.slider, "value"), (self.pictures, "selected_index"))]
        self.slider.observe(self._on_slider, names="value")
        self.stepper.observe(self._on_stepper, names="value")
        self.controls = w.HBox([self.play, self.stepper, self.slider])
        return [self.controls, self.pictures]

    def _on_slider(self, change: dict) -> None:
        k = change["new"]
        self._rendered(k)
        # The browser links these too; setting them here keeps the kernel's state,
        # and so a saved notebook's, the same as what is shown.
        self.pictures.selected_index = k
        self.play.value = k
        self.stepper.value = k

    def _on_stepper(self, change: dict) -> None:
        self.slider.value = change["new"]

    def show(self, k: int) -> None:
        """Move the slider to step k (as dragging it does)."""
        self._check_step(k)
        self.slider.value = int(k)

    # -- display -------------------------------------------------------------------
    def html(self) -> str:
        """The whole pass as self-contained HTML: every step's picture and chain-rule
        line, a range input, back/next and play buttons, and a few lines of inline
        JavaScript. Every step is rendered (once) to make it."""
        return stepper_html([self._rendered(k) for k in range(self.steps + 1)])

    def _repr_html_(self) -> str:
        return self.html()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        """The widget for Jupyter; for viewers that do not run widgets (nbconvert's
        HTML, notebook viewers, the documentation), the HTML stepper of `html()`."""
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = (f"step_through: {self.steps} steps of the backward pass "
                              f"(a widget in Jupyter; a stepper in HTML)")
        data["text/html"] = self.html()
        return bundle

    def close(self) -> None:
        """Close every widget of it (they disappear from the notebook)."""
        controls = getattr(self, "controls", None)  # None if __init__ stopped early
        parts = (*self._links, *controls.children, controls, *self._children,
                 self.pictures) if controls is not None else ()
        for item in parts:
            item.close()
        super().close()


def step_through(root: Any, **draw_graph_options: Any) -> StepThrough:
    """A widget stepping through the backward pass from `root`, one Value at a time.

    In Jupyter it shows a slider over the steps 0..n (n Values in the backward
    pass; 0 is before it), a Play button and a box whose arrows step back and
    forward; below them, the chain rule that step applied with its numbers
    (``b.grad = ∂c/∂b·c.grad = (-3) × 0.5 = -1.5``: the Value's gradient as the
    sum of what each of its consumers sends it), and the graph as
    ``draw_graph(root, step=k, **draw_graph_options)`` draws it. Pictures are
    rendered with Graphviz's ``dot`` where it is installed and in-process
    otherwise, each once: up front for about a second (a small graph whole), the
    others the first time they are shown; going back to a step already drawn is
    instant. The controls are linked in the browser, so they need no kernel.
    Where widgets do not run (nbconvert's HTML export, a notebook viewer, the
    documentation), it shows itself as self-contained HTML (``html()``): every
    step's picture, a range input, back/next/play buttons and a few lines of
    inline script.

    Args:
        root: the Value whose backward pass is shown (as for `draw_graph`).
        **draw_graph_options: ``rankdir``, ``show_grad``, ``max_nodes``, passed to
            `draw_graph`.

    Returns:
        A `StepThrough`, an ``ipywidgets.VBox``; outside Jupyter it is built all the
        same (its ``slider``, ``pictures``, ``svg(k)``, ``line(k)`` and ``html()``
        can be used from Python).

    Raises:
        TypeError: `root` is not a Value, or an option is not one of draw_graph's.
        ValueError: the root does not require grad, or the graph has more than
            ``max_nodes`` nodes.
    """
    return StepThrough(root, **draw_graph_options)
