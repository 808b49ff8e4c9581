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

The buffers (a `FlatGroup`) are kept while the parameters are the same
objects, and so is the list of their arrays while the version clock has not
ticked since the last flat step (where the parameters are all Values, whose
`.data` gets a new array only with a tick): a step reads each parameter's
`.grad`, and its `.data` only after another change in place.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core.versions import clock

from .flatgroup import FlatGroup

__all__ = ["FlatGroup", "flat_step", "grad_array", "settle"]

_ndarray = np.ndarray


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


def _regroup(opt: Any) -> FlatGroup | None:
    """New flat buffers for `opt`'s parameters as they are now; None where their
    dtypes differ or they are too large for the flat step to pay."""
    datas = [param.data for param in opt.params]
    dtype = datas[0].dtype
    if any(p.dtype is not dtype for p in datas) \
            or sum(p.size for p in datas) > MAX_MEAN_SIZE * len(datas):
        return None
    opt._flat = FlatGroup(opt.params, datas)
    return opt._flat


def _gather(opt: Any, group: FlatGroup, l2: bool) -> list[np.ndarray] | None:
    """Check each parameter and copy its gradient into the flat buffer (decayed
    under L2 decay by `Optimizer._decay`, as the per-parameter step decays it);
    return the parameters' arrays, or None, with nothing changed, to decline."""
    params, dtype = group.params, group.dtype
    # The arrays of the last step where the version clock has not ticked since
    # (assigning `.data` ticks it): the `.data` and `.grad` properties cost 2k
    # instructions a read (callgrind, 8 reads 16.0k). With the group kept and the
    # learning rate read without its property, per step (benchmarks/instructions.py):
    # o1 (XOR 2-4-1, SGD) 75.3k -> 69.4k, o2 (64-128-10, Adam) 264.8k -> 260.2k,
    # o4 (16 x Linear(32,32), SGD) 459.9k -> 403.8k.
    datas = group.datas if group.seen == clock.now else [param.data for param in params]
    for param, p, shape, view in zip(params, datas, group.shapes, group.grad_views):
        g = param.grad
        if g is None:
            return None
        if type(g) is not _ndarray:
            g = grad_array(g)
        if g.shape != shape or p.shape != shape or g.dtype is not dtype \
                or p.dtype is not dtype:
            opt._flat = None  # the next step makes buffers for the shapes then
            return None
        if l2:
            if p.base is not None:
                return None
            opt._decay(p, g, view)  # weight_decay * p + g, written into the flat buffer
        else:
            # 2.1k instructions a copy against np.copyto's 4.0k (callgrind, 4 floats)
            view[...] = g
    group.datas = datas
    return datas


def flat_step(opt: Any, changed: list) -> bool:
    """Take `opt`'s step for all of its parameters at once, appending the Values
    updated to `changed`; False, with nothing changed, where it does not apply
    (see the module's docstring)."""
    params, states = opt.params, opt.state
    group = opt._flat
    if group is None or not group.serves(params):
        if len(params) < 2:
            return False
        group = _regroup(opt)
        if group is None:
            return False
    if len(states) != len(params):
        return False
    # The states first: where steps differ (a parameter once skipped), every later
    # step declines here, before any gradient is gathered.
    fstate = group.flat_state(states)
    if fstate is None:
        if any(param.data.shape != s for param, s in zip(params, group.shapes)):
            opt._flat = None  # state for parameters of new shapes: new buffers next step
        return False
    wd = opt.weight_decay
    l2 = wd != 0 and not opt._decoupled_decay
    datas = _gather(opt, group, l2)
    if datas is None:
        return False
    # From here on the step is taken: nothing declines.
    changed += group.values
    g = group.grad
    scratch = [g, group.tmp][:opt._n_scratch()] if l2 else [group.tmp]
    delta = opt._delta(g, g, fstate, scratch)
    if fstate:  # plain SGD keeps no state: no call
        group.publish(states, fstate)
    deltas = (group.tmp_views if delta is group.tmp else
              group.grad_views if delta is g else group.views(delta))
    if wd != 0 and not l2:
        for p, d in zip(datas, deltas):
            opt._decay(p, d, d)  # p scaled by 1 - lr * weight_decay; d is not written to
            p -= d
    else:
        for p, d in zip(datas, deltas):
            p -= d
    return True


def settle(opt: Any) -> None:
    """After a flat step and its version bump: the group's arrays are its
    parameters' as of the version clock's reading now (where the parameters
    are all Values: another object's `.data` can change without a tick). A
    step is not meant to run while another thread changes its parameters: a
    `.data` assigned by one between the bump and this reading would be missed."""
    group = opt._flat
    if group.tracked:
        group.seen = clock.now
