"""What one step of `step_through` shows: the line of chain rule that the step
applied, with its numbers, above the picture of the graph at that step (shrunk to
the page's width, or scrolled where that would make its text illegible). The
widget (`step.py`) and its HTML form (`stepper.py`) show the same frames.
"""

from __future__ import annotations

import html
import re
from typing import Any

import numpy as np

from ..backward import edge_grad
from .format import format_array, format_number, grad_array

__all__ = ["FIT_WIDTH_PT", "ChainRule", "frame_html", "picture_html", "svg_only"]

_LINE_STYLE = "font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;margin:4px 0 8px 0"

_PLAIN_NAME = re.compile(r"[\w.#]+")


def _number(x: Any) -> str:
    """A number for a product: 4 significant digits, negatives in parentheses."""
    text = format_number(x)
    return f"({text})" if text.startswith("-") else text


def _array(x: Any) -> str:
    text = format_array(x)
    return f"({text})" if text.startswith("min ") else text


class ChainRule:
    """The line of chain rule each step of the backward pass applies (`line(k)`),
    from a drawing's plan and the step state of `draw.step_drawer`."""

    def __init__(self, root: Any, plan: Any, state: dict) -> None:
        self.root = root
        numbered = sorted((v for v in plan.order if id(v) in state["number"]),
                          key=lambda v: state["number"][id(v)])
        self.numbered = numbered
        self.grads = {id(v): grad_array(state["grads"][id(v)]) for v in numbered}
        self.names = self._names(plan, numbered)
        self.uses: dict[int, list[tuple[Any, int]]] = {id(v): [] for v in numbered}
        for c in numbered:  # consumers come before their inputs
            for slot, p in enumerate(c.parents if c.op else ()):
                if id(p) in self.uses:
                    self.uses[id(p)].append((c, slot))

    @staticmethod
    def _names(plan: Any, numbered: list) -> dict[int, str]:
        """A parameter's name, else the label; `#k` (the step) where there is none,
        and `label#k` where several Values share one. A label that is an expression
        (`x1*w1`) is put in parentheses, so that `∂(x1*w1)/∂w1` reads right."""
        base = {id(v): plan.names.get(id(v)) or v.label for v in numbered}
        counts: dict[str, int] = {}
        for name in base.values():
            counts[name] = counts.get(name, 0) + 1
        names = {}
        for k, v in enumerate(numbered, 1):
            name = base[id(v)]
            name = name if name and counts[name] == 1 else f"{name}#{k}"
            names[id(v)] = name if _PLAIN_NAME.fullmatch(name) else f"({name})"
        return names

    def line(self, k: int) -> str:
        """The text shown at step k (0 is before the pass, 1 the root)."""
        head = f"step {k} of {len(self.numbered)}: "
        if k == 0:
            return head + ("before the backward pass: no gradient yet; step 1 starts at "
                           + self.names[id(self.root)])
        v = self.numbered[k - 1]
        name, grad = self.names[id(v)], self.grads[id(v)]
        total = format_number(grad.item()) if grad.size == 1 else format_array(grad)
        if v is self.root:
            if grad.size == 1 and grad.item() == 1.0:
                return head + (f"{name}.grad = 1 (the pass starts here: "
                               f"\u2202{name}/\u2202{name} = 1)")
            return head + f"{name}.grad = {total} (the gradient given to backward())"
        symbols, numbers = [], []
        products = grad.size == 1  # scalars: local derivative × consumer's gradient
        for c, slot in self.uses[id(v)]:
            cname, g = self.names[id(c)], self.grads[id(c)]
            symbols.append(f"\u2202{cname}/\u2202{name}\u00b7{cname}.grad")
            products = products and g.size == 1
            numbers.append((c, slot, g))
        if products:
            terms = [f"{_number(np.asarray(edge_grad(c, slot, np.ones_like(g))).item())} \u00d7 "
                     f"{_number(g.item())}" for c, slot, g in numbers]
        else:
            terms = [_array(np.asarray(edge_grad(c, slot, g))) for c, slot, g in numbers]
        parts = [f"{name}.grad", " + ".join(symbols), " + ".join(terms)]
        if products or len(terms) > 1:
            parts.append(total)
        return head + " = ".join(parts)


def svg_only(svg: str) -> str:
    """The `<svg>` element of a rendered picture, without the XML prologue (for inline HTML)."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


#: Pictures up to this wide (in points) are shrunk to the page's width, as far as
#: half their size; wider ones keep their size and scroll, so their text stays legible.
FIT_WIDTH_PT = 1800
_WIDTH = re.compile(r'<svg[^>]*?\swidth="([\d.]+)pt"')
_FIT = "<style>.autograd-core-fit svg {max-width: 100%; height: auto}</style>"


def picture_html(svg: str) -> str:
    """The picture in a box that shrinks it to the page's width or scrolls it."""
    found = _WIDTH.match(svg)
    fit = found is not None and float(found[1]) <= FIT_WIDTH_PT
    return (f'{_FIT if fit else ""}<div class="{"autograd-core-fit" if fit else ""}" '
            f'style="overflow:auto;max-width:100%">{svg}</div>')


def frame_html(line: str, svg: str) -> str:
    """One step's HTML: its chain-rule `line` (escaped) above its picture."""
    return f'<div style="{_LINE_STYLE}">{html.escape(line)}</div>' + picture_html(svg)
