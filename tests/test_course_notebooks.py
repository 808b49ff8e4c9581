"""The course notebooks after micrograd: makemore's MLP trains on `nn.datasets.names()`
with `Embedding` and `BatchNorm1d`, the convolutions notebook trains a CNN with `Conv2d`
and `MaxPool2d` on the digits to 98%, and the normalisation notebook compares BatchNorm
with LayerNorm. They run in tests/test_notebooks.py; here, what their committed outputs
(saved from such a run) and sources show."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _read(name: str) -> tuple[str, str]:
    """The notebook's code, and the text its code cells printed in the committed run."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    source = "\n".join(c.source for c in cells)
    printed = "".join(o.get("text", "") for c in cells for o in c.outputs
                      if o.output_type == "stream")
    return source, printed


@pytest.mark.parametrize("name, names", [
    ("10_makemore_the_mlp.ipynb", ["nn.datasets.names()", "nn.Embedding(", "nn.BatchNorm1d(",
                                   "nn.Tanh()", "nn.Linear(", "nn.init.kaiming_normal_(",
                                   "nn.callbacks.Diagnostics()", "model.eval()"]),
    ("11_convolutions.ipynb", ["nn.datasets.digits()", "nn.Conv2d(", "nn.MaxPool2d(",
                               "draw_graph(", "nn.to_torch(", "import torch"]),
    ("12_normalisation.ipynb", ["nn.BatchNorm1d(", "nn.LayerNorm(", "running_mean",
                                ".eval()"]),
])
def test_uses_the_layers_it_teaches(name: str, names: list[str]) -> None:
    source, _ = _read(name)
    missing = [n for n in names if n not in source]
    assert not missing, f"{name} does not use {missing}"


def test_makemore_beats_the_bigrams_and_samples_names() -> None:
    _, out = _read("10_makemore_the_mlp.ipynb")
    bigram = float(re.search(r"bigram model: negative log-likelihood ([\d.]+)", out)[1])
    assert 2.3 < bigram < 2.6  # counts of real names, smoothed
    dev = float(re.search(r"'dev': ([\d.]+)", out)[1])
    assert dev < bigram, out
    assert "as expected: each step (Kaiming init, then BatchNorm) saturates fewer" in out
    saturated = [float(s) for s in re.findall(r"saturated tanh outputs\s+([\d.]+)%", out)]
    assert len(saturated) == 3 and saturated[0] > 50 > 10 > saturated[2]
    samples = re.findall(r"^\[('[a-z]*'(?:, '[a-z]*')*)\]$", out, re.MULTILINE)
    assert len(samples) == 2  # the bigram model's names, then the MLP's


def test_the_cnn_reaches_98_percent_and_matches_pytorch() -> None:
    _, out = _read("11_convolutions.ipynb")
    accuracy = float(re.search(r"test accuracy ([\d.]+)% \((\d+) of 359 digits\)", out)[1])
    assert accuracy >= 98.0
    assert "at least 98%, as expected of this CNN" in out
    assert "w.grad is the sum of the windows, as expected" in out
    assert "the same model, to float64 rounding" in out  # torch was installed for the run


def test_normalisation_shows_train_and_eval_and_a_batch_of_one() -> None:
    _, out = _read("12_normalisation.ipynb")
    assert "ValueError: batch_norm: expected more than 1 value per channel" in out
    m = re.search(r"eval mode:\s+([+-][\d.]+) in batch A, ([+-][\d.]+) in batch B, "
                  r"([+-][\d.]+) alone; .* = ([+-][\d.]+)", out)
    assert m and len(set(m.groups())) == 1  # eval: the sample's own output, by the formula
    m = re.search(r"training mode: the sample gives ([+-][\d.]+) in batch A and "
                  r"([+-][\d.]+) in batch B", out)
    assert m and m[1] != m[2]  # training: it depends on its batchmates
    assert "the running statistics are near the data's" in out


def test_the_convolutions_notebook_runs_without_torch(monkeypatch, capsys) -> None:
    """Without PyTorch, the import cell leaves `torch = None` and the cell that carries
    the model says it is skipped (the other cells do not use torch)."""
    nb = nbformat.read(NOTEBOOKS / "11_convolutions.ipynb", as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    uses_torch = [i for i, s in enumerate(cells) if "torch" in s]
    assert uses_torch == [0, len(cells) - 1], uses_torch  # the imports, and the last cell
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch fails
    namespace: dict = {}
    exec(cells[0], namespace)
    assert namespace["torch"] is None
    exec(cells[-1], namespace)
    assert "PyTorch is not installed: this section is skipped" in capsys.readouterr().out
