"""The build: the three packages as pure Python, and the engine's optional accelerator.

The accelerator is the hot modules in ACCELERATED compiled unchanged by Cython, in its
pure-Python mode: the same source, the same results. `pip install .` builds it where
Cython and a C compiler are at hand; where either is missing, or AUTOGRAD_CORE_BUILD_PURE=1
is set, the install is the pure Python alone and works the same. At run time
AUTOGRAD_CORE_PURE_PYTHON=1 runs the pure Python even where the accelerator is installed
(autograd_core/accelerator.py).
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

# The run-time side (standard library only, so loaded by path without the package's
# imports): the manifest's name, the hash it records, how a flag is read.
_spec = importlib.util.spec_from_file_location(
    "accelerator", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "autograd_core", "accelerator.py"))
accelerator_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(accelerator_module)

# Where a step's Python time goes: building and walking nodes, the operators, the
# layers and losses of a training step, the optimizers' step.
ACCELERATED = [
    "autograd_core/value.py", "autograd_core/node.py", "autograd_core/backward.py",
    "autograd_core/inputs.py", "autograd_core/versions.py", "autograd_core/modes.py",
    "autograd_core/dtypes.py", "autograd_core/registry.py",
    "autograd_core/mixins/operators.py", "autograd_core/mixins/elementwise.py",
    "autograd_core/vjp_tools.py", "autograd_core/ops/elementwise.py",
    "autograd_core/ops/activations.py", "autograd_core/ops/fused.py",
    "autograd_core/ops/linalg.py", "autograd_core/ops/reductions.py",
    "nn/module.py", "nn/inputs.py", "nn/layers.py", "nn/activations.py", "nn/functional.py",
    "nn/class_targets.py",
    "nn/losses.py", "optim/optimizer.py", "optim/foreach.py", "optim/flatgroup.py",
    "optim/lerp.py", "optim/adam.py", "optim/sgd.py",
]
DIRECTIVES = {"language_level": 3, "binding": True, "annotation_typing": False}


def _skip(why: str) -> list:
    print(f"autograd-core: installing the pure Python alone ({why})", file=sys.stderr)
    return []


class OptionalBuildExt(build_ext):
    """build_ext that skips what fails to compile: the pure module is used in its place."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as err:  # no compiler, no headers: the pure Python works alike
            _skip(f"the accelerator did not build: {err}")
        self.write_manifest()

    def build_extension(self, ext) -> None:
        if self.compiler.compiler_type == "unix":
            # No debugging symbols: -27% of the compile time of ops/elementwise.c
            # (21.3 s -> 15.4 s with gcc 12) and an eighth of the object's size.
            ext.extra_compile_args = [*ext.extra_compile_args, "-g0"]
        try:
            super().build_extension(ext)
        except Exception as err:
            print(f"autograd-core: {ext.name} runs as pure Python (it did not compile: {err})",
                  file=sys.stderr)

    def write_manifest(self) -> None:
        """Record the SHA-256 of each compiled module's source: a source edited since
        runs from source (autograd_core/accelerator.py)."""
        built = {ext.name: accelerator_module.source_hash(ext.name.replace(".", "/") + ".py")
                 for ext in self.extensions if os.path.isfile(self.get_ext_fullpath(ext.name))}
        if self.extensions:
            folder = os.path.dirname(self.get_ext_fullpath("autograd_core.value"))
            os.makedirs(folder, exist_ok=True)
            manifest = os.path.basename(accelerator_module.MANIFEST)
            with open(os.path.join(folder, manifest), "w", encoding="utf-8") as f:
                json.dump(built, f, indent=0, sort_keys=True)


def accelerator() -> list:
    """The extension modules, or none where the build is to be pure."""
    if accelerator_module.env_flag("AUTOGRAD_CORE_BUILD_PURE"):
        return _skip("AUTOGRAD_CORE_BUILD_PURE is set")
    try:
        from Cython.Build import cythonize
    except ImportError:
        return _skip("Cython is not installed")
    return cythonize(ACCELERATED, compiler_directives=DIRECTIVES, quiet=True,
                     build_dir="build/cython")


if __name__ == "__main__":  # as pip's build runs it (tests import OptionalBuildExt)
    setup(ext_modules=accelerator(), cmdclass={"build_ext": OptionalBuildExt},
          options={"build_ext": {"parallel": os.cpu_count() or 1}})
