"""How `nn.load` reads an `.npz` file: one entry at a time, never unpickling.

Each entry's `.npy` header (shape, dtype) is read and checked before its data,
the data is read into an array of exactly the size the header gives (which
the zip entry must hold), and every error of a damaged or hostile file (zip,
zlib and .npy header errors, a bad CRC, a short read) becomes `ValueError`
naming the file and the problem.
"""

from __future__ import annotations

import contextlib
import math
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator

import numpy as np
from numpy.lib import format as npy

__all__ = ["open_npz", "read_entry"]

_MAX_HEADER = 10_000  # bytes of an .npy header: np.load's own limit
_CHUNK = 1 << 20  # bytes read at a time into the array being filled
# Errors of zipfile, zlib and numpy's .npy header parser on a damaged file.
_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, struct.error, EOFError,
           OSError, ValueError, TypeError, SyntaxError, OverflowError, NotImplementedError)


@contextlib.contextmanager
def _damage(where: str) -> Iterator[None]:
    """Turn the errors of reading a damaged file into `ValueError` naming `where`."""
    try:
        yield
    except _DAMAGE as e:
        raise ValueError(f"{where} is truncated or corrupted ({type(e).__name__}: {e})") \
            from None


def _problem(mode: int, magic: bytes) -> str | None:
    """What makes a file of `mode` starting with `magic` no .npz file, or None."""
    if stat.S_ISDIR(mode):
        return "is a directory"
    if not stat.S_ISREG(mode):
        return "is not a regular file"
    if not magic:
        return "is empty"
    if magic.startswith(b"\x80"):
        return "is a Python pickle; checkpoints are read with allow_pickle=False"
    if magic.startswith(b"\x93NUMPY"):
        return "is a single .npy array"
    if not magic.startswith(b"PK"):  # an .npz file is a zip archive
        return "is not a zip archive"
    return None


@contextlib.contextmanager
def open_npz(path: str) -> Iterator[zipfile.ZipFile]:
    """The zip archive at `path`, opened once, for `read_entry`.

    Args:
        path: the file.

    Returns:
        A context manager giving the open `zipfile.ZipFile`.

    Raises:
        ValueError: the file is missing, a directory, not a regular file,
            empty, not a zip archive (a pickle, a single .npy array, ...),
            or a damaged one; the message names the file and the problem.
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: a FIFO is refused below, not waited on
    except OSError as e:
        what = "does not exist" if isinstance(e, FileNotFoundError) else \
            f"cannot be opened ({e.strerror or e})"
        raise ValueError(f"load: {path} {what}") from None
    try:
        mode = os.fstat(fd).st_mode
        what = _problem(mode, os.read(fd, 6) if stat.S_ISREG(mode) else b"")
        if what is not None:
            raise ValueError(f"load: {path} is not a readable .npz checkpoint: it {what}")
        f = open(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with f:
        f.seek(0)
        with _damage(f"load: {path} is not a readable .npz checkpoint: it"):
            zf = zipfile.ZipFile(f)
        with zf:
            yield zf


def read_entry(zf: zipfile.ZipFile, path: str, name: str,
               check: Callable[[str, tuple, np.dtype], None]) -> np.ndarray | None:
    """The array stored under `name` by np.savez, or None if there is no such entry.

    Only this entry is read; its `.npy` header is checked before its data.

    Args:
        zf: the archive, from `open_npz`.
        path: the file, for error messages.
        name: the array's name (the entry `name + ".npy"`).
        check: `check(where, shape, dtype)` sees the header and raises
            `ValueError` to refuse the entry before any of its data is read
            (`where` names the file and the entry, for its message).

    Returns:
        The array (native byte order), or None.

    Raises:
        ValueError: the entry is damaged, encrypted, compressed other than
            np.savez_compressed compresses, of an .npy version other than 1.0
            and 2.0, of Python objects (a pickle), or refused by `check`.
    """
    try:
        info = zf.getinfo(name + ".npy")
    except KeyError:
        return None
    where = f"load: {path}: entry {name!r}"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ValueError(f"{where} uses zip compression method {info.compress_type}; only "
                         f"those of np.savez and np.savez_compressed are read")
    if info.flag_bits & 0x1:
        raise ValueError(f"{where} is encrypted")
    with _damage(where):
        f = zf.open(info)
    with f:
        with _damage(where):
            version = npy.read_magic(f)
        if version not in ((1, 0), (2, 0)):
            raise ValueError(f"{where} has .npy format version {version[0]}.{version[1]}; "
                             f"versions 1.0 and 2.0 are read")
        read_header = npy.read_array_header_1_0 if version == (1, 0) \
            else npy.read_array_header_2_0
        with _damage(where):
            shape, fortran, dtype = read_header(f, max_header_size=_MAX_HEADER)
            start = f.tell()
        if dtype.hasobject:
            raise ValueError(f"{where} holds pickled Python objects (dtype {dtype}); "
                             f"checkpoints are read with allow_pickle=False, so it is refused")
        if any(n < 0 for n in shape):
            raise ValueError(f"{where} is corrupted: its header gives the shape {shape}")
        check(where, shape, dtype)
        count = math.prod(shape)
        if info.file_size != start + count * dtype.itemsize:
            raise ValueError(f"{where} is corrupted: the zip entry holds {info.file_size} "
                             f"bytes, its header describes {start + count * dtype.itemsize}")
        arr = np.empty(count, dtype)
        view = memoryview(arr.view(np.uint8))
        with _damage(where):
            done = 0
            while done < view.nbytes:  # bounded chunks: no second copy of a large entry
                chunk = f.read(min(_CHUNK, view.nbytes - done))
                if not chunk:
                    raise EOFError(f"the data ends after {done} of {view.nbytes} bytes")
                view[done:done + len(chunk)] = chunk
                done += len(chunk)
            f.read(1)  # reaches the end of the entry: zipfile checks its CRC there
    arr = arr.reshape(shape[::-1]).T if fortran else arr.reshape(shape)
    return arr if dtype.isnative else arr.astype(dtype.newbyteorder("="))
