"""The optional accelerator: the engine's hot modules compiled, or all of it pure Python.

`pip install .` compiles the hottest modules (the list is in setup.py) with Cython where
a C compiler is at hand: the same source, compiled unchanged, gives the same results. A
compiled module sits beside its source, and Python would load the compiled one. The
finder here, placed ahead of Python's own when `autograd_core` is first imported, loads
a module of the three packages from its source instead:
- every module, where the environment variable AUTOGRAD_CORE_PURE_PYTHON=1 is set: the
  pure Python, to read, step through with a debugger or profile line by line;
- a module whose source is not the one it was compiled from (the build records each
  source's hash in `_accelerated.json`): an edited source runs as edited.

`compiled()` names the modules running compiled.
"""
from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from types import ModuleType


def env_flag(name: str) -> bool:
    """Whether the environment variable `name` is set to something other than 0."""
    return os.environ.get(name, "").strip() not in ("", "0")


ENV = "AUTOGRAD_CORE_PURE_PYTHON"
PURE = env_flag(ENV)
"""True where the environment asks for the pure Python everywhere."""
PACKAGES = ("autograd_core", "nn", "optim")
MANIFEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_accelerated.json")
"""The build's record: module name -> SHA-256 of the source it compiled."""


def source_hash(path: str) -> str:
    """The SHA-256 of a source file, as the build records it."""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _compiled_file(folder: str, name: str) -> str | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = os.path.join(folder, name + suffix)
        if os.path.isfile(path):
            return path
    return None


class SourceFirst(importlib.abc.MetaPathFinder):
    """Finds a module of ours from its source where its compiled file is not to run."""

    def __init__(self, pure: bool, manifest: dict[str, str]) -> None:
        self.pure, self.manifest = pure, manifest

    def find_spec(self, fullname: str, path: object = None,
                  target: object = None) -> importlib.machinery.ModuleSpec | None:
        """A spec for the source, or None to leave the module to Python's own finders."""
        if path is None or fullname.partition(".")[0] not in PACKAGES:
            return None
        name = fullname.rpartition(".")[2]
        for folder in path:  # type: ignore[attr-defined]
            source = os.path.join(folder, name + ".py")
            if not os.path.isfile(source):
                continue
            if _compiled_file(folder, name) is None:
                return None  # nothing compiled: Python's finder gives the same module
            key = _key(fullname)
            if self.pure or self.manifest.get(key) != source_hash(source):
                return importlib.util.spec_from_file_location(fullname, source)
            return None
        return None


def _key(fullname: str) -> str:
    # `autograd_core.nn.module` is nn's module loaded under a private name.
    return fullname.removeprefix("autograd_core.") if fullname.startswith(
        ("autograd_core.nn.", "autograd_core.optim.")) else fullname


def install() -> None:
    """Put the finder ahead of Python's own (once): `autograd_core/__init__.py` calls
    this before it imports any other module of ours."""
    if any(isinstance(f, SourceFirst) for f in sys.meta_path):
        return
    try:
        with open(MANIFEST, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError):
        manifest = {}
    sys.meta_path.insert(0, SourceFirst(PURE, manifest))


def is_compiled(module: ModuleType) -> bool:
    """Whether a module was loaded from a compiled file."""
    return isinstance(getattr(module, "__loader__", None), importlib.machinery.ExtensionFileLoader)


def compiled() -> list[str]:
    """The names of the loaded modules of ours that run compiled."""
    return sorted(name for name, module in list(sys.modules.items())
                  if name.partition(".")[0] in PACKAGES and module is not None
                  and is_compiled(module))
