"""`autograd-core exercises NOTEBOOK --blank OUT`: hand-outs with the solutions
blanked that run in any folder, and the errors of the command."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograd_core.check.handout import STUB, blank_source
from autograd_core.cli import main

ROOT = Path(__file__).resolve().parents[2]

EXERCISE = '''def relu_vjp(g, out, x):
    """The gradient for x."""
    ### BEGIN SOLUTION
    mask = x > 0
    return g * mask
    ### END SOLUTION
'''


def test_a_solution_becomes_a_stub_at_its_indentation():
    text, count = blank_source(EXERCISE)
    assert count == 1
    assert text == ('def relu_vjp(g, out, x):\n    """The gradient for x."""\n'
                    f"    {STUB}\n")
    top, count = blank_source("x = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION\nz = 3")
    assert (top, count) == (f"x = 1\n{STUB}\nz = 3", 1)
    assert blank_source("print(1)") == ("print(1)", 0)


def test_hidden_tests_are_removed():
    text, count = blank_source("check(f)\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n"
                               "### END HIDDEN TESTS\n")
    assert (text, count) == ("check(f)\n", 0)


@pytest.mark.parametrize("source, says", [
    ("### BEGIN SOLUTION\nx = 1\n", "BEGIN SOLUTION without its ### END SOLUTION"),
    ("x = 1\n### END SOLUTION\n", "line 2: ### END SOLUTION without its ### BEGIN SOLUTION"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n", "inside an open ### BEGIN SOLUTION"),
])
def test_unpaired_markers_are_refused(source, says):
    with pytest.raises(ValueError, match=says):
        blank_source(source, "cell 3")


def _exercise_notebook(path: Path) -> Path:
    """A small exercise notebook: a VJP to write, its check, and a solved output."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# ReLU by hand\nWrite the VJP of ReLU."),
        nbformat.v4.new_code_cell("import numpy as np\nfrom autograd_core import check\n"
                                  "x = np.linspace(-1, 1, 6) + 0.05"),
        nbformat.v4.new_code_cell(EXERCISE + "\n\ndef relu(x):\n    return np.maximum(x, 0)"),
        nbformat.v4.new_code_cell("ok = check.vjp(relu, relu_vjp, x)\nprint('passed:', ok)"),
    ]
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="passed: True\n")]
    nb.cells[3].execution_count = 3
    nb.metadata["widgets"] = {"state": {}}
    nbformat.write(nb, path)
    return path


def test_the_command_writes_the_hand_out(tmp_path, capsys):
    source = _exercise_notebook(tmp_path / "relu_solutions.ipynb")
    target = tmp_path / "relu.ipynb"
    assert main(["exercises", str(source), "--blank", str(target)]) == 0
    assert capsys.readouterr().out.strip() == (
        f"{source}: 1 solution blanked, hand-out written to {target}")
    before, after = nbformat.read(source, as_version=4), nbformat.read(target, as_version=4)
    nbformat.validate(after)
    assert [c.cell_type for c in after.cells] == [c.cell_type for c in before.cells]
    assert after.cells[2].source.startswith(
        f'def relu_vjp(g, out, x):\n    """The gradient for x."""\n    {STUB}\n\n\ndef relu')
    assert "mask" not in after.cells[2].source
    for a, b in zip(after.cells, before.cells):
        if a is not after.cells[2]:
            assert a.source == b.source
    assert all(not c.outputs and c.execution_count is None
               for c in after.cells if c.cell_type == "code")
    assert "widgets" not in after.metadata


@pytest.mark.parametrize("case, says", [
    ("same file", "would overwrite its notebook"),
    ("no solutions", "has no ### BEGIN SOLUTION"),
    ("not a notebook", "is not a notebook"),
    ("missing", "No such file"),
])
def test_the_command_refuses_with_one_line(case, says, tmp_path, capsys):
    source = _exercise_notebook(tmp_path / "nb.ipynb")
    target = tmp_path / "out.ipynb"
    if case == "same file":
        target = source
    elif case == "no solutions":
        nb = nbformat.read(source, as_version=4)
        nb.cells[2].source = "def relu_vjp(g, out, x):\n    return g * (x > 0)"
        nbformat.write(nb, source)
    elif case == "not a notebook":
        source.write_text("print('hello')")
    else:
        source = tmp_path / "absent.ipynb"
    assert main(["exercises", str(source), "--blank", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("autograd-core exercises: error: ") and says in err
    assert len(err.strip().splitlines()) == 1
    if case != "same file":
        assert not target.exists()


def test_blank_is_required(tmp_path, capsys):
    assert main(["exercises", str(tmp_path / "nb.ipynb")]) == 2
    assert "--blank" in capsys.readouterr().err


def _run(nb: nbformat.NotebookNode, folder: Path) -> None:
    nbclient = pytest.importorskip("nbclient", reason="nbclient runs the notebook")
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}).execute()


@pytest.mark.slow
def test_the_hand_out_runs_outside_the_project(tmp_path, monkeypatch):
    """`python -m autograd_core exercises` in a folder outside the project; the
    hand-out runs there in a fresh kernel, with the package importable as when
    installed, and its check says the exercise is not written yet."""
    folder = tmp_path / "class"
    folder.mkdir()
    source = _exercise_notebook(folder / "relu_solutions.ipynb")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the package, as if installed
    proc = subprocess.run([sys.executable, "-m", "autograd_core", "exercises", source.name,
                           "--blank", "relu.ipynb"], cwd=folder,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "1 solution blanked" in proc.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["relu.ipynb", "relu_solutions.ipynb"]
    handout = nbformat.read(folder / "relu.ipynb", as_version=4)
    _run(handout, folder)
    printed = "".join(o.get("text", "") for o in handout.cells[3].outputs)
    assert "the backward is not written yet" in printed and "passed: False" in printed
    # The solutions, run the same way, pass.
    solved = nbformat.read(source, as_version=4)
    _run(solved, folder)
    assert "passed: True" in "".join(o.get("text", "") for o in solved.cells[3].outputs)
