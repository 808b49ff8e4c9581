"""Every notebook in notebooks/ runs top to bottom without error, and is committed
with the outputs of such a run, so that it reads well where it is hosted; for an
exercise notebook, that is the notebook with its solutions.

A notebook that needs the optional packages of the `[torch]` extra says so in its
metadata (`"autograd_core": {"requires": [...]}`); where one of them is missing, its
run is skipped with the package's name and the command that installs it."""
from __future__ import annotations

import os
import re
from pathlib import Path

import nbclient
import nbclient.exceptions
import nbformat
import pytest

pytestmark = pytest.mark.slow  # seconds per test: left out of pytest -m "not slow"

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
# An exercise notebook is committed with its solutions (solutions/NAME_solutions.ipynb,
# run and saved like every other notebook) and as its hand-out NAME.ipynb, written from
# it by `autograd-core exercises` without outputs: tests/test_notebook_solutions.py.
SOLUTIONS = sorted((NOTEBOOK_DIR / "solutions").glob("*_solutions.ipynb"))
HANDOUTS = [NOTEBOOK_DIR / p.name.replace("_solutions.ipynb", ".ipynb") for p in SOLUTIONS]
NOTEBOOKS = sorted(p for p in NOTEBOOK_DIR.glob("*.ipynb") if p not in HANDOUTS) + SOLUTIONS
IDS = [str(p.relative_to(NOTEBOOK_DIR)) for p in NOTEBOOKS]
CELL_TIMEOUT = 120  # seconds per cell
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colour codes in kernel tracebacks
# The packages of the `[torch]` extra: a notebook importing one must declare it.
OPTIONAL = ("torch", "onnx", "onnxruntime", "onnxscript")
_IMPORT = re.compile(r"^\s*(?:import|from)\s+(\w+)", re.M)


def _code_cells(nb: nbformat.NotebookNode) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def _requires(nb: nbformat.NotebookNode) -> list[str]:
    return list(nb.metadata.get("autograd_core", {}).get("requires", []))


def test_notebooks_exist() -> None:
    assert NOTEBOOKS, f"no notebooks found in {NOTEBOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_with_outputs(path: Path) -> None:
    """Each code cell was run once, in order, without an error saved in its outputs."""
    nb = nbformat.read(path, as_version=4)
    cells = _code_cells(nb)
    assert cells, f"{path.name} has no code cells"
    counts = [c.execution_count for c in cells]
    assert None not in counts, (
        f"{path.name}: code cells {[i for i, n in enumerate(counts) if n is None]} "
        "have no saved output; run `python notebooks/_build.py` to execute and save it")
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: execution counts {counts} are not 1, 2, 3, ...: save it from a "
        "single top-to-bottom run (`python notebooks/_build.py`)")
    # As when executing: only cells tagged `raises-exception` may show an error.
    errors = [o for c in cells if "raises-exception" not in c.metadata.get("tags", [])
              for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{path.name}: saved outputs contain an error: {errors[0].get('ename')}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_checks_explain_themselves(path: Path) -> None:
    """No bare `assert` a learner's experiment could trip with a bare AssertionError:
    a check says what it expected, what came out and what to try (`expect`, defined
    in the notebook's first code cell so that the notebook stands alone)."""
    nb = nbformat.read(path, as_version=4)
    cells = _code_cells(nb)
    bare = [line.strip() for c in cells for line in c.source.splitlines()
            if re.match(r"\s*assert\b", line)]
    assert not bare, f"{path.name}: bare asserts {bare[:3]}; use expect(ok, expected, got, hint)"
    if not any("expect(" in c.source for c in cells[1:]):
        return
    namespace: dict = {}
    exec(re.search(r"^def expect\(.*?(?=^\S|\Z)", cells[0].source, re.M | re.S).group(0),
         namespace)
    namespace["expect"](True, "anything", "anything")
    with pytest.raises(AssertionError) as failed:
        namespace["expect"](0.92 > 0.95, "a validation accuracy above 0.95", "0.920",
                            "with lr=0.001, train for more epochs")
    assert str(failed.value) == ("expected a validation accuracy above 0.95, got 0.920\n"
                                 "with lr=0.001, train for more epochs")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_optional_packages_are_declared(path: Path) -> None:
    """A notebook that imports torch (or ONNX) lists it in its metadata, so that its
    run is skipped, not failed, where the `[torch]` extra is not installed."""
    nb = nbformat.read(path, as_version=4)
    imported = {m for c in _code_cells(nb) for m in _IMPORT.findall(c.source)}
    assert sorted(imported & set(OPTIONAL)) == sorted(set(_requires(nb)) & imported), (
        f"{path.name} imports {sorted(imported & set(OPTIONAL))}: list them in its "
        "metadata as \"autograd_core\": {\"requires\": [...]}")
    assert set(_requires(nb)) <= set(OPTIONAL)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executes(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the notebook in a fresh kernel, with a temporary working directory so
    that files it writes do not land in the repository."""
    # The kernel imports this checkout's packages, as an installed copy would be.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p))
    nb = nbformat.read(path, as_version=4)
    for module in _requires(nb):
        pytest.importorskip(module, reason=(
            f"{path.name} needs {module}: pip install \"autograd-core[torch]\""))
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:
        pytest.fail(f"{path.name} failed:\n{_ANSI.sub('', str(err))}", pytrace=False)
    assert all(c.execution_count is not None for c in _code_cells(nb))
