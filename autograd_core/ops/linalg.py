"""Contractions: `einsum` and `tensordot`, whose VJPs are an `einsum` and a
`tensordot` (as JAX and HIPS autograd write them), so a recorded backward
pass differentiates them again.

`einsum` takes its subscripts explicit and in letters only (`"ij,jk->ik"`);
`autograd_core.einsum` turns NumPy's other spellings (implicit output,
`...`) into that form and checks them against the operands.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import vjp_tools
from ..registry import op
from .numeric import finite

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _fast(operands: tuple) -> bool:
    """Whether BLAS may contract these arrays: it skips zeros, where NaN and inf
    must propagate (NaN * 0 is NaN in PyTorch), so not when one holds them."""
    with np.errstate(invalid="ignore", over="ignore"):
        return all(finite(np.asarray(x)) for x in operands)


def _contract(subscripts: str, *operands: Any) -> Any:
    """`np.einsum` on arrays, the recorded op when an operand is a Value."""
    if any(vjp_tools.is_value(x) for x in operands):
        return einsum(*operands, subscripts=subscripts)
    return einsum.forward(*operands, subscripts=subscripts)


def _einsum_vjp(g: Any, out: Any, *operands: Any, subscripts: str) -> list:
    ins, res = subscripts.split("->")
    terms = ins.split(",")
    sizes = {c: n for t, x in zip(terms, operands) for c, n in zip(t, np.shape(vjp_tools.data(x)))}
    grads = []
    for i, term in enumerate(terms):
        others = terms[:i] + terms[i + 1:]
        used = set(res).union(*others)
        free = iter(c for c in _LETTERS if c not in sizes)
        target, extra, extra_terms = "", [], []
        for c in term:
            if c in target:  # a repeated letter (a diagonal): a fresh one, tied to it by an identity
                f = next(free)
                extra.append(np.eye(sizes[c], dtype=np.result_type(vjp_tools.data(g))))
                extra_terms.append(c + f)
                target += f
            else:
                if c not in used:  # summed in this operand alone: the gradient is the same along it
                    extra.append(np.ones(sizes[c], dtype=np.result_type(vjp_tools.data(g))))
                    extra_terms.append(c)
                target += c
        spec = ",".join([res] + others + extra_terms) + "->" + target
        grads.append(_contract(spec, g, *operands[:i], *operands[i + 1:], *extra))
    return grads


@op(vjp_all=_einsum_vjp)
def einsum(*operands, subscripts):
    """Einstein summation;  d/d(operand i) = the einsum of g with the other operands."""
    return np.einsum(subscripts, *operands, optimize=len(operands) > 2 and _fast(operands))


def _dot(x: Any, y: Any, axes: tuple) -> Any:
    """`np.tensordot` on arrays, the recorded op on Values."""
    if vjp_tools.is_value(x) or vjp_tools.is_value(y):
        return tensordot(x, y, axes=axes)
    return tensordot.forward(x, y, axes)


def _tensordot_ga(g: Any, out: Any, a: Any, b: Any, axes: tuple) -> Any:
    ax_a, ax_b = axes
    free_a = [i for i in range(np.ndim(vjp_tools.data(a))) if i not in ax_a]
    free_b = [i for i in range(np.ndim(vjp_tools.data(b))) if i not in ax_b]
    r = _dot(g, b, (tuple(range(len(free_a), len(free_a) + len(free_b))), tuple(free_b)))
    # r's axes: a's free ones, then those paired with b's contracted axes in b's order
    return r.transpose(tuple(np.argsort(free_a + [ax_a[ax_b.index(j)] for j in sorted(ax_b)])))


def _tensordot_gb(g: Any, out: Any, a: Any, b: Any, axes: tuple) -> Any:
    ax_a, ax_b = axes
    free_a = [i for i in range(np.ndim(vjp_tools.data(a))) if i not in ax_a]
    free_b = [i for i in range(np.ndim(vjp_tools.data(b))) if i not in ax_b]
    r = _dot(a, g, (tuple(free_a), tuple(range(len(free_a)))))
    # r's axes: those paired with a's contracted axes in a's order, then b's free ones
    return r.transpose(tuple(np.argsort([ax_b[ax_a.index(i)] for i in sorted(ax_a)] + free_b)))


@op(_tensordot_ga, _tensordot_gb)
def tensordot(a, b, axes):
    """The sum of a * b over the paired axes (axes_a, axes_b);  d/da = tensordot(g, b), d/db = tensordot(a, g)."""
    if _fast((a, b)):
        return np.tensordot(a, b, axes)
    ax_a, ax_b = axes  # without BLAS: np.einsum on axis numbers
    free = iter(range(a.ndim, a.ndim + b.ndim))
    lb = [ax_a[ax_b.index(j)] if j in ax_b else next(free) for j in range(b.ndim)]
    out = [i for i in range(a.ndim) if i not in ax_a] + [j for j in lb if j >= a.ndim]
    return np.einsum(a, list(range(a.ndim)), b, lb, out)
