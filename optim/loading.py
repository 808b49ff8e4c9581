"""Checking a saved optimizer state before `Optimizer.load_state_dict` takes it."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["loaded_state"]


def loaded_state(opt: Any, state_dict: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The hyperparameters and per-parameter state that `state_dict` gives `opt`,
    checked and copied; `opt` is not changed.

    Raises:
        TypeError: `state_dict` is not a dict.
        ValueError: its keys, class name, hyperparameters, positions, entries,
            shapes or steps do not fit `opt`.
    """
    name = type(opt).__name__
    if not isinstance(state_dict, dict):
        raise TypeError(f"{name}.load_state_dict expects a dict, "
                        f"got {type(state_dict).__name__}")
    expected = {"optimizer", "hyperparameters", "state"}
    if set(state_dict) != expected:
        raise ValueError(f"{name}.load_state_dict: expected keys {sorted(expected)}, "
                         f"got {sorted(map(str, state_dict))}")
    if state_dict["optimizer"] != name:
        raise ValueError(f"cannot load a {state_dict['optimizer']} state into {name}")
    hyper = state_dict["hyperparameters"]
    if not isinstance(hyper, dict) or set(hyper) != set(opt._hyper_names):
        got = sorted(hyper) if isinstance(hyper, dict) else type(hyper).__name__
        raise ValueError(f"{name}.load_state_dict: expected hyperparameters "
                         f"{sorted(opt._hyper_names)}, got {got}")
    hyper = opt._check_hyper(dict(hyper))
    states = state_dict["state"]
    if not isinstance(states, dict):
        raise ValueError(f"{name}.load_state_dict: 'state' must be a dict")
    # Which buffers a parameter has depends on the loaded hyperparameters.
    candidate = object.__new__(type(opt))
    for key, value in hyper.items():
        setattr(candidate, key, value)
    keys = set(candidate._state_keys())
    new_state: list[dict[str, Any]] = [{} for _ in opt.params]
    for pos, entry in states.items():
        if isinstance(pos, (bool, np.bool_)) or not isinstance(pos, (int, np.integer)) \
                or not 0 <= pos < len(opt.params):
            raise ValueError(f"{name}.load_state_dict: state key {pos!r} is not a "
                             f"parameter position (0..{len(opt.params) - 1})")
        new_state[int(pos)] = _load_entry(opt, int(pos), entry, keys)
    return hyper, new_state


def _load_entry(opt: Any, pos: int, entry: Any, keys: set[str]) -> dict[str, Any]:
    """Validate and copy the saved state of parameter `pos`."""
    name = type(opt).__name__
    if not isinstance(entry, dict) or not entry:
        raise ValueError(f"{name}.load_state_dict: state of parameter {pos} must be "
                         f"a non-empty dict")
    if set(entry) != keys:
        raise ValueError(f"{name}.load_state_dict: state of parameter {pos} has "
                         f"entries {sorted(entry)}, expected {sorted(keys)}")
    p = opt.params[pos].data
    out: dict[str, Any] = {}
    for key, value in entry.items():
        if key == "step":
            if isinstance(value, (bool, np.bool_)) or not isinstance(
                    value, (int, np.integer, float, np.floating)) \
                    or not float(value).is_integer() or value < 1:
                raise ValueError(f"{name}.load_state_dict: step of parameter {pos} "
                                 f"must be a positive integer, got {value!r}")
            out[key] = int(value)
            continue
        arr = np.asarray(value)
        if arr.shape != p.shape:
            raise ValueError(f"{name}.load_state_dict: state '{key}' of parameter "
                             f"{pos} has shape {arr.shape}, the parameter {p.shape}")
        if not (np.issubdtype(arr.dtype, np.floating)
                or np.issubdtype(arr.dtype, np.integer)):
            raise ValueError(f"{name}.load_state_dict: state '{key}' of parameter "
                             f"{pos} has non-numeric dtype {arr.dtype}")
        out[key] = np.array(arr, dtype=p.dtype, copy=True)
    return out
