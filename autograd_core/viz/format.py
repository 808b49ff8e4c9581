"""Text and colours of the nodes that `draw_graph` draws."""

from __future__ import annotations

import re
from typing import Any, Mapping

import graphviz
import numpy as np

#: Arrays with at most this many elements are printed in full, larger ones summarised
#: (min/mean/max): a small matrix, such as the four rows of XOR's inputs (4x2), shows
#: its values.
SMALL_SIZE = 8

NO_GRAD = "grad: \u2014"  # an em dash: no gradient has reached the node yet

OP_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "matmul": "@"}

# Fill colours, one per kind of node.
COLORS = {
    "leaf": "#dae8fc",  # inputs and parameters (leaves that require grad)
    "const": "#eeeeee",  # constants (leaves that do not require grad)
    "inner": "#ffffff",  # results of ops
    "op": "#fff2cc",
    "reached": "#b9eeb9",  # already reached by the backward pass (step mode)
    "module": "#f5f5f5",  # a whole module, in the collapsed view
}
REACHED_BORDER = "#2e7d32"

_RECORD_SPECIAL = re.compile(r'([\\{}|<>"])')
_SPACES = re.compile(" +")
# Characters that XML 1.0 (and so SVG) cannot hold, but a label might (an op's
# name, a module's repr); they are shown as Python writes them: \x07, \ud800.
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _visible(text: Any) -> str:
    """`str(text)` with characters that XML cannot hold written as escapes."""
    return _NOT_XML.sub(lambda m: repr(m.group())[1:-1], str(text))


def _hard_spaces(run: re.Match) -> str:
    # A record field drops its leading and trailing spaces and squeezes runs of them
    # into one. An escaped space (a "hard" space) is kept, except at the start of the
    # field: there no-break spaces hold the place (as in Graphviz's own SVG output,
    # which writes the second space of a run as a no-break space).
    n = len(run.group())
    if run.start() == 0:
        return "\u00a0" * n
    if run.end() == len(run.string):
        return "\\ " * n
    return " " + "\\ " * (n - 1)


def record_escape(text: str) -> str:
    """Escape `text` for one field of a Graphviz record label.

    Args:
        text: The text (converted with `str`), rendered as written: the record
            characters ``{}|<>``, quotes, backslashes (``\\N`` stays two characters,
            not Graphviz's node-name escape) and spaces are kept, and each newline
            starts a new line; control characters, which SVG cannot hold, are
            shown escaped (``\\x07``).

    Returns:
        The escaped field.
    """
    text = _SPACES.sub(_hard_spaces, _RECORD_SPECIAL.sub(r"\\\1", _visible(text)))
    return text.replace("\n", "\\n")


def plain_label(text: str) -> str:
    """A plain (not record, not HTML) Graphviz label that renders `text` as written.

    Args:
        text: The text (converted with `str`); backslashes are kept (``\\N`` is not
            Graphviz's node-name escape), each newline starts a new line, and text in
            ``<...>`` is not taken for an HTML label; control characters are
            shown escaped, as in `record_escape`.

    Returns:
        The label, as a `graphviz.nohtml` string.
    """
    return graphviz.nohtml(_visible(text).replace("\\", "\\\\").replace("\n", "\\n"))


def record_label(rows: list[str], rankdir: str) -> str:
    """A record label whose fields are stacked vertically, whatever the rank direction."""
    body = "|".join(record_escape(r) for r in rows)
    # Records flip their orientation with the rank direction: in LR/RL plain
    # fields stack vertically, in TB/BT they need one level of braces.
    return body if rankdir in ("LR", "RL") else "{" + body + "}"


def format_number(x: Any) -> str:
    """A number with 4 significant digits (and no minus sign on zero)."""
    return f"{float(x) + 0.0:.4g}"


def _nested(arr: np.ndarray) -> str:
    if arr.ndim == 0:
        return format_number(arr)
    return "[" + ", ".join(_nested(sub) for sub in arr) + "]"


def format_array(arr: Any) -> str:
    """All values of a small array, or min/mean/max of a large one."""
    arr = np.asarray(arr)
    if arr.size <= SMALL_SIZE:
        return _nested(arr)  # at most 8 elements: shallow enough for recursion
    with np.errstate(all="ignore"):
        lo, mean, hi = arr.min(), arr.mean(dtype=np.float64), arr.max()
    return f"min {format_number(lo)}, mean {format_number(mean)}, max {format_number(hi)}"


def format_shape(shape: tuple, dtype: Any) -> str:
    """`(2, 3) float64`, or `scalar float64` for a 0-d array."""
    return f"{'scalar' if len(shape) == 0 else shape} {np.dtype(dtype).name}"


def grad_array(grad: Any) -> np.ndarray:
    """The ndarray of a gradient (a Value after `backward(create_graph=True)`)."""
    return np.asarray(getattr(grad, "data", grad))


_HIDDEN_PARAMS = {"sizes", "accumulate"}  # bookkeeping of concat and indexing


def _index_text(index: Any) -> str:
    """`[0, 1:]` for the index tuple of an indexing op."""
    parts = []
    for item in index if isinstance(index, tuple) else (index,):
        if isinstance(item, slice):
            text = ":".join("" if x is None else str(x) for x in (item.start, item.stop))
            parts.append(text if item.step is None else f"{text}:{item.step}")
        elif item is None or item is Ellipsis:
            parts.append("None" if item is None else "...")
        elif isinstance(item, (int, np.integer)):
            parts.append(str(int(item)))
        else:
            parts.append("mask" if np.asarray(item).dtype == bool else "array")
    return "[" + ", ".join(parts) + "]"


def _param_text(name: str, value: Any) -> str | None:
    if name in _HIDDEN_PARAMS or value is None or value is False:
        return None
    if value is True:
        return name
    if name == "index":
        return _index_text(value)
    if isinstance(value, tuple) and len(value) == 1:
        value = value[0]
    if isinstance(value, (float, np.floating)):
        return f"{name}={format_number(value)}"
    if isinstance(value, (int, np.integer)):
        return f"{name}={int(value)}"
    if isinstance(value, tuple) and len(value) <= 4 and all(
        isinstance(v, (int, np.integer)) for v in value
    ):
        return f"{name}={tuple(int(v) for v in value)}"
    return None


def op_title(node: Any) -> str:
    """The text of an op node: a symbol or the op name, with short parameters."""
    name = node.op
    title = OP_SYMBOLS.get(name, name)
    params = getattr(node, "params", None) or {}
    if not isinstance(params, Mapping):
        return plain_label(title)
    extras = [t for t in (_param_text(k, v) for k, v in params.items()) if t]
    # One line each (Graphviz's \n escape), every line escaped: a user's op may be
    # named with any characters.
    return graphviz.nohtml("\\n".join(plain_label(t) for t in [title] + extras))


def module_title(module: Any) -> str:
    """A short name for a module: its repr if short and on one line, else a name from
    `extra_repr()`, else its class name."""
    name = type(module).__name__
    text = repr(module)
    if "\n" not in text and len(text) <= 60 and not text.startswith("<"):
        return text
    extra = getattr(module, "extra_repr", None)
    if callable(extra):
        text = extra()
        if isinstance(text, str) and text and "\n" not in text and len(text) <= 60:
            return f"{name}({text})"
    return name
