"""The optional accelerator: which modules run compiled, AUTOGRAD_CORE_PURE_PYTHON=1 runs
them all from source, an edited source runs as edited, and compiled and pure Python
give the same bytes.

In a checkout built in place (`pip install -e .`, as README's test command does) the
hot modules are compiled; `.ci/run` checks that they are, and runs the whole suite a
second time with AUTOGRAD_CORE_PURE_PYTHON=1.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest
from setuptools import Distribution, Extension

from autograd_core import accelerator

ROOT = Path(__file__).resolve().parent.parent
EXT = EXTENSION_SUFFIXES[0]  # the suffix setuptools builds with

# A training step and a scalar graph, run in a fresh interpreter: the bytes of the
# results, and which modules ran compiled.
STEP = """
import hashlib, json, numpy as np
import autograd_core as ag
from autograd_core import accelerator, nn, optim
rng = np.random.default_rng(0)
model = nn.Sequential(nn.Linear(3, 8, rng=0), nn.Tanh(), nn.Linear(8, 2, rng=1))
opt = optim.Adam(model.parameters(), lr=0.01)
x, t = rng.normal(size=(16, 3)), rng.normal(size=(16, 2))
digest = hashlib.sha256()
for _ in range(5):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), t)
    loss.backward()
    opt.step()
    digest.update(np.asarray(loss.data).tobytes())
for p in model.parameters():
    digest.update(p.data.tobytes())
a, b = ag.Value(0.3), ag.Value(-1.2)
c = (a * b + a.tanh()) ** 2 / (b.exp() + 1)
c.backward()
digest.update(np.array([c.data, a.grad, b.grad]).tobytes())
xs = [ag.Value(v) for v in (0.3, -1.2, 2.0)]
for _ in range(3):  # micrograd's style: Values by Python floats, p.data -= lr * p.grad
    s = sum((x * w + 0.5) ** 2 for x, w in zip(xs, (0.7, -0.1, 1.3)))
    s = s.relu() + (xs[2] ** 0.5) * xs[0].tanh() - 1.0 / xs[1] + xs[0].exp() * 2.5
    s.backward()
    digest.update(np.array([s.data] + [x.grad for x in xs]).tobytes())
    for x in xs:
        x.data -= 0.1 * x.grad
        x.grad = None
print(json.dumps({"digest": digest.hexdigest(), "compiled": accelerator.compiled()}))
"""


def _run(pure: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != accelerator.ENV}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if pure:
        env[accelerator.ENV] = "1"
    proc = subprocess.run([sys.executable, "-c", STEP], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def _built() -> list[str]:
    """The modules compiled beside their unedited sources in this checkout."""
    try:
        manifest = json.loads(Path(accelerator.MANIFEST).read_text(encoding="utf-8"))
    except OSError:
        return []
    return sorted(name for name, digest in manifest.items()
                  if (ROOT / (name.replace(".", "/") + EXT)).is_file()
                  and accelerator.source_hash(str(ROOT / (name.replace(".", "/") + ".py"))) == digest)


def test_the_environment_variable_runs_everything_from_source():
    assert _run(pure=True)["compiled"] == []


def test_compiled_and_pure_python_give_the_same_bytes():
    compiled, pure = _run(pure=False), _run(pure=True)
    assert compiled["digest"] == pure["digest"]
    # Everything built and unedited runs compiled (what the step loads of it).
    assert set(compiled["compiled"]) <= set(_built())
    assert {"autograd_core.value", "autograd_core.backward", "nn.module"} & set(_built()) \
        <= set(compiled["compiled"])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "mod.py").write_text("X = 1\n")
    (tmp_path / ("mod" + EXT)).write_bytes(b"")  # found, never loaded here
    (tmp_path / "plain.py").write_text("X = 2\n")
    return tmp_path


def test_the_finder_leaves_unedited_compiled_modules_to_python(folder):
    digest = accelerator.source_hash(str(folder / "mod.py"))
    finder = accelerator.SourceFirst(pure=False, manifest={"nn.mod": digest})
    assert finder.find_spec("nn.mod", [str(folder)]) is None
    assert finder.find_spec("nn.plain", [str(folder)]) is None      # nothing compiled
    assert finder.find_spec("numpy.mod", [str(folder)]) is None     # not ours
    assert finder.find_spec("nn", None) is None                     # a top-level package


def test_the_finder_takes_the_source_where_edited_or_unrecorded_or_pure(folder):
    digest = accelerator.source_hash(str(folder / "mod.py"))
    edited = accelerator.SourceFirst(pure=False, manifest={"nn.mod": "0" * 64})
    unrecorded = accelerator.SourceFirst(pure=False, manifest={})
    pure = accelerator.SourceFirst(pure=True, manifest={"nn.mod": digest})
    for finder in (edited, unrecorded, pure):
        spec = finder.find_spec("nn.mod", [str(folder)])
        assert spec is not None and spec.origin == str(folder / "mod.py")
    # nn's modules loaded under the private name (a student's nn.py shadows `nn`).
    private = accelerator.SourceFirst(pure=False, manifest={"nn.mod": digest})
    assert private.find_spec("autograd_core.nn.mod", [str(folder)]) is None


def test_a_module_that_does_not_compile_is_left_out_and_the_build_goes_on(tmp_path, capfd):
    # setup.py's build_ext, on an extension no compiler can build (or where none is).
    spec = importlib.util.spec_from_file_location("project_setup", ROOT / "setup.py")
    setup_py = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup_py)
    (tmp_path / "broken.c").write_text("this is not C\n")
    dist = Distribution({"ext_modules": [Extension("nn.broken", [str(tmp_path / "broken.c")])]})
    build = setup_py.OptionalBuildExt(dist)
    build.build_lib, build.build_temp = str(tmp_path / "lib"), str(tmp_path / "temp")
    build.ensure_finalized()
    build.run()
    assert "nn.broken runs as pure Python (it did not compile" in capfd.readouterr().err
    assert not [p for p in (tmp_path / "lib").rglob("*") if p.suffix in (".so", ".pyd")]
    assert json.loads((tmp_path / "lib" / "autograd_core" / "_accelerated.json").read_text()) == {}
