"""`compare` and `compare_all`: a hand-written gradient against the engine's."""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..value import Value
from .diagnose import close, diagnose, sizes_of, tolerance
from .report import Row, finish, table

__all__ = ["compare", "compare_all", "row"]


def _reference(name: str, reference: Any) -> np.ndarray:
    """The gradient to compare with: a Value's `.grad`, or the array itself."""
    if isinstance(reference, Value):
        if reference.grad is None:
            raise ValueError(f"check: the reference for {name!r} has no .grad yet: call "
                             f"backward() on the loss first (and give it requires_grad=True)")
        grad = reference.grad
        return np.asarray(grad.data if isinstance(grad, Value) else grad)
    try:
        array = np.asarray(reference)
    except Exception:
        array = np.asarray(None)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"check: the reference for {name!r} must be a Value or an array of "
                        f"numbers, got {type(reference).__name__}")
    return array


def _mine(mine: Any) -> tuple[np.ndarray | None, str]:
    """The learner's array, or None and what is wrong with it."""
    if mine is None:
        return None, "not computed yet: it is None (did its cell run, and assign it?)"
    if isinstance(mine, Value):
        mine = mine.data
    try:
        array = np.asarray(mine)
    except Exception:
        array = np.asarray(None)
    if array.dtype.kind not in "fiub":
        return None, f"not an array of numbers: got {type(mine).__name__}"
    return array, ""


def row(name: str, mine: Any, reference: Any, tol: tuple | None = None,
        sizes: dict[int, str] | None = None) -> Row:
    """Compare without printing: the `Row` that `compare` prints.

    Args:
        name: the name shown in the row.
        mine: the hand-written gradient (an array, or anything array-like).
        reference: a Value (its `.grad` is used) or an array.
        tol: `(rtol, atol)`; by default `tolerance` of the reference's dtype.
        sizes: what the sizes in the arrays mean, for naming a constant factor.

    Returns:
        The row; `row.close` is the verdict.
    """
    right = _reference(name, reference)
    got, problem = _mine(mine)
    if got is None:
        return Row(name, False, False, None, problem)
    tol = tol or tolerance(right.dtype)
    same = got.shape == right.shape
    ok = same and got.dtype == right.dtype and close(got, right, tol)
    exact = same and got.dtype == right.dtype and bool(np.array_equal(got, right,
                                                                      equal_nan=True))
    diff = None
    if same:
        with np.errstate(all="ignore"):
            delta = np.abs(got.astype(np.float64) - right.astype(np.float64))
        delta[np.isnan(got) & np.isnan(right)] = 0.0  # NaN where NaN is right
        diff = float(delta.max()) if delta.size else 0.0
    return Row(name, exact, ok, diff, "" if ok else diagnose(got, right, tol, sizes))


def compare(name: str, mine: Any, reference: Any, strict: bool | None = None) -> bool:
    """Compare a hand-written gradient with the engine's; print one row.

    The row says whether the two are exactly equal and whether they are close
    (`numpy.allclose` with `torch.allclose`'s tolerances for float64, looser for
    float32 and float16; the same shape and dtype are required), and the largest
    difference. When they are not close, a second line names the most likely
    mistake: transposed, a missing sum over a broadcast axis (naming it), off by
    a constant factor (naming it, and the size it matches), the wrong sign, all
    zeros, NaN, the wrong dtype; for anything else, where the two differ.

    Args:
        name: the name shown in the row, e.g. "logits".
        mine: your gradient, an ndarray.
        reference: a Value (its `.grad` is used, so call `backward()` first) or
            an ndarray with the right gradient.
        strict: True raises `Mismatch` when not close; None (the default)
            follows `check.strict()`.

    Returns:
        True if close.

    Raises:
        Mismatch: not close, in strict mode.
        ValueError: `reference` is a Value without a `.grad`.
        TypeError: `reference` is neither a Value nor an array of numbers.

    Examples:
        >>> import numpy as np
        >>> from autograd_core import Value, check
        >>> W = Value(np.arange(6.0).reshape(2, 3))
        >>> (W * W).sum().backward()
        >>> check.compare("W", 2 * W.data, W)
        W | exact: True  | close: True  | max diff: 0
        True
        >>> check.compare("W", 2 * W.data.T, W)
        W | exact: False | close: False | max diff: -
            transposed: (3, 2) vs (2, 3): use .T
        False
    """
    r = row(name, mine, reference)
    return finish([r], strict, r.line())


def _batch_sizes(references: Mapping[str, Any]) -> dict[int, str]:
    """Sizes named from all the references: the batch is the first axis most of
    the matrices share; other sizes are named by the first axis they appear on."""
    shapes = [np.shape(r.data if isinstance(r, Value) else r) for r in references.values()]
    firsts = [s[0] for s in shapes if len(s) > 1 and s[0] > 1]
    names = sizes_of(*shapes)
    if firsts:
        names[max(set(firsts), key=firsts.count)] = "the batch size"
    return names


def compare_all(mine: Mapping[str, Any], references: Mapping[str, Any],
                strict: bool | None = None) -> bool:
    """Compare a dict of hand-written gradients with the engine's, as a table.

    One row per name of `mine`, in its order, as `compare` makes it (the
    diagnosis in the last column), then how many are close. `references` may
    hold more names than `mine` (all the Values of a forward pass, say): only
    those in `mine` are compared. A size that many references share as their
    first axis is named the batch size in the diagnoses.

    Args:
        mine: name -> your gradient (an ndarray, or None if not computed yet).
        references: name -> a Value (its `.grad` is used) or an ndarray.
        strict: True raises `Mismatch` naming every row that is not close; None
            (the default) follows `check.strict()`.

    Returns:
        True if every array of `mine` is close to its reference.

    Raises:
        Mismatch: something is not close, in strict mode.
        ValueError: a reference is a Value without a `.grad`.
        TypeError: `mine` or `references` is not a dict.

    Examples:
        >>> import numpy as np
        >>> from autograd_core import Value, check
        >>> x = Value(np.ones((4, 3)))
        >>> b = Value(np.zeros(3))
        >>> y = (x + b) * 2
        >>> y.sum().backward()
        >>> check.compare_all({"y": np.ones((4, 3)), "b": np.full((4, 3), 2.0)},
        ...                   {"x": x, "b": b, "y": y})
        name  exact  close  max diff
        y     True   True   0
        b     False  False  -         a missing sum over a broadcast axis 0: (4, 3) vs (3,): sum over axis 0
        1 of 2 close
        False
    """
    if not isinstance(mine, Mapping) or not isinstance(references, Mapping):
        raise TypeError(f"check.compare_all: expected two dicts (name -> array), got "
                        f"{type(mine).__name__} and {type(references).__name__}")
    sizes = _batch_sizes(references)
    rows = [row(name, got, references[name], sizes=sizes) if name in references else
            Row(name, False, False, None, "no reference of this name to compare with")
            for name, got in mine.items()]
    done = sum(r.close for r in rows)
    return finish(rows, strict, f"{table(rows)}\n{done} of {len(rows)} close")
