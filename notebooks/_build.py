"""Execute notebooks top to bottom and save them with their outputs.

    python notebooks/_build.py                      # every notebook in this folder
    python notebooks/_build.py 01_values_and_graphs.ipynb

Each notebook runs in a fresh `python3` kernel, with a temporary directory as the
working directory so that files written by the notebooks do not land in the
repository. The saved outputs (graph SVGs, plots) are what readers see where the
notebooks are hosted.
"""
from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
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


def main(names: list[str]) -> None:
    """Execute the named notebooks (all of them if none is named)."""
    paths = [HERE / n for n in names] if names else sorted(HERE.glob("*.ipynb"))
    # What a notebook imports from beside itself (solutions/) is found as when
    # Jupyter runs it from this folder.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(HERE), os.environ.get("PYTHONPATH", "")) if p)
    for path in paths:
        print(f"{path.name}: {execute(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
