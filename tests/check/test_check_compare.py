"""`check.compare` and `check.compare_all` on the real gradients of a makemore-style
MLP: the right answers pass, and each classic mistake of backprop by hand gets
its diagnosis, in the printed row."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograd_core import Value, check
from autograd_core.check.arrays import row as compare_row

ROOT = Path(__file__).resolve().parents[2]


def test_every_hand_written_gradient_matches_the_engine(mlp, capsys):
    assert check.compare_all(mlp["mine"], mlp["values"])
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["name", "exact", "close", "max", "diff"]
    assert "26 of 26 close" in out
    for name in mlp["mine"]:
        assert any(line.split()[:1] == [name] and line.split()[2] == "True"
                   for line in out.splitlines()), name


def test_a_row_is_printed_and_close_is_returned(mlp, capsys):
    assert check.compare("logprobs", mlp["mine"]["logprobs"], mlp["values"]["logprobs"])
    line = capsys.readouterr().out.strip()
    assert line == "logprobs | exact: True  | close: True  | max diff: 0"


MISTAKES = {
    # name: (the mistake, what the row must say)
    "transposed": ("W2", lambda m: m["W2"].T, "transposed: (27, 64) vs (64, 27): use .T"),
    "unsummed bias": ("b2", lambda m: m["logits"],
                      "(32, 27) vs (27,): sum over axis 0"),
    "unsummed kept axis": ("bnbias", lambda m: m["hpreact"],
                           "(32, 64) vs (1, 64): sum over axis 0, keepdims=True"),
    "x32": ("logits", lambda m: m["logits"] * 32, "x32, the batch size?"),
    "mean for sum": ("logprobs", lambda m: m["logprobs"] / 32, "/32, the batch size?"),
    "sign": ("h", lambda m: -m["h"], "the wrong sign"),
    "zeros": ("hpreact", lambda m: np.zeros_like(m["hpreact"]), "all zeros"),
    "NaN": ("counts", lambda m: np.where(np.arange(27) == 3, np.nan, m["counts"]),
            "NaN in 32 of 864 elements (the first at index (0, 3))"),
    "float32": ("probs", lambda m: m["probs"].astype(np.float32),
                "the wrong dtype: float32 where float64 is right"),
    "Bessel": ("bnvar", lambda m: m["bnvar"] * 31 / 32,
               "divided by n = 32 where n-1 = 31 is right"),
    "keepdims": ("bngain", lambda m: m["bngain"][0],
                 "the right numbers in the wrong shape: (64,) vs (1, 64)"),
}


@pytest.mark.parametrize("case", list(MISTAKES))
def test_each_classic_mistake_is_named(mlp, case, capsys):
    name, mistake, says = MISTAKES[case]
    assert not check.compare(name, mistake(mlp["mine"]), mlp["values"][name])
    row, diagnosis = capsys.readouterr().out.splitlines()
    assert row.startswith(f"{name} | exact: False | close: False | max diff: ")
    assert says in diagnosis


def test_the_batch_size_is_named_from_the_whole_table(mlp, capsys):
    # b2 is (27,): alone it cannot tell that 32 is the batch; beside logits it can.
    mine = {"logits": mlp["mine"]["logits"], "b2": mlp["mine"]["b2"] / 32}
    assert not check.compare_all(mine, {k: mlp["values"][k] for k in mine})
    out = capsys.readouterr().out
    b2 = next(line for line in out.splitlines() if line.startswith("b2 "))
    assert "off by a constant factor: /32, the batch size?" in b2
    assert "1 of 2 close" in out


WORDS = ("transposed", "sum over", "factor", "sign", "zeros", "NaN", "dtype", "shape",
         "Bessel", "infinity")


@pytest.mark.parametrize("name", ["W1", "bnraw", "logits", "C"])
def test_an_unrelated_array_gets_no_invented_diagnosis(mlp, name, capsys):
    right = mlp["values"][name].grad
    unrelated = np.random.default_rng(7).standard_normal(right.shape) * right.std()
    assert not check.compare(name, unrelated, mlp["values"][name])
    diagnosis = capsys.readouterr().out.splitlines()[1]
    assert "elements differ; the largest difference is at index" in diagnosis
    assert not any(word in diagnosis for word in WORDS), diagnosis


def test_an_unrelated_shape_is_only_named():
    right = Value(np.ones((4, 5)))
    right.sum().backward()
    row = compare_row("x", np.ones((3, 7)), right)
    assert not row.close and row.diagnosis == "the wrong shape: (3, 7) vs (4, 5)"


def test_strict_raises_mismatch_with_the_row_and_diagnosis(mlp, capsys):
    with pytest.raises(check.Mismatch) as info:
        check.compare("W2", mlp["mine"]["W2"].T, mlp["values"]["W2"], strict=True)
    assert isinstance(info.value, AssertionError)
    assert str(info.value).startswith("W2 | exact: False | close: False")
    assert "transposed" in str(info.value)
    with check.strict():
        assert check.compare("W2", mlp["mine"]["W2"], mlp["values"]["W2"])  # close: no raise
        with pytest.raises(check.Mismatch, match=r"(?s)b2 .*sum over axis 0"):
            check.compare_all({"W2": mlp["mine"]["W2"], "b2": mlp["mine"]["logits"]},
                              {"W2": mlp["values"]["W2"], "b2": mlp["values"]["b2"]})
        assert not check.compare("h", -mlp["mine"]["h"], mlp["values"]["h"], strict=False)
    assert not check.compare("h", -mlp["mine"]["h"], mlp["values"]["h"])  # strict ended


def test_unknown_names_and_none_and_more_references(mlp, capsys):
    # All the forward's Values as references: only the names given are compared.
    assert not check.compare_all({"W2": None, "b3": mlp["mine"]["b2"]}, mlp["values"])
    out = capsys.readouterr().out
    assert "not computed yet: it is None" in out and "no reference of this name" in out
    assert "0 of 2 close" in out and len(out.splitlines()) == 4
    assert check.compare_all({"b2": mlp["mine"]["b2"]}, mlp["values"])


def test_reference_arrays_and_float32_engines():
    assert check.compare("a", np.arange(3.0), np.arange(3.0))
    # A float32 engine's gradient and a float32 hand-written one: float32 tolerances.
    right = np.linspace(0, 1, 5, dtype=np.float32)
    assert check.compare("a", right * np.float32(1 + 3e-7), right)


def test_bad_references_are_refused():
    with pytest.raises(ValueError, match="has no .grad yet"):
        check.compare("x", np.ones(2), Value(np.ones(2)))
    with pytest.raises(TypeError, match="must be a Value or an array of numbers"):
        check.compare("x", np.ones(2), "logits")
    with pytest.raises(TypeError, match="expected two dicts"):
        check.compare_all([np.ones(2)], {"x": np.ones(2)})


LAZY = """
import sys, autograd_core
before = "autograd_core.check" in sys.modules
print(before, autograd_core.check.compare("x", [1.0], [1.0]))
"""


@pytest.mark.slow
def test_check_is_loaded_on_first_use():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", LAZY], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "False True"
