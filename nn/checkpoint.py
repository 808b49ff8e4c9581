"""Checkpoints: `save` and `load` a module (and optionally an optimizer) as `.npz`.

The file is written with NumPy's `np.savez`: one array per parameter, under
the parameter's name (``layers.0.weight``). An optimizer's state goes under
names starting with ``optim/``: its arrays as ``optim/0``, ``optim/1``, ...
and the nesting of its state dict, as JSON text, in ``optim/__structure__``.
Files are read with ``allow_pickle=False``; nothing in them is executed.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from typing import Any

import numpy as np

from .module import Module

__all__ = ["save", "load"]

_OPTIM = "optim/"
_STRUCTURE = _OPTIM + "__structure__"
# Names np.savez takes as its own arguments, so they cannot be array names.
_RESERVED = {"file", "args", "kwds", "allow_pickle"}


def _encode(obj: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Turn nested containers into JSON-able data, moving arrays into `arrays`."""
    if isinstance(obj, (np.ndarray, np.generic)):
        name = f"{_OPTIM}{len(arrays)}"
        arrays[name] = np.asarray(obj)
        return {"__array__": name, "scalar": isinstance(obj, np.generic)}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, dict):
        return {"__dict__": [[_encode(k, arrays), _encode(v, arrays)] for k, v in obj.items()]}
    if isinstance(obj, tuple):
        return {"__tuple__": [_encode(v, arrays) for v in obj]}
    if isinstance(obj, list):
        return {"__list__": [_encode(v, arrays) for v in obj]}
    raise TypeError(f"save: cannot store optimizer state of type {type(obj).__name__}")


def _decode(obj: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Inverse of `_encode`."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, dict) and len(obj) >= 1:
        if "__array__" in obj:
            arr = arrays.get(obj["__array__"])
            if arr is None:
                raise ValueError(f"optimizer state refers to a missing entry "
                                 f"{obj['__array__']!r}")
            return arr[()] if obj.get("scalar") else arr
        if "__dict__" in obj:
            return {_hashable(_decode(k, arrays)): _decode(v, arrays)
                    for k, v in obj["__dict__"]}
        if "__tuple__" in obj:
            return tuple(_decode(v, arrays) for v in obj["__tuple__"])
        if "__list__" in obj:
            return [_decode(v, arrays) for v in obj["__list__"]]
    raise ValueError("optimizer state in the checkpoint is malformed")


def _hashable(key: Any) -> Any:
    return key.item() if isinstance(key, np.generic) else key


def save(module: Module, path: str | os.PathLike, optimizer: Any = None) -> str:
    """Write ``module``'s parameters (and ``optimizer``'s state, if given) to
    ``path`` as an `.npz` file; returns the path.

    The path is used as given (no ``.npz`` is appended). The file is written
    to a temporary file in the same directory and then moved into place with
    `os.replace`, so an interrupted save never leaves a corrupt file where a
    good checkpoint was.
    """
    if not isinstance(module, Module):
        raise TypeError(f"save: expected an nn.Module, got {type(module).__name__}")
    path = os.fspath(path)
    arrays: dict[str, np.ndarray] = dict(module.state_dict())
    reserved = _RESERVED.intersection(arrays)
    if reserved:
        raise ValueError(f"save: parameter names {sorted(reserved)} cannot be stored by "
                         f"np.savez; rename those attributes")
    if optimizer is not None:
        optim_arrays: dict[str, np.ndarray] = {}
        structure = _encode(optimizer.state_dict(), optim_arrays)
        arrays.update(optim_arrays)
        arrays[_STRUCTURE] = np.array(json.dumps(structure))
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def _read(path: str) -> dict[str, np.ndarray]:
    """Every entry of the `.npz` file at ``path``, read without unpickling."""
    with open(path, "rb") as f:
        magic = f.read(6)
    if not magic.startswith(b"PK"):  # an .npz file is a zip archive
        if magic.startswith(b"\x80"):
            what = "is a Python pickle; checkpoints are read with allow_pickle=False"
        elif magic.startswith(b"\x93NUMPY"):
            what = "is a single .npy array"
        else:
            what = "is not a zip archive"
        raise ValueError(f"load: {path} is not a readable .npz checkpoint: it {what}")
    try:
        npz = np.load(path, allow_pickle=False)
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as e:
        raise ValueError(f"load: {path} is not a readable .npz checkpoint: {e}") from None
    arrays = {}
    with npz:
        for name in npz.files:
            try:
                arrays[name] = npz[name]
            except ValueError as e:
                if "pickle" in str(e):
                    raise ValueError(
                        f"load: entry {name!r} of {path} holds pickled Python objects; "
                        f"checkpoints are read with allow_pickle=False, so it is "
                        f"refused") from None
                raise ValueError(f"load: entry {name!r} of {path} is unreadable: {e}") \
                    from None
            except (OSError, zipfile.BadZipFile, EOFError) as e:
                raise ValueError(f"load: entry {name!r} of {path} is unreadable: {e}") \
                    from None
    return arrays


def load(module: Module, path: str | os.PathLike, optimizer: Any = None) -> None:
    """Load a checkpoint written by `save` into ``module`` (and ``optimizer``).

    Every parameter of the module must be in the file with its shape and
    dtype; other entries are ignored. The parameters are overwritten in place.
    Nothing changes unless everything loads: a refused load (``ValueError``
    naming the problem) leaves the module and the optimizer as they were.
    """
    if not isinstance(module, Module):
        raise TypeError(f"load: expected an nn.Module, got {type(module).__name__}")
    path = os.fspath(path)
    arrays = _read(path)
    names = [name for name, _ in module.named_parameters()]
    state = {name: arrays[name] for name in names if name in arrays}
    optim_state = None
    if optimizer is not None:
        if _STRUCTURE not in arrays:
            raise ValueError(f"load: {path} holds no optimizer state (it was saved "
                             f"without optimizer=...)")
        try:
            structure = json.loads(str(arrays[_STRUCTURE]))
        except json.JSONDecodeError as e:
            raise ValueError(f"load: optimizer state in {path} is malformed: {e}") from None
        optim_state = _decode(structure, arrays)
    snapshot = module.state_dict() if optimizer is not None else None
    try:
        module.load_state_dict(state)
    except ValueError as e:
        raise ValueError(f"load: {path}: {e}") from None
    if optimizer is None:
        return
    try:
        optimizer.load_state_dict(optim_state)
    except BaseException:
        module.load_state_dict(snapshot)  # all or nothing
        raise
