"""The flat ("foreach") step: all parameters updated through one flat buffer.

As `torch.optim`'s foreach path: the gradients are gathered into one
contiguous array, the optimizer's update rule (its `_delta`) runs once on flat
arrays, and each parameter subtracts its slice of the result. The state
buffers (`exp_avg`, `momentum_buffer`, ...) live in one flat array per name,
and each parameter's state entry is a view of its slice: only the gradients
are gathered, and `state_dict`, `load_state_dict` and the per-parameter path
see the same per-parameter arrays as before. Every operation of an update rule
is elementwise, so the results are bit-identical to the per-parameter step's.

`flat_step` declines (returns False, having changed nothing) and the
per-parameter step runs instead when the parameters do not all take the same
step: a gradient that is None, or of another shape or dtype than its
parameter; parameters of different dtypes; states that differ (some
parameters with state and others without, unequal step counts, state loaded
in another layout); L2 weight decay where a parameter is a view (the decayed
gradient of one parameter could then read another's update); fewer than two
parameters; parameters of more than `MAX_MEAN_SIZE` elements on average, where
gathering the gradients costs more than the flat step saves.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Value

__all__ = ["FlatGroup", "flat_step", "grad_array"]


def grad_array(grad: Any) -> np.ndarray:
    """The ndarray behind a gradient (an ndarray, or a Value after create_graph)."""
    if isinstance(grad, np.ndarray):
        return grad
    data = getattr(grad, "data", grad)
    return np.asarray(data)


# Gathering the gradients costs a copy per element; the flat step saves a few
# thousand instructions per parameter and operation. It pays for parameters of a
# few thousand elements on average and costs above: callgrind, the optimizer's step
# alone (benchmarks/instructions.py o2, o3), flat against per parameter:
# Adam on 64-128-10 (2.4k elements a parameter) 265k against 396k instructions,
# on 784-512-256-10 (89k a parameter) 6.77M against 4.57M.
MAX_MEAN_SIZE = 4096
"""The flat step runs where the parameters hold at most this many elements on average."""


class FlatGroup:
    """Flat buffers for parameters of given shapes and one dtype, with a view per parameter."""

    __slots__ = ("shapes", "dtype", "bounds", "grad", "tmp", "grad_views", "tmp_views",
                 "state")

    def __init__(self, arrays: list[np.ndarray]) -> None:
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


def _regroup(opt: Any) -> FlatGroup | None:
    """New flat buffers for `opt`'s parameters as they are now; None where their
    dtypes differ or they are too large for the flat step to pay."""
    datas = [param.data for param in opt.params]
    dtype = datas[0].dtype
    if any(p.dtype is not dtype for p in datas) \
            or sum(p.size for p in datas) > MAX_MEAN_SIZE * len(datas):
        return None
    opt._flat = FlatGroup(datas)
    return opt._flat


def flat_step(opt: Any, changed: list) -> bool:
    """Take `opt`'s step for all of its parameters at once, appending the Values
    updated to `changed`; False, with nothing changed, where it does not apply
    (see the module's docstring)."""
    params, states = opt.params, opt.state
    if len(params) < 2 or len(states) != len(params):
        return False
    group = opt._flat
    if group is None or len(group.shapes) != len(params):
        group = _regroup(opt)
        if group is None:
            return False
    # The states first: where steps differ (a parameter once skipped), every later
    # step declines here, before any gradient is gathered.
    fstate = group.flat_state(states)
    if fstate is None:
        if any(param.data.shape != s for param, s in zip(params, group.shapes)):
            opt._flat = None  # state for parameters of new shapes: new buffers next step
        return False
    dtype, wd = group.dtype, opt.weight_decay
    l2 = wd != 0 and not opt._decoupled_decay
    datas = []
    # One pass checks each parameter and gathers its gradient (decayed under L2
    # decay by `Optimizer._decay`, as the per-parameter step decays it).
    for param, shape, view in zip(params, group.shapes, group.grad_views):
        g = param.grad
        if g is None:
            return False
        if type(g) is not np.ndarray:
            g = grad_array(g)
        p = param.data
        if g.shape != shape or p.shape != shape or g.dtype is not dtype \
                or p.dtype is not dtype:
            opt._flat = None  # the next step makes buffers for the shapes then
            return False
        if l2:
            if p.base is not None:
                return False
            opt._decay(p, g, view)  # weight_decay * p + g, written into the flat buffer
        else:
            # 2.1k instructions a copy against np.copyto's 4.0k (callgrind, 4 floats)
            view[...] = g
        datas.append(p)
    # From here on the step is taken: nothing declines.
    g = group.grad
    scratch = [g, group.tmp][:opt._n_scratch()] if l2 else [group.tmp]
    delta = opt._delta(g, g, fstate, scratch)
    group.publish(states, fstate)
    deltas = (group.tmp_views if delta is group.tmp else
              group.grad_views if delta is g else group.views(delta))
    decoupled = wd != 0 and not l2
    for param, p, d in zip(params, datas, deltas):
        if decoupled:
            opt._decay(p, d, d)  # p scaled by 1 - lr * weight_decay; d is not written to
        p -= d
        if type(param) is Value or isinstance(param, Value):
            changed.append(param)
    return True
