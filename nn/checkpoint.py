"""Checkpoints: `save` and `load` a module (and optionally an optimizer) as `.npz`.

The file is written with NumPy's `np.savez`: one array per parameter, under
the parameter's name (`layers.0.weight`). An optimizer's state goes under
names starting with `optim/`: its arrays as `optim/0`, `optim/1`, ...
and the nesting of its state dict, as JSON text, in `optim/__structure__`.

A file is read as a zip archive, one needed entry at a time, never unpickling
anything (see `nn.npz`): each entry's `.npy` header (shape, dtype) is checked
against what the module expects before its data is read, so a hostile file
cannot make `load` allocate more than the module's own size (and, with an
optimizer, four times that), and entries the module does not need are never read.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import stat
import zipfile
from collections.abc import Callable
from typing import Any

import numpy as np

from .module import Module
from .npz import open_npz, read_entry

__all__ = ["save", "load"]

_OPTIM = "optim/"
_STRUCTURE = _OPTIM + "__structure__"
# Names np.savez takes as its own arguments, so they cannot be array names.
_RESERVED = {"file", "args", "kwds", "allow_pickle"}
_MAX_DEPTH = 32  # nesting of the optimizer state's JSON; ours is about 10 deep



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
            arr = arrays[obj["__array__"]]
            return arr[()] if obj.get("scalar") else arr
        if "__dict__" in obj:
            return {_hashable(_decode(k, arrays)): _decode(v, arrays)
                    for k, v in obj["__dict__"]}
        if "__tuple__" in obj:
            return tuple(_decode(v, arrays) for v in obj["__tuple__"])
        if "__list__" in obj:
            return [_decode(v, arrays) for v in obj["__list__"]]
    raise ValueError(f"an item is none of the encoded kinds: {str(obj)[:40]}")


def _hashable(key: Any) -> Any:
    return key.item() if isinstance(key, np.generic) else key


def _walk(obj: Any) -> tuple[int, list[Any]]:
    """How deeply lists and dicts nest in `obj`, and the array entries it names
    (iteratively: any depth is measured without recursion)."""
    deepest, names, stack = 0, [], [(obj, 1)]
    while stack:
        item, d = stack.pop()
        if isinstance(item, dict):
            if "__array__" in item:
                names.append(item["__array__"])
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, d)
            stack.extend((v, d + 1) for v in item)
    return deepest, names


def _new_file(directory: str) -> tuple[int, str]:
    """Create a new, empty file in `directory` with the permissions `open()` gives
    (0o666 less the umask, as np.save's file gets; mkstemp's would be 0o600)."""
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
             | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    while True:
        tmp = os.path.join(directory, f".{secrets.token_hex(8)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:  # a 64-bit random name taken: try another
            continue


def save(module: Module, path: str | os.PathLike, optimizer: Any = None) -> str:
    """Write `module`'s parameters (and `optimizer`'s state) to `path` as `.npz`.

    The path is used as given (no `.npz` is appended). The file is written
    to a temporary file in the same directory and then moved into place with
    `os.replace`, so an interrupted save never leaves a corrupt file where a
    good checkpoint was. A new file gets the permissions the umask gives; a
    file overwritten keeps its permissions, as with `np.save`.

    Args:
        module: the module whose `state_dict` is saved.
        path: where to write (a symbolic link is written through).
        optimizer: an optimizer whose `state_dict` is saved too, or None.

    Returns:
        `path` as a string.

    Raises:
        TypeError: `module` is not a Module, or the optimizer state holds
            something other than arrays, numbers, strings and containers.
        ValueError: a parameter name that `np.savez` cannot store.
        OSError: the file cannot be written (the old one is then untouched).

    Examples:
        >>> import os, tempfile
        >>> import nn
        >>> model = nn.MLP(2, [4, 1], rng=0)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = nn.save(model, os.path.join(folder, "model.npz"))
        ...     copy = nn.load(nn.MLP(2, [4, 1], rng=1), path)
        >>> all((copy.state_dict()[k] == v).all() for k, v in model.state_dict().items())
        True
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
    target = os.path.realpath(path)
    fd, tmp = _new_file(os.path.dirname(target))
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileNotFoundError):
            st = os.stat(target)
            if stat.S_ISREG(st.st_mode):
                os.chmod(tmp, stat.S_IMODE(st.st_mode))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def _parameters(zf: zipfile.ZipFile, path: str, module: Module) -> dict[str, np.ndarray]:
    """Every parameter's and buffer's array from the file, each checked against
    its parameter or buffer."""
    state, missing = {}, []
    for name, p in [*module.named_parameters(), *module.named_buffers()]:
        kind = "buffer" if isinstance(p, np.ndarray) else "parameter"

        def check(where: str, shape: tuple, dtype: np.dtype, p: Any = p, kind: str = kind) -> None:
            if shape != p.shape:
                raise ValueError(f"{where} has shape {shape}, but the {kind} has shape "
                                 f"{p.shape}")
            if dtype.newbyteorder("=") != p.dtype:
                raise ValueError(f"{where} has dtype {dtype}, but the {kind} has dtype "
                                 f"{p.dtype}")
        arr = read_entry(zf, path, name, check)
        if arr is None:
            missing.append(name)
        else:
            state[name] = arr
    if missing:
        raise ValueError(f"load: {path}: names do not match the module's parameters "
                         f"and buffers (missing {missing})")
    return state


def _optimizer_state(zf: zipfile.ZipFile, path: str, module: Module) -> Any:
    """The optimizer state from the file, read within a budget of bytes: four
    times the parameters' bytes, plus 4 KiB a parameter and 1 MiB (step
    counts, hyperparameters, the JSON text)."""
    params = module.parameters()
    budget = 4 * sum(p.data.nbytes for p in params) + 4096 * len(params) + (1 << 20)

    def within_budget(kinds: str, ndim: int | None = None) -> Callable:
        def check(where: str, shape: tuple, dtype: np.dtype) -> None:
            nonlocal budget
            if dtype.kind not in kinds or (ndim is not None and len(shape) != ndim):
                raise ValueError(f"{where} has dtype {dtype} and shape {shape}, not those "
                                 f"of optimizer state")
            size = math.prod(shape) * dtype.itemsize
            if size > budget:
                raise ValueError(f"{where} is larger ({size} bytes) than the optimizer "
                                 f"state of this module can be")
            budget -= size
        return check

    text = read_entry(zf, path, _STRUCTURE, within_budget("U", ndim=0))
    if text is None:
        raise ValueError(f"load: {path} holds no optimizer state (it was saved without "
                         f"optimizer=...)")
    where = f"load: {path}: the optimizer state"
    try:
        structure = json.loads(str(text[()]))
    except RecursionError:
        raise ValueError(f"{where} is nested too deeply") from None
    except ValueError as e:
        raise ValueError(f"{where} is malformed: {e}") from None
    depth, names = _walk(structure)
    if depth > _MAX_DEPTH:
        raise ValueError(f"{where} is nested {depth} levels deep (at most {_MAX_DEPTH})")
    arrays: dict[str, np.ndarray] = {}
    for name in names:
        if not isinstance(name, str) or not name.startswith(_OPTIM) or name == _STRUCTURE:
            raise ValueError(f"{where} is malformed: it refers to an entry {name!r}")
        if name not in arrays:
            arr = read_entry(zf, path, name, within_budget("biuf"))
            if arr is None:
                raise ValueError(f"{where} refers to a missing entry {name!r}")
            arrays[name] = arr
    try:
        return _decode(structure, arrays)
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        raise ValueError(f"{where} is malformed: {e}") from None


def load(module: Module, path: str | os.PathLike, optimizer: Any = None) -> Module:
    """Load a checkpoint written by `save` into `module` (and `optimizer`).

    Every parameter and buffer of the module must be in the file with its
    shape and dtype; other entries are ignored (never read). The parameters
    and buffers are overwritten in place. Nothing changes unless everything loads.

    Args:
        module: the module to load into.
        path: the checkpoint file.
        optimizer: an optimizer over the module's parameters whose state is
            loaded too (the file must have been saved with one), or None.

    Returns:
        `module`, loaded (so `model = nn.load(Model(), path)` works).

    Raises:
        TypeError: `module` is not a Module.
        ValueError: the file is not a checkpoint of this module (missing, a
            directory, empty, truncated, corrupted, hostile, wrong names,
            shapes or dtypes), naming the file and the problem; the module
            and the optimizer are left as they were.
    """
    if not isinstance(module, Module):
        raise TypeError(f"load: expected an nn.Module, got {type(module).__name__}")
    path = os.fspath(path)
    with open_npz(path) as zf:
        state = _parameters(zf, path, module)
        optim_state = None if optimizer is None else _optimizer_state(zf, path, module)
    snapshot = module.state_dict() if optimizer is not None else None
    try:
        module.load_state_dict(state)
    except ValueError as e:
        raise ValueError(f"load: {path}: {e}") from None
    if optimizer is None:
        return module
    try:
        optimizer.load_state_dict(optim_state)
    except BaseException as e:
        module.load_state_dict(snapshot)  # all or nothing
        if isinstance(e, (TypeError, ValueError)):  # the optimizer refused the file's state
            raise ValueError(f"load: {path}: {e}") from None
        raise
    return module
