"""The distribution: the sdist and the wheel build; the wheel carries the type markers,
the digits data and the licenses; installed outside the source tree it imports all
three packages and runs the demo; the version is read without importing the package.

The build runs without isolation (`python -m build --no-isolation`: setuptools and
build come from the test extra), so that it needs no network and takes seconds; it
builds the pure Python alone, as where no C compiler is (the accelerator's build is
CI's `pip install .`, and `.ci/run` checks it).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

import autograd_core

pytestmark = pytest.mark.slow  # seconds per test: left out of pytest -m "not slow"

ROOT = Path(__file__).resolve().parent.parent
# Not part of the source tree: version control, caches, build and run outputs.
SKIP_AT_ROOT = {".git", "build", "dist", "site", "runs", "out"}
SKIP_ANYWHERE = {"__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints"}
PACKAGE_FILES = ["autograd_core/py.typed", "nn/py.typed", "optim/py.typed",
                 "nn/_data/digits.csv.gz", "nn/_data/LICENSE_digits.txt",
                 "nn/_data/names.txt.gz", "nn/_data/LICENSE_names.txt"]


def _ignore(folder: str, names: list[str]) -> set[str]:
    at_root = Path(folder) == ROOT
    return {n for n in names if n in SKIP_ANYWHERE or n.endswith(".egg-info")
            or (at_root and n in SKIP_AT_ROOT)}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    """The sdist and the wheel, built from a copy of the source tree (so that the
    build's own files, egg-info and build/, never land in the checkout)."""
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_ignore)
    out = tmp / "dist"
    # The pure Python alone (AUTOGRAD_CORE_BUILD_PURE=1; Cython, a build requirement of
    # the accelerator only, need not be here): the build that works where no compiler is.
    env = dict(os.environ, AUTOGRAD_CORE_BUILD_PURE="1")
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation",
                           "--skip-dependency-check", "--outdir", str(out), str(src)],
                          capture_output=True, text=True, timeout=300, check=False, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "installing the pure Python alone" in proc.stderr
    assert "deprecated" not in (proc.stdout + proc.stderr).lower()
    (sdist,), (wheel,) = sorted(out.glob("*.tar.gz")), sorted(out.glob("*.whl"))
    return {"sdist": sdist, "wheel": wheel}


def test_wheel_carries_the_packages_data_and_licenses(dist):
    version = autograd_core.__version__
    info = f"autograd_core-{version}.dist-info"
    assert dist["wheel"].name == f"autograd_core-{version}-py3-none-any.whl"
    with zipfile.ZipFile(dist["wheel"]) as whl:
        names = set(whl.namelist())
        metadata = whl.read(f"{info}/METADATA").decode()
    assert {n.split("/")[0] for n in names} == {"autograd_core", "nn", "optim", info}
    for name in PACKAGE_FILES + [f"{info}/licenses/LICENSE",
                                 f"{info}/licenses/nn/_data/LICENSE_digits.txt",
                                 f"{info}/licenses/nn/_data/LICENSE_names.txt"]:
        assert name in names, name
    headers = [line.partition(": ") for line in metadata.split("\n\n")[0].splitlines()]
    fields = {}
    for key, _, value in headers:
        fields.setdefault(key, []).append(value)
    assert fields["Version"] == [version]
    assert fields["License-Expression"] == ["MIT"]
    # scikit-learn only for the tests: digits() needs nothing beyond the package.
    assert [r for r in fields["Requires-Dist"] if "scikit-learn" in r] == [
        'scikit-learn>=1.2; extra == "test"']


def test_the_pure_wheel_is_for_any_platform_and_carries_no_compiled_module(dist):
    assert dist["wheel"].name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = wheel.namelist()
    assert "autograd_core/accelerator.py" in names and "autograd_core/value.py" in names
    assert not [n for n in names if n.endswith((".so", ".pyd", ".c"))]


def test_sdist_carries_what_the_wheel_is_built_from(dist):
    top = dist["sdist"].name.removesuffix(".tar.gz")
    with tarfile.open(dist["sdist"]) as sdist:
        names = set(sdist.getnames())
    for name in PACKAGE_FILES + ["LICENSE", "README.md", "pyproject.toml", "setup.py",
                                 "autograd_core/__init__.py", "nn/datasets.py"]:
        assert f"{top}/{name}" in names, name


INSTALLED = """
import json, sys
import autograd_core, nn, optim
from autograd_core import nn as nn_alias, optim as optim_alias
X, y = nn.datasets.digits()
words = nn.datasets.names()
print(json.dumps({
    "names": [len(words), words[0]],
    "files": [autograd_core.__file__, nn.__file__, optim.__file__],
    "version": autograd_core.__version__,
    "aliases": [nn_alias is nn, optim_alias is optim],
    "digits": [list(X.shape), list(y.shape)],
    "sklearn": "sklearn" in sys.modules,
}))
"""


def _site_dirs() -> list[str]:
    """The folders this interpreter imports installed packages from: those of the
    environment the tests run in (a virtual environment's own, not its base
    interpreter's alone), never the source tree."""
    # A folder inside the source tree, not one whose name merely starts with its
    # path (CI's venv `/tmp/x/plain-venv` beside the clone `/tmp/x/plain`).
    dirs = [p for p in sys.path if p and Path(p).is_dir() and Path(p).name in
            ("site-packages", "dist-packages")
            and not Path(p).resolve().is_relative_to(ROOT.resolve())]
    return list(dict.fromkeys(dirs))


def _venv_seeing_this_environment(env_dir: Path) -> tuple[Path, Path]:
    """A virtual environment whose own site-packages comes first (the wheel goes
    there) and which then sees the running environment's packages (numpy, graphviz,
    pip, ...), through a `.pth` file that adds those folders as site folders (so that
    their own `.pth` files are read too). `venv`'s `system_site_packages=True` would
    give the *base* interpreter's packages, not those of the virtual environment
    that runs the tests."""
    venv.create(env_dir, system_site_packages=False, with_pip=False)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    proc = subprocess.run([str(python), "-c", where], capture_output=True, text=True,
                          timeout=60, check=True)
    purelib = Path(proc.stdout.strip())
    lines = [f"import site; site.addsitedir({d!r})" for d in _site_dirs()]
    (purelib / "_running_environment.pth").write_text("\n".join(lines) + "\n")
    return python, bin_dir


def test_venv_sees_the_running_environment(tmp_path):
    python, _ = _venv_seeing_this_environment(tmp_path / "venv")
    code = "import graphviz, numpy, sys; print(numpy.__file__); print(sys.prefix)"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    proc = subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    numpy_file, prefix = proc.stdout.split()
    import numpy
    assert Path(numpy_file) == Path(numpy.__file__)
    assert Path(prefix).resolve() == (tmp_path / "venv").resolve()


def test_wheel_installs_and_works_outside_the_source_tree(dist, tmp_path):
    # A virtual environment that sees the installed dependencies (numpy, graphviz, ...)
    # and gets the wheel alone; run from an empty folder, without PYTHONPATH, so that
    # nothing can come from the source tree.
    env_dir = tmp_path / "venv"
    python, bin_dir = _venv_seeing_this_environment(env_dir)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    run = dict(capture_output=True, text=True, env=env, timeout=180, check=False)
    proc = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index",
                           "--ignore-installed", "--disable-pip-version-check", "--quiet",
                           str(dist["wheel"])], **run)
    assert proc.returncode == 0, proc.stderr
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run([str(python), "-c", INSTALLED], cwd=work, **run)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    prefix = str(env_dir.resolve())
    for file in report["files"]:
        assert str(Path(file).resolve()).startswith(prefix), file
    assert report["version"] == autograd_core.__version__
    assert report["aliases"] == [True, True]
    assert report["digits"] == [[1797, 64], [1797]] and report["sklearn"] is False
    assert report["names"] == [30000, "james"]
    # The README's first command: the installed console script runs the demo.
    proc = subprocess.run([str(bin_dir / "autograd-core"), "demo", "--steps", "10"],
                          cwd=work, **run)
    assert proc.returncode == 0, proc.stderr
    assert "0.86002842" in proc.stdout and "0.86003543" in proc.stdout
    assert (work / "xor_graph.svg").read_text().lstrip().startswith("<?xml")


NO_NUMPY = """
import sys

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "numpy":
            raise ImportError("numpy must not be imported to read the version")
        return None

sys.meta_path.insert(0, Refuse())
from setuptools.config.expand import read_attr
print(read_attr("autograd_core.__version__", root_dir=sys.argv[1]),
      "autograd_core" in sys.modules)
"""


def test_version_is_read_from_the_source_without_importing_it():
    # pyproject.toml: version = {attr = "autograd_core.__version__"}; setuptools reads
    # the literal from the source, so building needs no numpy.
    proc = subprocess.run([sys.executable, "-c", NO_NUMPY, str(ROOT)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [autograd_core.__version__, "False"]
