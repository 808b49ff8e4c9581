"""Reference solutions and friendly checks for notebook 08, "Write your own op".

The notebook's exercise cells hold these same solutions between the lines
``### BEGIN SOLUTION`` and ``### END SOLUTION`` (the markers of nbgrader), so the
committed notebook runs top to bottom. To hand it out with the exercises blank:

    python notebooks/solutions/write_your_own_op.py --blank \\
        notebooks/08_write_your_own_op.ipynb exercises.ipynb

replaces each marked block with ``raise NotImplementedError("your code here")``
(keeping its indentation) and clears the outputs; nbgrader's
``generate_assignment`` does the same. The notebook's check cells call `check`,
which compares the learner's op with the reference below and runs `gradcheck`
and `gradgradcheck`, and says in plain words what is right and what is not.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from autograd_core import GradcheckError, Op, Value, gradcheck, gradgradcheck, op, vjp_tools

__all__ = ["EXERCISES", "Result", "blank", "check", "hypot", "logsumexp", "softplus", "square"]


# -- the reference solutions -----------------------------------------------------------
def square_vjp(g: Any, out: Any, x: Any) -> Any:
    """d(x**2)/dx = 2x."""
    return g * 2 * x


@op(square_vjp)
def square(x: np.ndarray) -> np.ndarray:
    """x ** 2, elementwise."""
    return x * x


def softplus_vjp(g: Any, out: Any, x: Any) -> Any:
    """d log(1 + e^x)/dx = e^x / (1 + e^x) = sigmoid(x)."""
    return g * vjp_tools.sigmoid(x)


@op(softplus_vjp)
def softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + exp(x)), without overflow for large x."""
    return np.logaddexp(0.0, x)


def hypot_vjp_a(g: Any, out: Any, a: Any, b: Any) -> Any:
    """d sqrt(a**2 + b**2)/da = a / out."""
    return g * a / out


def hypot_vjp_b(g: Any, out: Any, a: Any, b: Any) -> Any:
    """d sqrt(a**2 + b**2)/db = b / out."""
    return g * b / out


@op(hypot_vjp_a, hypot_vjp_b)
def hypot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """sqrt(a**2 + b**2), with NumPy broadcasting."""
    return np.sqrt(a * a + b * b)


def logsumexp_vjp(g: Any, out: Any, x: Any, axis: int = -1) -> Any:
    """d/dx_i log sum_j exp(x_j) = exp(x_i - out): the softmax along the axis."""
    shape = list(x.shape)
    shape[axis] = 1  # g and out lost this axis; put it back to broadcast along it
    return g.reshape(shape) * np.exp(x - out.reshape(shape))


@op(logsumexp_vjp)
def logsumexp(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """log(sum(exp(x), axis)), computed as m + log(sum(exp(x - m))) with m the max."""
    m = x.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))).squeeze(axis)


# -- the checks ------------------------------------------------------------------------
@dataclass
class Exercise:
    """One op to write: the reference, the inputs it is checked on, and a hint."""

    reference: Op
    inputs: Callable[[np.random.Generator], list]
    hint: str
    params: list = field(default_factory=lambda: [{}])


def _values(*shapes: tuple, low: float = -2.0, high: float = 2.0) -> Callable:
    def make(rng: np.random.Generator) -> list:
        return [Value(rng.uniform(low, high, shape), label=name)
                for shape, name in zip(shapes, "xyz" if len(shapes) == 1 else "ab")]
    return make


EXERCISES: dict[str, Exercise] = {
    "square": Exercise(square, _values((3, 4)),
                       "the derivative of x**2 is 2*x; times g, the output's gradient"),
    "softplus": Exercise(softplus, _values((5,), low=-30.0, high=30.0),
                         "the derivative of log(1 + e^x) is sigmoid(x); vjp_tools.sigmoid "
                         "works on arrays and on Values"),
    "hypot": Exercise(hypot, _values((3, 1), (1, 4), low=0.5, high=2.0),
                      "each input's derivative is that input divided by the output; "
                      "the engine sums a broadcast input's gradient for you"),
    "logsumexp": Exercise(logsumexp, _values((3, 4)),
                          "the gradient is the softmax along the axis, exp(x - out), "
                          "times g; g and out lack the reduced axis: reshape them to "
                          "put it back (size 1) before broadcasting",
                          params=[{"axis": -1}, {"axis": 0}]),
}


class Result:
    """What `check` found: true if the op passed; shown (or printed) as a sentence."""

    def __init__(self, ok: bool, name: str, text: str) -> None:
        self.ok, self.message = ok, f"{'✓' if ok else '✗'} {name}: {text}"

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return self.message


def _compare(got: Any, want: Value) -> str | None:
    """How the learner's forward result differs from the reference's, or None."""
    if not isinstance(got, Value):
        return f"it returned a {type(got).__name__}, not a Value"
    if got.shape != want.shape:
        return f"its result has shape {got.shape} where {want.shape} is right"
    wrong = ~np.isclose(got.data, want.data, rtol=1e-10, atol=1e-12)
    if not wrong.any():
        return None
    index = tuple(int(i) for i in np.argwhere(wrong)[0])
    more = f" (and {wrong.sum() - 1} more elements)" if wrong.sum() > 1 else ""
    return (f"at index {index} it gives {got.data[index]:.6g} where {want.data[index]:.6g} "
            f"is right{more}")


def _first_problem(name: str, learner: Any, ex: Exercise) -> str | None:
    """What is wrong with the learner's op, in words, or None if nothing is."""
    rng = np.random.default_rng(0)
    for params in ex.params:
        inputs = ex.inputs(rng)
        where = f" (with {params})" if params else ""
        try:
            got = learner(*inputs, **params)
        except NotImplementedError:
            return "not written yet: its cell still raises NotImplementedError"
        except Exception as exc:  # a learner's bug: say what it was
            return f"calling it raised {type(exc).__name__}: {exc}"
        want = ex.reference(*inputs, **params)
        problem = _compare(got, want)
        if problem:
            return f"the forward pass is off{where}: {problem}"
        try:
            gradcheck(lambda *xs: learner(*xs, **params), *inputs)
        except NotImplementedError:
            return "the forward is right; its VJP is not written yet"
        except GradcheckError as exc:
            return (f"the forward is right, but the VJP does not match finite "
                    f"differences{where}:\n{exc}\n  hint: {ex.hint}")
        except Exception as exc:
            return f"the backward pass raised {type(exc).__name__}: {exc}\n  hint: {ex.hint}"
        try:
            gradgradcheck(lambda *xs: learner(*xs, **params), *inputs)
        except (GradcheckError, TypeError, AttributeError) as exc:
            return ("first derivatives are right, but not second derivatives: write the VJP "
                    "with operators, methods of the arguments and NumPy's functions, "
                    "which also work on the Values of backward(create_graph=True) "
                    f"({type(exc).__name__}: {str(exc).splitlines()[0]})")
    return None


def check(name: str, learner: Any) -> Result:
    """Check the learner's op ``name`` against the reference.

    Returns:
        A `Result`, true if the forward matches the reference and `gradcheck`
        and `gradgradcheck` pass; a notebook shows its message, which says what
        is right or what is wrong (with `gradcheck`'s table and a hint).
    """
    ex = EXERCISES[name]
    if learner is None:
        return Result(False, name, "there is no op of that name yet: run its cell first")
    if not isinstance(learner, Op):
        return Result(False, name, "this is a plain function; make it an op by putting "
                                 "@op(its VJPs) above it")
    problem = _first_problem(name, learner, ex)
    if problem is not None:
        return Result(False, name, problem)
    return Result(True, name, "the forward matches, and gradcheck and gradgradcheck pass: "
                            "first and second derivatives are right")


# -- handing the notebook out ----------------------------------------------------------
_SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*$",
                       re.MULTILINE | re.DOTALL)


def blank(source: str, target: str) -> int:
    """Write ``source`` (a notebook) to ``target`` with every marked solution
    replaced by ``raise NotImplementedError("your code here")`` and no outputs.

    Returns:
        How many solutions were blanked.
    """
    import nbformat

    nb = nbformat.read(source, as_version=4)
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.source, n = _SOLUTION.subn(
            lambda m: f'{m[1]}raise NotImplementedError("your code here")', cell.source)
        count += n
        cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, target)
    return count


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "--blank":
        sys.exit(__doc__)
    print(f"blanked {blank(sys.argv[2], sys.argv[3])} solutions into {sys.argv[3]}")
