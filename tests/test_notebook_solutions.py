"""The exercise notebooks: the notebook learners open (listed in the README) is the
hand-out that `autograd-core exercises` writes from the notebook with the solutions;
it holds no solution, imports only the installed package, and runs in any folder;
the solutions pass their checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOLUTIONS = sorted((NOTEBOOKS / "solutions").glob("*_solutions.ipynb"))
PAIRS = [(s, NOTEBOOKS / s.name.replace("_solutions.ipynb", ".ipynb")) for s in SOLUTIONS]
IDS = [h.name for _, h in PAIRS]

pytestmark = pytest.mark.slow  # seconds per test: left out of pytest -m "not slow"


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _printed(cell):
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                   for o in cell.outputs)


def test_there_are_exercise_notebooks():
    assert {h.name for _, h in PAIRS} >= {"08_write_your_own_op.ipynb",
                                          "09_backprop_by_hand.ipynb"}


@pytest.mark.parametrize("solutions, handout", PAIRS, ids=IDS)
def test_the_committed_hand_out_is_the_commands_output(solutions, handout, tmp_path):
    written = tmp_path / handout.name
    proc = subprocess.run([sys.executable, "-m", "autograd_core", "exercises", str(solutions),
                           "--blank", str(written)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert handout.read_text(encoding="utf-8") == written.read_text(encoding="utf-8"), (
        f"{handout.name} is not the hand-out of {solutions.name}: run "
        f"`python notebooks/_build.py solutions/{solutions.name}`")


@pytest.mark.parametrize("solutions, handout", PAIRS, ids=IDS)
def test_the_hand_out_holds_no_solution(solutions, handout):
    nb = nbformat.read(handout, as_version=4)
    code = _code(nb)
    assert all(not c.outputs and c.execution_count is None for c in code)
    text = "\n".join(c.source for c in code)
    assert "SOLUTION" not in text and "HIDDEN TESTS" not in text
    blanked = sum(c.source.count("### BEGIN SOLUTION")
                  for c in _code(nbformat.read(solutions, as_version=4)))
    assert text.count('raise NotImplementedError("your code here")') == blanked > 0
    # It imports the installed package only: nothing from beside itself.
    assert "sys.path" not in text and "solutions" not in text
    # Its checks are the package's.
    assert "from autograd_core import" in text and "check." in text


@pytest.mark.parametrize("solutions, handout", PAIRS, ids=IDS)
def test_the_readme_lists_the_hand_out_not_the_solutions(solutions, handout):
    readme = (ROOT / "README.md").read_text()
    assert f"(notebooks/{handout.name})" in readme
    assert f"(notebooks/solutions/{solutions.name})" not in readme


def _verdicts(printed: str) -> list[bool]:
    """The `close` column of every row that `check` printed (tables and single rows)."""
    table = re.findall(r"^\S.*?\s(?:True|False)\s+(True|False)\s", printed + "\n", re.M)
    rows = re.findall(r"\| close: (True|False)", printed)
    return [v == "True" for v in table + rows]


@pytest.mark.parametrize("solutions, handout", PAIRS, ids=IDS)
def test_the_solutions_pass_every_check(solutions, handout):
    nb = nbformat.read(solutions, as_version=4)
    checks = [c for c in _code(nb) if "check." in c.source]
    assert checks
    for cell in checks:
        verdicts = _verdicts(_printed(cell))
        if "wrong" in cell.source or "flat" in cell.source:
            continue  # the mistakes shown on purpose
        assert verdicts and all(verdicts), cell.source


def test_write_your_own_op_scores():
    nb = nbformat.read(NOTEBOOKS / "solutions" / "08_write_your_own_op_solutions.ipynb",
                       as_version=4)
    assert "4 of 4 ops done" in _printed(_code(nb)[-1])
    demo = next(c for c in _code(nb) if "softplus_flat_vjp" in c.source)
    assert "first derivatives: True" in _printed(demo) and "analytic" in _printed(demo)


def _execute(nb, folder: Path) -> None:
    """Run `nb` in a fresh kernel in `folder`, errors recorded and the run going on,
    with the package importable as when installed."""
    nbclient = pytest.importorskip("nbclient", reason="nbclient runs the notebook")
    env = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT)
    try:
        nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        if env is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = env


@pytest.mark.parametrize("solutions, handout", PAIRS, ids=IDS)
def test_the_hand_out_runs_in_any_folder(solutions, handout, tmp_path):
    """Copied alone to a folder outside the project and run there: the only errors are
    the exercises not written yet, and every check says so."""
    folder = tmp_path / "student"
    folder.mkdir()
    copy = folder / handout.name
    copy.write_bytes(handout.read_bytes())
    nb = nbformat.read(copy, as_version=4)
    _execute(nb, folder)
    errors = [o for c in _code(nb) for o in c.outputs if o.output_type == "error"]
    assert {e.ename for e in errors} <= {"NotImplementedError"}, [
        (e.ename, e.evalue) for e in errors]
    # The check after each exercise says it is not done (where it ran: a cell may stop
    # earlier, at an unwritten function).
    code = _code(nb)
    after = [c for prev, c in zip(code, code[1:])
             if "your code here" in prev.source and "check." in c.source
             and not any(o.output_type == "error" for o in c.outputs)]
    assert after
    for cell in after:
        printed = _printed(cell)
        assert "not written yet" in printed or "not computed yet" in printed, cell.source
        assert True not in _verdicts(printed), cell.source
