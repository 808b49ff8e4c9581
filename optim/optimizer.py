"""The `Optimizer` base class shared by SGD, RMSProp, Adam and AdamW.

An optimizer holds a list of parameters (objects with a `.data` ndarray and a
`.grad` that is None, an ndarray, or a Value whose `.data` is used) and updates
each `.data` array in place, so parameter identity is kept. Gradients are never
written to: they may share memory with other nodes of the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd_core import Value
from autograd_core.checks import real_number
from autograd_core.versions import bump_versions

from . import foreach
from .foreach import grad_array
from .lerp import lerp_
from .loading import loaded_state

__all__ = ["Optimizer", "lerp_"]


class Optimizer:
    """Base class of the optimizers: the parameters, their state and the hyperparameters.

    An optimizer holds a list of parameters (objects with a `.data` ndarray
    and a `.grad` that is None, an ndarray, or a Value whose `.data` is used)
    and updates each `.data` array in place, so parameter identity is kept;
    each step bumps the parameters' versions, so a graph recorded before it
    can no longer run backward. Gradients are never written to.

    Subclasses list their hyperparameter names in `_hyper_names`, validate
    them in `_check_hyper` (returning the normalised values), name the state
    entries a parameter gets in `_state_keys`, and compute the update in
    `_delta`. State is created lazily on a parameter's first update. Weight
    decay is applied here, before `_delta`, as torch applies it: L2 decay
    adds `weight_decay * p` to the gradient; decoupled decay
    (`_decoupled_decay = True`, AdamW) shrinks the parameter instead,
    `p = p * (1 - lr * weight_decay)`.

    Where all parameters take the same step (each has a gradient of its
    dtype and shape, one dtype for all, equal state), the step runs once on
    flat arrays, as torch's foreach path (see `optim.foreach`); otherwise
    parameter by parameter. Both give bit-identical results.

    Args:
        params: an iterable of parameters (e.g. `model.parameters()`), each
            once, with floating-point data.
        **hyper: the hyperparameters, by name.

    Raises:
        TypeError: `params` is a single parameter or not iterable, or an item
            is not a parameter with a float `.data` and a `.grad`.
        ValueError: an empty list, a parameter listed twice, or an invalid
            hyperparameter.
    """

    _hyper_names: tuple[str, ...] = ("lr",)
    # Without a weight_decay hyperparameter, an optimizer has none.
    weight_decay: float = 0.0
    """The weight decay (0 for an optimizer without the hyperparameter)."""
    _decoupled_decay: bool = False
    foreach: bool = True
    """Step all parameters through one flat buffer where they allow it; set it
    False (on the class or an instance) to always step parameter by parameter."""

    def __init__(self, params: Iterable[Any], **hyper: Any) -> None:
        if hasattr(params, "data") and hasattr(params, "grad"):
            raise TypeError(
                f"{type(self).__name__} expects an iterable of parameters, got a single "
                f"{type(params).__name__}; pass [param] or model.parameters()")
        try:
            self.params: list[Any] = list(params)
            """The parameters, in the order given."""
        except TypeError:
            raise TypeError(
                f"{type(self).__name__} expects an iterable of parameters, "
                f"got {type(params).__name__}") from None
        if not self.params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        seen: dict[int, int] = {}
        for i, p in enumerate(self.params):
            data = getattr(p, "data", None)
            if not isinstance(data, np.ndarray) or not hasattr(p, "grad"):
                raise TypeError(
                    f"parameter {i} is a {type(p).__name__}, not a parameter with an "
                    f"ndarray `.data` and a `.grad`")
            if not np.issubdtype(data.dtype, np.floating):
                raise TypeError(f"parameter {i} has dtype {data.dtype}; optimizers "
                                f"need floating-point parameters")
            if id(p) in seen:
                raise ValueError(f"parameter {i} is the same object as parameter "
                                 f"{seen[id(p)]}; each parameter may appear only once")
            seen[id(p)] = i
        for name, value in self._check_hyper(hyper).items():
            setattr(self, name, value)
        self.state: list[dict[str, Any]] = [{} for _ in self.params]
        """Each parameter's state (its buffers, and `step` where counted), by position; empty before its first update.
        """
        self._scratch: list[list[np.ndarray]] = [[] for _ in self.params]
        self._flat: foreach.FlatGroup | None = None  # the flat step's buffers

    # -- hooks for subclasses ---------------------------------------------
    @classmethod
    def _check_hyper(cls, hyper: dict[str, Any]) -> dict[str, Any]:
        """Validate and normalise a full set of hyperparameters."""
        raise NotImplementedError

    def _state_keys(self) -> tuple[str, ...]:
        """Names of the per-parameter state entries under the current settings."""
        raise NotImplementedError

    def _n_scratch(self) -> int:
        """How many parameter-sized scratch buffers a step needs: one for `_delta`'s
        work, and one more for the decayed gradient under L2 weight decay."""
        return 2 if self.weight_decay != 0 and not self._decoupled_decay else 1

    def _delta(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any],
               scratch: list[np.ndarray]) -> np.ndarray:
        """The array the step subtracts from `p` (`p -= delta`), from gradient `g`
        (weight decay applied); `p` is read for its shape and dtype only (the
        flat step passes the flat gradient). `scratch` holds `_n_scratch()`
        reusable arrays shaped like `p` (not part of the state). Under L2 weight
        decay `g` is `scratch[0]`, so `_delta` works in `scratch[-1]` unless it
        allows for that. Every operation must be elementwise: the flat step runs
        it once on all parameters' arrays laid end to end."""
        raise NotImplementedError

    def _decay(self, p: np.ndarray, g: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Apply a nonzero weight decay and return the gradient to use: L2 decay
        writes `weight_decay * p + g` into `out` and returns `out`; decoupled decay
        scales `p` in place by 1 - lr * weight_decay and returns `g`, which is
        never written to."""
        if self._decoupled_decay:
            p *= 1.0 - self._lr * self.weight_decay
            return g
        np.multiply(p, self.weight_decay, out=out)
        out += g
        return out

    # -- public interface --------------------------------------------------
    @property
    def lr(self) -> float:
        """The learning rate; schedules change it between steps.

        Assigning it checks it: a negative or non-finite value raises `ValueError`.
        """
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = real_number("lr (learning rate)", value)

    def hyperparameters(self) -> dict[str, Any]:
        """The hyperparameters as a plain dict.

        Returns:
            Name -> value, e.g. `{'lr': 0.01, 'momentum': 0.9, ...}`.
        """
        return {name: getattr(self, name) for name in self._hyper_names}

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; parameters whose grad is None are skipped.

        Args:
            closure: a function called first, which should recompute the loss
                and the gradients; or None.

        Returns:
            What `closure` returned, or None.

        Raises:
            ValueError: a gradient's shape differs from its parameter's, or a
                parameter's shape changed since its state was made.
        """
        loss = closure() if closure is not None else None
        changed: list[Value] = []  # the Values updated, whose version the step bumps
        flat = False
        try:
            # Flat, as torch's foreach path, where the parameters allow it. Callgrind,
            # instructions per optimizer step (benchmarks/instructions.py o1, o2), per
            # parameter -> flat: Adam on 64-128-10 396k -> 265k (-33%), SGD on XOR
            # 2-4-1 87.8k -> 75.1k (-14%), SGD on 16 x Linear(32,32) 672k -> 460k;
            # whole training steps t1 509k -> 493k (-3%), t2 1.69M -> 1.57M (-7%).
            flat = self.foreach and foreach.flat_step(self, changed)
            if not flat:
                self._step_each(changed)
        finally:
            # Graphs recorded before this step can no longer backward (one tick for
            # all parameters: a call per parameter would cost more than the check).
            bump_versions(changed)
        if flat:
            foreach.settle(self)
        return loss

    def _step_each(self, changed: list[Value]) -> None:
        """The step parameter by parameter, appending the Values updated to `changed`."""
        n_scratch = self._n_scratch()  # once per step, not once per parameter
        decay = self.weight_decay != 0
        for i, param in enumerate(self.params):
            g = param.grad
            if g is None:
                continue
            p = param.data
            if type(g) is not np.ndarray:  # the common ndarray grad skips a call
                g = grad_array(g)
            if g.shape != p.shape:
                raise ValueError(f"{type(self).__name__}.step: gradient of parameter {i} "
                                 f"has shape {g.shape} but the parameter has shape {p.shape}")
            # Scratch arrays are kept from step to step: no allocation per step.
            scratch = self._scratch[i]
            if len(scratch) < n_scratch or (
                    scratch and (scratch[0].shape != p.shape or scratch[0].dtype is not p.dtype)):
                scratch = self._scratch[i] = [np.empty_like(p) for _ in range(n_scratch)]
                self._check_state(i, p)
            if decay:
                g = self._decay(p, g, scratch[0])
            p -= self._delta(p, g, self.state[i], scratch)
            if type(param) is Value or isinstance(param, Value):
                changed.append(param)

    def _count_step(self, state: dict[str, Any], p: np.ndarray) -> int:
        """Count a parameter's step, creating its state (zeroed buffers) on the first."""
        if not state:
            state["step"] = 0
            for key in self._state_keys()[1:]:
                state[key] = np.zeros_like(p)
        state["step"] += 1
        return state["step"]

    def _check_state(self, i: int, p: np.ndarray) -> None:
        for key, value in self.state[i].items():
            if isinstance(value, np.ndarray) and value.shape != p.shape:
                raise ValueError(
                    f"{type(self).__name__}.step: state '{key}' of parameter {i} has "
                    f"shape {value.shape} but the parameter now has shape {p.shape}")

    def zero_grad(self) -> None:
        """Reset the gradients: set every parameter's `.grad` to None."""
        for p in self.params:
            p.grad = None

    def state_dict(self) -> dict[str, Any]:
        """A plain-dict snapshot (copies) of the optimizer.

        Returns:
            `{'optimizer': class name, 'hyperparameters': {...}, 'state':
            {position: {buffer name: ndarray, ...}}}`; Adam's and RMSProp's
            entries also count their `'step'`. Parameters that have not been
            updated yet have no entry in `'state'`.
        """
        state = {}
        for i, s in enumerate(self.state):
            if s:
                state[i] = {k: (v.copy() if isinstance(v, np.ndarray) else v)
                            for k, v in s.items()}
        return {"optimizer": type(self).__name__,
                "hyperparameters": self.hyperparameters(),
                "state": state}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a snapshot made by `state_dict()`, hyperparameters included.

        Everything is checked before anything changes: a refused load leaves the
        optimizer as it was. Buffers are copied and cast to their parameter's
        dtype.

        Args:
            state_dict: what `state_dict()` returned (for this class of optimizer
                and these parameters).

        Raises:
            TypeError: `state_dict` is not a dict.
            ValueError: its keys, class name, hyperparameters, positions, entries,
                shapes or steps do not fit this optimizer.
        """
        hyper, state = loaded_state(self, state_dict)  # all checked before any change
        for key, value in hyper.items():
            setattr(self, key, value)
        self.state = state

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"

