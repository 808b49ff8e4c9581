"""What the differential fuzzer draws its graphs from: arrays holding ordinary
numbers and edge values, shapes, indices and masks (`Ctx`), and the record of
one step (`Step`); `fuzz_ops.py` makes the steps, `test_fuzz.py` runs them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from hypothesis import strategies as st

INF, NAN = float("inf"), float("nan")
EDGES = [0.0, -0.0, INF, -INF, NAN, 1e-300, -1e-300, 1e300, -1e300, "max", "-max", "tiny"]
ORDINARY = st.floats(-3, 3, allow_subnormal=False)
TIES = st.sampled_from([-1.0, -0.5, 0.5, 1.0, 2.0])  # repeated values: ties, kinks, exact bounds
ELEMENTS = st.one_of(ORDINARY, ORDINARY, TIES, TIES, st.sampled_from(EDGES))


@dataclass
class Step:
    """One op applied to operands from the pool and fresh arrays, in both libraries."""
    text: str
    ours: Callable
    theirs: Callable
    refs: tuple
    fresh: tuple = ()


class Ctx:
    """Draws values for one graph: its dtype, and how many more inputs it may take."""

    def __init__(self, draw: Callable, dtype: np.dtype, room: int) -> None:
        self.draw, self.dtype, self.room = draw, np.dtype(dtype), room
        self.used: set = set()

    def values(self, shape: tuple, elements=ELEMENTS) -> np.ndarray:
        info = np.finfo(self.dtype)
        named = {"max": info.max, "-max": -info.max, "tiny": info.smallest_subnormal}
        n = int(np.prod(shape, dtype=int))
        xs = [named.get(x, x) if isinstance(x, str) else x
              for x in self.draw(st.lists(elements, min_size=n, max_size=n))]
        with np.errstate(over="ignore"):
            return np.array(xs, dtype=np.float64).astype(self.dtype).reshape(shape)

    def fresh(self, shape: tuple, elements=ELEMENTS) -> tuple:
        """A new operand: an input that requires grad while there is room, else a constant."""
        grad = self.room > 0 and self.draw(st.booleans())
        self.room -= grad
        return self.values(shape, elements), grad

    def mask(self, shape: tuple) -> np.ndarray:
        n = int(np.prod(shape, dtype=int))
        return np.array(self.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool).reshape(shape)

    def ints(self, n: int, below: int, max_size: int | None = None) -> np.ndarray:
        """`n` indices in [0, below) (up to `max_size` of them if given), repeats allowed."""
        drawn = self.draw(st.lists(st.integers(0, below - 1), min_size=0 if max_size else n,
                                   max_size=max_size or n))
        return np.array(drawn, dtype=np.int64)

    def pick(self, pool: list, ok: Callable = lambda s: True) -> int | None:
        """An index into the pool of shapes, of one that `ok` accepts: one not used
        yet if there is one (so that every input and result counts), else the
        latest result half the time (so that steps form chains)."""
        found = [i for i, s in enumerate(pool) if ok(s)]
        if not found:
            return None
        unused = [i for i in found if i not in self.used]
        if unused:
            i = self.draw(st.sampled_from(unused))
        else:
            i = found[-1] if self.draw(st.booleans()) else self.draw(st.sampled_from(found))
        self.used.add(i)
        return i

    def axes(self, ndim: int) -> tuple | None:
        if not ndim or self.draw(st.booleans()):
            return None
        return tuple(sorted(self.draw(st.sets(st.integers(0, ndim - 1), min_size=1))))


def broadcastable(a: tuple, b: tuple) -> bool:
    try:
        np.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


def partner_shape(c: Ctx, shape: tuple) -> tuple:
    """A shape that broadcasts with `shape`: some sides set to 1, maybe fewer axes."""
    keep = c.draw(st.integers(0, len(shape)))
    return tuple(1 if c.draw(st.booleans()) else n for n in shape[len(shape) - keep:])
