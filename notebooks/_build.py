"""Execute notebooks top to bottom and save them with their outputs; write the hand-outs.

    python notebooks/_build.py                      # every notebook
    python notebooks/_build.py 01_values_and_graphs.ipynb
    python notebooks/_build.py solutions/08_write_your_own_op_solutions.ipynb

Each notebook runs in a fresh `python3` kernel, with a temporary directory as the
working directory so that files written by the notebooks do not land in the
repository, and this checkout's packages importable. The saved outputs (graph SVGs,
plots) are what readers see where the notebooks are hosted.

An exercise notebook is written with its solutions as
`solutions/NAME_solutions.ipynb`, executed and saved with its outputs like the
others; its hand-out `NAME.ipynb` in this folder, the notebook learners open, is
then written from it by `autograd-core exercises ... --blank ...` (the solutions
blanked, no outputs) and never executed here.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE / "solutions"
_ADDRESS = re.compile(r"^<.* at 0x[0-9a-f]+>$")


def _drop_addresses(nb: nbformat.NotebookNode) -> None:
    """Drop plain-text reprs such as `<GraphDigraph at 0x7f...>` from outputs that also
    carry a picture: they change on every run and only add noise to diffs."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if len(data) > 1 and _ADDRESS.match(data.get("text/plain", "")):
                del data["text/plain"]


def execute(path: Path, timeout: int = 120) -> float:
    """Run the notebook at `path` in a fresh kernel, save it with outputs; return seconds."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as cwd:
        # No per-cell timestamps: they would change every saved cell on every run.
        NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                       store_widget_state=False,
                       resources={"metadata": {"path": cwd}}).execute()
    seconds = time.perf_counter() - start
    # No widget state is saved: each widget output carries its own `text/html` form
    # (step_through's is a self-contained stepper), which nbconvert's HTML export,
    # notebook viewers and the documentation show, fetching no widget script.
    nb.metadata.pop("widgets", None)
    _drop_addresses(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return seconds


def handouts() -> dict[Path, Path]:
    """Each hand-out in this folder -> the notebook with its solutions."""
    return {HERE / p.name.replace("_solutions.ipynb", ".ipynb"): p
            for p in sorted(SOLUTIONS.glob("*_solutions.ipynb"))}


def write_handout(solutions: Path, handout: Path) -> None:
    """Write `handout` from `solutions` with the command learners' teachers use."""
    subprocess.run([sys.executable, "-m", "autograd_core", "exercises", str(solutions),
                    "--blank", str(handout)], check=True)


def main(names: list[str]) -> None:
    """Execute the named notebooks (all of them if none is named), then write the
    hand-outs of the exercise notebooks among them."""
    pairs = handouts()
    if names:
        paths = [HERE / n for n in names]
    else:
        paths = [p for p in sorted(HERE.glob("*.ipynb")) if p not in pairs]
        paths += sorted(pairs.values())
    # The kernels import this checkout's packages, as an installed copy would be.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(HERE.parent), os.environ.get("PYTHONPATH", "")) if p)
    for path in paths:
        if path in pairs:
            raise SystemExit(f"{path.name} is a hand-out: build {pairs[path].name} instead")
        print(f"{path.name}: {execute(path):.1f} s", flush=True)
    for handout, solutions in pairs.items():
        if solutions.resolve() in [p.resolve() for p in paths]:
            write_handout(solutions, handout)


if __name__ == "__main__":
    main(sys.argv[1:])
