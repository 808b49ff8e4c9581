"""The flat step's buffers: one flat gradient, scratch and state array per name
for a list of parameters, with a view of each per parameter (see `optim.foreach`).

A `FlatGroup` is made once for an optimizer's parameters and kept from step to
step while they stay the same objects; what can change between steps (the
gradients, the parameters' arrays, their shapes and dtypes, the state) is
checked at each step, by `optim.foreach` and `flat_state`.
"""
from __future__ import annotations

from operator import is_
from typing import Any

import numpy as np

from autograd_core import Value

__all__ = ["FlatGroup"]


class FlatGroup:
    """Flat buffers for given parameters, whose arrays have one dtype, with a view per parameter."""

    __slots__ = ("params", "values", "tracked", "datas", "seen", "shapes", "dtype", "bounds",
                 "grad", "tmp", "grad_views", "tmp_views", "state")

    def __init__(self, params: list[Any], arrays: list[np.ndarray]) -> None:
        self.params = tuple(params)
        # The Values among them, whose versions each step bumps.
        self.values = [p for p in params if isinstance(p, Value)]
        # The parameters' arrays, and the version clock's reading when they were
        # last known to be theirs (None: not yet); `tracked`: all are Values, whose
        # `.data` is given a new array only with a tick of the clock.
        self.tracked = all(type(p) is Value for p in params)
        self.datas = arrays
        self.seen: int | None = None
        self.shapes = [a.shape for a in arrays]
        self.dtype = arrays[0].dtype
        stops = np.cumsum([a.size for a in arrays]).tolist()
        self.bounds = list(zip([0] + stops[:-1], stops))
        self.grad = np.empty(stops[-1], self.dtype)
        self.tmp = np.empty(stops[-1], self.dtype)
        self.grad_views = self.views(self.grad)
        self.tmp_views = self.views(self.tmp)
        # state name -> (its flat array, the per-parameter views held in the states)
        self.state: dict[str, tuple[np.ndarray, list[np.ndarray]]] = {}

    def serves(self, params: list[Any]) -> bool:
        """Whether these are the parameters the group was made for (the same objects)."""
        return len(params) == len(self.params) and all(map(is_, params, self.params))

    def views(self, flat: np.ndarray) -> list[np.ndarray]:
        """Each parameter's slice of `flat`, in its shape."""
        return [flat[a:b].reshape(s) for (a, b), s in zip(self.bounds, self.shapes)]

    def flat_state(self, states: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The state an update rule gets for the flat arrays (`{}` before the first
        step), or None where the parameters' states differ. State made by the
        per-parameter step or by `load_state_dict` is moved into flat buffers here."""
        first = states[0]
        if not first:
            return None if any(states) else {}
        out: dict[str, Any] = {}
        linked = True
        for name, value in first.items():
            if name == "step":
                for s in states:
                    if s.get("step") != value:
                        return None
                out["step"] = value
                continue
            flat, views = self.state.get(name, (None, ()))
            out[name] = flat
            for s, v in zip(states, views):
                if s.get(name) is not v:
                    linked = False
                    break
            else:
                linked = linked and flat is not None
        for s in states:
            if len(s) != len(first):
                return None
        return out if linked else self._adopt(states, out)

    def _adopt(self, states: list[dict[str, Any]], out: dict[str, Any]) -> dict[str, Any] | None:
        """Copy the per-parameter state arrays into flat buffers and hand the
        states views of them; None (nothing changed) where they do not fit."""
        names = [name for name in out if name != "step"]
        for s, shape in zip(states, self.shapes):
            for name in names:
                a = s.get(name)
                if type(a) is not np.ndarray or a.shape != shape or a.dtype != self.dtype:
                    return None
        for name in names:
            out[name] = np.concatenate([s[name].reshape(-1) for s in states])
        self.publish(states, out)
        return out

    def publish(self, states: list[dict[str, Any]], out: dict[str, Any]) -> None:
        """Hand each parameter's state its view of the flat state `out` (new
        buffers made by the update rule included), and the step count."""
        for name, value in out.items():
            if name == "step":
                for s in states:
                    s["step"] = value
            elif self.state.get(name, (None,))[0] is not value:
                views = self.views(value)
                self.state[name] = (value, views)
                for s, v in zip(states, views):
                    s[name] = v
