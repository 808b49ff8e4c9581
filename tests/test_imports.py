"""`from autograd_core import nn, optim`: the libraries' own packages, loaded on first use,
and still the libraries' where a student's `nn.py` or `optim.py` shadows the top-level names."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Run by the child interpreter: what `from autograd_core import nn, optim` gave, and a
# short training run with it. `STUDENT_FIRST` says whether the student's modules are
# imported before or after the aliases are first used.
REPORT = """
import json, sys
student = {}
if STUDENT_FIRST:
    import nn as student_nn, optim as student_optim
    student = {"nn": student_nn.STUDENT, "optim": student_optim.STUDENT}
import autograd_core
report = {"loaded_by_engine": [m for m in ("nn", "optim", "autograd_core.nn")
                               if m in sys.modules]}
from autograd_core import nn, optim
# Where each module came from, its suffix left off: nn/layers.py may run compiled.
import os
report["files"] = [os.path.join(os.path.dirname(f), os.path.basename(f).split(".")[0])
                   for f in (nn.__file__, optim.__file__, nn.layers.__file__)]
X, y = nn.datasets.xor()
model = nn.MLP(2, [8, 1], activation="tanh", output_activation="sigmoid", rng=0)
history = nn.fit(model, nn.BCELoss(), optim.Adam(model.parameters(), lr=0.05), X, y,
                 epochs=200, progress=False)
report["first_loss"], report["last_loss"] = history.loss[0], history.loss[-1]
if not STUDENT_FIRST:
    import nn as student_nn, optim as student_optim
    student = {"nn": getattr(student_nn, "STUDENT", None),
               "optim": getattr(student_optim, "STUDENT", None)}
report["student"] = student
report["same_as_import"] = [nn is sys.modules["nn"], optim is sys.modules["optim"]]
print(json.dumps(report))
"""


def _run(cwd: Path, student_first: bool) -> tuple[dict, str]:
    """Run REPORT with `cwd` as the working directory (first on sys.path, as for a
    student's script) and the project on PYTHONPATH; its report and other output."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = f"STUDENT_FIRST = {student_first}\n" + REPORT
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    *other, last = proc.stdout.splitlines()
    return json.loads(last), "\n".join(other)


def _library_files() -> list[str]:
    return [str(ROOT / "nn" / "__init__"), str(ROOT / "optim" / "__init__"),
            str(ROOT / "nn" / "layers")]


def test_aliases_are_the_top_level_packages_loaded_on_first_use(tmp_path):
    report, other = _run(tmp_path, student_first=False)
    assert report["loaded_by_engine"] == []   # `import autograd_core` imports neither
    assert report["files"] == _library_files()
    assert report["same_as_import"] == [True, True]
    assert report["last_loss"] < 0.1 * report["first_loss"]
    assert other == ""


@pytest.mark.slow
@pytest.mark.parametrize("student_first", [False, True], ids=["aliases-first", "student-first"])
def test_aliases_survive_a_students_nn_py_and_optim_py(tmp_path, student_first):
    (tmp_path / "nn.py").write_text('print("student nn.py ran")\nSTUDENT = "my nn"\n')
    (tmp_path / "optim.py").write_text('print("student optim.py ran")\nSTUDENT = "my optim"\n')
    report, other = _run(tmp_path, student_first)
    assert report["files"] == _library_files()
    assert report["last_loss"] < 0.1 * report["first_loss"]
    # `import nn` still gives the student's module, and the aliases never ran it.
    assert report["student"] == {"nn": "my nn", "optim": "my optim"}
    assert report["same_as_import"] == [False, False]
    assert other.splitlines() == ["student nn.py ran", "student optim.py ran"]


def test_alias_is_cached_on_the_package():
    import autograd_core
    import nn
    import optim

    assert autograd_core.nn is nn and autograd_core.optim is optim
    assert "nn" in vars(autograd_core) and "optim" in vars(autograd_core)
    with pytest.raises(AttributeError, match="no attribute 'nnn'"):
        autograd_core.nnn  # noqa: B018
